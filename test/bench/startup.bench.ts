import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../src/paths.js";
import { repeatRuns } from "./harness.js";

/** What `npm start` is held to on this machine, idle (issue 19). */
const TARGETS = { freshSeconds: 15, restartSeconds: 6 };
const QUERY = JSON.stringify({ query: "{ searchPostings(query: \"会计\", first: 1) { totalCount } }" });

/** Whether any process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `npm start` (build included) on `dataDir` and times it to the first answered searchPostings;
 * then stops the whole process group (npm, its shell, the server) and waits until every one of them
 * has gone — the server drains before it lets go of the port and the data directory.
 */
async function timeToFirstAnswer(dataDir: string, port: number): Promise<number> {
  const began = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: "development", SEED_DEMO: "auto", PORT: String(port), PGLITE_DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn" },
    stdio: "ignore",
    detached: true,
  });
  const pgid = child.pid!;
  try {
    for (;;) {
      if (performance.now() - began > 180_000) throw new Error("npm start gave no answer within 180 s");
      if (!groupAlive(pgid)) throw new Error("npm start exited before answering");
      const answer = await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: QUERY }).then(
        (r) => r.json() as Promise<{ data?: { searchPostings?: { totalCount?: unknown } } }>,
        () => null,
      );
      if (typeof answer?.data?.searchPostings?.totalCount === "number") return (performance.now() - began) / 1000;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, "SIGTERM");
    for (const deadline = Date.now() + 60_000; groupAlive(pgid); ) {
      if (Date.now() > deadline) process.kill(-pgid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Node's own floor: a process started and answering nothing (the baseline of this run). */
async function nodeFloor(): Promise<number> {
  const began = performance.now();
  await new Promise((r) => spawn(process.execPath, ["-e", ""], { stdio: "ignore" }).once("exit", r));
  return (performance.now() - began) / 1000;
}

/**
 * `npm run bench -- startup [--runs 3]`: `npm start` on a fresh data directory (build, migrations,
 * the demo seeded, the index built) to the first answered searchPostings, and a restart on the same
 * directory; after one untimed fresh start, medians of `runs` (each run's figures printed), against
 * node's own start-up as the baseline and the targets.
 */
export async function startupBench(opts: { runs?: number } = {}): Promise<boolean> {
  const runs = opts.runs ?? 3;
  // Warm-up, not counted: the first `npm start` also builds whatever changed and fills the file cache.
  const warm = mkdtempSync(join(tmpdir(), "startup-"));
  try {
    console.log(`warm-up (not counted): fresh start ${(await timeToFirstAnswer(join(warm, "pglite"), 4699)).toFixed(1)} s`);
  } finally {
    rmSync(warm, { recursive: true, force: true });
  }
  const { median } = await repeatRuns(runs, async (i) => {
    const floor = await nodeFloor();
    const dir = mkdtempSync(join(tmpdir(), "startup-"));
    try {
      const fresh = await timeToFirstAnswer(join(dir, "pglite"), 4700 + i);
      const restart = await timeToFirstAnswer(join(dir, "pglite"), 4700 + i);
      return { "node s": floor, "fresh s": fresh, "restart s": restart };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const row = (what: string, value: string) => console.log(`| ${what.padEnd(58)} | ${value.padEnd(12)} |`);
  console.log(`| ${"measure".padEnd(58)} | ${"value".padEnd(12)} |\n|${"-".repeat(60)}|${"-".repeat(14)}|`);
  row("baseline: node starts and exits (s, median)", median["node s"].toFixed(2));
  row(`fresh data directory → first searchPostings (s, median of ${runs})`, `${median["fresh s"].toFixed(1)} (≤ ${TARGETS.freshSeconds})`);
  row(`restart → first searchPostings (s, median of ${runs})`, `${median["restart s"].toFixed(1)} (≤ ${TARGETS.restartSeconds})`);
  row("fresh / baseline", (median["fresh s"] / median["node s"]).toFixed(0));
  row("restart / baseline", (median["restart s"] / median["node s"]).toFixed(0));
  return true;
}
