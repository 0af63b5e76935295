/**
 * The webhook half of `npm run bench -- feed` (issue 22), also `npm run bench -- webhooks`: on
 * PostgreSQL, a server process (its dispatcher, as deployed) delivers posting events to local
 * receivers that verify every signature with the standardwebhooks library. Two phases in one run:
 * a baseline with four fast endpoints, then the same with a fifth endpoint slowed to 5 s per request.
 * Measured: deliveries/s to the fast endpoints (target ≥ 500/s) and their delivery latency (queued →
 * delivered) p50/p99, with the slow endpoint and without; the ratio says whether it delayed them.
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
import { BENCH_SECRET, printTable, quantile, startBenchServer } from "./harness.js";

interface Receiver {
  name: string;
  url: string;
  secret: string;
  received: number;
  failedVerification: number;
  server: Server;
}

async function receiver(name: string, delayMs: number): Promise<Receiver> {
  const r: Receiver = { name, url: "", secret: "", received: 0, failedVerification: 0, server: undefined as unknown as Server };
  r.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        new Webhook(r.secret).verify(Buffer.concat(chunks).toString("utf8"), req.headers as Record<string, string>);
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

interface PhaseResult {
  phase: string;
  deliveries: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Inserts `count` OPEN postings of the partner (the triggers queue a delivery per active endpoint), in statements of 1,000. */
async function pushPostings(client: pg.Client, partnerId: string, employerId: string, count: number, tag: string): Promise<void> {
  for (let done = 0; done < count; done += 1000) {
    const n = Math.min(1000, count - done);
    await client.query(
      `insert into postings (id, employer_id, title, description, occupation, skills, majors, min_education, region_code, salary_min, salary_max, headcount, kind, for_key_groups, status, valid_until, published_at, source, partner_id, external_id, created_by)
       select gen_random_uuid(), $1, '推送测试岗位' || g, '基准测试', '测试', array['测试'], array[]::text[], 'NONE', '350102', 5000, 8000, 1, 'REGULAR', false, 'OPEN', now() + interval '30 days', now(), 'PARTNER', $2, $3 || '-' || g, 'bench'
         from generate_series($4::int, $5::int) g`,
      [employerId, partnerId, tag, done + 1, done + n],
    );
  }
}

/** Waits until every delivery to the fast endpoints is DELIVERED; then their throughput and latency. */
async function measure(client: pg.Client, phase: string, fast: string[], since: Date): Promise<PhaseResult> {
  for (;;) {
    const { rows: [left] } = await client.query<{ n: number }>(`select count(*)::int as n from webhook_deliveries where webhook_id = any($1::uuid[]) and status <> 'DELIVERED' and created_at >= $2`, [fast, since]);
    if (left!.n === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { rows } = await client.query<{ ms: number; created: Date; delivered: Date }>(
    `select extract(epoch from (delivered_at - created_at)) * 1000 as ms, created_at as created, delivered_at as delivered
       from webhook_deliveries where webhook_id = any($1::uuid[]) and created_at >= $2`,
    [fast, since],
  );
  const latencies = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const first = Math.min(...rows.map((r) => r.created.getTime()));
  const last = Math.max(...rows.map((r) => r.delivered.getTime()));
  const seconds = (last - first) / 1000;
  return { phase, deliveries: rows.length, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(rows.length / seconds), p50: Math.round(quantile(latencies, 0.5)), p99: Math.round(quantile(latencies, 0.99)) };
}

export async function webhooksBench(opts: { deliveries?: number } = {}): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("webhooks bench: set DATABASE_URL (PostgreSQL)");
    return false;
  }
  const deliveries = opts.deliveries ?? 20_000;
  const perPhase = Math.ceil(deliveries / 2 / 4);
  console.log(`\n## webhooks: ${perPhase * 4 * 2} deliveries to 4 fast endpoints (two phases), then with a 5th slowed to 5 s per request`);
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
    await gql(server.url, { apiKey }, `mutation($w: ID!) { disableWebhook(id: $w) { id } }`, { w: ids.get(slow) });
    const { rows: [employer] } = await client.query<{ id: string }>(
      `insert into employers (id, name, credit_code, region_code, verified, created_by) values (gen_random_uuid(), '基准推送测试有限公司', $1, '350102', true, 'bench') returning id`,
      [syntheticCreditCode("350102", 424242)],
    );
    const { rows: [policy] } = await client.query<{ per: number; timeout: number }>(`select per_endpoint_concurrency as per, timeout_ms as timeout from webhook_policies order by version desc limit 1`);

    const results: PhaseResult[] = [];
    let since = new Date(Date.now() - 1000);
    await pushPostings(client, partnerId, employer!.id, perPhase, "base");
    results.push(await measure(client, "4 fast endpoints (baseline)", fast, since));

    await gql(server.url, { apiKey }, `mutation($w: ID!) { enableWebhook(id: $w) { id } }`, { w: ids.get(slow) });
    since = new Date(Date.now() - 1000);
    await pushPostings(client, partnerId, employer!.id, perPhase, "slow");
    results.push(await measure(client, "4 fast + 1 slowed to 5 s", fast, since));

    printTable(results.map((r) => ({ phase: r.phase, "fast deliveries": r.deliveries, "s": r.seconds, "deliveries/s": r.perSecond, "latency p50 ms": r.p50, "latency p99 ms": r.p99 })));
    const failed = [...fastReceivers, slow].reduce((n, r) => n + r.failedVerification, 0);
    const verified = fastReceivers.reduce((n, r) => n + r.received, 0) + slow.received;
    const ratio = results[1]!.p99 / Math.max(1, results[0]!.p99);
    console.log(`policy: ${policy!.per} requests in flight per endpoint, ${policy!.timeout} ms timeout; slow endpoint answered ${slow.received} requests meanwhile`);
    console.log(`signatures verified by the receivers: ${verified - failed} of ${verified}`);
    console.log(`p99 with the slow endpoint / baseline: ${ratio.toFixed(2)}; p50: ${(results[1]!.p50 / Math.max(1, results[0]!.p50)).toFixed(2)}`);
    const ok = failed === 0 && results.every((r) => r.perSecond >= 500) && ratio < 2;
    console.log(ok ? "webhooks: OK (≥ 500 deliveries/s, every signature verified, the fast endpoints' p99 within 2× of the baseline)" : "webhooks: BELOW TARGET");
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
