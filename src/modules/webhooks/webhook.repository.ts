import { and, asc, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";
import { webhookDeliveries, webhooks, webhookUrlApprovals, type WebhookDeliveryRow, type WebhookRow } from "./webhook.table.js";

export type WebhookUrlApprovalRow = typeof webhookUrlApprovals.$inferSelect;

/** An instant as a parameter (ISO text, cast: the same on pg and PGlite). */
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

// ---------------------------------------------------------------- approvals

export async function insertApproval(db: Executor, row: typeof webhookUrlApprovals.$inferInsert): Promise<WebhookUrlApprovalRow> {
  const [saved] = await db.insert(webhookUrlApprovals).values(row).returning();
  return saved!;
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

export async function livePrefixes(db: Executor, partnerId: string): Promise<string[]> {
  const rows = await db
    .select({ prefix: webhookUrlApprovals.urlPrefix })
    .from(webhookUrlApprovals)
    .where(and(eq(webhookUrlApprovals.partnerId, partnerId), isNull(webhookUrlApprovals.revokedAt)));
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

export async function findWebhook(db: Executor, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  return row;
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
  payload: unknown;
  lease_until: Date | string;
  url: string;
  secret_sealed: string;
}

/**
 * Claims due deliveries (SENDING under a lease, `attempts` + 1 as the claim's fencing token): per
 * active endpoint at most `perEndpoint` in flight, counting every process's live claims, so a slow
 * endpoint holds only its own share; `limit` in all. A claim whose lease ran out (its process died)
 * is claimed again. SKIP LOCKED: two processes never take one delivery.
 */
export function claimDeliveries(db: Executor, now: Date, leaseUntil: Date, perEndpoint: number, limit: number): Promise<ClaimedDelivery[]> {
  return queryRows<ClaimedDelivery>(
    db,
    sql`
    with pick as (
      select x.id from webhooks w
      cross join lateral (
        select count(*)::int as n from webhook_deliveries s
         where s.webhook_id = w.id and s.status = 'SENDING' and s.lease_until > ${ts(now)}) busy
      cross join lateral (
        select d.id from webhook_deliveries d
         where d.webhook_id = w.id
           and ((d.status = 'PENDING' and d.next_attempt_at <= ${ts(now)}) or (d.status = 'SENDING' and d.lease_until <= ${ts(now)}))
         order by d.next_attempt_at
         limit greatest(0, ${perEndpoint}::int - busy.n)
         for update skip locked) x
      where w.status = 'ACTIVE'
      limit ${limit}),
    claimed as (
      update webhook_deliveries d set status = 'SENDING', attempts = d.attempts + 1, lease_until = ${ts(leaseUntil)}
        from pick where d.id = pick.id
      returning d.id, d.webhook_id, d.attempts, d.payload, d.lease_until)
    select c.*, w.url, w.secret_sealed from claimed c join webhooks w on w.id = c.webhook_id`,
  );
}

/** One attempt's result, written only while the delivery still carries that claim. */
export interface DeliveryOutcome {
  id: string;
  webhookId: string;
  attempts: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  at: Date;
}

const arr = (values: unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

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
      from (select * from unnest(${arr(rows.map((r) => r.id), "uuid")}, ${arr(rows.map((r) => String(r.attempts)), "int")}, ${arr(rows.map((r) => r.status), "text")},
                                 ${arr(rows.map((r) => (r.statusCode === null ? null : String(r.statusCode))), "int")}, ${arr(rows.map((r) => r.error), "text")},
                                 ${arr(rows.map((r) => r.nextAt?.toISOString() ?? null), "timestamptz")}, ${arr(rows.map((r) => r.at.toISOString()), "timestamptz")})
              as t(id, attempts, status, code, error, next, at)) x
     where d.id = x.id and d.status = 'SENDING' and d.attempts = x.attempts
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
 * Each endpoint's health after a batch: a success clears `failing_since`; a failure sets it if it
 * was clear, and an endpoint failing for longer than `disableAfterDays` is DISABLED with the reason.
 * Returns the endpoints disabled now.
 */
export async function recordEndpointHealth(db: Executor, health: EndpointHealth[], disableAfterDays: number): Promise<string[]> {
  if (health.length === 0) return [];
  const rows = await queryRows<{ id: string; status: string }>(
    db,
    sql`
    with x as (select * from unnest(${arr(health.map((h) => h.webhookId), "uuid")}, ${arr(health.map((h) => h.ok), "boolean")}, ${arr(health.map((h) => h.since.toISOString()), "timestamptz")},
                                    ${arr(health.map((h) => h.at.toISOString()), "timestamptz")}, ${arr(health.map((h) => h.reset), "boolean")}) as t(id, ok, since, at, reset)),
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
     where w.id = j.id and (not j.ok or w.failing_since is not null)
    returning w.id, (case when j.disable then 'DISABLED' else '' end) as status`,
  );
  return rows.filter((r) => r.status === "DISABLED").map((r) => r.id);
}
