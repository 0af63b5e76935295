import { and, eq, inArray, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { preparedStatement } from "../../db/prepared.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";
import { newId } from "../../db/ids.js";
import { requiredMinimum } from "../categories/category.sql.js";
import { OPEN_REFERRAL_STATUSES } from "./referral-rules.js";
import { countedReferrals, type Counting } from "./referral.sql.js";
import { interviewInvitations, referralEvents, referrals, type InterviewInvitationRow, type ReferralRow, type ReferralSource, type ReferralStatus } from "./referral.table.js";

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

/**
 * A campaign run's referrals (source SYSTEM, fitted) with their first events, in one statement: each
 * pair the person has no referral to yet is inserted with its RECOMMENDED event (the event's insert
 * reads what the referral's returned, so a pair already referred makes neither). Returns the person
 * of each referral made.
 */
export async function insertCampaignReferrals(
  db: Executor,
  rows: readonly { personId: string; postingId: string; campaignRunId: string }[],
  made: { by: string; note: string },
): Promise<string[]> {
  if (rows.length === 0) return [];
  const ids = rows.map(() => newId());
  const eventIds = rows.map(() => newId());
  const inserted = await queryRows<{ personId: string }>(
    db,
    sql`with u as (select * from unnest(${sql.param(ids)}::uuid[], ${sql.param(eventIds)}::uuid[], ${sql.param(rows.map((r) => r.personId))}::uuid[],
                                         ${sql.param(rows.map((r) => r.postingId))}::uuid[], ${sql.param(rows.map((r) => r.campaignRunId))}::uuid[])
                            as u(id, event_id, person_id, posting_id, run_id)),
        made as (insert into referrals (id, person_id, posting_id, source, made_by, fitted, note, campaign_run_id)
                 select u.id, u.person_id, u.posting_id, 'SYSTEM', ${made.by}, true, ${made.note}, u.run_id from u
                 on conflict (person_id, posting_id) do nothing
                 returning id, person_id),
        events as (insert into referral_events (id, referral_id, to_status, by, note)
                   select u.event_id, made.id, 'RECOMMENDED', ${made.by}, ${made.note} from made join u on u.id = made.id order by u.event_id)
        select person_id as "personId" from made`,
  );
  return inserted.map((r) => r.personId);
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

const referralsForPeople = preparedStatement("referrals_for_people", (db) => db.select().from(referrals).where(sql`${referrals.personId} = any(${sql.placeholder("ids")}::uuid[])`).orderBy(referrals.id));

export function findReferralsForPeople(db: Executor, personIds: readonly string[]): Promise<ReferralRow[]> {
  return referralsForPeople(db, { ids: [...personIds] });
}

export function findReferralsForPostings(db: Executor, postingIds: readonly string[]): Promise<ReferralRow[]> {
  return db.select().from(referrals).where(sql`${referrals.postingId} = any(${sql.param([...postingIds])}::uuid[])`).orderBy(referrals.id);
}

export function findEventsForReferrals(db: Executor, referralIds: readonly string[]) {
  return db.select().from(referralEvents).where(sql`${referralEvents.referralId} = any(${sql.param([...referralIds])}::uuid[])`).orderBy(referralEvents.id);
}

// The counting rule now lives in referral.sql.ts (shared with other modules' queries).
export { countedReferrals, countsTowardMinimum } from "./referral.sql.js";

export interface ProgressRow {
  personId: string;
  campaignId: string;
  required: number;
  counted: number;
  deadline: string | null;
  /** When the campaign counts a push: once RECORDED, or once DELIVERED. */
  pushCountsWhen: "RECORDED" | "DELIVERED";
}

/**
 * Each person's minimum in each campaign, what counts toward it, and the campaign's last day: the
 * campaigns named, or every ACTIVE campaign in which the person has a minimum. `counting` as in
 * `countsTowardMinimum` (a campaign run's top-up choice reads RECORDED; everything else the campaign's).
 */
export function referralProgress(db: Executor, personIds: readonly string[], campaignIds?: readonly string[], counting?: Counting["counting"]): Promise<ProgressRow[]> {
  const which = campaignIds ? sql`c.id = any(${sql.param([...campaignIds])}::uuid[])` : sql`c.status = 'ACTIVE'`;
  // A CLOSED campaign answers from the figures frozen when it closed (campaign_results), never live
  // (one the migration closed froze nothing: it answers from the ledger, as it did before).
  return queryRows<ProgressRow>(
    db,
    sql`select q."personId", q."campaignId", q.required,
               (case when q.closed then coalesce(q.frozen_counted, 0) else ${countedReferrals(sql`q."personId"`, sql`q."campaignId"`, counting)} end)::int as "counted", q.deadline, q."pushCountsWhen"
        from (select p.id as "personId", c.id as "campaignId", c.figures_frozen_at is not null as closed, f.counted as frozen_counted, c.push_counts_when as "pushCountsWhen",
                     (case when c.figures_frozen_at is not null then coalesce(f.required, 0) else ${requiredMinimum(sql`p.id`, sql`c.id`)} end)::int as "required",
                     to_char(c.ends_on, 'YYYY-MM-DD') as "deadline", c.starts_on
              from people p cross join campaigns c
              left join campaign_results f on f.campaign_id = c.id and f.person_id = p.id
              where p.id = any(${sql.param([...personIds])}::uuid[]) and ${which}) q
        where ${campaignIds ? sql`true` : sql`q.required > 0`}
        order by q."personId", q.starts_on, q."campaignId"`,
  );
}

/** A person's referral or application for a posting, locked for update (the pair is unique). */
export async function findReferralForUpdate(db: Executor, personId: string, postingId: string): Promise<ReferralRow | undefined> {
  const [row] = await db.select().from(referrals).where(and(eq(referrals.personId, personId), eq(referrals.postingId, postingId))).for("update");
  return row;
}

/** A person's own application (source SELF), APPLIED from its first event, in the caller's transaction. */
export async function insertApplication(
  db: Executor,
  row: { personId: string; postingId: string; madeBy: string; fitted: boolean; note: string | null; viaPartnerId?: string; partnerConsentId?: string },
): Promise<ReferralRow> {
  const [inserted] = await db
    .insert(referrals)
    .values({ id: newId(), ...row, source: "SELF", status: "APPLIED" })
    .returning();
  await db.insert(referralEvents).values({ id: newId(), referralId: inserted!.id, fromStatus: null, toStatus: "APPLIED", by: row.madeBy, note: row.note });
  return inserted!;
}

/**
 * How many applications a person made themself since `since`: their own, referrals they took up
 * (moves to APPLIED by a seeker), and those a partner site made under their consent — by the
 * person, whatever sign-in they used; read through the
 * person's referrals (indexed), not the whole event table.
 */
export async function countApplicationsSince(db: Executor, personId: string, since: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from referrals r join referral_events e on e.referral_id = r.id
        where r.person_id = ${personId} and e.to_status = 'APPLIED' and (e.by like 'seeker:%' or e.by like 'partner:%') and e.at >= ${since}`,
  );
  return row!.n;
}

/** Invitations to interview by application (referral) id, in one statement. */
export function findInvitations(db: Executor, referralIds: readonly string[]): Promise<InterviewInvitationRow[]> {
  return db.select().from(interviewInvitations).where(sql`${interviewInvitations.referralId} = any(${sql.param([...referralIds])}::uuid[])`);
}

/** Applications a partner made (under a seeker's consent), newest first: the partner's own only. */
export function listApplicationsViaPartner(db: Executor, partnerId: string, statuses: readonly ReferralStatus[] | undefined, page: KeysetPage): Promise<ReferralRow[]> {
  return db
    .select()
    .from(referrals)
    .where(and(eq(referrals.viaPartnerId, partnerId), statuses && statuses.length > 0 ? inArray(referrals.status, [...statuses]) : undefined, keysetRange(referrals.id, page)))
    .orderBy(keysetOrder(referrals.id, page))
    .limit(page.limit);
}

export async function countApplicationsViaPartner(db: Executor, partnerId: string, statuses: readonly ReferralStatus[] | undefined): Promise<number> {
  return await db.$count(referrals, and(eq(referrals.viaPartnerId, partnerId), statuses && statuses.length > 0 ? inArray(referrals.status, [...statuses]) : undefined));
}
