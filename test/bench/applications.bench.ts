import { Agent } from "node:http";
import pg from "pg";
import { cli, cliBenchDatabase, dropBenchDatabase, printRuns, printTable, seekerTokens, startBenchServer, postGraphql, quantile, repeatRuns } from "./harness.js";

const APPLY = `mutation($p: ID!) { applyToPosting(postingId: $p) { id } }`;


/**
 * Seekers applying at once on PostgreSQL (issue 20): `seekers` people (2,000), each applying over HTTP
 * with their own token to one of `postings` open postings (200) — twice at the same moment, as a
 * double-clicked button sends it — `connections` seekers at a time. Then the database is checked:
 * exactly one application per person and posting, every one the server confirmed stored, and no
 * answer but success and CONFLICT. The same requests' baseline, `{ __typename }` with the same tokens
 * and connections, is measured in the same run. Reports p50/p99 of the applications and the baseline.
 *
 * An untimed warm-up (the first 100 seekers applying once), then `runs` runs (3): in each, every seeker
 * applies to another posting (run r: posting i + r), so each run's pairs are new; medians over the
 * runs. The checks cover every application made, the warm-up's too. (Each seeker applies runs + 1
 * times in a day: the policy's day allowance, 20, bounds the runs.)
 */
export async function applicationsBench(opts: { seekers?: number; postings?: number; connections: number; runs?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("applications bench: set DATABASE_URL (the races are PostgreSQL's)");
    return false;
  }
  const seekerCount = opts.seekers ?? 2_000;
  const postingCount = opts.postings ?? 200;
  const { databaseUrl, env } = await cliBenchDatabase();
  if ((await cli(["seed", "--people", String(Math.ceil(seekerCount * 1.05))], env)).code !== 0) throw new Error("seed failed");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let server: Awaited<ReturnType<typeof startBenchServer>> | undefined;
  try {
    const { rows: postings } = await client.query<{ id: string }>(
      `select id from postings where status = 'OPEN' and (valid_until is null or valid_until > now() + interval '30 days') order by id limit $1`,
      [postingCount],
    );
    if (postings.length < postingCount) throw new Error(`only ${postings.length} open postings`);
    const { rows: people } = await client.query<{ id: string }>(`select id from people order by id limit $1`, [seekerCount]);
    if (people.length < seekerCount) throw new Error(`only ${people.length} people`);
    const [{ n: before }] = (await client.query<{ n: number }>(`select count(*)::int as n from referrals where source = 'SELF'`)).rows as [{ n: number }];
    await client.query("analyze");

    server = await startBenchServer({ DATABASE_URL: databaseUrl, SEED_DEMO: "never", DATABASE_POOL_SIZE: "20" }, { reuseDatabase: true });
    const url = new URL(server.url);
    const tokens = await seekerTokens(people.map((p) => p.id));
    const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });

    // `connections` seekers at a time, each sending `send(i)` and waiting for its answers.
    const drive = async (send: (i: number) => Promise<void>, count = people.length) => {
      let next = 0;
      const started = Date.now();
      await Promise.all(Array.from({ length: opts.connections }, async () => {
        for (let i = next++; i < count; i = next++) await send(i);
      }));
      return (Date.now() - started) / 1000;
    };
    const codes = new Map<string, number>();
    const confirmed = new Map<string, string>();
    /** The first `count` seekers each applying, twice at once, to the posting `offset` along from their own; the latencies. */
    const applyRound = async (offset: number, count: number) => {
      const latencies: number[] = [];
      const seconds = await drive(async (i) => {
        const postingId = postings[(i + offset) % postings.length]!.id;
        const body = JSON.stringify({ query: APPLY, variables: { p: postingId } });
        // The same application twice at once: one is made, the other is CONFLICT.
        for (const r of await Promise.all([postGraphql(agent, url, tokens[i]!, body), postGraphql(agent, url, tokens[i]!, body)])) {
          latencies.push(r.ms);
          codes.set(r.code ?? "OK", (codes.get(r.code ?? "OK") ?? 0) + 1);
          if (r.code === null) confirmed.set(`${people[i]!.id}/${postingId}`, (confirmed.get(`${people[i]!.id}/${postingId}`) ?? "") + "+");
        }
      }, count);
      return { latencies: latencies.sort((a, b) => a - b), seconds };
    };
    // Warm-up, not timed: the first 100 seekers apply once (plans, JIT, the pool's connections).
    const warmUp = Math.min(100, people.length);
    await applyRound(0, warmUp);
    let applied = warmUp;
    const repeated = await repeatRuns(opts.runs ?? 3, async (run) => {
      const baseline: number[] = [];
      await drive(async (i) => {
        baseline.push((await postGraphql(agent, url, tokens[i]!, JSON.stringify({ query: "{ __typename }" }))).ms);
      });
      baseline.sort((a, b) => a - b);
      const { latencies, seconds } = await applyRound(run + 1, people.length);
      applied += people.length;
      return {
        requests: latencies.length,
        "req/s": latencies.length / seconds,
        "p50 ms": quantile(latencies, 0.5),
        "p99 ms": quantile(latencies, 0.99),
        "baseline p50 ms": quantile(baseline, 0.5),
        "baseline p99 ms": quantile(baseline, 0.99),
        "p50 / baseline": quantile(latencies, 0.5) / quantile(baseline, 0.5),
      };
    });
    agent.destroy();

    const { rows: [check] } = await client.query<{ applications: number; duplicates: number }>(
      `select (select count(*) from referrals where source = 'SELF')::int - $1 as applications,
              (select count(*) from (select person_id, posting_id from referrals group by 1, 2 having count(*) > 1) d)::int as duplicates`,
      [before],
    );
    const { rows: stored } = await client.query<{ key: string }>(`select person_id || '/' || posting_id as key from referrals where source = 'SELF' and made_by like 'seeker:bench-seeker-%'`);
    const storedKeys = new Set(stored.map((s) => s.key));
    const answeredMatch = [...confirmed].every(([key, times]) => times === "+" && storedKeys.has(key)) && confirmed.size === stored.length;
    const m = repeated.median;
    console.log(`\neach run's figures and their medians\n`);
    printRuns(repeated);
    console.log(`\nmedians of ${repeated.runs.length} runs\n`);
    printTable([
      {
        seekers: people.length,
        postings: postings.length,
        connections: opts.connections,
        requests: m.requests,
        "req/s": Math.round(m["req/s"]),
        "p50 ms": m["p50 ms"].toFixed(1),
        "p99 ms": m["p99 ms"].toFixed(1),
        "baseline p50 ms": m["baseline p50 ms"].toFixed(1),
        "baseline p99 ms": m["baseline p99 ms"].toFixed(1),
        "p50 / baseline": m["p50 / baseline"].toFixed(1),
      },
    ]);
    console.log(`answers: ${[...codes].map(([c, n]) => `${c} ${n}`).join(", ")}`);
    console.log(`applications stored: ${check!.applications} of ${applied} made (${people.length} seekers × ${repeated.runs.length} runs + ${warmUp} in the warm-up); person–posting pairs stored more than once: ${check!.duplicates}; confirmed answers = stored applications: ${answeredMatch}`);
    const unexpected = [...codes.keys()].filter((c) => c !== "OK" && c !== "CONFLICT");
    const ok = check!.duplicates === 0 && check!.applications === applied && answeredMatch && unexpected.length === 0;
    if (!ok) console.error(`applications bench: FAILED${unexpected.length > 0 ? ` (unexpected answers: ${unexpected.join(", ")})` : ""}`);
    return ok;
  } finally {
    await server?.stop({ keepDatabase: true });
    await client.end();
    await dropBenchDatabase(databaseUrl);
  }
}
