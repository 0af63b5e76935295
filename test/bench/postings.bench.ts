import { printTable, probe, runLoad, startBenchServer } from "./harness.js";

const page = (first: number) => `{ postings(first: ${first}) { edges { node { title employer { name } region { name } } } } }`;

/**
 * The postings page the portal shows, against a bare `{ __typename }` in the same run, and the
 * SQL statements per request for first = 10 and first = 100 (they must be equal: no N+1).
 */
export async function postingsBench(opts: { duration: number; connections: number }): Promise<boolean> {
  const server = await startBenchServer();
  try {
    const ten = await probe(server.url, page(10));
    const hundred = await probe(server.url, page(100));
    if (ten.errors || hundred.errors) throw new Error(`query failed: ${JSON.stringify(ten.errors ?? hundred.errors)}`);
    const rows = (hundred.data as { postings: { edges: unknown[] } }).postings.edges.length;

    // Warm-up, then measure each in turn.
    await runLoad("warm-up", server.url, { query: page(100) }, { duration: 2, connections: opts.connections });
    const baseline = await runLoad("{ __typename }", server.url, { query: "{ __typename }" }, opts);
    const postings = await runLoad("postings(first: 100) + employer + region", server.url, { query: page(100) }, opts);

    console.log(`\npostings benchmark — ${server.driver}, ${opts.connections} connections × ${opts.duration} s each, loopback, server in its own process\n`);
    printTable(
      [baseline, postings].map((r) => ({
        query: r.name,
        "req/s": r.rps.toFixed(0),
        "p50 ms": r.p50,
        "p99 ms": r.p99,
        requests: r.requests,
        "errors+non2xx": r.errors + r.non2xx,
      })),
    );
    console.log(`\nthroughput ratio postings/baseline: ${(postings.rps / baseline.rps).toFixed(3)}; p50 ratio: ${(postings.p50 / Math.max(baseline.p50, 1)).toFixed(1)}×`);
    console.log(`SQL statements per request: first=10 → ${ten.statements}, first=100 → ${hundred.statements} (${rows} rows)`);
    const ok = ten.statements === hundred.statements && baseline.errors + baseline.non2xx + postings.errors + postings.non2xx === 0;
    console.log(ok ? "OK: statements do not grow with `first`; no errors." : "FAIL: statements grow with `first`, or requests failed.");
    return ok;
  } finally {
    await server.stop();
  }
}
