import { type Agent, request } from "node:http";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";

/** A built server (dist/) in its own process, so the load generator does not share its event loop. */
export interface BenchServer {
  url: string;
  /** The PostgreSQL database the server uses, when not PGlite. */
  databaseUrl?: string;
  driver: "pglite" | "postgres";
  pid: number;
  /** What the server printed (when started with captureStdout). */
  stdout(): string;
  stop(opts?: { keepDatabase?: boolean }): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

let benchDatabases = 0;

/**
 * Starts the server on a fresh database seeded with the demo: a temporary PGlite directory, or — when
 * DATABASE_URL is set — a new database `jb_bench_<pid>_<n>` on that server, dropped afterwards (n
 * counts the calls: a section that starts its own server beside another's, as the feed's webhooks do,
 * must not drop the first one's database).
 */
export async function startBenchServer(
  extraEnv: Record<string, string> = {},
  opts: { captureStdout?: boolean; reuseDatabase?: boolean; cwd?: string } = {},
): Promise<BenchServer> {
  // Every benchmark run gets a new database (and PGlite directory).
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    // Production mode, as deployed (graphql-js skips its development checks); with bench-only secrets.
    NODE_ENV: "production",
    AUTH_JWT_SECRET: "bench-only-secret-bench-only-secret-0123456789",
    PII_KEY: Buffer.alloc(32, 1).toString("base64"),
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "warn",
    SEED_DEMO: "always",
    EXPOSE_SQL_COUNT: "true",
    // Load from one token or address is the point of a benchmark: no rate limits (the soak turns them back on).
    RATE_LIMIT_REQUESTS_PER_MINUTE: "0",
    RATE_LIMIT_COST_PER_MINUTE: "0",
    // Every load-generating client is 127.0.0.1: no per-address connection cap.
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: "0",
    POSTING_EXPIRY_SWEEP_SECONDS: "0",
    ...extraEnv,
  };
  let cleanup = async () => undefined as void;
  let driver: BenchServer["driver"] = "pglite";
  if (opts.reuseDatabase && extraEnv.DATABASE_URL) {
    driver = "postgres";
    const url = new URL(extraEnv.DATABASE_URL);
    const name = url.pathname.slice(1);
    cleanup = async () => {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else if (process.env.DATABASE_URL) {
    driver = "postgres";
    // BENCH_DATABASE_PREFIX: a session sharing the server names its own (dropped as these are).
    const name = `${process.env.BENCH_DATABASE_PREFIX ?? "jb_bench"}_${process.pid}_${++benchDatabases}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanup = async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "jb-bench-"));
    env.PGLITE_DATA_DIR = join(dir, "pglite");
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  // `cwd`: another checkout's build (a baseline measured in the same run).
  const child: ChildProcess = spawn(process.execPath, ["dist/src/main.js"], { env, stdio: ["ignore", opts.captureStdout ? "pipe" : "ignore", "inherit"], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  let printed = "";
  child.stdout?.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 1500) {
      // Never leave the server behind (it holds the caller's pipes and its database).
      child.kill("SIGKILL");
      throw new Error("server did not become ready in 300 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `${base}/graphql`,
    ...(driver === "postgres" ? { databaseUrl: env.DATABASE_URL } : {}),
    driver,
    pid: child.pid!,
    stdout: () => printed,
    stop: async (stopOpts = {}) => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      if (!stopOpts.keepDatabase) await cleanup();
    },
  };
}

export interface LoadResult {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** A fixed-duration closed-loop load over loopback with autocannon; bounded in time and connections. */
export async function runLoad(name: string, url: string, body: unknown, opts: { duration: number; connections: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json", ...opts.headers },
    body: JSON.stringify(body),
    duration: opts.duration,
    connections: opts.connections,
  });
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** One request, for its answer and the SQL statements the server says it ran. */
export async function probe(url: string, query: string): Promise<{ statements: number; data: unknown; errors?: unknown }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data: unknown; errors?: unknown };
  return { statements: Number(res.headers.get("x-sql-statements")), ...body };
}

export function printTable(rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => "| " + cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(line(columns));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

/**
 * Copies the open postings across Fujian's counties (in SQL, so the outbox is bypassed: the server
 * builds its embedded index from the table at start-up) until about `target` are open.
 */
export async function multiplyPostings(client: pg.Client, target: number): Promise<void> {
  const { rows: [counts] } = await client.query<{ n: number }>("select count(*)::int as n from postings where status = 'OPEN'");
  const copies = Math.ceil(target / Number(counts!.n));
  await client.query(`insert into postings (id, employer_id, title, description, occupation, skills, majors, min_education, region_code, salary_min, salary_max, headcount, kind, for_key_groups, status, valid_until, published_at, source, created_by)
    select gen_random_uuid(), p.employer_id, p.title, p.description, p.occupation, p.skills, p.majors, p.min_education,
           (select code from regions where level = 'COUNTY' and code like '35%' order by md5(p.id::text || g::text) limit 1),
           p.salary_min, p.salary_max, p.headcount, p.kind, p.for_key_groups, 'OPEN', now() + interval '60 days', now() - (g || ' hours')::interval, 'EMPLOYER', 'bench'
    from postings p cross join generate_series(1, ${copies - 1}) g where p.status = 'OPEN'`);
}

export const BENCH_SECRET = "bench-only-secret-bench-only-secret-0123456789";
export const BENCH_PII_KEY = Buffer.alloc(32, 1).toString("base64");

/** Runs the built CLI in its own process: exit code, stdout, wall time and peak RSS (VmHWM, sampled). */
export function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; peakRssMb: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, ["dist/src/cli/main.js", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    let peak = 0;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    // VmHWM is the process's peak resident set so far: sampled until it exits.
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024);
      } catch {
        // exited between samples
      }
    }, 250);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(sampler);
      resolve({ code: code ?? 1, stdout, peakRssMb: peak, ms: performance.now() - began });
    });
  });
}

/**
 * A migrated PostgreSQL database for benchmarks that drive the CLI (a server started once and
 * stopped, keeping its database), with the environment the CLI needs to use it.
 */
export async function cliBenchDatabase(): Promise<{ databaseUrl: string; env: Record<string, string> }> {
  const first = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET });
  const databaseUrl = first.databaseUrl!;
  await first.stop({ keepDatabase: true });
  return { databaseUrl, env: { DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: BENCH_SECRET, PII_KEY: BENCH_PII_KEY, NODE_ENV: "production", LOG_LEVEL: "warn" } };
}

/** Drops a benchmark's database, unless BENCH_KEEP_DB asks to keep it (its URL is printed). */
export async function dropBenchDatabase(databaseUrl: string): Promise<void> {
  if (process.env.BENCH_DATABASE === databaseUrl) return;
  if (process.env.BENCH_KEEP_DB) {
    console.log(`kept database: ${databaseUrl}`);
    return;
  }
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
  await admin.end();
}

/** One POST over a keep-alive agent; the answer's GraphQL error code, if any, and the round trip in ms. */
export function postGraphql(agent: Agent, url: URL, token: string, body: string): Promise<{ code: string | null; ms: number; status: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
          resolve({ code: parsed.errors ? (parsed.errors[0]?.extensions?.code ?? "UNKNOWN") : null, ms, status: res.statusCode ?? 0 });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The q-quantile of ascending latencies. */
export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** The median of a list (the upper one of an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A process's resident set now (VmRSS), in MB; 0 once it has exited. */
export function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** A process's CPU time so far (user + system, from /proc/<pid>/stat), in seconds; NaN once it has exited. */
export function cpuSeconds(pid: number): number {
  try {
    // The fields after the command's closing parenthesis: state is the 3rd, utime the 14th, stime the 15th (clock ticks, 100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Seekers' tokens, one per person (signed with the bench secret, as the server checks them). */
export function seekerTokens(personIds: string[]): Promise<string[]> {
  const settings = { jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" };
  return Promise.all(personIds.map((personId, i) => signToken(settings, { sub: `bench-seeker-${i}`, role: Role.SEEKER, personId })));
}

/**
 * The fulfilment benchmarks' database: the demo, `people` generated people through the import (the
 * categories decided by the rules), ~100,000 open postings, no campaign runs, and the campaign
 * window open through today (so today's referrals count). Returns a connected client.
 */
export async function fulfilBenchDatabase(people: number): Promise<{ databaseUrl: string; env: Record<string, string>; client: pg.Client }> {
  // BENCH_DATABASE: a database a run kept (BENCH_KEEP_DB=1) — worked again from no referrals, not seeded.
  const kept = process.env.BENCH_DATABASE;
  if (kept) {
    const client = new pg.Client({ connectionString: kept });
    await client.connect();
    return { databaseUrl: kept, env: { DATABASE_URL: kept, AUTH_JWT_SECRET: BENCH_SECRET, PII_KEY: BENCH_PII_KEY, NODE_ENV: "production", LOG_LEVEL: "warn" }, client };
  }
  const { databaseUrl, env } = await cliBenchDatabase();
  const seeded = await cli(["seed", "--people", String(people)], env);
  if (seeded.code !== 0) throw new Error("seed failed");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await multiplyPostings(client, 100_000);
    await client.query("delete from posting_changes");
    // The demo's runs (a Xiamen fulfil, a mentor run) are not the benchmark's: dropped before they are worked.
    await client.query("delete from campaign_run_items; delete from campaign_runs");
    // The campaign window is policy data: run it through today so today's referrals count.
    await client.query("update campaigns set ends_on = greatest(ends_on, (now() at time zone 'Asia/Shanghai')::date + 60) where status = 'ACTIVE' and kind <> 'POVERTY_LABOUR'");
    await client.query("analyze");
  } catch (error) {
    await client.end();
    await dropBenchDatabase(databaseUrl);
    throw error;
  }
  return { databaseUrl, env, client };
}

/**
 * No referrals, events, notifications, SMS or runs: a fulfil starts from nothing (vacuumed, as
 * autovacuum may be off). Notifications are truncated, not deleted: deleting a referral checks
 * notifications.referral_id, which no index serves whole, so each deleted referral would scan the
 * dead notifications (hours for 300,000).
 */
export async function resetReferrals(client: pg.Client): Promise<void> {
  await client.query("truncate notifications, sms_messages");
  await client.query("delete from referral_events; delete from referrals; delete from campaign_run_items; delete from campaign_runs");
  await client.query("vacuum analyze notifications, sms_messages, referrals, referral_events, campaign_run_items, campaign_runs");
}

export interface FulfilOutcome {
  total: number;
  processed: number;
  created: number;
  stillBelow: number;
  reasons: { reason: string; count: number }[];
  indexMs: number;
  runMs: number;
  sqlStatements: number;
  peakRssMb: number;
  /** Runner threads that worked the run (0: the CLI's main thread alone). */
  runnerThreads?: number;
}

/** `fulfil --region 35` (of one campaign, or the CLI's choice) in its own CLI process; what it printed and its peak RSS. */
export async function fulfilRegion(env: Record<string, string>, campaignId?: string): Promise<FulfilOutcome> {
  const run = await cli(["fulfil", "--region", "35", ...(campaignId ? ["--campaign", campaignId] : [])], env);
  if (run.code !== 0) throw new Error(`fulfil exited ${run.code}`);
  return { ...(JSON.parse(run.stdout) as Omit<FulfilOutcome, "peakRssMb">), peakRssMb: run.peakRssMb };
}

/** One fulfil from no referrals, in its own CLI process. */
export async function fulfilOnce(client: pg.Client, env: Record<string, string>, campaignId?: string): Promise<FulfilOutcome> {
  await resetReferrals(client);
  return fulfilRegion(env, campaignId);
}

/** A server to compare the project with (a plain GraphQL server, PostGraphile), in its own process. */
export interface PeerServer {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `node <args(port)>` in production mode and waits until `{ __typename }` answers at
 * `path` on that port. What it writes to stderr is kept (PostGraphile warns about every type it
 * does not map) and shown only if it fails to start.
 */
export async function startPeerServer(name: string, args: (port: number) => string[], env: Record<string, string>, path = "/graphql"): Promise<PeerServer> {
  const port = await freePort();
  const child = spawn(process.execPath, args(port), { env: { ...(process.env as Record<string, string>), NODE_ENV: "production", PORT: String(port), ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
  const url = `http://127.0.0.1:${port}${path}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${stderr}`);
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not become ready in 120 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Whether a process is still running (a server that died mid-run has no exit left to wait for). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The load average (1 / 5 / 15 min) and the core count: printed where a benchmark starts and ends, as its figures depend on them. */
export const loads = () => `${loadavg().map((l) => l.toFixed(2)).join(" / ")} on ${cpus().length} cores`;

/** A run's figures, by name (ms, req/s …). */
export type Figures = Record<string, number>;

/** Each run's figures and, per figure, the median over the runs. */
export interface RepeatedRuns<T extends Figures> {
  runs: T[];
  median: T;
}

/** Per figure, the median over the runs (the upper one of an even count, as `median`). */
export function medianFigures<T extends Figures>(runs: T[]): T {
  const names = Object.keys(runs[0] ?? {}) as (keyof T)[];
  return Object.fromEntries(names.map((name) => [name, median(runs.map((r) => r[name] as number))])) as T;
}

/**
 * Runs `run` `n` times in turn, printing each run's figures (and the load average) as it ends, and
 * returns them with their medians: one run's figures move with the machine's other work, the median
 * of several much less — targets are judged on it.
 */
export async function repeatRuns<T extends Figures>(n: number, run: (index: number) => Promise<T>, label = "run"): Promise<RepeatedRuns<T>> {
  const runs: T[] = [];
  for (let i = 0; i < n; i++) {
    const figures = await run(i);
    runs.push(figures);
    console.log(`${label} ${i + 1}/${n}: ${formatFigures(figures)}; load ${loads()}`);
  }
  return { runs, median: medianFigures(runs) };
}

/** `name value` pairs, numbers rounded to what a figure of their size needs. */
export function formatFigures(figures: Figures): string {
  return Object.entries(figures)
    .map(([name, value]) => `${name} ${roundFigure(value)}`)
    .join(", ");
}

const roundFigure = (x: number) => (Number.isInteger(x) || Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** A table of each run's figures and their medians, one row a run and a last row of medians. */
export function printRuns<T extends Figures>(result: RepeatedRuns<T>): void {
  const row = (label: string, figures: T) => ({ run: label, ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, roundFigure(v)])) });
  printTable([...result.runs.map((r, i) => row(String(i + 1), r)), row(`median of ${result.runs.length}`, result.median)]);
}

/** The default number of runs, and the note printed when a benchmark runs once because one run is long. */
export function runsOrOne(runs: number | undefined, why: string): number {
  if (runs === undefined) console.log(`one run by default (${why}); --runs N repeats it and reports medians`);
  return runs ?? 1;
}
