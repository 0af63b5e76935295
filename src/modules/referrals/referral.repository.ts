import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import { OPEN_REFERRAL_STATUSES } from "./referral-rules.js";
import { referralEvents, referrals, type ReferralRow, type ReferralSource, type ReferralStatus } from "./referral.table.js";

/** Inserts unless the person already has a referral to the posting; undefined when they had. */
export async function insertReferralIfAbsent(
  db: Executor,
  row: { personId: string; postingId: string; source: ReferralSource; madeBy: string; fitted: boolean; note: string | null; campaignRunId?: string | null },
): Promise<ReferralRow | undefined> {
  const [inserted] = await db
    .insert(referrals)
    .values({ id: newId(), ...row })
    .onConflictDoNothing({ target: [referrals.personId, referrals.postingId] })
    .returning();
  if (inserted) await db.insert(referralEvents).values({ id: newId(), referralId: inserted.id, fromStatus: null, toStatus: "RECOMMENDED", by: row.madeBy, note: row.note });
  return inserted;
}

export async function findReferralById(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReferralRow | undefined> {
  const query = db.select().from(referrals).where(eq(referrals.id, id));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

export function findReferralsByIds(db: Executor, ids: readonly string[]): Promise<ReferralRow[]> {
  return db.select().from(referrals).where(inArray(referrals.id, [...ids]));
}

export async function moveReferral(db: Executor, referral: ReferralRow, to: ReferralStatus, by: string, note: string | null): Promise<ReferralRow> {
  const [updated] = await db.update(referrals).set({ status: to, statusAt: sql`now()` }).where(eq(referrals.id, referral.id)).returning();
  await db.insert(referralEvents).values({ id: newId(), referralId: referral.id, fromStatus: referral.status, toStatus: to, by, note });
  return updated!;
}

/** A closing posting ends its open referrals (POSTING_CLOSED), each with its event, in the caller's transaction. */
export async function closeOpenReferrals(db: Executor, postingIds: readonly string[], by: string): Promise<number> {
  if (postingIds.length === 0) return 0;
  // Read (and lock) what each was first, so its event says what the closing interrupted.
  const open = await db
    .select({ id: referrals.id, status: referrals.status })
    .from(referrals)
    .where(and(inArray(referrals.postingId, [...postingIds]), inArray(referrals.status, [...OPEN_REFERRAL_STATUSES])))
    .for("update");
  if (open.length === 0) return 0;
  await db.update(referrals).set({ status: "POSTING_CLOSED", statusAt: sql`now()` }).where(inArray(referrals.id, open.map((r) => r.id)));
  await db.insert(referralEvents).values(open.map((r) => ({ id: newId(), referralId: r.id, fromStatus: r.status, toStatus: "POSTING_CLOSED" as const, by, note: "岗位已关闭" })));
  return open.length;
}

export function findReferralsForPeople(db: Executor, personIds: readonly string[]): Promise<ReferralRow[]> {
  return db.select().from(referrals).where(sql`${referrals.personId} = any(${sql.param([...personIds])}::uuid[])`).orderBy(referrals.id);
}

export function findReferralsForPostings(db: Executor, postingIds: readonly string[]): Promise<ReferralRow[]> {
  return db.select().from(referrals).where(sql`${referrals.postingId} = any(${sql.param([...postingIds])}::uuid[])`).orderBy(referrals.id);
}

export function findEventsForReferrals(db: Executor, referralIds: readonly string[]) {
  return db.select().from(referralEvents).where(sql`${referralEvents.referralId} = any(${sql.param([...referralIds])}::uuid[])`).orderBy(referralEvents.id);
}

export interface ProgressRow {
  personId: string;
  required: number;
  counted: number;
  deadline: string | null;
}

/**
 * The counting rule, in one place (every count of referrals toward a minimum uses it): a referral
 * counts if it fitted the person when made, was not withdrawn, and was made inside the active
 * campaign's window (Fujian's days, start to end inclusive; everything when no campaign is active).
 * With `asOfEnd`, as things stood at that instant: made before it, not withdrawn before it.
 * `r` is the referrals table's alias in the caller's query.
 */
export function countsTowardMinimum(r: string, asOfEnd?: SQL): SQL {
  const ref = sql.raw(r);
  const notWithdrawn = asOfEnd
    ? sql`${ref}.made_at < ${asOfEnd} and not exists (select 1 from referral_events w where w.referral_id = ${ref}.id and w.to_status = 'WITHDRAWN' and w.at < ${asOfEnd})`
    : sql`${ref}.status <> 'WITHDRAWN'`;
  return sql`${ref}.fitted and ${notWithdrawn}
    and (not exists (select 1 from campaigns cw where cw.active)
         or exists (select 1 from campaigns cw where cw.active
                     and ${ref}.made_at >= (cw.starts_on::timestamp at time zone ${SERVICE_TIME_ZONE})
                     and ${ref}.made_at < ((cw.ends_on + 1)::timestamp at time zone ${SERVICE_TIME_ZONE})))`;
}

/** SQL: a person's referral minimum — the strictest of their current categories' (policy data), 0 in none. */
export function requiredMinimum(personId: SQL): SQL {
  return sql`coalesce((select max(tc.min_referrals) from person_categories pc join target_categories tc on tc.id = pc.category_id where pc.person_id = ${personId}), 0)`;
}

/** SQL: how many of a person's referrals count toward their minimum now. */
export function countedReferrals(personId: SQL): SQL {
  return sql`(select count(*) from referrals r where r.person_id = ${personId} and ${countsTowardMinimum("r")})`;
}

/** Each person's minimum, what counts toward it, and the active campaign's last day. */
export function referralProgress(db: Executor, personIds: readonly string[]): Promise<ProgressRow[]> {
  return queryRows<ProgressRow>(
    db,
    sql`select p.id as "personId", ${requiredMinimum(sql`p.id`)}::int as "required", ${countedReferrals(sql`p.id`)}::int as "counted",
               (select to_char(ends_on, 'YYYY-MM-DD') from campaigns where active) as "deadline"
        from people p where p.id = any(${sql.param([...personIds])}::uuid[])`,
  );
}
