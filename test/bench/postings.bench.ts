import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { cpuSeconds, dropBenchDatabase, isRunning, median, printTable, probe, runLoad, startBenchServer, startPeerServer } from "./harness.js";

const page = (first: number) => `{ postings(first: ${first}) { edges { node { title employer { name } region { name } } } } }`;
const TYPENAME = "{ __typename }";

/** What the servers must agree on: the page's postings, in order. */
interface PageRow {
  title: string;
  employer: { name: string } | null;
  region: { name: string } | null;
}

/** A server under load: the project or a peer, each in its own process on the same database. */
interface Contender {
  name: string;
  url: string;
  pid: number;
  /** The postings page in this server's schema. */
  page: (first: number) => string;
  rows: (data: unknown) => PageRow[];
  stop(): Promise<void>;
}

const edges = (data: unknown) => (data as { postings: { edges: { node: PageRow }[] } }).postings.edges.map((e) => e.node);

/** Node 20 lacks Promise.withResolvers, which PostGraphile 5 uses: given to its process before anything loads. */
const WITH_RESOLVERS = `data:text/javascript,${encodeURIComponent(
  "Promise.withResolvers ??= () => { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };",
)}`;

/** PostGraphile 5 (amber preset) over the same database, if installed (not a dependency: see README). */
async function startPostGraphile(databaseUrl: string): Promise<Contender | null> {
  let cli: string;
  try {
    // Resolved, not imported: importing Grafast prints its production-mode notice in this process.
    cli = join(dirname(createRequire(import.meta.url).resolve("postgraphile")), "cli-run.js");
  } catch {
    return null;
  }
  const server = await startPeerServer(
    "PostGraphile",
    (port) => ["--import", WITH_RESOLVERS, cli, "-P", "postgraphile/presets/amber", "-c", databaseUrl, "-s", "public", "-n", "127.0.0.1", "-p", String(port)],
    // GRAPHILE_ENV: production without its notice that the variable is unset.
    { GRAPHILE_ENV: "production" },
  );
  return {
    ...server,
    // PostGraphile's names for the same page: no validUntil filter without a plugin, so the bench checks the rows are the same.
    page: (first) => `{ allPostings(first: ${first}, orderBy: PRIMARY_KEY_DESC, condition: { status: OPEN }) { nodes { title employer: employerByEmployerId { name } region: regionByRegionCode { name } } } }`,
    rows: (data) => (data as { allPostings: { nodes: PageRow[] } }).allPostings.nodes,
  };
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per request over the measured window, in ms. */
  cpuMs: number;
  failures: number;
}

const loads = () => loadavg().map((l) => l.toFixed(2)).join(" / ");

/** One measured window: closed-loop load on one server, and the CPU its process used meanwhile. */
async function measure(server: Contender, query: string, opts: { duration: number; connections: number }): Promise<Sample> {
  const cpuBefore = cpuSeconds(server.pid);
  const r = await runLoad(server.name, server.url, { query }, opts);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  return { rps: r.rps, p50: r.p50, p99: r.p99, cpuMs: (cpu * 1000) / Math.max(r.requests, 1), failures: r.errors + r.non2xx };
}

/**
 * Peers in the benchmark (issue 25): the portal's postings page (`first: 100`, with each posting's
 * employer and region) and a bare `{ __typename }`, on the project and on peers serving the same
 * rows from the same PostgreSQL database — a plain graphql-js + Apollo + DataLoader + pg server
 * (peer-plain.ts) and PostGraphile 5 when installed — in interleaved rounds, medians reported. Also
 * the project's SQL statements per page for first = 10 and first = 100 (they must be equal: no N+1).
 * Fails when the project misses the targets against the plain peer.
 */
export async function postingsBench(opts: { duration: number; connections: number; rounds?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("postings bench: set DATABASE_URL to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres): the peers read the project's tables there");
    return false;
  }
  const rounds = opts.rounds ?? 3;
  console.log(`postings bench: load average at the start ${loads()} on ${cpus().length} cores`);

  // 1. A new database with the demo, and the statement counts: a start with the X-Sql-Statements header on, only for them.
  const counting = await startBenchServer({ EXPOSE_SQL_COUNT: "true" });
  const databaseUrl = counting.databaseUrl!;
  const contenders: Contender[] = [];
  try {
    const probes = async () => [await probe(counting.url, page(10)), await probe(counting.url, page(100))] as const;
    const [ten, hundred] = await probes().finally(() => counting.stop({ keepDatabase: true }));
    if (ten.errors || hundred.errors) throw new Error(`query failed: ${JSON.stringify(ten.errors ?? hundred.errors)}`);

    // 2. The servers measured, on that database. The project as deployed but for the header (off) and compression (off:
    // the peers do not compress; autocannon asks for none anyway). The harness turns rate limits off.
    const project = await startBenchServer({ DATABASE_URL: databaseUrl, SEED_DEMO: "never", EXPOSE_SQL_COUNT: "false", COMPRESS_MIN_BYTES: "0" }, { reuseDatabase: true });
    const stopProject = async () => {
      // A server that died mid-run has no exit left to wait for.
      if (isRunning(project.pid)) await project.stop({ keepDatabase: true });
    };
    contenders.push({ name: "project", url: project.url, pid: project.pid, page, rows: edges, stop: stopProject });
    const plain = await startPeerServer("plain peer", () => ["--import", "tsx", "test/bench/peer-plain.ts"], { DATABASE_URL: databaseUrl });
    contenders.push({ ...plain, page, rows: edges });
    const postgraphile = await startPostGraphile(databaseUrl);
    if (postgraphile) contenders.push(postgraphile);

    // 3. Every server must answer the page with the project's rows, or the comparison means nothing.
    const expected = JSON.stringify(edges(hundred.data));
    for (const server of contenders) {
      const answer = await probe(server.url, server.page(100));
      if (answer.errors || JSON.stringify(server.rows(answer.data)) !== expected) throw new Error(`${server.name} answered the page differently: ${JSON.stringify(answer.errors ?? answer.data).slice(0, 500)}`);
    }

    // 4. Warm-up (JIT, pools, prepared statements), then rounds: each query on each server in turn, a different one first each round.
    const queries = [
      { name: "postings(first: 100)", of: (s: Contender) => s.page(100) },
      { name: "{ __typename }", of: () => TYPENAME },
    ];
    for (const server of contenders) {
      for (const q of queries) await runLoad("warm-up", server.url, { query: q.of(server) }, { duration: 2, connections: opts.connections });
    }
    const samples = new Map<string, Sample[]>();
    const key = (server: string, query: string) => `${server} · ${query}`;
    for (let round = 0; round < rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      const line: string[] = [];
      for (const q of queries) {
        for (const server of order) {
          const sample = await measure(server, q.of(server), opts);
          samples.set(key(server.name, q.name), [...(samples.get(key(server.name, q.name)) ?? []), sample]);
          line.push(`${server.name} ${q.name === TYPENAME ? "typename" : "page"} ${sample.rps.toFixed(0)}/s`);
        }
      }
      console.log(`round ${round + 1}/${rounds}: ${line.join(", ")}; load ${loads()}`);
    }

    // 5. Medians over the rounds, side by side, and the project's ratios to each peer.
    const med = (server: string, query: string, pick: (s: Sample) => number) => median(samples.get(key(server, query))!.map(pick));
    console.log(`\npostings benchmark — PostgreSQL, ${opts.connections} connections × ${opts.duration} s, ${rounds} interleaved round${rounds === 1 ? "" : "s"} (medians), loopback, each server in its own process\n`);
    printTable(
      queries.flatMap((q) =>
        contenders.map((s) => ({
          query: q.name,
          server: s.name,
          "req/s": med(s.name, q.name, (x) => x.rps).toFixed(0),
          "p50 ms": med(s.name, q.name, (x) => x.p50),
          "p99 ms": med(s.name, q.name, (x) => x.p99),
          "server CPU ms/req": med(s.name, q.name, (x) => x.cpuMs).toFixed(3),
          "errors+non2xx": samples.get(key(s.name, q.name))!.reduce((n, x) => n + x.failures, 0),
        })),
      ),
    );
    const [pageQ, typenameQ] = [queries[0]!.name, queries[1]!.name];
    const vs = (peer: string) => ({
      pageRps: med("project", pageQ, (x) => x.rps) / med(peer, pageQ, (x) => x.rps),
      pageCpu: med("project", pageQ, (x) => x.cpuMs) / med(peer, pageQ, (x) => x.cpuMs),
      typenameRps: med("project", typenameQ, (x) => x.rps) / med(peer, typenameQ, (x) => x.rps),
      typenameCpu: med("project", typenameQ, (x) => x.cpuMs) / med(peer, typenameQ, (x) => x.cpuMs),
    });
    const plainRatio = vs("plain peer");
    const pglRatio = postgraphile ? vs("PostGraphile") : null;
    const targets = [
      { measure: "page req/s", plain: plainRatio.pageRps, pgl: pglRatio?.pageRps, target: "≥ 1.00", met: plainRatio.pageRps >= 1 },
      { measure: "page server CPU per request", plain: plainRatio.pageCpu, pgl: pglRatio?.pageCpu, target: "≤ 1.20", met: plainRatio.pageCpu <= 1.2 },
      { measure: "{ __typename } req/s", plain: plainRatio.typenameRps, pgl: pglRatio?.typenameRps, target: "≥ 0.70", met: plainRatio.typenameRps >= 0.7 },
      { measure: "{ __typename } server CPU per request", plain: plainRatio.typenameCpu, pgl: pglRatio?.typenameCpu, target: "", met: true },
    ];
    console.log("");
    printTable(
      targets.map((t) => ({
        measure: t.measure,
        "project / plain": t.plain.toFixed(2),
        "target (vs plain)": t.target,
        met: t.target ? (t.met ? "yes" : "MISSED") : "",
        "project / PostGraphile": t.pgl === undefined ? "–" : t.pgl.toFixed(2),
      })),
    );
    if (!postgraphile) console.log("\nPostGraphile: not installed (see test/bench/README.md)");

    const rows = edges(hundred.data).length;
    console.log(`\nproject's SQL statements per page: first=10 → ${ten.statements}, first=100 → ${hundred.statements} (${rows} rows)`);
    console.log(`load average at the end: ${loads()}`);
    const failures = [...samples.values()].flat().reduce((n, x) => n + x.failures, 0);
    const sameStatements = ten.statements === hundred.statements;
    const died = contenders.filter((s) => !isRunning(s.pid)).map((s) => s.name);
    const ok = sameStatements && failures === 0 && died.length === 0 && targets.every((t) => t.met);
    if (!sameStatements) console.log("FAIL: the project's statements grow with `first`.");
    if (failures > 0) console.log(`FAIL: ${failures} requests failed.`);
    if (died.length > 0) console.log(`FAIL: ${died.join(", ")} exited during the run.`);
    const missed = targets.filter((t) => !t.met).map((t) => `${t.measure} ${t.plain.toFixed(2)} (target ${t.target})`);
    if (missed.length > 0) console.log(`BELOW TARGET against the plain peer: ${missed.join("; ")}`);
    if (ok) console.log("OK: the project meets the targets against the plain peer; statements do not grow with `first`; no errors.");
    return ok;
  } finally {
    for (const server of contenders) await server.stop();
    await dropBenchDatabase(databaseUrl);
  }
}
