import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import type { ImportReport } from "../../src/modules/people/person-import.service.js";
import { syntheticResidentId } from "../../src/pii/resident-id.js";
import { unique } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

const id = (region: string, birth: string) => syntheticResidentId(region, birth, unique() % 400, "FEMALE");

describe("red team: the people import", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  it("2 (high): one CSV upload with a huge line cannot freeze the server — a line over the cap is refused as a bad row, the rest is read", async () => {
    const header = "name,idNumber,householdRegionCode,originRegionCode,备注";
    const row = (name: string) => `${name},${id("350102", "1998-03-04")},350102,350102,`;
    // Row 2 is just under the cap (64 KiB − 1 characters, padded in an ignored column): accepted.
    const justUnder = row("陈一");
    const underLine = justUnder + "x".repeat(65_535 - justUnder.length);
    // Row 3 is a 100 KB line: refused as a bad row, never parsed.
    const tooLong = row("林二") + "y".repeat(100_000);
    // Row 4 comes after it and is read as usual.
    const csv = [header, underLine, tooLong, row("黄三"), ""].join("\n");
    expect(underLine.length).toBe(65_535);

    const res = await fetch(t.url.replace("/graphql", "/imports/people"), {
      method: "POST",
      headers: { "content-type": "text/csv", authorization: `Bearer ${admin}` },
      body: csv,
    });
    expect(res.status).toBe(200);
    const report = ((await res.json()) as { data: { importPeople: ImportReport } }).data.importPeople;
    expect(report.rejected).toEqual([{ row: 3, column: null, code: "BAD_USER_INPUT", message: expect.stringMatching(/^row too long: over 65536 characters/) }]);
    expect(report).toMatchObject({ rows: 3, created: 2, rejectedCount: 1 });
  });
});
