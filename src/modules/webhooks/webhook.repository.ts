import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";
import { webhookDeliveries, webhooks, webhookUrlApprovals, type WebhookDeliveryRow, type WebhookRow } from "./webhook.table.js";

export type WebhookUrlApprovalRow = typeof webhookUrlApprovals.$inferSelect;

/** An instant as a parameter (ISO text, cast: the same on pg and PGlite). */
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** A list as one array parameter. */
const arr = (values: unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

// ---------------------------------------------------------------- approvals

export async function insertApproval(db: Executor, row: typeof webhookUrlApprovals.$inferInsert): Promise<WebhookUrlApprovalRow> {
  const [saved] = await db.insert(webhookUrlApprovals).values(row).returning();
  return saved!;
}

export async function findApproval(db: Executor, id: string): Promise<WebhookUrlApprovalRow | undefined> {
  const [row] = await db.select().from(webhookUrlApprovals).where(eq(webhookUrlApprovals.id, id));
  return row;
}

/** Locks a partner's approvals, in id order: revocations of one partner's approvals (and enablings, see livePrefixes) take turns. */
export async function lockApprovals(db: Executor, partnerId: string): Promise<void> {
  await db.select({ id: webhookUrlApprovals.id }).from(webhookUrlApprovals).where(eq(webhookUrlApprovals.partnerId, partnerId)).orderBy(asc(webhookUrlApprovals.id)).for("update");
}

/** Revokes a live approval; undefined when there is none by that id (or it was revoked already: returned as it was). */
export async function revokeApproval(db: Executor, id: string): Promise<WebhookUrlApprovalRow | undefined> {
  const [revoked] = await db.update(webhookUrlApprovals).set({ revokedAt: sql`now()` }).where(and(eq(webhookUrlApprovals.id, id), isNull(webhookUrlApprovals.revokedAt))).returning();
  if (revoked) return revoked;
  const [existing] = await db.select().from(webhookUrlApprovals).where(eq(webhookUrlApprovals.id, id));
  return existing;
}

export function listApprovals(db: Executor, partnerId: string | null): Promise<WebhookUrlApprovalRow[]> {
  return db
    .select()
    .from(webhookUrlApprovals)
    .where(partnerId ? eq(webhookUrlApprovals.partnerId, partnerId) : undefined)
    .orderBy(asc(webhookUrlApprovals.partnerId), desc(webhookUrlApprovals.approvedAt));
}

/** A partner's live prefixes; `share`: locked (in id order) until the transaction ends, so none is revoked meanwhile. */
export async function livePrefixes(db: Executor, partnerId: string, lock?: "share"): Promise<string[]> {
  const query = db
    .select({ prefix: webhookUrlApprovals.urlPrefix })
    .from(webhookUrlApprovals)
    .where(and(eq(webhookUrlApprovals.partnerId, partnerId), isNull(webhookUrlApprovals.revokedAt)))
    .orderBy(asc(webhookUrlApprovals.id));
  const rows = lock ? await query.for(lock) : await query;
  return rows.map((r) => r.prefix);
}

// ---------------------------------------------------------------- endpoints

export async function insertWebhook(db: Executor, row: typeof webhooks.$inferInsert): Promise<WebhookRow> {
  const [saved] = await db.insert(webhooks).values(row).returning();
  return saved!;
}

export function listWebhooks(db: Executor, partnerId: string | null): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhooks)
    .where(partnerId ? eq(webhooks.partnerId, partnerId) : undefined)
    .orderBy(asc(webhooks.partnerId), asc(webhooks.id));
}

export async function findWebhook(db: Executor, id: string, lock?: "no key update"): Promise<WebhookRow | undefined> {
  const query = db.select().from(webhooks).where(eq(webhooks.id, id));
  const [row] = lock ? await query.for(lock) : await query;
  return row;
}

/** Disables the given endpoints that are still ACTIVE, with one reason; returns those disabled. */
export async function disableActiveWebhooks(db: Executor, ids: string[], reason: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(webhooks)
    .set({ status: "DISABLED", disabledAt: sql`now()`, disabledReason: reason })
    .where(and(inArray(webhooks.id, ids), eq(webhooks.status, "ACTIVE")))
    .returning({ id: webhooks.id });
  return rows.map((r) => r.id);
}

export async function updateWebhook(db: Executor, id: string, patch: Partial<typeof webhooks.$inferInsert>): Promise<WebhookRow | undefined> {
  const [row] = await db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning();
  return row;
}

// ---------------------------------------------------------------- deliveries

export function listDeliveries(db: Executor, webhookId: string, status: string | null, page: KeysetPage): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), status ? eq(webhookDeliveries.status, status) : undefined, keysetRange(webhookDeliveries.id, page)))
    .orderBy(keysetOrder(webhookDeliveries.id, page))
    .limit(page.limit);
}

export async function countDeliveries(db: Executor, webhookId: string, status: string | null): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), status ? eq(webhookDeliveries.status, status) : undefined));
  return Number(row?.n ?? 0);
}

export async function findDeliveryWithOwner(db: Executor, id: string): Promise<{ delivery: WebhookDeliveryRow; partnerId: string } | undefined> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, partnerId: webhooks.partnerId })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.id, id));
  return row;
}

/** A delivered or dead delivery queued again from its first attempt; undefined when it is neither (queued or being sent already). */
export async function requeueDelivery(db: Executor, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: "PENDING", attempts: 0, nextAttemptAt: sql`now()`, leaseUntil: null, deadAt: null, deliveredAt: null })
    .where(and(eq(webhookDeliveries.id, id), sql`${webhookDeliveries.status} in ('DEAD', 'DELIVERED')`))
    .returning();
  return row;
}

// ---------------------------------------------------------------- the channel's queue

export interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  attempts: number;
  /** The claim's fencing token (the delivery's `claims` after this claim). */
  claims: number;
  payload: unknown;
  lease_until: Date | string;
  url: string;
  secret_sealed: string;
}

/** The policy's numbers a claim obeys. */
export interface ClaimRules {
  /** Requests in flight to one endpoint at once, counted over every process. */
  perEndpoint: number;
  /** No delivery is sent beyond its last attempt. */
  maxAttempts: number;
}

/** Due: queued and its time has come, or claimed by a process whose lease ran out (it died, or stalled). */
const due = (d: string, now: Date) =>
  sql`((${sql.raw(d)}.status = 'PENDING' and ${sql.raw(d)}.next_attempt_at <= ${ts(now)}) or (${sql.raw(d)}.status = 'SENDING' and ${sql.raw(d)}.lease_until <= ${ts(now)}))`;
const busy = (endpoint: SQL, now: Date) => sql`(select count(*)::int from webhook_deliveries s where s.webhook_id = ${endpoint} and s.status = 'SENDING' and s.lease_until > ${ts(now)})`;

/**
 * Claims due deliveries (SENDING under a lease, `claims` + 1 as the claim's fencing token, `attempts`
 * + 1): per active endpoint at most `perEndpoint` in flight over every process, `limit` in all. One
 * short transaction: it first locks the endpoints it will claim for (FOR NO KEY UPDATE SKIP LOCKED —
 * an endpoint another process is claiming for right now is left to it this round), those with due
 * work and a free slot, the longest-waiting first (their oldest due delivery), so no endpoint keeps
 * the slots while others wait; then, under those locks, counts each one's live claims afresh and
 * claims its oldest due deliveries for the slots left, spread over the endpoints in turn. A lapsed
 * claim is claimed again, unless it was the last attempt: such a delivery (and one queued with no
 * attempts left after the policy lowered maxAttempts) goes DEAD instead of being sent once more.
 */
export function claimDeliveries(db: Executor, now: Date, leaseUntil: Date, rules: ClaimRules, limit: number): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return Promise.resolve([]);
  return db.transaction(async (tx) => {
    const endpoints = await queryRows<{ id: string }>(
      tx,
      sql`
      select w.id from webhooks w
       cross join lateral (select min(d.next_attempt_at) as oldest from webhook_deliveries d where d.webhook_id = w.id and ${due("d", now)}) o
       where w.status = 'ACTIVE' and o.oldest is not null and ${busy(sql`w.id`, now)} < ${rules.perEndpoint}::int
       order by o.oldest, w.id
       limit ${limit}
       for no key update of w skip locked`,
    );
    if (endpoints.length === 0) return [];
    return queryRows<ClaimedDelivery>(
      tx,
      sql`
      with ep as (select e.id, e.ord from unnest(${arr(endpoints.map((e) => e.id), "uuid")}) with ordinality as e(id, ord)),
      spent as (
        update webhook_deliveries d
           set status = 'DEAD', lease_until = null, dead_at = ${ts(now)},
               last_error = case when d.status = 'SENDING' then 'lease lapsed after the last attempt' else 'no attempts left under the policy' end
                            || ' (attempt ' || d.attempts || ' of ' || ${rules.maxAttempts}::int || ')'
         where d.id in (select x.id from webhook_deliveries x join ep on ep.id = x.webhook_id
                         where ${due("x", now)} and x.attempts >= ${rules.maxAttempts}::int
                         for update of x skip locked)
        returning d.id),
      pick as (
        select x.id, ep.ord, row_number() over (partition by ep.id order by x.next_attempt_at, x.id) as turn
          from ep
         cross join lateral (
           select d.id, d.next_attempt_at from webhook_deliveries d
            where d.webhook_id = ep.id and ${due("d", now)} and d.attempts < ${rules.maxAttempts}::int
            order by d.next_attempt_at
            limit greatest(0, ${rules.perEndpoint}::int - ${busy(sql`ep.id`, now)})
            for update skip locked) x),
      chosen as (select id from pick order by turn, ord limit ${limit}),
      claimed as (
        update webhook_deliveries d set status = 'SENDING', attempts = d.attempts + 1, claims = d.claims + 1, lease_until = ${ts(leaseUntil)}
          from chosen where d.id = chosen.id
        returning d.id, d.webhook_id, d.attempts, d.claims, d.payload, d.lease_until)
      select c.*, w.url, w.secret_sealed from claimed c join webhooks w on w.id = c.webhook_id`,
    );
  });
}

/** One attempt's result, written only while the delivery still carries that claim. */
export interface DeliveryOutcome {
  id: string;
  webhookId: string;
  /** Attempts since queued, this one included. */
  attempts: number;
  /** The claim it was sent under (ClaimedDelivery.claims): written only if no later claim took the delivery over. */
  claim: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  at: Date;
}

/**
 * Writes a batch of outcomes: DELIVERED; PENDING again at `nextAt` (a retry); DEAD after the last
 * attempt. Returns those written (a late writer whose claim was taken over writes nothing).
 */
export async function recordOutcomes(db: Executor, rows: (DeliveryOutcome & { status: "DELIVERED" | "PENDING" | "DEAD"; nextAt: Date | null })[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await queryRows<{ id: string }>(
    db,
    sql`
    update webhook_deliveries d
       set status = x.status, lease_until = null, last_status_code = x.code, last_error = x.error,
           next_attempt_at = coalesce(x.next, d.next_attempt_at),
           delivered_at = case when x.status = 'DELIVERED' then x.at else d.delivered_at end,
           dead_at = case when x.status = 'DEAD' then x.at else d.dead_at end
      from (select * from unnest(${arr(rows.map((r) => r.id), "uuid")}, ${arr(rows.map((r) => String(r.claim)), "int")}, ${arr(rows.map((r) => r.status), "text")},
                                 ${arr(rows.map((r) => (r.statusCode === null ? null : String(r.statusCode))), "int")}, ${arr(rows.map((r) => r.error), "text")},
                                 ${arr(rows.map((r) => r.nextAt?.toISOString() ?? null), "timestamptz")}, ${arr(rows.map((r) => r.at.toISOString()), "timestamptz")})
              as t(id, claim, status, code, error, next, at)) x
     where d.id = x.id and d.status = 'SENDING' and d.claims = x.claim
    returning d.id`,
  );
  return new Set(written.map((r) => r.id));
}

/** An endpoint's last word in a batch: ok, or failing since `since` (`reset`: a success in the batch came before, so since then). */
export interface EndpointHealth {
  webhookId: string;
  ok: boolean;
  since: Date;
  at: Date;
  reset: boolean;
}

/**
 * Each endpoint's health after a batch, in the transaction that wrote its outcomes: a success clears
 * `failing_since`; a failure sets it if it was clear, and an endpoint failing for longer than
 * `disableAfterDays` is DISABLED with the reason. Returns the endpoints disabled now.
 */
export async function recordEndpointHealth(db: Executor, health: EndpointHealth[], disableAfterDays: number): Promise<string[]> {
  if (health.length === 0) return [];
  // The rows to change (a failure, or a success clearing failing_since) are locked in id order first,
  // and only those are updated: an UPDATE … FROM changes rows in no fixed order, and two processes
  // writing overlapping endpoints in opposite orders would deadlock.
  const failing = health.filter((h) => !h.ok).map((h) => h.webhookId);
  const locked = await queryRows<{ id: string }>(
    db,
    sql`select w.id from webhooks w where w.id = any(${arr(health.map((h) => h.webhookId), "uuid")}) and (w.failing_since is not null or w.id = any(${arr(failing, "uuid")})) order by w.id for no key update`,
  );
  const mine = new Set(locked.map((l) => l.id));
  const changed = health.filter((h) => mine.has(h.webhookId));
  if (changed.length === 0) return [];
  const rows = await queryRows<{ id: string; status: string }>(
    db,
    sql`
    with x as (select * from unnest(${arr(changed.map((h) => h.webhookId), "uuid")}, ${arr(changed.map((h) => h.ok), "boolean")}, ${arr(changed.map((h) => h.since.toISOString()), "timestamptz")},
                                    ${arr(changed.map((h) => h.at.toISOString()), "timestamptz")}, ${arr(changed.map((h) => h.reset), "boolean")}) as t(id, ok, since, at, reset)),
    failing as (
      select x.*, case when x.ok then null when x.reset then x.since else coalesce(w.failing_since, x.since) end as failing_since, w.status as was
        from x join webhooks w on w.id = x.id),
    judged as (select f.*, (not f.ok and f.was = 'ACTIVE' and f.at - f.failing_since > make_interval(days => ${disableAfterDays}::int)) as disable from failing f)
    update webhooks w
       set failing_since = j.failing_since,
           status = case when j.disable then 'DISABLED' else w.status end,
           disabled_at = case when j.disable then j.at else w.disabled_at end,
           disabled_reason = case when j.disable then 'FAILING: every delivery failed since ' || to_char(j.failing_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' (over ' || ${disableAfterDays}::int || ' days)' else w.disabled_reason end
      from judged j
     where w.id = j.id
    returning w.id, (case when j.disable then 'DISABLED' else '' end) as status`,
  );
  return rows.filter((r) => r.status === "DISABLED").map((r) => r.id);
}
