import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
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

/**
 * Matching at scale (embedded engine): 100,000 open postings (the demo's real and generated ones,
 * multiplied across Fujian's counties) and 10,000 people. Reports the embedded index build at
 * start-up, the server's memory, and `matches(first: 10)` over HTTP against a raw engine query
 * (searchPostings with the person's words and their hard constraints as the filter) in the same run.
 */
export async function matchingBench(opts: { duration: number; connections: number; people?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("matching bench: set DATABASE_URL (the 100,000 postings are generated in SQL before the server starts)");
    return false;
  }
  // 1. A database with the demo, 10,000 people and 100,000 postings.
  const first = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET });
  const databaseUrl = first.databaseUrl!;
  await first.stop({ keepDatabase: true });
  await run(["dist/src/cli/main.js", "seed", "--people", String(opts.people ?? 10_000)], { DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: BENCH_SECRET, PII_KEY: Buffer.alloc(32, 1).toString("base64"), NODE_ENV: "production" });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await multiplyPostings(client, 100_000);
  await client.query("delete from posting_changes");
  await client.query("analyze");
  const { rows: [open] } = await client.query<{ n: number }>("select count(*)::int as n from postings where status = 'OPEN'");
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

  // 2. The server again, building its embedded index from all of it.
  const started = performance.now();
  const server = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET, DATABASE_URL: databaseUrl, SEED_DEMO: "never", LOG_LEVEL: "info" }, { captureStdout: true, reuseDatabase: true });
  const readyMs = performance.now() - started;
  // The start-up step's log line: {"step":"search","ms":…,"msg":"search: indexed 103,842 postings (embedded engine) …"}.
  const found = /"ms":(\d+),"msg":"search: indexed ([\d,]+) postings/.exec(server.stdout());
  if (!found) throw new Error("matching bench: the server did not log its index build (search: indexed N postings)");
  const built = [found[0], found[2]!.replaceAll(",", ""), found[1]!] as const;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
  try {
    const token = await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" }, { sub: "bench", role: Role.ADMIN }, "2h");
    const post = async (query: string, variables: Record<string, unknown>) => {
      const t0 = performance.now();
      const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return performance.now() - t0;
    };
    const MATCHES = `query($id: ID!) { person(id: $id) { matches(first: 10) { items { score posting { id title } } } } }`;
    const RAW = `query($q: String, $f: PostingSearchFilter) { searchPostings(query: $q, filter: $f, first: 10) { edges { node { id title } } } }`;
    const rawFilter = (p: (typeof people)[number]) => {
      const c = hardConstraints(p as never, { places, rules: policy!.rules, populations: populations.get(p.id) ?? new Set() });
      return { regionCodes: c.regionPrefixes, educationAtMost: educationLevel.enumValues[c.educationAtMost], kind: postingKind.enumValues.filter((k) => !c.excludeKinds?.includes(k)) };
    };
    for (const p of people.slice(0, 20)) await post(MATCHES, { id: p.id }); // warm-up
    const matchMs: number[] = [];
    const rawMs: number[] = [];
    for (const p of people) {
      matchMs.push(await post(MATCHES, { id: p.id }));
      rawMs.push(await post(RAW, { q: p.text.trim() || null, f: rawFilter(p) }));
    }
    console.log(`\nmatching — embedded engine over ${open!.n} open postings, ${opts.people ?? 10_000} people (${server.driver}); ${people.length} people, sequential requests over HTTP\n`);
    printTable([
      { measure: "embedded index build at start-up", value: `${(Number(built[2]) / 1000).toFixed(1)} s for ${built[1]} postings (server ready after ${(readyMs / 1000).toFixed(1)} s)` },
      { measure: "server RSS after the build", value: `${rss.toFixed(0)} MB` },
      { measure: "matches(first: 10) p50 / p99", value: `${median(matchMs).toFixed(1)} / ${pct(matchMs, 0.99).toFixed(1)} ms` },
      { measure: "raw engine query (searchPostings) p50 / p99", value: `${median(rawMs).toFixed(1)} / ${pct(rawMs, 0.99).toFixed(1)} ms` },
      { measure: "ratio matches / raw (p50)", value: (median(matchMs) / median(rawMs)).toFixed(2) },
    ]);
    const ok = Number(built[2]) <= 30_000 && median(matchMs) <= 15 && pct(matchMs, 0.99) <= 60 && median(matchMs) / median(rawMs) <= 1.5;
    console.log(ok ? "OK" : "BELOW TARGET (index build ≤ 30 s; matches p50 ≤ 15 ms, p99 ≤ 60 ms; ratio ≤ 1.5)");
    return ok;
  } finally {
    // BENCH_KEEP_DB=1 keeps the 100,000-posting database for profiling (its URL is printed).
    await server.stop({ keepDatabase: !!process.env.BENCH_KEEP_DB });
    if (process.env.BENCH_KEEP_DB) console.log(`kept database: ${databaseUrl}`);
  }
}
