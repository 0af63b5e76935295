import pg from "pg";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { comparePositions, parsePosition, type LogPosition } from "../../src/search/change-log.js";
import { BENCH_SECRET, median, printRuns, printTable, repeatRuns, startBenchServer, type BenchServer } from "./harness.js";

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/**
 * Three API processes on one PostgreSQL, each with its own embedded index (issue 18): writes per
 * second through one replica, and the lag from a write's answer until all three replicas report
 * (on /readyz) that their index has followed the change log past the write's change — per write, p50 and
 * p99. The baseline in the same run: a `{ __typename }` round trip to the same server. After an
 * untimed warm-up (20 round trips, 10 writes, 3 lags), `runs` runs (3) of all three; medians over runs.
 */
export async function replicasBench(opts: { writes?: number; runs?: number } = {}): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.log("replicas: needs PostgreSQL (DATABASE_URL); skipped");
    return true;
  }
  const writes = opts.writes ?? 200;
  const a = await startBenchServer({ SEARCH_RELAY_INTERVAL_MS: "1000" });
  const servers: BenchServer[] = [a];
  const db = new pg.Client({ connectionString: a.databaseUrl });
  await db.connect();
  try {
    for (let i = 0; i < 2; i++) servers.push(await startBenchServer({ DATABASE_URL: a.databaseUrl!, SEED_DEMO: "never", SEARCH_RELAY_INTERVAL_MS: "1000" }, { reuseDatabase: true }));
    const { rows: [employer] } = await db.query<{ id: string }>("select id from employers where verified order by id limit 1");
    const token = await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu", maxTokenLifetimeSeconds: 86_400 }, { sub: "bench-employer", role: Role.EMPLOYER, employerId: employer!.id });
    const gql = async (server: BenchServer, query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const publish = async (server: BenchServer, i: number) => {
      const created = await gql(server, `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`, {
        i: { title: `基准岗位 会计 ${i}`, description: "副本基准", minEducation: "ASSOCIATE", regionCode: "350102", headcount: 1, kind: "REGULAR", validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      });
      await gql(server, `mutation($id: ID!) { publishPosting(id: $id) { id } }`, { id: created.createPosting!.id });
    };
    // The write's own last change row: a replica at or past it has applied the write.
    const written = async (): Promise<LogPosition> => {
      const { rows: [row] } = await db.query<{ txid: string; seq: string }>("select txid::text as txid, seq from posting_changes order by seq desc limit 1");
      return { txid: row!.txid, seq: Number(row!.seq) };
    };
    const position = async (server: BenchServer) => parsePosition(((await (await fetch(server.url.replace(/graphql$/, "readyz"))).json()) as { search: { position: string } }).search.position)!;

    let serial = 0;
    // Baseline: empty round trips.
    const roundTrips = async (count: number) => {
      const trips: number[] = [];
      for (let i = 0; i < count; i++) {
        const began = performance.now();
        await gql(a, `{ __typename }`);
        trips.push(performance.now() - began);
      }
      return trips;
    };
    // Writes per second through A (10 at a time), while B and C follow.
    const writeRate = async (count: number) => {
      const until = serial + count;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (serial < until) await publish(a, serial++);
        }),
      );
      return count / ((performance.now() - began) / 1000);
    };
    // Lag, one write at a time through A, B and C in turn: from its answer until all three are past it.
    const lagsOf = async (count: number) => {
      const lags: number[] = [];
      for (let i = 0; i < count; i++) {
        await publish(servers[i % 3]!, serial++);
        const answered = performance.now();
        const at = await written();
        for (;;) {
          const positions = await Promise.all(servers.map(position));
          if (positions.every((p) => comparePositions(p, at) >= 0)) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        lags.push(performance.now() - answered);
      }
      return lags;
    };
    // Warm-up, not counted: connections, plans and the replicas' first relays.
    await roundTrips(20);
    await writeRate(10);
    await lagsOf(3);
    const repeated = await repeatRuns(opts.runs ?? 3, async () => {
      const trips = await roundTrips(200);
      const writesPerSecond = await writeRate(writes);
      const lags = await lagsOf(60);
      return { "round trip ms": median(trips), "writes/s": writesPerSecond, "lag p50 ms": median(lags), "lag p99 ms": pct(lags, 99) };
    });
    const m = repeated.median;
    const counts = await Promise.all(servers.map(async (s) => (await gql(s, `{ searchPostings(query: "基准岗位", first: 1) { totalCount } }`)) as unknown as { searchPostings: { totalCount: number } }));
    const agree = counts.every((c) => c.searchPostings.totalCount === counts[0]!.searchPostings.totalCount);
    console.log(`\neach run's figures and their medians\n`);
    printRuns(repeated);
    console.log(`\nmedians of ${repeated.runs.length} runs\n`);
    printTable([
      { measure: "baseline: { __typename } round trip (ms, median)", value: m["round trip ms"].toFixed(2) },
      { measure: `writes/s through one replica (create + publish, 10 at a time, ${writes})`, value: m["writes/s"].toFixed(1) },
      { measure: "lag until all three agree: p50 (ms)", value: m["lag p50 ms"].toFixed(1) },
      { measure: "lag until all three agree: p99 (ms)", value: m["lag p99 ms"].toFixed(1) },
      { measure: "lag p50 / baseline round trip", value: (m["lag p50 ms"] / m["round trip ms"]).toFixed(1) },
      { measure: "search totals agree on every replica", value: agree ? `yes (${counts[0]!.searchPostings.totalCount})` : JSON.stringify(counts) },
    ]);
    return agree;
  } finally {
    await db.end();
    for (const s of servers.slice(1).reverse()) await s.stop({ keepDatabase: true });
    await a.stop();
  }
}
