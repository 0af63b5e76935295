/**
 * The SMS channel's queue (issue 21): notifications become at most one SMS per person per Fujian
 * day, sent by whichever server process claims it, with retries, quiet hours and receipts.
 *
 * 1. compose — the notifications the channel has not taken up are classified (a kind the policy keeps
 *    in the app, no phone, opted out: skipped, with the reason) and the rest join their person's open
 *    message (QUEUED, never tried), made if there is none: for today, or for the day after the
 *    person's last message (one a day: sms_messages (person_id, day) is unique). One process
 *    composes at a time (an advisory lock); a message waits `gatherSeconds` for what else arrives.
 * 2. claim — due messages (not in quiet hours) become SENDING under a lease, `attempts` + 1 (the
 *    claim's fencing token: an outcome is written only while the row still carries it). A lease
 *    that ran out (its process died) is claimed again.
 * 3. send — the text is rendered once, at the first attempt, and kept (a retry sends the same); the
 *    number is unsealed for the call; the unsealing is audited (就业帮扶岗位推送) before the call.
 * 4. record — SENT (DELIVERED when the gateway knows at once), a retry after exponential backoff,
 *    or FAILED with the reason (a refusal, or the last attempt). A receipt (POST /sms/receipts) moves
 *    SENT — or SENDING, when the process died before writing SENT — to DELIVERED or FAILED.
 * A delivered SMS delivers every notification it carries (`notifications.delivered_at`).
 *
 * Duplicates: a process that dies after the gateway took a message and before SENT is written leaves
 * it SENDING; when its lease runs out it is sent again, with the same id as the gateway's
 * idempotency key (`outId`), so a gateway that honours it sends it once, and any other at most twice.
 * A receipt that arrives before the lease runs out settles it and nothing is sent again.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { serviceToday, SERVICE_TIME_ZONE } from "../../dates.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { auditSystemReads } from "../audit/audit.service.js";
import { dayOpensAt, nextSendableAt, retryDelaySeconds } from "./notification-policy.js";
import type { NotificationPolicyRow } from "./notification.table.js";
import type { SmsGateway, SmsOutcome } from "./sms-gateway.js";
import { currentTemplates, renderTemplate } from "./templates.js";

/** Why the SMS channel left a notification to the app alone. */
export type SmsSkip = "NOT_SMS" | "NO_PHONE" | "OPTED_OUT";

/** The purpose written into the audit log for every unsealing of a number to send an SMS. */
export const SMS_PURPOSE = "就业帮扶岗位推送";
export const SMS_ACTOR = "system:sms" as const;

/** What compose did: people it looked at, messages it made, notifications it attached or skipped. */
export interface ComposeResult {
  people: number;
  messages: number;
  attached: number;
  skipped: number;
}

/**
 * Takes up to `limit` people's waiting notifications. Returns null when another process is composing
 * (it will take them); people 0 when nothing waits.
 */
export async function composeSms(db: Database, policy: NotificationPolicyRow, now: Date, limit = 500): Promise<ComposeResult | null> {
  const result = await composeBatch(db, policy, now, limit);
  if (result && result.messages > 0) await refreshQueueStatistics(db);
  return result;
}

function composeBatch(db: Database, policy: NotificationPolicyRow, now: Date, limit: number): Promise<ComposeResult | null> {
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('sms_compose')) as ok`);
    if (!lock!.ok) return null;
    // Messages still queued from an earlier Fujian day give their notifications back, to join today's.
    await tx.execute(sql`
      with stale as (
        update sms_messages s set status = 'CANCELLED', error = 'CARRIED_OVER', failed_at = ${ts(now)}
         where s.status = 'QUEUED' and s.day < ${serviceToday(now)}::date
        returning s.id)
      update notifications n set sms_id = null from stale where n.sms_id = stale.id`);
    const picked = await queryRows<{ person_id: string }>(
      tx,
      sql`select distinct n.person_id from notifications n where n.sms_id is null and n.sms_skipped is null limit ${limit}`,
    );
    if (picked.length === 0) return { people: 0, messages: 0, attached: 0, skipped: 0 };
    const people = sql`${sql.param(picked.map((p) => p.person_id))}::uuid[]`;
    const kinds = sql`${sql.param(policy.smsKinds)}::text[]`;
    const skipped = await tx.execute(sql`
      update notifications n
         set sms_skipped = case when not (n.kind = any(${kinds})) then 'NOT_SMS' when p.phone_sealed is null then 'NO_PHONE' else 'OPTED_OUT' end
        from people p
       where n.person_id = any(${people}) and p.id = n.person_id and n.sms_id is null and n.sms_skipped is null
         and (not (n.kind = any(${kinds})) or p.phone_sealed is null
              or exists (select 1 from notification_opt_outs o where o.person_id = p.id and o.channel = 'SMS'))`);
    // A message for each person with something left and none open, for the Fujian day it can first
    // go (after gathering, outside quiet hours), or the day after their last message: one a day.
    const firstSend = nextSendableAt(policy, new Date(now.getTime() + policy.gatherSeconds * 1000));
    const made = await tx.execute(sql`
      insert into sms_messages (id, person_id, day, status, next_attempt_at)
      select notification_id(), w.person_id, d.day, 'QUEUED',
             greatest(${ts(firstSend)}, (d.day + ${dayOpensAt(policy)}::time)::timestamp at time zone ${SERVICE_TIME_ZONE})
        from (select distinct n.person_id from notifications n where n.person_id = any(${people}) and n.sms_id is null and n.sms_skipped is null) w
        cross join lateral (select greatest(${serviceToday(firstSend)}::date, (select max(s.day) + 1 from sms_messages s where s.person_id = w.person_id)) as day) d
       where not exists (select 1 from sms_messages s where s.person_id = w.person_id and s.status = 'QUEUED' and s.attempts = 0)
      on conflict do nothing`);
    const attached = await tx.execute(sql`
      with open as (select s.id, s.person_id from sms_messages s where s.person_id = any(${people}) and s.status = 'QUEUED' and s.attempts = 0 for update skip locked)
      update notifications n set sms_id = open.id from open where n.person_id = open.person_id and n.sms_id is null and n.sms_skipped is null`);
    return { people: picked.length, messages: rowCount(made), attached: rowCount(attached), skipped: rowCount(skipped) };
  });
}

/**
 * The queue grows from nothing by a message a person, and compose checks each notification it
 * attaches against it (the foreign key notifications.sms_id): a check whose plan each connection
 * caches, made once — a sequential scan when the table was nearly empty — and kept until the table's
 * statistics change. Measured in the notifications benchmark (autovacuum off): every check read the
 * whole queue, 6.3 billion rows in one campaign's delivery, compose at ~200 people/s and falling;
 * after one ANALYZE, ~7,000/s. So compose refreshes the queue's statistics whenever it has doubled
 * in pages since they were taken, as the campaign runner does for the tables it grows (when the role
 * may: a role that does not own the table leaves it to autovacuum).
 */
async function refreshQueueStatistics(db: Executor): Promise<void> {
  const [size] = await queryRows<{ planned: number; pages: number; owner: boolean }>(
    db,
    sql`select c.relpages as planned, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages, pg_has_role(c.relowner, 'USAGE') as owner
          from pg_class c where c.oid = 'sms_messages'::regclass`,
  );
  if (!size?.owner || size.pages <= 2 * Math.max(size.planned, 8)) return;
  // Only plans ride on it: a refresh that fails (a lock it waited for) leaves the next compose to try.
  await db.execute(sql`analyze sms_messages`).catch(() => undefined);
}

/** An instant as a parameter (ISO text, cast: the same on pg and PGlite). */
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

function rowCount(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}

interface Claimed {
  id: string;
  person_id: string;
  attempts: number;
  body: string | null;
  template_version: number | null;
  phone_sealed: string | null;
  opted_out: boolean;
  lease_until: Date | string;
}

/**
 * Claims up to `limit` due messages (SENDING, under a lease): none in quiet hours (the caller checks).
 * A message is sent only on its own Fujian day or later: one left from an earlier day (a retry's
 * backoff or quiet hours carried it past midnight) is not claimed but carried over by compose into
 * the person's message for today, so two never go on one day.
 */
export async function claimSms(db: Executor, now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
  return queryRows<Claimed>(
    db,
    sql`
    with due as (
      select s.id from sms_messages s
       where (s.status = 'QUEUED' and s.next_attempt_at <= ${ts(now)} and s.day >= ${serviceToday(now)}::date) or (s.status = 'SENDING' and s.lease_until <= ${ts(now)})
       order by s.next_attempt_at limit ${limit} for update skip locked),
    claimed as (
      update sms_messages s set status = 'SENDING', attempts = s.attempts + 1, lease_until = ${ts(new Date(now.getTime() + leaseMs))}
        from due where s.id = due.id
      returning s.id, s.person_id, s.attempts, s.body, s.template_version, s.lease_until)
    select c.*, p.phone_sealed,
           exists (select 1 from notification_opt_outs o where o.person_id = c.person_id and o.channel = 'SMS') as opted_out
      from claimed c join people p on p.id = c.person_id`,
  );
}

/** The `postings` phrase of a digest: up to `max` titles (with the employer), and how many in all. */
export function postingsPhrase(postings: { title: string; employer: string | null }[], max: number): string {
  if (postings.length === 0) return "";
  const named = postings.slice(0, max).map((p) => (p.employer ? `${p.title}（${p.employer}）` : p.title));
  return `，为您推荐岗位：${named.join("、")}${postings.length > max ? `等${postings.length}个` : ""}`;
}

/** The texts of newly claimed messages, from the SMS_DIGEST template in force (kept on the message at its first attempt). */
async function renderBodies(db: Executor, claimed: Claimed[], policy: NotificationPolicyRow): Promise<Map<string, { body: string; version: number }>> {
  const fresh = claimed.filter((c) => c.body === null).map((c) => c.id);
  const out = new Map<string, { body: string; version: number }>();
  if (fresh.length === 0) return out;
  const template = (await currentTemplates(db)).get("SMS_DIGEST");
  if (!template) throw new Error("No SMS_DIGEST template: the migrations load one");
  const items = await queryRows<{ sms_id: string; kind: string; title: string | null; employer: string | null }>(
    db,
    sql`select n.sms_id, n.kind, p.title, e.name as employer
          from notifications n left join postings p on p.id = n.posting_id left join employers e on e.id = p.employer_id
         where n.sms_id = any(${sql.param(fresh)}::uuid[]) order by n.id`,
  );
  const byMessage = new Map<string, typeof items>();
  for (const item of items) {
    let list = byMessage.get(item.sms_id);
    if (!list) byMessage.set(item.sms_id, (list = []));
    list.push(item);
  }
  for (const id of fresh) {
    const list = byMessage.get(id) ?? [];
    const postings = list.filter((i) => i.kind === "REFERRAL" && i.title).map((i) => ({ title: i.title!, employer: i.employer }));
    out.set(id, { body: renderTemplate(template.body, { news: list.length, postings: postingsPhrase(postings, policy.smsMaxPostings) }), version: template.version });
  }
  return out;
}

export interface SendResult {
  claimed: number;
  sent: number;
  delivered: number;
  retried: number;
  failed: number;
  cancelled: number;
  /** Claimed, but not sent here: the claim ran out first (another process takes them). */
  skipped: number;
}

/**
 * One round: claims due messages and sends them, `concurrency` at a time, writing each outcome under
 * its claim. Returns what happened (claimed 0: nothing was due).
 */
export async function sendDueSms(
  db: Database,
  deps: { gateway: SmsGateway; pii: PiiCipher },
  policy: NotificationPolicyRow,
  now: Date,
  opts: { leaseMs: number; limit: number; concurrency: number; sendTimeoutMs: number; clock: () => Date },
): Promise<SendResult> {
  const result: SendResult = { claimed: 0, sent: 0, delivered: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0 };
  const claimed = await claimSms(db, now, opts.leaseMs, opts.limit);
  result.claimed = claimed.length;
  if (claimed.length === 0) return result;
  const bodies = await renderBodies(db, claimed, policy);
  const sendable: (Claimed & { body: string })[] = [];
  const cancelled: { id: string; attempts: number; reason: string }[] = [];
  for (const c of claimed) {
    // Honoured from the next send: an opt-out (or a number removed) since the message was made.
    if (c.opted_out) cancelled.push({ id: c.id, attempts: c.attempts, reason: "OPTED_OUT" });
    else if (!c.phone_sealed) cancelled.push({ id: c.id, attempts: c.attempts, reason: "NO_PHONE" });
    else sendable.push({ ...c, body: c.body ?? bodies.get(c.id)!.body, template_version: c.template_version ?? bodies.get(c.id)!.version });
  }
  if (cancelled.length > 0) {
    await db.execute(sql`
      update sms_messages s set status = 'CANCELLED', error = x.reason, lease_until = null, failed_at = ${ts(now)}
        from (select * from unnest(${sql.param(cancelled.map((c) => c.id))}::uuid[], ${sql.param(cancelled.map((c) => String(c.attempts)))}::int[], ${sql.param(cancelled.map((c) => c.reason))}::text[]) as t(id, attempts, reason)) x
       where s.id = x.id and s.status = 'SENDING' and s.attempts = x.attempts`);
    result.cancelled = cancelled.length;
  }
  if (sendable.length === 0) return result;
  // The text is kept at the first attempt: a retry sends the same.
  await db.execute(sql`
    update sms_messages s set body = x.body, template_version = x.version
      from (select * from unnest(${sql.param(sendable.map((s) => s.id))}::uuid[], ${sql.param(sendable.map((s) => s.body))}::text[], ${sql.param(sendable.map((s) => String(s.template_version)))}::int[], ${sql.param(sendable.map((s) => String(s.attempts)))}::int[]) as t(id, body, version, attempts)) x
     where s.id = x.id and s.body is null and s.status = 'SENDING' and s.attempts = x.attempts`);
  // Every unsealing of a number is audited, before the call that uses it.
  await auditSystemReads(db, SMS_ACTOR, SMS_PURPOSE, sendable.map((s) => ({ personId: s.person_id, fields: ["phone"], ref: s.id })));
  const outcomes: { id: string; attempts: number; outcome: SmsOutcome; at: Date }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sendable.length) {
      const message = sendable[next++]!;
      // Past (or within a send's time of) the end of this claim, another process may hold it: not sent here.
      if (opts.clock().getTime() + opts.sendTimeoutMs >= new Date(message.lease_until).getTime()) {
        result.skipped++;
        continue;
      }
      let outcome: SmsOutcome;
      try {
        const to = deps.pii.decrypt(message.phone_sealed!);
        outcome = await deps.gateway.send({ id: message.id, to, text: message.body });
      } catch (error) {
        outcome = { kind: "RETRY", reason: `send failed: ${error instanceof Error ? error.message : String(error)}` };
      }
      outcomes.push({ id: message.id, attempts: message.attempts, outcome, at: opts.clock() });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, sendable.length) }, worker));
  const written = await recordOutcomes(db, policy, outcomes);
  Object.assign(result, { sent: written.sent, delivered: written.delivered, retried: written.retried, failed: written.failed });
  return result;
}

/** Writes each send's outcome, only while the message still carries that claim. */
async function recordOutcomes(db: Database, policy: NotificationPolicyRow, outcomes: { id: string; attempts: number; outcome: SmsOutcome; at: Date }[]) {
  const rows = outcomes.map(({ id, attempts, outcome, at }) => {
    if (outcome.kind === "ACCEPTED") return { id, attempts, status: outcome.delivered ? "DELIVERED" : "SENT", providerId: outcome.providerId, error: null, next: null, at };
    if (outcome.kind === "RETRY" && attempts < policy.maxAttempts) {
      return { id, attempts, status: "QUEUED", providerId: null, error: outcome.reason, next: new Date(at.getTime() + retryDelaySeconds(policy, attempts) * 1000), at };
    }
    return { id, attempts, status: "FAILED", providerId: null, error: outcome.kind === "RETRY" ? `${outcome.reason} (attempt ${attempts} of ${policy.maxAttempts})` : outcome.reason, next: null, at };
  });
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  if (rows.length > 0) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        update sms_messages s
           set status = x.status, lease_until = null, error = coalesce(x.error, s.error),
               provider_id = coalesce(x.provider_id, s.provider_id),
               next_attempt_at = coalesce(x.next, s.next_attempt_at),
               sent_at = case when x.status in ('SENT', 'DELIVERED') then x.at else s.sent_at end,
               delivered_at = case when x.status = 'DELIVERED' then x.at else s.delivered_at end,
               failed_at = case when x.status = 'FAILED' then x.at else s.failed_at end
          from (select * from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => String(r.attempts)))}::int[], ${sql.param(rows.map((r) => r.status))}::text[],
                                     ${sql.param(rows.map((r) => r.providerId))}::text[], ${sql.param(rows.map((r) => r.error))}::text[],
                                     ${sql.param(rows.map((r) => r.next?.toISOString() ?? null))}::timestamptz[], ${sql.param(rows.map((r) => r.at.toISOString()))}::timestamptz[])
                  as t(id, attempts, status, provider_id, error, next, at)) x
         where s.id = x.id and s.status = 'SENDING' and s.attempts = x.attempts`);
      await deliverCarried(tx, sql`(select s.id from sms_messages s where s.id = any(${sql.param(rows.filter((r) => r.status === "DELIVERED").map((r) => r.id))}::uuid[]) and s.status = 'DELIVERED')`);
    });
  }
  return { sent: count("SENT") + count("DELIVERED"), delivered: count("DELIVERED"), retried: count("QUEUED"), failed: count("FAILED") };
}

/** The notifications a delivered SMS carried are delivered (their first delivery on any channel). */
async function deliverCarried(db: Executor, messageIds: ReturnType<typeof sql>): Promise<void> {
  await db.execute(sql`
    update notifications n set delivered_at = least(coalesce(n.delivered_at, s.delivered_at), s.delivered_at)
      from sms_messages s where s.id in ${messageIds} and n.sms_id = s.id and s.delivered_at is not null`);
}

export interface SmsReceipt {
  /** Our id (outId) or the gateway's (messageId): one of them. */
  id?: string;
  providerId?: string;
  status: "DELIVERED" | "FAILED";
  error?: string;
  at?: Date;
}

/** Applies a gateway's receipts; returns how many messages they settled (one already settled is left as it was). */
export async function applySmsReceipts(db: Database, receipts: SmsReceipt[]): Promise<number> {
  if (receipts.length === 0) return 0;
  return db.transaction(async (tx) => {
    const settled = await queryRows<{ id: string }>(
      tx,
      sql`
      update sms_messages s
         set status = x.status, lease_until = null,
             delivered_at = case when x.status = 'DELIVERED' then least(greatest(coalesce(x.at, now()), s.created_at), now()) end,
             failed_at = case when x.status = 'FAILED' then least(greatest(coalesce(x.at, now()), s.created_at), now()) end,
             error = case when x.status = 'FAILED' then coalesce(x.error, 'the gateway reported it undelivered') else s.error end,
             sent_at = coalesce(s.sent_at, least(greatest(coalesce(x.at, now()), s.created_at), now()))
        from (select * from unnest(${sql.param(receipts.map((r) => r.id ?? null))}::uuid[], ${sql.param(receipts.map((r) => r.providerId ?? null))}::text[],
                                   ${sql.param(receipts.map((r) => r.status))}::text[], ${sql.param(receipts.map((r) => r.error?.slice(0, 300) ?? null))}::text[],
                                   ${sql.param(receipts.map((r) => r.at?.toISOString() ?? null))}::timestamptz[]) as t(id, provider_id, status, error, at)) x
       where (s.id = x.id or (x.id is null and s.provider_id = x.provider_id))
         -- Taken and not yet settled; or, never known taken (a timeout leaves it unknown), waiting for a
         -- retry or FAILED by its own attempts: a delivery receipt is the better word, and no retry follows.
         -- One settled by a receipt stays as it was.
         and (s.status in ('SENDING', 'SENT')
              or (x.status = 'DELIVERED' and s.attempts > 0 and s.provider_id is null and s.status in ('QUEUED', 'FAILED')))
      returning s.id`,
    );
    if (settled.length > 0) await deliverCarried(tx, sql`(select s.id from sms_messages s where s.id = any(${sql.param(settled.map((s) => s.id))}::uuid[]) and s.status = 'DELIVERED')`);
    return settled.length;
  });
}
