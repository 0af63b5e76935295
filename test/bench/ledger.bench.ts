import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import pg from "pg";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { generatePeopleCsv, regionsForGenerator, type GeneratorRegions } from "../../seed/people.js";
import { median, printRuns, printTable, repeatRuns, rssMb, startBenchServer, type BenchServer } from "./harness.js";

const BENCH_SECRET = "bench-only-secret-bench-only-secret-0123456789";

/** Region lists for the generator, read from the migrated database the server uses. */
async function regionsFrom(url: string | undefined): Promise<GeneratorRegions> {
  const rows: { code: string; poverty52: boolean }[] = [];
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    rows.push(...(await client.query<{ code: string; poverty52: boolean }>("select code, poverty52 from regions where level = 'COUNTY'")).rows);
    await client.end();
  } else {
    // PGlite: the same reference data, read from the CSVs the migration was made from.
    const { parseRegionsCsv } = await import("../../seed/51job/region-parser.js");
    const poverty = new Set(readFileSync("seed/data/poverty52_2020.csv", "utf8").split("\n").slice(1).map((l) => l.split(",")[0]));
    for (const r of parseRegionsCsv(readFileSync("seed/data/regions-cn-2023.csv", "utf8"))) if (r.level === "county") rows.push({ code: r.code, poverty52: poverty.has(r.code) });
  }
  return regionsForGenerator(rows);
}

async function writeCsv(path: string, count: number, regions: GeneratorRegions, seed: number): Promise<number> {
  const out = createWriteStream(path);
  for await (const chunk of generatePeopleCsv(count, regions, seed)) if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  out.end();
  await finished(out);
  return statSync(path).size;
}

/** Streams a file to POST /imports/people while sampling the server's RSS. */
async function timedImport(url: string, token: string, file: string, pid: number) {
  const samples: number[] = [rssMb(pid)];
  const timer = setInterval(() => samples.push(rssMb(pid)), 100);
  const started = performance.now();
  const res = await fetch(url.replace("/graphql", "/imports/people"), {
    method: "POST",
    headers: { "content-type": "text/csv", authorization: `Bearer ${token}` },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const body = (await res.json()) as { data?: { importPeople: { rows: number; created: number; rejectedCount: number } }; errors?: unknown };
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  samples.push(rssMb(pid));
  if (!body.data) throw new Error(`import failed: ${JSON.stringify(body.errors)}`);
  return { ...body.data.importPeople, seconds, rssStart: samples[0]!, rssPeak: Math.max(...samples), rssEnd: samples.at(-1)! };
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

/**
 * The ledger at scale: a 20,000-row and a 100,000-row CSV streamed through POST /imports/people
 * (rows/s; server RSS before, at peak and after — flat memory means the peak does not grow with
 * the file), then campaignProgress over everyone, by each grouping, today and as of a past date.
 * Each run on a fresh server and database, after an untimed warm-up import of 1,000 rows; `runs`
 * runs (3), the targets judged on the medians.
 */
export async function ledgerBench(opts: { duration: number; connections: number; people?: number; runs?: number }): Promise<boolean> {
  const total = opts.people ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), "jb-ledger-bench-"));
  try {
    const token = await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" }, { sub: "bench", role: Role.ADMIN }, "2h");
    const warm = join(dir, "people-warm-up.csv");
    const small = join(dir, "people-20k.csv");
    const large = join(dir, `people-${total}.csv`);
    // The files once, from the first server's regions (every run's database has the same).
    let files: { smallBytes: number; largeBytes: number } | undefined;
    let last!: Awaited<ReturnType<typeof ledgerRun>>;
    let rejected = 0;
    const repeated = await repeatRuns(opts.runs ?? 3, async () => {
      const server = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET });
      try {
        if (!files) {
          const regions = await regionsFrom(server.databaseUrl);
          await writeCsv(warm, 1000, regions, 10);
          files = { smallBytes: await writeCsv(small, Math.round(total / 5), regions, 11), largeBytes: await writeCsv(large, total, regions, 12) };
        }
        last = await ledgerRun(server, token, { warm, small, large, ...files });
      } finally {
        await server.stop();
      }
      rejected += last.imports.reduce((n, r) => n + r.rejectedCount, 0);
      return {
        "20% rows/s": last.imports[0]!.rows / last.imports[0]!.seconds,
        "all rows/s": last.imports[1]!.rows / last.imports[1]!.seconds,
        "all: RSS peak MB": last.imports[1]!.rssPeak,
        "slowest progress p50 ms": Math.max(...last.timings.map((t) => t.p50)),
      };
    });
    console.log(`\nledger import — ${last.driver}, POST /imports/people, server in its own process (the last run)\n`);
    printTable(
      last.imports.map((r) => ({
        file: `${r.rows} rows (${(r.bytes / 1e6).toFixed(1)} MB)`,
        seconds: r.seconds.toFixed(1),
        "rows/s": Math.round(r.rows / r.seconds),
        created: r.created,
        rejected: r.rejectedCount,
        "RSS start MB": r.rssStart.toFixed(0),
        "RSS peak MB": r.rssPeak.toFixed(0),
        "RSS end MB": r.rssEnd.toFixed(0),
      })),
    );
    console.log(`\ncampaignProgress over the whole ledger (10 timed runs each after 2 untimed, over HTTP; the last run)\n`);
    printTable(last.timings.map((t) => ({ query: t.query, "p50 ms": t.p50.toFixed(0), "p95 ms": t.p95.toFixed(0), people: t.people })));
    console.log(`\neach run's figures and their medians\n`);
    printRuns(repeated);
    const rate = repeated.median["all rows/s"];
    const slowest = repeated.median["slowest progress p50 ms"];
    const ok = rejected === 0 && rate >= 2000 && slowest < 500;
    console.log(`\nimport ${Math.round(rate)} rows/s (median of ${repeated.runs.length}; target ≥ 2,000 on PostgreSQL); slowest campaignProgress median ${slowest.toFixed(0)} ms (target < 500); rows rejected ${rejected}`);
    console.log(ok ? "OK" : "BELOW TARGET");
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One run on a fresh server: the warm-up import (not reported), the two timed imports, then campaignProgress by each grouping. */
async function ledgerRun(server: BenchServer, token: string, files: { warm: string; small: string; large: string; smallBytes: number; largeBytes: number }) {
  await timedImport(server.url, token, files.warm, server.pid);
  const imports = [
    { file: "20% of the rows", bytes: files.smallBytes, ...(await timedImport(server.url, token, files.small, server.pid)) },
    { file: "all rows", bytes: files.largeBytes, ...(await timedImport(server.url, token, files.large, server.pid)) },
  ];
  // The as-of-date path reads the status history. For it to count everyone, the ledger must have
  // existed then: on PostgreSQL, date the registrations back into the 2020 campaign.
  if (server.databaseUrl) {
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    await client.query("update people set created_at = '2020-10-15'");
    await client.query("update person_category_history set valid_from = '2020-10-15'");
    await client.query("analyze people");
    await client.end();
  }
  const queries: [string, string][] = [];
  for (const g of ["REGION", "INSTITUTION", "CATEGORY"]) {
    queries.push([`${g}, today`, `{ campaignProgress(groupBy: ${g}) { rows { key registered employed } total { registered } } }`]);
    queries.push([`${g}, as of 2020-11-30`, `{ campaignProgress(groupBy: ${g}, asOf: "2020-11-30") { rows { key registered employed } total { registered } } }`]);
  }
  const timings = [];
  let registered = 0;
  for (const [name, query] of queries) {
    const ms: number[] = [];
    for (let i = 0; i < 12; i++) {
      const started = performance.now();
      const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { data?: { campaignProgress: { total: { registered: number } } }; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      registered = body.data.campaignProgress.total.registered;
      if (i >= 2) ms.push(performance.now() - started); // two warm-up runs
    }
    timings.push({ query: name, p50: median(ms), p95: p95(ms), people: registered });
  }
  return { driver: server.driver, imports, timings };
}
