/**
 * The webhook outbox is written in the event's own transaction, and each request has the policy's
 * timeout (issue 22): what the main webhook tests leave unsaid.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makePosting, unique } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const REGISTER = `mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { secret webhook { id } } }`;
const APPROVE = `mutation($p: ID!, $u: String!) { approveWebhookUrl(partnerId: $p, urlPrefix: $u) { id } }`;
const POLICY = `mutation($i: WebhookPolicyInput!) { setWebhookPolicy(input: $i) { version } }`;
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe("webhooks: the outbox and the request timeout (issue 22)", () => {
  let t: TestApp;
  let admin: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    // A short timeout (the smallest the policy allows is 100 ms), so a hanging endpoint fails fast.
    const policy = { maxAttempts: 3, baseBackoffSeconds: 10, maxBackoffSeconds: 60, disableAfterDays: 2, perEndpointConcurrency: 2, timeoutMs: 300 };
    expect((await t.gql(POLICY, { i: policy }, { token: admin })).errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function endpoint() {
    const issued = await issuePartnerKey(t.db, "test", { name: `出箱测试网${unique()}` });
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    expect((await t.gql(APPROVE, { p: issued.partner.id, u: receiver.url("/hooks") }, { token: admin })).errors).toBeUndefined();
    const r = await t.gql<{ registerWebhook: { secret: string; webhook: { id: string } } }>(REGISTER, { i: { url: receiver.url("/hooks/x"), events: ["POSTING_CREATED", "POSTING_UPDATED", "POSTING_CLOSED"] } }, { apiKey: issued.apiKey });
    expect(r.errors).toBeUndefined();
    receiver.secret = r.data!.registerWebhook.secret;
    return { partnerId: issued.partner.id, receiver, webhookId: r.data!.registerWebhook.webhook.id };
  }
  const queued = async (webhookId: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${webhookId}`))[0]!.n;

  it("an event whose transaction rolls back queues nothing; one that commits queues its delivery with it", async () => {
    const e = await endpoint();
    const posting = await makePosting(t.db, { source: "PARTNER", partnerId: e.partnerId, externalId: `ext-${unique()}`, status: "OPEN" });
    expect(await queued(e.webhookId)).toBe(1);
    const failed = t.db.transaction(async (tx) => {
      await tx.execute(sql`update postings set title = '回滚的标题' where id = ${posting.id}`);
      // Inside the transaction the delivery is there…
      expect((await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${e.webhookId}`))[0]!.n).toBe(2);
      throw new Error("the event's transaction fails");
    });
    await expect(failed).rejects.toThrow("the event's transaction fails");
    // …and gone with it.
    expect(await queued(e.webhookId)).toBe(1);
    await t.db.execute(sql`update postings set title = '提交的标题' where id = ${posting.id}`);
    expect(await queued(e.webhookId)).toBe(2);
    await t.app.notifications.drainAndSettle(later(1));
    expect(e.receiver.bodies().map((b) => [b.type, (b.data as { title: string }).title])).toEqual([
      ["posting.created", posting.title],
      ["posting.updated", "提交的标题"],
    ]);
  });

  it("an endpoint that does not answer within the policy's timeout fails the attempt (retried later), and the next answer delivers it", async () => {
    const e = await endpoint();
    // The first request hangs far past the 300 ms timeout; later ones answer at once.
    e.receiver.respond = (n) => (n === 1 ? { status: 204, delayMs: 30_000 } : { status: 204 });
    await makePosting(t.db, { source: "PARTNER", partnerId: e.partnerId, externalId: `ext-${unique()}`, status: "OPEN" });
    await t.app.notifications.drainAndSettle(later(1));
    const [first] = await queryRows<{ status: string; attempts: number; last_error: string | null }>(t.db, sql`select status, attempts, last_error from webhook_deliveries where webhook_id = ${e.webhookId}`);
    expect(first).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(first!.last_error).toMatch(/time/i);
    // After the backoff (10 s ± 10 %), the retry is answered.
    await t.app.notifications.drainAndSettle(later(12));
    const [second] = await queryRows<{ status: string; attempts: number }>(t.db, sql`select status, attempts from webhook_deliveries where webhook_id = ${e.webhookId}`);
    expect(second).toEqual({ status: "DELIVERED", attempts: 2 });
    expect(e.receiver.received.filter((r) => r.verified)).toHaveLength(2);
  });
});
