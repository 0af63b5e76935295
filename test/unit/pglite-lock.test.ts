import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";

describe("embedded database directory lock", () => {
  const dir = mkdtempSync(join(tmpdir(), "jb-lock-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second opener while the first holds it, and frees it on close", async () => {
    const dataDir = join(dir, "pglite");
    const first = await openDatabase({ driver: "pglite", dataDir });
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    // The same pid would pass; pretend to be another live process (our parent).
    writeFileSync(`${dataDir}.lock`, String(process.ppid));
    await expect(openDatabase({ driver: "pglite", dataDir })).rejects.toThrow(/in use by process/);
    writeFileSync(`${dataDir}.lock`, String(process.pid));
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await openDatabase({ driver: "pglite", dataDir });
    await again.close();
  });

  it("takes over a lock left by a process that is gone", async () => {
    const dataDir = join(dir, "stale");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(`${dataDir}.lock`, "999999999");
    const db = await openDatabase({ driver: "pglite", dataDir });
    await db.close();
  });
});
