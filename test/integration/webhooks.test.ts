import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { serviceToday } from "../../src/dates.js";
import { queryRows } from "../../src/db/client.js";
import { newId } from "../../src/db/ids.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { WebhookSender } from "../../src/modules/webhooks/webhook-sender.js";
import { claimDeliveries, recordEndpointHealth, recordOutcomes, requeueDelivery } from "../../src/modules/webhooks/webhook.repository.js";
import { webhookDeliveries, webhooks } from "../../src/modules/webhooks/webhook.table.js";
import { days, makePerson, makePosting, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const REGISTER = `mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { secret webhook { id url events status filter { ownPostingsOnly regionPrefix kinds forKeyGroups } } } }`;
const APPROVE = `mutation($p: ID!, $u: String!) { approveWebhookUrl(partnerId: $p, urlPrefix: $u) { id urlPrefix revokedAt } }`;
const DELIVERIES = `query($w: ID!, $s: WebhookDeliveryStatus) { webhookDeliveries(webhookId: $w, filter: { status: $s }, first: 50) { totalCount edges { node { id status attempts lastStatusCode lastError eventType payload deliveredAt deadAt } } } }`;
const REDELIVER = `mutation($d: ID!) { redeliverWebhook(deliveryId: $d) { id status attempts } }`;
const WEBHOOKS = `{ webhooks { id status failingSince disabledReason } }`;
const POLICY = `mutation($i: WebhookPolicyInput!) { setWebhookPolicy(input: $i) { version maxAttempts } }`;
/** The file's policy: 3 attempts, 10 s doubling to 60 s, disabled after 2 days of failures, 2 requests per endpoint. */
const FILE_POLICY = { maxAttempts: 3, baseBackoffSeconds: 10, maxBackoffSeconds: 60, disableAfterDays: 2, perEndpointConcurrency: 2, timeoutMs: 10_000 };

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  eventType: string;
  payload: string;
  deliveredAt: string | null;
  deadAt: string | null;
}

const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

describe("webhooks: signed deliveries to partners' endpoints, retries, dead letters (issue 22)", () => {
  let t: TestApp;
  let admin: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    expect((await t.gql(POLICY, { i: FILE_POLICY }, { token: admin })).errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** A partner with a key (every scope), a receiver, its URL prefix approved and a webhook registered on it. */
  async function partnerWithEndpoint(events: string[] = ["POSTING_CREATED", "POSTING_CLOSED"], filter?: Record<string, unknown>) {
    const issued = await issuePartnerKey(t.db, "test", { name: `推送测试网${unique()}` });
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const approved = await t.gql(APPROVE, { p: issued.partner.id, u: receiver.url("/hooks") }, { token: admin });
    expect(approved.errors).toBeUndefined();
    const r = await t.gql<{ registerWebhook: { secret: string; webhook: { id: string; url: string } } }>(REGISTER, { i: { url: receiver.url("/hooks/jobs"), events, ...(filter ? { filter } : {}) } }, { apiKey: issued.apiKey });
    expect(r.errors).toBeUndefined();
    receiver.secret = r.data!.registerWebhook.secret;
    return { partnerId: issued.partner.id, apiKey: issued.apiKey, receiver, webhookId: r.data!.registerWebhook.webhook.id, secret: r.data!.registerWebhook.secret };
  }

  const partnerPosting = (partnerId: string) => makePosting(t.db, { source: "PARTNER", partnerId, externalId: `ext-${unique()}`, status: "OPEN" });

  async function deliveries(webhookId: string, credentials: { apiKey?: string; token?: string }, status?: string): Promise<Delivery[]> {
    const r = await t.gql<{ webhookDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES, { w: webhookId, s: status ?? null }, credentials);
    expect(r.errors).toBeUndefined();
    return r.data!.webhookDeliveries.edges.map((e) => e.node);
  }

  const countRows = async (table: "webhooks" | "webhook_url_approvals" | "webhook_deliveries") =>
    Number((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n);

  it("registers an endpoint on an approved prefix, shows its whsec_ secret once, and delivers a posting event signed (the receiver verifies it)", async () => {
    const p = await partnerWithEndpoint();
    expect(p.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // Stored sealed, never in clear.
    const [stored] = await queryRows<{ secret_sealed: string }>(t.db, sql`select secret_sealed from webhooks where id = ${p.webhookId}`);
    expect(stored!.secret_sealed).not.toContain(p.secret.slice(6));
    expect(stored!.secret_sealed.startsWith("v1.")).toBe(true);

    const posting = await partnerPosting(p.partnerId);
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    expect(p.receiver.received).toHaveLength(1);
    const [got] = p.receiver.received;
    expect(got!.verified).toBe(true);
    const body = p.receiver.bodies()[0]!;
    expect(body.type).toBe("posting.created");
    expect(body.data).toMatchObject({ id: posting.id, externalId: posting.externalId, status: "OPEN", title: posting.title });
    const [delivery] = await deliveries(p.webhookId, { apiKey: p.apiKey });
    expect(delivery).toMatchObject({ id: got!.id, status: "DELIVERED", attempts: 1, lastStatusCode: 204, eventType: "POSTING_CREATED" });
    expect(JSON.parse(delivery!.payload)).toEqual(body);

    // Closing it is another signed event.
    await t.db.execute(sql`update postings set status = 'CLOSED' where id = ${posting.id}`);
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    expect(p.receiver.bodies().map((b) => b.type)).toEqual(["posting.created", "posting.closed"]);
    expect(p.receiver.received.every((r) => r.verified)).toBe(true);
  });

  it("the receiver's verifier rejects a forged signature, a replayed (old) timestamp and a changed body", async () => {
    const p = await partnerWithEndpoint();
    await partnerPosting(p.partnerId);
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    const [got] = p.receiver.received;
    expect(got!.verified).toBe(true);
    const verifier = new Webhook(p.secret);
    expect(() => verifier.verify(got!.body, got!.headers)).not.toThrow();
    // Forged: signed with another secret.
    const forger = new Webhook(`whsec_${Buffer.alloc(32, 9).toString("base64")}`);
    const now = new Date();
    expect(() => verifier.verify(got!.body, { ...got!.headers, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": forger.sign(got!.id, now, got!.body) })).toThrow();
    // Replayed: a genuine signature over an old timestamp (beyond the 5-minute tolerance).
    const old = new Date(Date.now() - 10 * 60_000);
    expect(() => verifier.verify(got!.body, { ...got!.headers, "webhook-timestamp": String(Math.floor(old.getTime() / 1000)), "webhook-signature": verifier.sign(got!.id, old, got!.body) })).toThrow(/too old/i);
    // The body changed under the genuine headers.
    expect(() => verifier.verify(got!.body.replace(/"status":"OPEN"/, '"status":"CLOSED"'), got!.headers)).toThrow();
    expect(() => verifier.verify(`${got!.body} `, got!.headers)).toThrow();
  });

  it("retries after 500s with exponential backoff, then delivers under the same webhook-id; failingSince is set and cleared", async () => {
    const p = await partnerWithEndpoint();
    p.receiver.respond = (n) => (n <= 2 ? { status: 500, body: "upstream exploded\n\u0000 at line 1" } : { status: 200 });
    await partnerPosting(p.partnerId);
    const t0 = later(new Date(), 1);
    await t.app.notifications.drainAndSettle(t0);
    expect(p.receiver.received).toHaveLength(1);
    let [d] = await deliveries(p.webhookId, { apiKey: p.apiKey });
    expect(d).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: 500 });
    expect(d!.lastError).toBe("HTTP 500: upstream exploded at line 1");
    let [hook] = (await t.gql<{ webhooks: { id: string; failingSince: string | null }[] }>(WEBHOOKS, {}, { apiKey: p.apiKey })).data!.webhooks;
    expect(hook!.failingSince).not.toBeNull();
    const [due] = await queryRows<{ next: Date }>(t.db, sql`select next_attempt_at as next from webhook_deliveries where id = ${d!.id}`);
    // The first retry after 10 s ± 10 %.
    expect(new Date(due!.next).getTime() - t0.getTime()).toBeGreaterThanOrEqual(9_000);
    expect(new Date(due!.next).getTime() - t0.getTime()).toBeLessThanOrEqual(11_000);

    // Not yet due: nothing is sent.
    await t.app.notifications.drainAndSettle(later(t0, 5));
    expect(p.receiver.received).toHaveLength(1);
    await t.app.notifications.drainAndSettle(later(t0, 12));
    expect(p.receiver.received).toHaveLength(2);
    const [due2] = await queryRows<{ next: Date }>(t.db, sql`select next_attempt_at as next from webhook_deliveries where id = ${d!.id}`);
    // The second after 20 s ± 10 %: doubled.
    expect(new Date(due2!.next).getTime() - later(t0, 12).getTime()).toBeGreaterThanOrEqual(18_000);
    expect(new Date(due2!.next).getTime() - later(t0, 12).getTime()).toBeLessThanOrEqual(22_000);
    await t.app.notifications.drainAndSettle(later(t0, 12 + 23));
    expect(p.receiver.received).toHaveLength(3);
    [d] = await deliveries(p.webhookId, { apiKey: p.apiKey });
    expect(d).toMatchObject({ status: "DELIVERED", attempts: 3, lastStatusCode: 200 });
    expect(new Set(p.receiver.received.map((r) => r.id))).toEqual(new Set([d!.id]));
    expect(p.receiver.received.every((r) => r.verified)).toBe(true);
    [hook] = (await t.gql<{ webhooks: { id: string; failingSince: string | null }[] }>(WEBHOOKS, {}, { apiKey: p.apiKey })).data!.webhooks;
    expect(hook!.failingSince).toBeNull();
  });

  it("a delivery failing every attempt goes DEAD (the dead-letter list); redeliverWebhook queues it again and it is delivered", async () => {
    const p = await partnerWithEndpoint();
    p.receiver.respond = () => ({ status: 502, body: "x".repeat(5000) });
    await partnerPosting(p.partnerId);
    const t0 = later(new Date(), 1);
    for (const at of [0, 12, 12 + 23]) await t.app.notifications.drainAndSettle(later(t0, at));
    expect(p.receiver.received).toHaveLength(3);
    const dead = await deliveries(p.webhookId, { apiKey: p.apiKey }, "DEAD");
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ status: "DEAD", attempts: 3, lastStatusCode: 502 });
    expect(dead[0]!.deadAt).not.toBeNull();
    // Only a short snippet of what the endpoint said is kept.
    expect(dead[0]!.lastError!.length).toBeLessThan(200);
    expect(dead[0]!.lastError).toMatch(/^HTTP 502: x+…\s\(attempt 3 of 3\)$/);
    // Nothing more is tried.
    await t.app.notifications.drainAndSettle(later(t0, 3600));
    expect(p.receiver.received).toHaveLength(3);

    p.receiver.respond = () => ({ status: 200 });
    const again = await t.gql<{ redeliverWebhook: { id: string; status: string; attempts: number } }>(REDELIVER, { d: dead[0]!.id }, { apiKey: p.apiKey });
    expect(again.data!.redeliverWebhook).toEqual({ id: dead[0]!.id, status: "PENDING", attempts: 0 });
    // Queued already: a second request is a CONFLICT.
    expect(codeOf(await t.gql(REDELIVER, { d: dead[0]!.id }, { apiKey: p.apiKey }))).toBe("CONFLICT");
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    expect(p.receiver.received).toHaveLength(4);
    expect(p.receiver.received[3]!.id).toBe(dead[0]!.id);
    expect(p.receiver.received[3]!.verified).toBe(true);
    expect(await deliveries(p.webhookId, { apiKey: p.apiKey }, "DEAD")).toHaveLength(0);
    expect((await deliveries(p.webhookId, { apiKey: p.apiKey }, "DELIVERED"))[0]).toMatchObject({ id: dead[0]!.id, attempts: 1 });
  });

  it("an endpoint failing for longer than the policy's days is DISABLED (its events no longer queued); enabling it clears failingSince", async () => {
    const p = await partnerWithEndpoint();
    p.receiver.respond = () => ({ status: 503 });
    await partnerPosting(p.partnerId);
    const t0 = later(new Date(), 1);
    await t.app.notifications.drainAndSettle(t0);
    await t.app.notifications.drainAndSettle(later(t0, 86_400));
    let [hook] = (await t.gql<{ webhooks: { status: string; failingSince: string; disabledReason: string | null }[] }>(WEBHOOKS, {}, { apiKey: p.apiKey })).data!.webhooks;
    expect(hook).toMatchObject({ status: "ACTIVE", disabledReason: null });
    // Two days and an hour after the first failure: disabled.
    await t.app.notifications.drainAndSettle(later(t0, 2 * 86_400 + 3600));
    expect(p.receiver.received).toHaveLength(3);
    [hook] = (await t.gql<{ webhooks: { status: string; failingSince: string; disabledReason: string | null }[] }>(WEBHOOKS, {}, { apiKey: p.apiKey })).data!.webhooks;
    expect(hook!.status).toBe("DISABLED");
    expect(hook!.disabledReason).toMatch(/^FAILING: every delivery failed since .* \(over 2 days\)$/);
    // Disabled: a new event is not queued for it.
    const before = (await deliveries(p.webhookId, { apiKey: p.apiKey })).length;
    await partnerPosting(p.partnerId);
    expect(await deliveries(p.webhookId, { apiKey: p.apiKey })).toHaveLength(before);

    const enabled = await t.gql<{ enableWebhook: { status: string; failingSince: string | null } }>(`mutation($w: ID!) { enableWebhook(id: $w) { status failingSince } }`, { w: p.webhookId }, { apiKey: p.apiKey });
    expect(enabled.data!.enableWebhook).toEqual({ status: "ACTIVE", failingSince: null });
  });

  it("a receiver slowed to 5 s per request does not delay another receiver's deliveries", async () => {
    const issued = await issuePartnerKey(t.db, "test", { name: `慢速测试网${unique()}` });
    const slow = await new WebhookReceiver().start();
    const fast = await new WebhookReceiver().start();
    receivers.push(slow, fast);
    slow.respond = () => ({ status: 200, delayMs: 5_000 });
    for (const r of [slow, fast]) {
      expect((await t.gql(APPROVE, { p: issued.partner.id, u: r.url("/") }, { token: admin })).errors).toBeUndefined();
      const reg = await t.gql<{ registerWebhook: { secret: string } }>(REGISTER, { i: { url: r.url("/in"), events: ["POSTING_CREATED"] } }, { apiKey: issued.apiKey });
      r.secret = reg.data!.registerWebhook.secret;
    }
    // Six events each: three rounds of two (the policy's per-endpoint share) for the fast one.
    for (let i = 0; i < 6; i++) await partnerPosting(issued.partner.id);
    const passed = t.app.notifications.drain(later(new Date(), 1));
    // The fast receiver gets every event while the slow one has not answered its first request. (The
    // wait is bounded far above what it needs, only so that a regression fails with a clear message.)
    const deadline = Date.now() + 20_000;
    while (fast.received.length < 6) {
      if (Date.now() > deadline) throw new Error(`the fast receiver got ${fast.received.length} of 6 deliveries in 20 s while the slow one was holding its requests`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(slow.answered).toBe(0);
    expect(slow.received.length).toBeGreaterThan(0);
    expect(slow.received.length).toBeLessThanOrEqual(2);
    expect(fast.received.every((r) => r.verified)).toBe(true);
    await passed;
    // The slow endpoint goes away: its requests fail and are retried later, the test does not wait out its 5 s rounds.
    await slow.close();
    await t.app.notifications.settle();
  });

  it("a partner cannot read, redeliver or change another partner's webhooks and deliveries (NOT_FOUND); an administrator can read them", async () => {
    const a = await partnerWithEndpoint();
    const b = await partnerWithEndpoint();
    await partnerPosting(b.partnerId);
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    const [bDelivery] = await deliveries(b.webhookId, { apiKey: b.apiKey });
    expect(bDelivery!.status).toBe("DELIVERED");
    const asA = { apiKey: a.apiKey };
    expect(codeOf(await t.gql(DELIVERIES, { w: b.webhookId }, asA))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(REDELIVER, { d: bDelivery!.id }, asA))).toBe("NOT_FOUND");
    for (const op of ["disableWebhook", "enableWebhook"]) expect(codeOf(await t.gql(`mutation($w: ID!) { ${op}(id: $w) { id } }`, { w: b.webhookId }, asA))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(`mutation($w: ID!) { rotateWebhookSecret(id: $w) { secret } }`, { w: b.webhookId }, asA))).toBe("NOT_FOUND");
    // The same answer as for an id that does not exist.
    expect(codeOf(await t.gql(DELIVERIES, { w: newId() }, asA))).toBe("NOT_FOUND");
    // A's own list holds only A's endpoint; nothing of B's moved.
    expect((await t.gql<{ webhooks: { id: string }[] }>(WEBHOOKS, {}, asA)).data!.webhooks.map((w) => w.id)).toEqual([a.webhookId]);
    expect((await deliveries(b.webhookId, { apiKey: b.apiKey }))[0]).toMatchObject({ id: bDelivery!.id, status: "DELIVERED", attempts: 1 });
    // An administrator reads any.
    expect((await deliveries(b.webhookId, { token: admin }))[0]!.id).toBe(bDelivery!.id);
    // A key without the webhooks scope may not manage webhooks.
    const readOnly = await issuePartnerKey(t.db, "test", { name: `只读测试网${unique()}`, scopes: ["postings:read"] });
    expect(codeOf(await t.gql(WEBHOOKS, {}, { apiKey: readOnly.apiKey }))).toBe("FORBIDDEN");
  });

  it("revoking an approval disables (APPROVAL_REVOKED) the partner's active endpoints no longer on a live prefix, and the partner cannot enable them again (FORBIDDEN, nothing written)", async () => {
    const p = await partnerWithEndpoint();
    const REVOKE = `mutation($i: ID!) { revokeWebhookUrlApproval(id: $i) { revokedAt } }`;
    const ENABLE = `mutation($w: ID!) { enableWebhook(id: $w) { status disabledReason } }`;
    const [approval] = (await t.gql<{ webhookUrlApprovals: { id: string }[] }>(`{ webhookUrlApprovals { id } }`, {}, { apiKey: p.apiKey })).data!.webhookUrlApprovals;
    // A second endpoint on a second approval, which stays.
    const other = await t.gql<{ approveWebhookUrl: { id: string } }>(APPROVE, { p: p.partnerId, u: p.receiver.url("/other") }, { token: admin });
    const kept = await t.gql<{ registerWebhook: { webhook: { id: string } } }>(REGISTER, { i: { url: p.receiver.url("/other/in"), events: ["POSTING_CREATED"] } }, { apiKey: p.apiKey });
    expect(kept.errors).toBeUndefined();
    expect((await t.gql(REVOKE, { i: approval!.id }, { token: admin })).errors).toBeUndefined();
    const hooks = async () => (await t.gql<{ webhooks: { id: string; status: string; disabledReason: string | null }[] }>(WEBHOOKS, {}, { apiKey: p.apiKey })).data!.webhooks;
    expect(await hooks()).toEqual(
      expect.arrayContaining([
        { id: p.webhookId, status: "DISABLED", failingSince: null, disabledReason: expect.stringMatching(/^APPROVAL_REVOKED: .*\/hooks revoked by admin:admin$/) },
        { id: kept.data!.registerWebhook.webhook.id, status: "ACTIVE", failingSince: null, disabledReason: null },
      ]),
    );
    // Nothing is queued for it any more.
    const before = (await deliveries(p.webhookId, { apiKey: p.apiKey })).length;
    await partnerPosting(p.partnerId);
    expect(await deliveries(p.webhookId, { apiKey: p.apiKey })).toHaveLength(before);
    // Its URL is on no live prefix: neither the partner nor an administrator turns it on.
    expect(codeOf(await t.gql(ENABLE, { w: p.webhookId }, { apiKey: p.apiKey }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(ENABLE, { w: p.webhookId }, { token: admin }))).toBe("FORBIDDEN");
    expect((await hooks()).find((h) => h.id === p.webhookId)!.status).toBe("DISABLED");
    // Approved again: the partner may.
    expect((await t.gql(APPROVE, { p: p.partnerId, u: p.receiver.url("/hooks") }, { token: admin })).errors).toBeUndefined();
    expect((await t.gql<{ enableWebhook: unknown }>(ENABLE, { w: p.webhookId }, { apiKey: p.apiKey })).data!.enableWebhook).toEqual({ status: "ACTIVE", disabledReason: null });
    // Revoking the other approval disables only the endpoint on it.
    expect((await t.gql(REVOKE, { i: other.data!.approveWebhookUrl.id }, { token: admin })).errors).toBeUndefined();
    expect((await hooks()).map((h) => [h.id, h.status])).toEqual(
      expect.arrayContaining([
        [p.webhookId, "ACTIVE"],
        [kept.data!.registerWebhook.webhook.id, "DISABLED"],
      ]),
    );
  });

  it("an endpoint an administrator disabled is enabled again only by an administrator; one its partner disabled, by either", async () => {
    const p = await partnerWithEndpoint();
    const DISABLE = `mutation($w: ID!) { disableWebhook(id: $w) { status disabledReason } }`;
    const ENABLE = `mutation($w: ID!) { enableWebhook(id: $w) { status disabledReason } }`;
    expect((await t.gql<{ disableWebhook: unknown }>(DISABLE, { w: p.webhookId }, { token: admin })).data!.disableWebhook).toEqual({ status: "DISABLED", disabledReason: "BY_ADMIN: admin:admin" });
    const refused = await t.gql(ENABLE, { w: p.webhookId }, { apiKey: p.apiKey });
    expect(codeOf(refused)).toBe("FORBIDDEN");
    const [row] = await queryRows<{ status: string; disabled_reason: string }>(t.db, sql`select status, disabled_reason from webhooks where id = ${p.webhookId}`);
    expect(row).toEqual({ status: "DISABLED", disabled_reason: "BY_ADMIN: admin:admin" });
    // The partner turning it "off" again does not change whose decision it is.
    expect((await t.gql<{ disableWebhook: unknown }>(DISABLE, { w: p.webhookId }, { apiKey: p.apiKey })).data!.disableWebhook).toEqual({ status: "DISABLED", disabledReason: "BY_ADMIN: admin:admin" });
    expect((await t.gql<{ enableWebhook: unknown }>(ENABLE, { w: p.webhookId }, { token: admin })).data!.enableWebhook).toEqual({ status: "ACTIVE", disabledReason: null });
    // Off by the partner: the partner turns it on; an administrator's disabling over it is then the administrator's.
    expect((await t.gql<{ disableWebhook: { disabledReason: string } }>(DISABLE, { w: p.webhookId }, { apiKey: p.apiKey })).data!.disableWebhook.disabledReason).toMatch(/^BY_PARTNER: partner:/);
    expect((await t.gql<{ enableWebhook: unknown }>(ENABLE, { w: p.webhookId }, { apiKey: p.apiKey })).data!.enableWebhook).toEqual({ status: "ACTIVE", disabledReason: null });
    await t.gql(DISABLE, { w: p.webhookId }, { apiKey: p.apiKey });
    expect((await t.gql<{ disableWebhook: unknown }>(DISABLE, { w: p.webhookId }, { token: admin })).data!.disableWebhook).toEqual({ status: "DISABLED", disabledReason: "BY_ADMIN: admin:admin" });
    expect(codeOf(await t.gql(ENABLE, { w: p.webhookId }, { apiKey: p.apiKey }))).toBe("FORBIDDEN");
  });

  it("refuses a URL outside the partner's approved prefixes (FORBIDDEN) and malformed ones (BAD_USER_INPUT), writing nothing", async () => {
    const issued = await issuePartnerKey(t.db, "test", { name: `越界测试网${unique()}` });
    const other = await issuePartnerKey(t.db, "test", { name: `他人测试网${unique()}` });
    expect((await t.gql(APPROVE, { p: issued.partner.id, u: "http://127.0.0.1:9/hooks" }, { token: admin })).errors).toBeUndefined();
    expect((await t.gql(APPROVE, { p: other.partner.id, u: "http://127.0.0.1:9/theirs" }, { token: admin })).errors).toBeUndefined();
    const revoked = await t.gql<{ approveWebhookUrl: { id: string } }>(APPROVE, { p: issued.partner.id, u: "http://127.0.0.1:9/old" }, { token: admin });
    expect((await t.gql(`mutation($i: ID!) { revokeWebhookUrlApproval(id: $i) { revokedAt } }`, { i: revoked.data!.approveWebhookUrl.id }, { token: admin })).errors).toBeUndefined();
    const before = { webhooks: await countRows("webhooks"), deliveries: await countRows("webhook_deliveries") };
    const register = (url: string, extra: Record<string, unknown> = {}) => t.gql(REGISTER, { i: { url, events: ["POSTING_CREATED"], ...extra } }, { apiKey: issued.apiKey });
    for (const url of ["http://127.0.0.1:9/hooksmith", "http://127.0.0.1:9/theirs/x", "http://127.0.0.1:9/old/x", "http://127.0.0.1:10/hooks", "https://127.0.0.1:9/hooks", "http://localhost:9/hooks"]) {
      expect([url, codeOf(await register(url))]).toEqual([url, "FORBIDDEN"]);
    }
    for (const url of ["not a url", "ftp://127.0.0.1:9/hooks", "http://user:pw@127.0.0.1:9/hooks", "http://127.0.0.1:9/hooks#frag", "javascript:alert(1)"]) {
      const r = await register(url);
      expect([url, codeOf(r), r.errors![0]!.extensions!.field]).toEqual([url, "BAD_USER_INPUT", "input.url"]);
    }
    const badFilter = await register("http://127.0.0.1:9/hooks", { filter: { regionPrefix: "3501" } });
    expect(badFilter.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.filter.ownPostingsOnly" });
    const badRegion = await register("http://127.0.0.1:9/hooks", { filter: { ownPostingsOnly: false, regionPrefix: "350" } });
    expect(badRegion.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.filter.regionPrefix" });
    expect({ webhooks: await countRows("webhooks"), deliveries: await countRows("webhook_deliveries") }).toEqual(before);
    // Prefixes themselves: a fragment, a user name or another scheme is refused when approved.
    for (const u of ["http://127.0.0.1:9/a#b", "http://u@127.0.0.1:9/", "ftp://127.0.0.1/", "http://127.0.0.1:9/?q=1"]) {
      expect([u, codeOf(await t.gql(APPROVE, { p: issued.partner.id, u }, { token: admin }))]).toEqual([u, "BAD_USER_INPUT"]);
    }
    expect(codeOf(await t.gql(APPROVE, { p: newId(), u: "http://127.0.0.1:9/" }, { token: admin }))).toBe("NOT_FOUND");
    // On an approved prefix it registers.
    expect((await register("http://127.0.0.1:9/hooks/x")).errors).toBeUndefined();
  });

  it("a partner subscribed by filter gets matching postings' events without the other partner's own external id", async () => {
    const p = await partnerWithEndpoint(["POSTING_CREATED"], { ownPostingsOnly: false, regionPrefix: "3502", kinds: ["REGULAR"] });
    const otherPartner = await issuePartnerKey(t.db, "test", { name: `别家测试网${unique()}` });
    const match = await makePosting(t.db, { regionCode: "350203", source: "PARTNER", partnerId: otherPartner.partner.id, externalId: `ext-${unique()}` });
    await makePosting(t.db, { regionCode: "350102" });
    await makePosting(t.db, { regionCode: "350203", kind: "TRAINEESHIP" });
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    expect(p.receiver.bodies().map((b) => b.data.id)).toEqual([match.id]);
    expect(p.receiver.bodies()[0]!.data.externalId).toBeNull();
  });

  it("applications made through the partner: APPLICATION_CREATED and _STATUS_CHANGED carry the application's own status, never the person", async () => {
    const p = await partnerWithEndpoint(["APPLICATION_CREATED", "APPLICATION_STATUS_CHANGED"]);
    const person = await makePerson(t);
    const posting = await partnerPosting(p.partnerId);
    const consentId = newId();
    const referralId = newId();
    await t.db.execute(sql`insert into partner_consents (id, person_id, partner_id, scopes, expires_on) values (${consentId}, ${person.id}, ${p.partnerId}, array['APPLY'], ${serviceToday(days(90))}::date)`);
    await t.db.execute(sql`insert into referrals (id, person_id, posting_id, source, made_by, status, fitted, via_partner_id, partner_consent_id)
                           values (${referralId}, ${person.id}, ${posting.id}, 'PARTNER', ${`partner:${p.partnerId}`}, 'APPLIED', true, ${p.partnerId}, ${consentId})`);
    await t.db.execute(sql`insert into referral_events (id, referral_id, from_status, to_status, by) values (${newId()}, ${referralId}, null, 'APPLIED', 'partner')`);
    await t.db.execute(sql`update referrals set status = 'INTERVIEWED' where id = ${referralId}`);
    await t.db.execute(sql`insert into referral_events (id, referral_id, from_status, to_status, by) values (${newId()}, ${referralId}, 'APPLIED', 'INTERVIEWED', 'employer')`);
    await t.app.notifications.drainAndSettle(later(new Date(), 1));
    expect(p.receiver.received.every((r) => r.verified)).toBe(true);
    const bodies = p.receiver.bodies();
    expect(bodies.map((b) => b.type)).toEqual(["application.created", "application.status_changed"]);
    expect(bodies[0]!.data).toEqual({ applicationId: referralId, postingId: posting.id, postingExternalId: posting.externalId, status: "APPLIED", previousStatus: null });
    expect(bodies[1]!.data).toEqual({ applicationId: referralId, postingId: posting.id, postingExternalId: posting.externalId, status: "INTERVIEWED", previousStatus: "APPLIED" });
    // Nothing of the person: not their id, name, ID number or phone.
    const raw = p.receiver.received.map((r) => r.body).join("\n");
    const [clear] = await queryRows<{ name: string }>(t.db, sql`select name from people where id = ${person.id}`);
    for (const secret of [person.id, clear!.name]) expect(raw).not.toContain(secret);
  });

  it("keeps the policy as data: webhookPolicy is public, setWebhookPolicy checks ranges and is for administrators", async () => {
    const policy = await t.gql<{ webhookPolicy: { maxAttempts: number; perEndpointConcurrency: number } }>(`{ webhookPolicy { maxAttempts perEndpointConcurrency disableAfterDays timeoutMs } }`);
    expect(policy.data!.webhookPolicy).toMatchObject({ maxAttempts: 3, perEndpointConcurrency: 2 });
    const before = await countRows("webhook_url_approvals");
    for (const [field, value] of [["maxAttempts", 0], ["perEndpointConcurrency", 65], ["timeoutMs", 99], ["disableAfterDays", 366], ["maxBackoffSeconds", 5]] as const) {
      const r = await t.gql(POLICY, { i: { ...FILE_POLICY, [field]: value } }, { token: admin });
      expect([field, r.errors![0]!.extensions]).toMatchObject([field, { code: "BAD_USER_INPUT", field: `input.${field}` }]);
    }
    const issued = await issuePartnerKey(t.db, "test", { name: `策略测试网${unique()}` });
    expect(codeOf(await t.gql(POLICY, { i: FILE_POLICY }, { apiKey: issued.apiKey }))).toBe("FORBIDDEN");
    expect(await countRows("webhook_url_approvals")).toBe(before);
    expect((await t.gql<{ webhookPolicy: { maxAttempts: number } }>(`{ webhookPolicy { maxAttempts } }`)).data!.webhookPolicy.maxAttempts).toBe(3);
  });
});

describe("webhooks in production: HTTPS only, and no endpoint on a loopback, private or reserved address (SSRF)", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: "production", AUTH_JWT_SECRET: "a-real-secret-that-is-long-enough-0123456789", PII_KEY: Buffer.alloc(32, 7).toString("base64") });
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  it("refuses http:// and every non-public host — literal, in odd notations, or a name resolving to one — writing nothing", async () => {
    const issued = await issuePartnerKey(t.db, "test", { name: `生产测试网${unique()}` });
    const prefixes = ["https://127.0.0.1/", "https://10.1.2.3/", "https://169.254.169.254/", "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://localhost/", "https://100.64.0.1/", "https://[fd00::1]/", "https://0.0.0.0/", "https://[::7f00:1]/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/", "https://hooks.example.com/"];
    for (const u of prefixes) expect([u, (await t.gql(APPROVE, { p: issued.partner.id, u }, { token: admin })).errors]).toEqual([u, undefined]);
    // http:// cannot even be approved in production.
    const httpApproval = await t.gql(APPROVE, { p: issued.partner.id, u: "http://hooks.example.com/" }, { token: admin });
    expect(httpApproval.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "urlPrefix" });
    const before = Number((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhooks`))[0]!.n);
    const targets = [
      "http://hooks.example.com/in",
      "https://127.0.0.1/in",
      "https://2130706433/in", // 127.0.0.1 in decimal
      "https://0x7f.0.0.1/in", // and in hex
      "https://10.1.2.3/in",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/in",
      "https://[::ffff:127.0.0.1]/in",
      "https://localhost/in",
      "https://100.64.0.1/in",
      "https://[fd00::1]/in",
      "https://0.0.0.0/in",
      "https://[::7f00:1]/in", // IPv4-compatible (deprecated ::/96): 127.0.0.1
      "https://[::127.0.0.1]/in", // the same, written with the IPv4 inside
      "https://[64:ff9b::7f00:1]/in", // NAT64
      "https://[2002:7f00:1::]/in", // 6to4
    ];
    for (const url of targets) {
      const r = await t.gql(REGISTER, { i: { url, events: ["POSTING_CREATED"] } }, { apiKey: issued.apiKey });
      expect([url, codeOf(r), r.errors?.[0]?.extensions?.field]).toEqual([url, "BAD_USER_INPUT", "input.url"]);
    }
    expect(Number((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhooks`))[0]!.n)).toBe(before);
  });

  it("checks the address again when sending: a name that resolves to loopback is refused before connecting (DNS rebinding)", async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const sender = new WebhookSender({ httpsOnly: false, allowPrivate: false });
      const viaName = await sender.send(receiver.url("/in", "localhost"), {}, "{}", 2_000);
      expect(viaName.ok).toBe(false);
      expect(viaName.error).toMatch(/^refused/);
      const viaLiteral = await sender.send(receiver.url("/in"), {}, "{}", 2_000);
      expect(viaLiteral).toMatchObject({ ok: false, error: expect.stringMatching(/^refused/) });
      expect(receiver.received).toHaveLength(0);
      sender.close();
      // The same request where private addresses are allowed (outside production) reaches it.
      const open = new WebhookSender({ httpsOnly: false, allowPrivate: true });
      expect(await open.send(receiver.url("/in", "localhost"), {}, "{}", 2_000)).toMatchObject({ ok: true, statusCode: 204 });
      open.close();
    } finally {
      await receiver.close();
    }
  });
});

describe("the webhook queue: claims over several processes, fencing, the last attempt", () => {
  let t: TestApp;
  const rules = { perEndpoint: 4, maxAttempts: 12 };
  beforeAll(async () => {
    t = await startTestApp();
  });
  // Each test's endpoints are turned off after it, so the next one's claims see only its own.
  afterEach(() => t.db.execute(sql`update webhooks set status = 'DISABLED' where status = 'ACTIVE'`));
  afterAll(() => t.close());

  /** A webhook row (nothing is sent in these tests: the queue is driven by hand). */
  async function endpoint(): Promise<string> {
    const issued = await issuePartnerKey(t.db, "test", { name: `队列测试网${unique()}` });
    const id = newId();
    await t.db.insert(webhooks).values({ id, partnerId: issued.partner.id, url: "http://127.0.0.1:9/in", events: ["POSTING_CREATED"], secretSealed: t.app.pii.encrypt("whsec_AAAA"), createdBy: "test" });
    return id;
  }
  async function queue(webhookId: string, n: number, due = new Date()): Promise<string[]> {
    const ids = Array.from({ length: n }, () => newId());
    await t.db.insert(webhookDeliveries).values(ids.map((id) => ({ id, webhookId, eventType: "POSTING_CREATED", payload: { type: "posting.created" }, nextAttemptAt: due })));
    return ids;
  }
  const mine = <T extends { webhook_id: string }>(rows: T[], webhookId: string) => rows.filter((r) => r.webhook_id === webhookId);
  const outcome = (c: { id: string; webhook_id: string; attempts: number; claims: number }, at: Date, ok: boolean) => ({
    id: c.id,
    webhookId: c.webhook_id,
    attempts: c.attempts,
    claim: c.claims,
    ok,
    statusCode: ok ? 200 : 500,
    error: ok ? null : "late",
    at,
    status: ok ? ("DELIVERED" as const) : ("DEAD" as const),
    nextAt: null,
  });

  it("fences on the claim: an outcome from a claim that lost its lease is not written, even after a redelivery started the attempts afresh", async () => {
    const w = await endpoint();
    const [id] = await queue(w, 1);
    const t0 = later(new Date(), 1);
    // Process A claims (attempt 1), then stalls past its lease.
    const [a] = mine(await claimDeliveries(t.db, t0, later(t0, 30), rules, 1000), w);
    expect(a).toMatchObject({ id, attempts: 1, claims: 1 });
    // Process B takes the lapsed claim over (attempt 2) and delivers it.
    const t1 = later(t0, 31);
    const [b] = mine(await claimDeliveries(t.db, t1, later(t1, 30), rules, 1000), w);
    expect(b).toMatchObject({ id, attempts: 2, claims: 2 });
    expect(await recordOutcomes(t.db, [outcome(b!, t1, true)])).toEqual(new Set([id]));
    // The partner redelivers it; process C claims it (attempt 1 again, the third claim).
    expect(await requeueDelivery(t.db, id!)).toMatchObject({ attempts: 0, claims: 2 });
    const t2 = later(new Date(), 60);
    const [c] = mine(await claimDeliveries(t.db, t2, later(t2, 30), rules, 1000), w);
    expect(c).toMatchObject({ id, attempts: 1, claims: 3 });
    // A finally writes its stale result (its attempts number matches C's): refused.
    expect(await recordOutcomes(t.db, [outcome(a!, t2, false)])).toEqual(new Set());
    const [row] = await queryRows<{ status: string; claims: number }>(t.db, sql`select status, claims from webhook_deliveries where id = ${id}`);
    expect(row).toEqual({ status: "SENDING", claims: 3 });
    // C's own result is written.
    expect(await recordOutcomes(t.db, [outcome(c!, t2, true)])).toEqual(new Set([id]));
  });

  it("never sends beyond the last attempt: a lapsed claim of the last attempt goes DEAD (lease lapsed after the last attempt), as does one queued with no attempts left", async () => {
    const w = await endpoint();
    const [lapsed, queued] = await queue(w, 2);
    const t0 = later(new Date(), 1);
    const last = { perEndpoint: 4, maxAttempts: 1 };
    expect(mine(await claimDeliveries(t.db, t0, later(t0, 30), last, 1000), w).map((c) => [c.id, c.attempts]).sort()).toEqual([[lapsed, 1], [queued, 1]].sort());
    // `queued` failed its attempt under a policy of 2 attempts and waits for its retry; `lapsed` is never answered.
    await t.db.execute(sql`update webhook_deliveries set status = 'PENDING', lease_until = null where id = ${queued}`);
    // Past the lease, under the policy of 1 attempt: nothing is sent, both are DEAD.
    const t1 = later(t0, 31);
    expect(mine(await claimDeliveries(t.db, t1, later(t1, 30), last, 1000), w)).toEqual([]);
    const rows = await queryRows<{ id: string; status: string; attempts: number; last_error: string }>(t.db, sql`select id, status, attempts, last_error from webhook_deliveries where webhook_id = ${w}`);
    expect(rows.sort((x, y) => (x.id === lapsed ? -1 : y.id === lapsed ? 1 : 0))).toEqual([
      { id: lapsed, status: "DEAD", attempts: 1, last_error: "lease lapsed after the last attempt (attempt 1 of 1)" },
      { id: queued, status: "DEAD", attempts: 1, last_error: "no attempts left under the policy (attempt 1 of 1)" },
    ]);
  });

  it("serves the endpoint waiting longest first when there are fewer slots than endpoints × their share (no endpoint keeps the slots by scan order)", async () => {
    const now = new Date();
    // Registered first (first in scan order), but with the newest work.
    const first = await endpoint();
    const second = await endpoint();
    const third = await endpoint();
    await queue(first, 4, later(now, -10));
    await queue(second, 4, later(now, -20));
    await queue(third, 4, later(now, -30));
    const t0 = later(now, 1);
    const round1 = await claimDeliveries(t.db, t0, later(t0, 30), rules, 2);
    expect(round1.map((c) => c.webhook_id)).toEqual(expect.arrayContaining([third, second]));
    expect(round1).toHaveLength(2);
    // With more slots: every endpoint gets its turn before any gets a second.
    const round2 = await claimDeliveries(t.db, t0, later(t0, 30), rules, 3);
    expect(new Set(round2.map((c) => c.webhook_id))).toEqual(new Set([first, second, third]));
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("holds per-endpoint concurrency across processes: two claims at once never put more than the policy's share in flight (PostgreSQL)", async () => {
    const w = await endpoint();
    await queue(w, 8);
    const t0 = later(new Date(), 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstClaimed!: (n: number) => void;
    const claimedFirst = new Promise<number>((r) => (firstClaimed = r));
    // Process 1's claim, its transaction not yet committed when process 2 claims (two pollers at the same instant).
    const one = t.db.transaction(async (tx) => {
      const c = mine(await claimDeliveries(tx, t0, later(t0, 60), rules, 1000), w);
      firstClaimed(c.length);
      await gate;
      return c.length;
    });
    expect(await claimedFirst).toBe(4);
    const two = mine(await claimDeliveries(t.db, t0, later(t0, 60), rules, 1000), w);
    release();
    await one;
    // And once process 1's claims are committed, a third claim sees them.
    const three = mine(await claimDeliveries(t.db, t0, later(t0, 60), rules, 1000), w);
    const [inFlight] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${w} and status = 'SENDING' and lease_until > ${t0.toISOString()}::timestamptz`);
    expect({ second: two.length, third: three.length, inFlight: inFlight!.n }).toEqual({ second: 0, third: 0, inFlight: 4 });
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("two processes recording the health of overlapping endpoints in opposite orders do not deadlock (PostgreSQL)", async () => {
    const ids = [await endpoint(), await endpoint(), await endpoint()].sort();
    const at = new Date();
    const failing = (order: string[]) => order.map((webhookId) => ({ webhookId, ok: false, since: at, at, reset: false }));
    const waiting = async () => Number((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n);
    const until = async (n: number) => {
      for (let i = 0; (await waiting()) < n; i++) {
        if (i > 1000) throw new Error(`never ${n} transactions waiting on a lock`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    // A third transaction holds the first endpoint; flush X (in id order) queues behind it, then flush Y
    // (in reverse). Written in the order given, Y would hold the last endpoints while waiting for the
    // first, and X, served first, would then wait for Y's: a deadlock, one flush lost.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holder = t.db.transaction(async (tx) => {
      await tx.execute(sql`select id from webhooks where id = ${ids[0]} for no key update`);
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nested loops, as the planner picks on a large table: rows are then reached in the batch's order.
    const flush = (order: string[]) =>
      t.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_hashjoin = off`);
        await tx.execute(sql`set local enable_mergejoin = off`);
        return recordEndpointHealth(tx, failing(order), 5);
      });
    const x = flush(ids);
    await until(1);
    const y = flush([...ids].reverse());
    await until(2);
    release();
    await holder;
    const results = await Promise.allSettled([x, y]);
    expect(results.map((r) => (r.status === "rejected" ? String((r.reason as Error).cause ?? r.reason) : "ok"))).toEqual(["ok", "ok"]);
    const rows = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhooks where failing_since is not null and id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
    expect(rows[0]!.n).toBe(3);
  });
});
