/**
 * The webhook half of `npm run bench -- feed` (issue 22), also `npm run bench -- webhooks`: on
 * PostgreSQL, a server process (its dispatcher, as deployed) delivers posting events to local
 * receivers that verify every signature with the standardwebhooks library. Four fast endpoints and a
 * fifth answering after 5 s, each time without it (disabled) and then with it, in one run:
 *
 * - paced (the "p99 unaffected" claim): postings written at a steady rate well below capacity; each
 *   fast delivery's latency is the receiver's own receipt time minus the delivery's `created_at`
 *   (its event's transaction), so it measures delay, not a queue's drain;
 * - backlog (throughput, target ≥ 500/s): all postings queued at once; deliveries/s from the first
 *   queued to the last delivered.
 *
 * After an untimed warm-up (five paced seconds), `runs` runs (3) of the four phases, each run's tables
 * printed; the targets are judged on the medians over the runs. Between runs the slow endpoint's
 * deliveries still queued are dropped, so every run starts from the same queue.
 *
 * The server runs with NODE_ENV=development: production refuses http:// and loopback endpoints (SSRF
 * rules), and a local receiver is both.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { BENCH_SECRET, cpuSeconds, loads, printRuns, printTable, quantile, repeatRuns, startBenchServer } from "./harness.js";

/** The paced phases' pass condition: the fast endpoints' p99 with the slow endpoint at most this × the baseline's. */
const MAX_P99_RATIO = 1.5;
const TARGET_PER_SECOND = 500;

interface Receiver {
  name: string;
  url: string;
  secret: string;
  received: number;
  failedVerification: number;
  /** The first receipt (epoch ms) of each posting's delivery, by the payload's data.id. */
  receivedAt: Map<string, number>;
  server: Server;
}

async function receiver(name: string, delayMs: number): Promise<Receiver> {
  const r: Receiver = { name, url: "", secret: "", received: 0, failedVerification: 0, receivedAt: new Map(), server: undefined as unknown as Server };
  r.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        new Webhook(r.secret).verify(body, req.headers as Record<string, string>);
        const id = (JSON.parse(body) as { data: { id: string } }).data.id;
        if (!r.receivedAt.has(id)) r.receivedAt.set(id, at);
      } catch {
        r.failedVerification++;
      }
      r.received++;
      const answer = () => {
        res.writeHead(204);
        res.end();
      };
      if (delayMs > 0) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  r.server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => r.server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hooks`;
  return r;
}

async function gql<T>(url: string, token: { bearer?: string; apiKey?: string }, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token.bearer) headers.authorization = `Bearer ${token.bearer}`;
  if (token.apiKey) headers["x-api-key"] = token.apiKey;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  client: pg.Client;
  partnerId: string;
  employerId: string;
}

/** Inserts the partner's OPEN postings `tag`-from … `tag`-to in one statement (the triggers queue a delivery per active endpoint). */
async function insertPostings(t: Target, tag: string, from: number, to: number): Promise<void> {
  await t.client.query(
    `insert into postings (id, employer_id, title, description, occupation, skills, majors, min_education, region_code, salary_min, salary_max, headcount, kind, for_key_groups, status, valid_until, published_at, source, partner_id, external_id, created_by)
     select gen_random_uuid(), $1, '推送测试岗位' || g, '基准测试', '测试', array['测试'], array[]::text[], 'NONE', '350102', 5000, 8000, 1, 'REGULAR', false, 'OPEN', now() + interval '30 days', now(), 'PARTNER', $2, $3 || '-' || g, 'bench'
       from generate_series($4::int, $5::int) g`,
    [t.employerId, t.partnerId, tag, from, to],
  );
}

/** All at once: `count` postings in statements of 1,000. */
async function pushPostings(t: Target, count: number, tag: string): Promise<void> {
  for (let done = 0; done < count; done += 1000) await insertPostings(t, tag, done + 1, Math.min(count, done + 1000));
}

/**
 * `perSecond` postings a second for `seconds` on a fixed schedule (no drift): a statement every 50 ms,
 * each at a random point of its 50 ms, so writes fall at every point of the dispatcher's 100 ms poll
 * (on a fixed 100 ms beat they kept one offset to it for a whole phase, and that offset, not the
 * endpoints, set the phase's latency). Returns the rate achieved.
 */
async function pacePostings(t: Target, perSecond: number, seconds: number, tag: string): Promise<number> {
  const tickMs = 50;
  const total = perSecond * seconds;
  const began = performance.now();
  let written = 0;
  for (let tick = 0; written < total; tick++) {
    const wait = began + (tick + Math.random()) * tickMs - performance.now();
    if (wait > 0) await sleep(wait);
    const due = Math.min(total, Math.round(((tick + 1) * tickMs * perSecond) / 1000));
    if (due > written) await insertPostings(t, tag, written + 1, due);
    written = due;
  }
  return total / ((performance.now() - began) / 1000);
}

interface Delivery {
  webhookId: string;
  postingId: string;
  createdMs: number;
  deliveredMs: number;
}

/** Waits until every delivery to the fast endpoints queued since `since` (the database's clock) is DELIVERED; then those deliveries. */
async function deliveredSince(client: pg.Client, fast: string[], since: string): Promise<Delivery[]> {
  for (;;) {
    const { rows: [left] } = await client.query<{ n: number }>(`select count(*)::int as n from webhook_deliveries where webhook_id = any($1::uuid[]) and status <> 'DELIVERED' and created_at >= $2`, [fast, since]);
    if (left!.n === 0) break;
    await sleep(100);
  }
  const { rows } = await client.query<{ webhook_id: string; posting_id: string; created_ms: string; delivered_ms: string }>(
    `select webhook_id, payload->'data'->>'id' as posting_id, extract(epoch from created_at) * 1000 as created_ms, extract(epoch from delivered_at) * 1000 as delivered_ms
       from webhook_deliveries where webhook_id = any($1::uuid[]) and created_at >= $2`,
    [fast, since],
  );
  return rows.map((r) => ({ webhookId: r.webhook_id, postingId: r.posting_id, createdMs: Number(r.created_ms), deliveredMs: Number(r.delivered_ms) }));
}

const dbNow = async (client: pg.Client) => (await client.query<{ now: string }>(`select clock_timestamp()::text as now`)).rows[0]!.now;

interface PhaseResult {
  phase: string;
  deliveries: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** The server process's CPU over the phase, % of one core. */
  cpu: number;
}

const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

function summary(phase: string, latencies: number[], deliveries: number, seconds: number, cpuPercent: number): PhaseResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { phase, deliveries, seconds: round(seconds, 1), perSecond: Math.round(deliveries / seconds), p50: Math.round(quantile(sorted, 0.5)), p99: Math.round(quantile(sorted, 0.99)), max: Math.round(sorted.at(-1) ?? NaN), cpu: Math.round(cpuPercent) };
}

/** The server's CPU while `run` runs, % of one core. */
async function withCpu<T>(pid: number, run: () => Promise<T>): Promise<{ result: T; cpuPercent: number }> {
  const cpu0 = cpuSeconds(pid);
  const began = performance.now();
  const result = await run();
  return { result, cpuPercent: ((cpuSeconds(pid) - cpu0) / ((performance.now() - began) / 1000)) * 100 };
}

export async function webhooksBench(opts: { deliveries?: number; pacedPerSecond?: number; pacedSeconds?: number; runs?: number } = {}): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("webhooks bench: set DATABASE_URL (PostgreSQL)");
    return false;
  }
  const perPhase = Math.ceil((opts.deliveries ?? 20_000) / 2 / 4);
  const pacedPerSecond = opts.pacedPerSecond ?? 60;
  const pacedSeconds = opts.pacedSeconds ?? 20;
  console.log(
    `\n## webhooks: 4 fast endpoints, then beside a 5th slowed to 5 s per request — paced (${pacedPerSecond} postings/s for ${pacedSeconds} s, ${pacedPerSecond * 4} fast deliveries/s) and a backlog (${perPhase * 4} fast deliveries at once)`,
  );
  console.log(`load average at the start: ${loads()}`);
  const server = await startBenchServer({ NODE_ENV: "development", SEED_DEMO: "never", NOTIFICATION_INTERVAL_MS: "100", WEBHOOK_ALLOW_PRIVATE: "true", LOG_LEVEL: "error" });
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  const fastReceivers = await Promise.all([1, 2, 3, 4].map((i) => receiver(`fast-${i}`, 0)));
  const slow = await receiver("slow", 5_000);
  try {
    const admin = await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" }, { sub: "bench-admin", role: Role.ADMIN });
    const issued = await gql<{ issuePartnerKey: { apiKey: string; partner: { id: string } } }>(server.url, { bearer: admin }, `mutation { issuePartnerKey(name: "基准推送网") { apiKey partner { id } } }`);
    const partnerId = issued.issuePartnerKey.partner.id;
    const apiKey = issued.issuePartnerKey.apiKey;
    const ids = new Map<Receiver, string>();
    for (const r of [...fastReceivers, slow]) {
      await gql(server.url, { bearer: admin }, `mutation($p: ID!, $u: String!) { approveWebhookUrl(partnerId: $p, urlPrefix: $u) { id } }`, { p: partnerId, u: r.url });
      const reg = await gql<{ registerWebhook: { secret: string; webhook: { id: string } } }>(server.url, { apiKey }, `mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { secret webhook { id } } }`, { i: { url: r.url, events: ["POSTING_CREATED"] } });
      r.secret = reg.registerWebhook.secret;
      ids.set(r, reg.registerWebhook.webhook.id);
    }
    const fast = fastReceivers.map((r) => ids.get(r)!);
    const receiverOf = new Map(fastReceivers.map((r) => [ids.get(r)!, r]));
    const setSlow = (enabled: boolean) => gql(server.url, { apiKey }, `mutation($w: ID!) { ${enabled ? "enableWebhook" : "disableWebhook"}(id: $w) { id } }`, { w: ids.get(slow) });
    await setSlow(false);
    const { rows: [employer] } = await client.query<{ id: string }>(
      `insert into employers (id, name, credit_code, region_code, verified, created_by) values (gen_random_uuid(), '基准推送测试有限公司', $1, '350102', true, 'bench') returning id`,
      [syntheticCreditCode("350102", 424242)],
    );
    const target: Target = { client, partnerId, employerId: employer!.id };
    const { rows: [policy] } = await client.query<{ per: number; timeout: number }>(`select per_endpoint_concurrency as per, timeout_ms as timeout from webhook_policies order by version desc limit 1`);

    // Warm-up (connections, plans, JIT): five paced seconds, not measured.
    let since = await dbNow(client);
    await pacePostings(target, pacedPerSecond, 5, "warm");
    await deliveredSince(client, fast, since);

    /** Paced: latency = the receiver's receipt − the delivery's created_at (both this machine's clock). */
    const paced = async (phase: string, tag: string): Promise<PhaseResult & { rate: number; missing: number }> => {
      const since = await dbNow(client);
      const began = performance.now();
      const { result: [rate, rows], cpuPercent } = await withCpu(server.pid, async () => {
        const rate = await pacePostings(target, pacedPerSecond, pacedSeconds, tag);
        return [rate, await deliveredSince(client, fast, since)] as const;
      });
      let missing = 0;
      const latencies = rows.map((d) => {
        const at = receiverOf.get(d.webhookId)!.receivedAt.get(d.postingId);
        if (at === undefined) missing++;
        return (at ?? d.deliveredMs) - d.createdMs;
      });
      return { ...summary(phase, latencies, rows.length, (performance.now() - began) / 1000, cpuPercent), rate, missing };
    };
    /** Backlog: deliveries/s from the first queued to the last delivered; latency = delivered_at − created_at (mostly the wait in the queue). */
    const backlog = async (phase: string, tag: string): Promise<PhaseResult> => {
      const since = await dbNow(client);
      const { result: rows, cpuPercent } = await withCpu(server.pid, async () => {
        await pushPostings(target, perPhase, tag);
        return deliveredSince(client, fast, since);
      });
      const first = Math.min(...rows.map((d) => d.createdMs));
      const last = Math.max(...rows.map((d) => d.deliveredMs));
      return summary(phase, rows.map((d) => d.deliveredMs - d.createdMs), rows.length, (last - first) / 1000, cpuPercent);
    };

    let slowAnsweredPaced = 0;
    let missing = 0;
    /** One run of the four phases, from the slow endpoint disabled with nothing queued for it; its tables printed. */
    const runPhases = async (run: number) => {
      await setSlow(false);
      // Its requests still out end within 5 s; then what it still has queued is dropped (not measured, and it would grow run by run).
      await sleep(5_500);
      await client.query(`delete from webhook_deliveries where webhook_id = $1 and status in ('PENDING', 'SENDING')`, [ids.get(slow)]);
      const pacedResults = [await paced("paced: 4 fast endpoints (baseline)", `paced-base-${run}`)];
      await setSlow(true);
      const slowBefore = slow.received;
      pacedResults.push(await paced("paced: 4 fast + 1 slowed to 5 s", `paced-slow-${run}`));
      slowAnsweredPaced += slow.received - slowBefore;
      // The slow endpoint's requests still out end within 5 s; its queued deliveries wait, PENDING, until it is enabled again.
      await setSlow(false);
      await sleep(5_500);
      const backlogResults = [await backlog("backlog: 4 fast endpoints (baseline)", `base-${run}`)];
      await setSlow(true);
      backlogResults.push(await backlog("backlog: 4 fast + 1 slowed to 5 s", `slow-${run}`));

      console.log(`\nrun ${run + 1} — paced: ${pacedPerSecond} postings/s for ${pacedSeconds} s (achieved ${pacedResults.map((r) => r.rate.toFixed(1)).join(" and ")}/s); latency = receiver's receipt − created_at`);
      printTable(pacedResults.map((r) => ({ phase: r.phase, "fast deliveries": r.deliveries, "deliveries/s": r.perSecond, "p50 ms": r.p50, "p99 ms": r.p99, "max ms": r.max, "server CPU %": r.cpu })));
      console.log(`\nrun ${run + 1} — backlog: ${perPhase} postings at once per phase; latency = delivered_at − created_at (the wait in the backlog)`);
      printTable(backlogResults.map((r) => ({ phase: r.phase, "fast deliveries": r.deliveries, s: r.seconds, "deliveries/s": r.perSecond, "p50 ms": r.p50, "p99 ms": r.p99, "server CPU %": r.cpu })));
      missing += pacedResults.reduce((n, r) => n + r.missing, 0);
      return {
        "paced p99 ms": pacedResults[0]!.p99,
        "paced p99 slow ms": pacedResults[1]!.p99,
        "paced p99 ratio": pacedResults[1]!.p99 / Math.max(1, pacedResults[0]!.p99),
        "paced p50 ratio": pacedResults[1]!.p50 / Math.max(1, pacedResults[0]!.p50),
        "backlog /s": backlogResults[0]!.perSecond,
        "backlog slow /s": backlogResults[1]!.perSecond,
        "backlog p99 ratio": backlogResults[1]!.p99 / Math.max(1, backlogResults[0]!.p99),
      };
    };
    const repeated = await repeatRuns(opts.runs ?? 3, runPhases);
    const m = repeated.median;
    console.log(`\neach run's figures and their medians\n`);
    printRuns(repeated);

    const failed = [...fastReceivers, slow].reduce((n, r) => n + r.failedVerification, 0);
    const verified = fastReceivers.reduce((n, r) => n + r.received, 0) + slow.received;
    const ratio = m["paced p99 ratio"];
    console.log(`\npolicy: ${policy!.per} requests in flight per endpoint, ${policy!.timeout} ms timeout; the slow endpoint answered ${slowAnsweredPaced} requests in the paced phases, ${slow.received} in all`);
    console.log(`signatures verified by the receivers: ${verified - failed} of ${verified}${missing > 0 ? `; ${missing} paced deliveries without a receipt (their delivered_at used)` : ""}`);
    console.log(`paced p99 with the slow endpoint / baseline (median of ${repeated.runs.length} runs): ${ratio.toFixed(2)} (p50 ${m["paced p50 ratio"].toFixed(2)}); backlog p99 ratio ${m["backlog p99 ratio"].toFixed(2)}`);
    const ok = failed === 0 && m["backlog /s"] >= TARGET_PER_SECOND && m["backlog slow /s"] >= TARGET_PER_SECOND && ratio <= MAX_P99_RATIO;
    console.log(
      ok
        ? `webhooks: OK (median backlog ≥ ${TARGET_PER_SECOND} deliveries/s, every signature verified, median paced p99 with the slow endpoint ≤ ${MAX_P99_RATIO} × the baseline's)`
        : `webhooks: BELOW TARGET (needs median backlog ≥ ${TARGET_PER_SECOND} deliveries/s, every signature verified, median paced p99 ratio ≤ ${MAX_P99_RATIO})`,
    );
    console.log(`load average at the end: ${loads()}`);
    return ok;
  } finally {
    await client.end();
    await server.stop();
    for (const r of [...fastReceivers, slow]) {
      r.server.closeAllConnections();
      r.server.close();
    }
  }
}
