import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { hardConstraints } from "../../src/modules/matching/match-constraints.js";
import type { MatchRules } from "../../src/modules/matching/match-rules.js";
import { educationLevel, postingKind } from "../../src/modules/postings/posting.table.js";
import { multiplyPostings, printTable, startBenchServer } from "./harness.js";

const BENCH_SECRET = "bench-only-secret-bench-only-secret-0123456789";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;

async function run(cmd: string[], env: Record<string, string>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, cmd, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd.join(" ")} exited ${code}`))));
  });
}

/** The targets by scale: issue 25's at 100,000 open postings, and at a province's 1,000,000. */
function targetsFor(postings: number) {
  return postings >= 1_000_000
    ? { buildMs: 120_000, rssMb: 3_072, p50: 20, p99: 80, ratio: Infinity }
    : { buildMs: 30_000, rssMb: Infinity, p50: 8, p99: 30, ratio: 1.5 };
}

const loads = () => loadavg().map((l) => l.toFixed(2)).join(" / ");

/**
 * Matching at scale (embedded engine): 100,000 open postings (`--postings`: the demo's real and
 * generated ones, multiplied across Fujian's counties) and 10,000 people. Each run starts the
 * server (the embedded index built at start-up), warms up, then asks `matches(first: 10)` over
 * HTTP for 300 people, each beside a raw engine query (searchPostings with the person's words and
 * their hard constraints as the filter) — `--runs` runs (3), medians reported. BENCH_DATABASE
 * reuses a database a run kept (BENCH_KEEP_DB=1) instead of generating one. BENCH_BASELINE names
 * another checkout, built (e.g. a `git worktree` of the commit before a change): each run measures
 * its server too, on the same database, just before this one's, and both are reported.
 */
export async function matchingBench(opts: { duration: number; connections: number; people?: number; postings?: number; runs?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("matching bench: set DATABASE_URL (the 100,000 postings are generated in SQL before the server starts)");
    return false;
  }
  const target = opts.postings ?? 100_000;
  const runs = opts.runs ?? 3;
  console.log(`matching bench: load average at the start ${loads()} on ${cpus().length} cores`);
  // 1. A database with the demo, 10,000 people and 100,000 postings (or the one BENCH_DATABASE names).
  let databaseUrl = process.env.BENCH_DATABASE;
  if (!databaseUrl) {
    const first = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET });
    databaseUrl = first.databaseUrl!;
    await first.stop({ keepDatabase: true });
    await run(["dist/src/cli/main.js", "seed", "--people", String(opts.people ?? 10_000)], { DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: BENCH_SECRET, PII_KEY: Buffer.alloc(32, 1).toString("base64"), NODE_ENV: "production" });
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  if (!process.env.BENCH_DATABASE) {
    await multiplyPostings(client, target);
    await client.query("delete from posting_changes");
    await client.query("analyze");
  }
  const { rows: [open] } = await client.query<{ n: number }>("select count(*)::int as n from postings where status = 'OPEN'");
  const { rows: [peopleCount] } = await client.query<{ n: number }>("select count(*)::int as n from people");
  // Each person's hard constraints and words, so the raw query asks the engine exactly what matches asks.
  const { rows: people } = await client.query<{ id: string; text: string } & Parameters<typeof hardConstraints>[0]>(
    `select id, array_to_string(intention_keywords || coalesce(major, '') || skills, ' ') as text, degree_level as "degreeLevel",
            household_region_code as "householdRegionCode", origin_region_code as "originRegionCode", intention_region_codes as "intentionRegionCodes",
            willing_to_relocate as "willingToRelocate", open_to_labour_cooperation as "openToLabourCooperation", registered_poverty as "registeredPoverty"
     from people order by md5(id::text) limit 300`,
  );
  // What the place rule reads besides the person (the same as the server reads): places, the rules in force, populations.
  const { rows: placeRows } = await client.query<{ code: string; name: string; lng: number | null; lat: number | null }>("select code, name, lng, lat from regions");
  const places = new Map(placeRows.map((r) => [r.code, r]));
  const { rows: [policy] } = await client.query<{ rules: MatchRules }>("select rules from matching_policies where effective_from <= current_date order by effective_from desc, version desc limit 1");
  const { rows: populationRows } = await client.query<{ person_id: string; populations: string[] }>(
    "select pc.person_id, array_agg(distinct tc.population::text) as populations from person_categories pc join target_categories tc on tc.id = pc.category_id where pc.person_id = any($1::uuid[]) group by 1",
    [people.map((p) => p.id)],
  );
  const populations = new Map(populationRows.map((r) => [r.person_id, new Set(r.populations)]));
  await client.end();
  const rawFilter = (p: (typeof people)[number]) => {
    const c = hardConstraints(p as never, { places, rules: policy!.rules, populations: populations.get(p.id) ?? new Set() });
    return { regionCodes: c.regionPrefixes, educationAtMost: educationLevel.enumValues[c.educationAtMost], kind: postingKind.enumValues.filter((k) => !c.excludeKinds?.includes(k)) };
  };
  const MATCHES = `query($id: ID!) { person(id: $id) { matches(first: 10) { items { score posting { id title } } } } }`;
  const RAW = `query($q: String, $f: PostingSearchFilter) { searchPostings(query: $q, filter: $f, first: 10) { edges { node { id title } } } }`;

  // 2. Each run: the server again, building its embedded index from all of it, then the requests.
  interface Run {
    buildMs: number;
    indexed: number;
    readyMs: number;
    rssMb: number;
    /** After the requests too (the engine's remembered filters and word bits grown): the larger is judged. */
    rssAfterMb: number;
    p50: number;
    p99: number;
    rawP50: number;
    rawP99: number;
  }
  const results: Run[] = [];
  const baselineResults: Run[] = [];
  const baseline = process.env.BENCH_BASELINE;
  try {
    for (let r = 0; r < runs; r++) {
      for (const [cwd, into, label] of [...(baseline ? [[baseline, baselineResults, "baseline"] as const] : []), [undefined, results, "this checkout"] as const]) {
        const started = performance.now();
        const server = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET, DATABASE_URL: databaseUrl, SEED_DEMO: "never", LOG_LEVEL: "info" }, { captureStdout: true, reuseDatabase: true, ...(cwd ? { cwd } : {}) });
        const readyMs = performance.now() - started;
        try {
          // The start-up step's log line: {"step":"search","ms":…,"msg":"search: indexed 103,842 postings (embedded engine) …"}.
          const found = /"ms":(\d+),"msg":"search: indexed ([\d,]+) postings/.exec(server.stdout());
          if (!found) throw new Error("matching bench: the server did not log its index build (search: indexed N postings)");
          const rssNow = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
          const rssMb = rssNow();
          const token = await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" }, { sub: "bench", role: Role.ADMIN }, "2h");
          const post = async (query: string, variables: Record<string, unknown>) => {
            const t0 = performance.now();
            const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
            const body = (await res.json()) as { errors?: unknown };
            if (body.errors) throw new Error(JSON.stringify(body.errors));
            return performance.now() - t0;
          };
          // Warm-up: a first pass over the people with both queries (the engine's per-word bits, the JIT).
          for (const p of people) {
            await post(MATCHES, { id: p.id });
            await post(RAW, { q: p.text.trim() || null, f: rawFilter(p) });
          }
          const matchMs: number[] = [];
          const rawMs: number[] = [];
          for (const p of people) {
            matchMs.push(await post(MATCHES, { id: p.id }));
            rawMs.push(await post(RAW, { q: p.text.trim() || null, f: rawFilter(p) }));
          }
          const rssAfterMb = rssNow();
          into.push({ buildMs: Number(found[1]), indexed: Number(found[2]!.replaceAll(",", "")), readyMs, rssMb, rssAfterMb, p50: median(matchMs), p99: pct(matchMs, 0.99), rawP50: median(rawMs), rawP99: pct(rawMs, 0.99) });
          console.log(`run ${r + 1}/${runs}, ${label}: build ${(Number(found[1]) / 1000).toFixed(1)} s, RSS ${rssMb.toFixed(0)} MB (${rssAfterMb.toFixed(0)} MB after the requests), matches p50/p99 ${median(matchMs).toFixed(1)}/${pct(matchMs, 0.99).toFixed(1)} ms, raw ${median(rawMs).toFixed(1)}/${pct(rawMs, 0.99).toFixed(1)} ms; load ${loads()}`);
        } finally {
          await server.stop({ keepDatabase: true });
        }
      }
    }
  } finally {
    // BENCH_KEEP_DB=1 keeps the generated database for profiling or BENCH_DATABASE (its URL is printed).
    if (!process.env.BENCH_DATABASE) {
      if (process.env.BENCH_KEEP_DB) console.log(`kept database: ${databaseUrl}`);
      else {
        const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await admin.connect();
        await admin.query(`drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
        await admin.end();
      }
    }
  }
  const medians = (of: Run[]) => {
    const m = (pick: (r: Run) => number) => median(of.map(pick));
    return { buildMs: m((r) => r.buildMs), rssMb: m((r) => r.rssMb), rssAfterMb: m((r) => r.rssAfterMb), p50: m((r) => r.p50), p99: m((r) => r.p99), rawP50: m((r) => r.rawP50), rawP99: m((r) => r.rawP99), ratio: m((r) => r.p50 / r.rawP50) };
  };
  const figures = medians(results);
  const before = baseline ? medians(baselineResults) : null;
  const goal = targetsFor(target);
  console.log(`\nmatching — embedded engine over ${open!.n} open postings, ${peopleCount!.n} people (postgres); 300 people, sequential requests over HTTP; medians of ${runs} runs${baseline ? `; baseline: ${baseline}` : ""}\n`);
  const was = (text: (f: typeof figures) => string): Record<string, string> => (before ? { baseline: text(before) } : {});
  printTable([
    { measure: "embedded index build at start-up", value: `${(figures.buildMs / 1000).toFixed(1)} s for ${results[0]!.indexed} postings`, ...was((f) => `${(f.buildMs / 1000).toFixed(1)} s`), target: `≤ ${goal.buildMs / 1000} s` },
    { measure: "server RSS after the build / after the requests", value: `${figures.rssMb.toFixed(0)} / ${figures.rssAfterMb.toFixed(0)} MB`, ...was((f) => `${f.rssMb.toFixed(0)} / ${f.rssAfterMb.toFixed(0)} MB`), target: goal.rssMb === Infinity ? "" : `≤ ${goal.rssMb} MB` },
    { measure: "matches(first: 10) p50 / p99", value: `${figures.p50.toFixed(1)} / ${figures.p99.toFixed(1)} ms`, ...was((f) => `${f.p50.toFixed(1)} / ${f.p99.toFixed(1)} ms`), target: `≤ ${goal.p50} / ${goal.p99} ms` },
    { measure: "raw engine query (searchPostings) p50 / p99", value: `${figures.rawP50.toFixed(1)} / ${figures.rawP99.toFixed(1)} ms`, ...was((f) => `${f.rawP50.toFixed(1)} / ${f.rawP99.toFixed(1)} ms`), target: "" },
    { measure: "ratio matches / raw (p50)", value: figures.ratio.toFixed(2), ...was((f) => f.ratio.toFixed(2)), target: goal.ratio === Infinity ? "" : `≤ ${goal.ratio}` },
  ]);
  console.log(`load average at the end: ${loads()}`);
  const ok = figures.buildMs <= goal.buildMs && Math.max(figures.rssMb, figures.rssAfterMb) <= goal.rssMb && figures.p50 <= goal.p50 && figures.p99 <= goal.p99 && figures.ratio <= goal.ratio;
  console.log(ok ? "OK" : "BELOW TARGET");
  return ok;
}
