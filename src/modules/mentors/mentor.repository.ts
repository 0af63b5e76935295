import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { insertMany } from "../../db/bulk-insert.js";
import { policyInForce, nextPolicyVersion } from "../../db/policy-version.js";
import { queryRows, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { inCampaign, mentorEligible } from "../categories/category.sql.js";
import { overdueCondition } from "./mentor.sql.js";
import {
  mentorFollowUps,
  mentoringPolicies,
  mentors,
  mentorships,
  type FollowUpRow,
  type MentorMatch,
  type MentorRow,
  type MentorshipEnd,
  type MentorshipRow,
  type MentoringPolicyRow,
} from "./mentor.table.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";

// ---- Mentors ----

export async function findMentorById(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<MentorRow | undefined> {
  const query = db.select().from(mentors).where(eq(mentors.id, id));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

export function findMentorsByIds(db: Executor, ids: readonly string[]): Promise<MentorRow[]> {
  return db.select().from(mentors).where(inArray(mentors.id, [...ids]));
}

export async function insertMentor(db: Executor, row: Omit<typeof mentors.$inferInsert, "id">): Promise<MentorRow> {
  const [inserted] = await db.insert(mentors).values({ id: newId(), ...row }).returning();
  return inserted!;
}

export async function updateMentorCapacity(db: Executor, id: string, capacity: number): Promise<MentorRow> {
  const [row] = await db.update(mentors).set({ capacity }).where(eq(mentors.id, id)).returning();
  return row!;
}

export async function markMentorInactive(db: Executor, id: string): Promise<MentorRow> {
  const [row] = await db.update(mentors).set({ active: false, deactivatedAt: sql`now()` }).where(eq(mentors.id, id)).returning();
  return row!;
}

/** Row-locks mentors in id order (every path that locks more than one mentor does it this way, so none can deadlock). */
export async function lockMentors(tx: Executor, ids: readonly string[]): Promise<MentorRow[]> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return [];
  return tx.select().from(mentors).where(sql`${mentors.id} = any(${sql.param(unique)}::uuid[])`).orderBy(asc(mentors.id)).for("update");
}

/** One more mentee for an active mentor with room; false if inactive or full (the row lock makes concurrent takers wait their turn). */
export async function takePlace(tx: Executor, mentorId: string): Promise<boolean> {
  const rows = await tx
    .update(mentors)
    .set({ activeMentees: sql`${mentors.activeMentees} + 1` })
    .where(and(eq(mentors.id, mentorId), eq(mentors.active, true), sql`${mentors.activeMentees} < ${mentors.capacity}`))
    .returning({ id: mentors.id });
  return rows.length === 1;
}

/** Where mentors may be found for a set of people: their institutions, counties and prefectures (4-digit prefixes). */
export interface MentorReach {
  institutionIds: string[];
  counties: string[];
  prefectures: string[];
}

function withinReach(reach: MentorReach): SQL {
  return sql`(${mentors.institutionId} = any(${sql.param(reach.institutionIds)}::uuid[]) or ${mentors.regionCode} = any(${sql.param(reach.counties)}::text[]) or left(${mentors.regionCode}, 4) = any(${sql.param(reach.prefectures)}::text[]))`;
}

/** The ids of the active mentors within reach (full ones too). */
export async function findActiveMentorIdsWithinReach(tx: Executor, reach: MentorReach): Promise<string[]> {
  const rows = await tx.select({ id: mentors.id }).from(mentors).where(and(eq(mentors.active, true), withinReach(reach)));
  return rows.map((r) => r.id);
}

/** A mentor with room, as the pairing weighs them. */
export interface PlaceCandidate {
  id: string;
  institutionId: string | null;
  regionCode: string | null;
  capacity: number;
  load: number;
  createdAt: Date;
}

/** The active mentors with room within reach, row-locked in id order. */
export function lockMentorsWithRoomWithinReach(tx: Executor, reach: MentorReach): Promise<PlaceCandidate[]> {
  return tx
    .select({ id: mentors.id, institutionId: mentors.institutionId, regionCode: mentors.regionCode, capacity: mentors.capacity, load: mentors.activeMentees, createdAt: mentors.createdAt })
    .from(mentors)
    .where(and(eq(mentors.active, true), sql`${mentors.activeMentees} < ${mentors.capacity}`, withinReach(reach)))
    .orderBy(asc(mentors.id))
    .for("update");
}

/** A mentors list's filter, parsed. */
export interface MentorListFilter {
  regionPrefix: string | null;
  institutionId: string | null;
  active: boolean | null;
  withRoom: boolean;
}

function listCondition(scope: SQL | undefined, filter: MentorListFilter, page?: KeysetPage): SQL | undefined {
  return and(
    scope,
    filter.regionPrefix !== null ? sql`${mentors.regionCode} like ${`${filter.regionPrefix}%`}` : undefined,
    filter.institutionId !== null ? eq(mentors.institutionId, filter.institutionId) : undefined,
    filter.active !== null ? eq(mentors.active, filter.active) : undefined,
    filter.withRoom ? sql`${mentors.active} and ${mentors.activeMentees} < ${mentors.capacity}` : undefined,
    page ? keysetRange(mentors.id, page, "oldest") : undefined,
  );
}

/** Mentors within a scope condition and a filter, oldest record first, after a cursor. */
export function findMentorsPage(db: Executor, scope: SQL | undefined, filter: MentorListFilter, page: KeysetPage): Promise<MentorRow[]> {
  return db.select().from(mentors).where(listCondition(scope, filter, page)).orderBy(keysetOrder(mentors.id, page, "oldest")).limit(page.limit);
}

export function countMentors(db: Executor, scope: SQL | undefined, filter: MentorListFilter): Promise<number> {
  return db.$count(mentors, listCondition(scope, filter));
}

// ---- Eligibility (category policy, read here for the mentors module's own decisions) ----

/** Which of these people the mentoring policy makes eligible now. */
export async function findMentorEligibleIds(db: Executor, personIds: readonly string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await queryRows<{ personId: string }>(
    db,
    sql`select u.id as "personId" from unnest(${sql.param([...new Set(personIds)])}::uuid[]) as u(id) where ${mentorEligible(sql`u.id`)}`,
  );
  return new Set(rows.map((r) => r.personId));
}

// ---- Mentorships ----

export async function findActiveMentorship(db: Executor, personId: string): Promise<MentorshipRow | undefined> {
  const [row] = await db.select().from(mentorships).where(and(eq(mentorships.personId, personId), isNull(mentorships.endedAt)));
  return row;
}

/** The people among these who have a mentor now. */
export async function findPairedPersonIds(db: Executor, personIds: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .select({ personId: mentorships.personId })
    .from(mentorships)
    .where(and(sql`${mentorships.personId} = any(${sql.param([...personIds])}::uuid[])`, isNull(mentorships.endedAt)));
  return new Set(rows.map((r) => r.personId));
}

/** These people's active mentorships. */
export function findActiveMentorshipsOfPeople(db: Executor, personIds: readonly string[]): Promise<MentorshipRow[]> {
  return db.select().from(mentorships).where(and(sql`${mentorships.personId} = any(${sql.param([...personIds])}::uuid[])`, isNull(mentorships.endedAt)));
}

/** A mentor's active mentorships, in person-id order (the order their people are locked in). */
export function findActiveMentorshipsOfMentor(db: Executor, mentorId: string): Promise<MentorshipRow[]> {
  return db.select().from(mentorships).where(and(eq(mentorships.mentorId, mentorId), isNull(mentorships.endedAt))).orderBy(asc(mentorships.personId));
}

/** Each mentor's active mentorships, oldest first (for loaders). */
export function findActiveMentorshipsForMentors(db: Executor, mentorIds: readonly string[]): Promise<MentorshipRow[]> {
  return db
    .select()
    .from(mentorships)
    .where(and(sql`${mentorships.mentorId} = any(${sql.param([...mentorIds])}::uuid[])`, isNull(mentorships.endedAt)))
    .orderBy(asc(mentorships.startedAt), asc(mentorships.id));
}

/** Every mentorship of each person, oldest first (the history, for loaders). */
export function findMentorshipsForPeople(db: Executor, personIds: readonly string[]): Promise<MentorshipRow[]> {
  return db.select().from(mentorships).where(inArray(mentorships.personId, [...personIds])).orderBy(asc(mentorships.startedAt), asc(mentorships.id));
}

export async function insertMentorship(
  tx: Executor,
  row: { personId: string; mentorId: string; matchedBy: MentorMatch; startedBy: string; overrideReason: string | null },
): Promise<MentorshipRow> {
  const [inserted] = await tx.insert(mentorships).values({ id: newId(), ...row }).returning();
  return inserted!;
}

/** Many pairings at once, and the mentors' loads grown by the places each gave (the CHECK on each load still guards the capacity). */
export async function insertPairings(
  tx: Executor,
  rows: { personId: string; mentorId: string; matchedBy: MentorMatch; startedBy: string; overrideReason: string | null }[],
  grown: { mentorId: string; by: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await insertMany(tx, mentorships, rows.map((r) => ({ id: newId(), ...r })));
  await tx.execute(sql`update mentors m set active_mentees = m.active_mentees + u.n
    from unnest(${sql.param(grown.map((g) => g.mentorId))}::uuid[], ${sql.param(grown.map((g) => g.by))}::int[]) as u(id, n) where m.id = u.id`);
}

/** Ends a mentorship (history kept) and frees the mentor's place. */
export async function endMentorship(tx: Executor, mentorship: MentorshipRow, reason: MentorshipEnd, by: string): Promise<void> {
  const ended = await tx
    .update(mentorships)
    .set({ endedAt: sql`now()`, endedBy: by, endReason: reason })
    .where(and(eq(mentorships.id, mentorship.id), isNull(mentorships.endedAt)))
    .returning({ id: mentorships.id });
  if (ended.length === 1) await tx.update(mentors).set({ activeMentees: sql`${mentors.activeMentees} - 1` }).where(eq(mentors.id, mentorship.mentorId));
}

// ---- Follow-ups ----

/** The person's active pairing and its mentor, the pairing share-locked (it cannot end meanwhile). */
export async function findActivePairingForFollowUp(tx: Executor, personId: string): Promise<{ mentorship: MentorshipRow; mentor: MentorRow } | undefined> {
  const [row] = await tx
    .select({ mentorship: mentorships, mentor: mentors })
    .from(mentorships)
    .innerJoin(mentors, eq(mentors.id, mentorships.mentorId))
    .where(and(eq(mentorships.personId, personId), isNull(mentorships.endedAt)))
    .for("share", { of: mentorships });
  return row;
}

export async function insertFollowUp(tx: Executor, row: Omit<typeof mentorFollowUps.$inferInsert, "id">): Promise<FollowUpRow> {
  const [inserted] = await tx.insert(mentorFollowUps).values({ id: newId(), ...row }).returning();
  return inserted!;
}

/** Each mentorship's follow-ups, oldest first (for loaders). */
export function findFollowUpsForMentorships(db: Executor, mentorshipIds: readonly string[]): Promise<FollowUpRow[]> {
  return db.select().from(mentorFollowUps).where(inArray(mentorFollowUps.mentorshipId, [...mentorshipIds])).orderBy(asc(mentorFollowUps.at), asc(mentorFollowUps.id));
}

/** Each pairing's latest contact (or null), for the overdue flag. */
export async function lastContacts(db: Executor, mentorshipIds: readonly string[]): Promise<{ mentorshipId: string; at: Date | null }[]> {
  if (mentorshipIds.length === 0) return [];
  const rows = await queryRows<{ mentorshipId: string; at: Date | string | null }>(
    db,
    sql`select m.id as "mentorshipId", (select max(f.at) from mentor_follow_ups f where f.mentorship_id = m.id) as at from mentorships m where m.id = any(${sql.param([...mentorshipIds])}::uuid[])`,
  );
  return rows.map((r) => ({ mentorshipId: r.mentorshipId, at: r.at === null ? null : new Date(r.at) }));
}

// ---- The mentoring policy ----

export async function findActiveMentoringPolicy(db: Executor, day?: string): Promise<MentoringPolicyRow | undefined> {
  return policyInForce(db, mentoringPolicies, day);
}

/** The next version, in force from `effectiveFrom` (one writer at a time: versions are numbered in turn). */
export async function insertMentoringPolicyVersion(tx: Executor, followUpDays: number, effectiveFrom: string, by: string): Promise<MentoringPolicyRow> {
  const version = await nextPolicyVersion(tx, "mentoring_policies");
  const [row] = await tx.insert(mentoringPolicies).values({ id: newId(), version, followUpDays, effectiveFrom, createdBy: by }).returning();
  return row!;
}

// ---- Coverage ----

/** Whose coverage: a person scope condition (written against the table "people"), a region prefix, an institution. */
export interface CoveragePeople {
  scope: SQL | undefined;
  regionPrefix: string | null;
  institutionId: string | null;
  /** Only people in this campaign (holding a category it binds). */
  campaignId?: string | null;
}

/** Counts for the coverage report among those people: eligible, eligible and paired, paired and overdue, paired outside the policy. */
export async function coverageCounts(db: Executor, people: CoveragePeople, days: number): Promise<{ eligible: number; assigned: number; overdue: number; override: number }> {
  const conditions = [
    people.scope,
    people.regionPrefix !== null ? sql`(people.household_region_code like ${`${people.regionPrefix}%`} or people.origin_region_code like ${`${people.regionPrefix}%`})` : undefined,
    people.institutionId !== null ? sql`people.institution_id = ${people.institutionId}` : undefined,
    people.campaignId != null ? inCampaign(sql`people.id`, sql`${people.campaignId}::uuid`) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const where = conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;
  const [row] = await queryRows<{ eligible: number; assigned: number; overdue: number; override: number }>(
    db,
    sql`with scoped as (select people.id from people where ${where}),
             eligible as (select s.id as person_id from scoped s where ${mentorEligible(sql`s.id`)}),
             active as (select m.* from mentorships m join scoped s on s.id = m.person_id where m.ended_at is null)
        select (select count(*) from eligible)::int as eligible,
               (select count(*) from active a join eligible e on e.person_id = a.person_id)::int as assigned,
               (select count(*) from active a where ${overdueCondition("a", sql`now()`, days)})::int as overdue,
               (select count(*) from active a where a.person_id not in (select person_id from eligible))::int as override`,
  );
  return row!;
}
