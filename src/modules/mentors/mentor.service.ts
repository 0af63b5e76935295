import { and, asc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import { lockPeople, lockPerson } from "../people/person.lock.js";
import { actorOf, regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import { insertMany } from "../../db/bulk-insert.js";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from "../../errors.js";
import { requiredText } from "../../graphql/validators.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { maskPhone, parseMobilePhone } from "../../pii/resident-id.js";
import { institutions } from "../institutions/institution.table.js";
import { personScope, personWithinScope, scopeCondition } from "../people/person.access.js";
import { EMPLOYED_STATUSES, people, type PersonRow } from "../people/person.table.js";
import { regions } from "../regions/region.table.js";
import {
  mentorFollowUps,
  mentoringPolicies,
  mentors,
  mentorships,
  type FollowUpChannel,
  type FollowUpOutcome,
  type FollowUpRow,
  type MentorMatch,
  type MentorRow,
  type MentorshipEnd,
  type MentorshipRow,
} from "./mentor.table.js";

/** The most mentees one mentor may be given (a one-to-one programme: a handful each). */
export const MAX_CAPACITY = 100;


export const NO_MENTOR_IN_REACH = "本校、本县（区）和本市都没有尚有名额的红娘。可增加红娘或扩大其名额。";

function checkCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) throw badInput("capacity", `capacity must be a whole number from 1 to ${MAX_CAPACITY}`);
  return capacity;
}

/** Whether the viewer may manage this mentor: admins any; a caseworker one placed in its region or at its institution. */
export function mayManageMentor(viewer: Viewer, mentor: Pick<MentorRow, "regionCode" | "institutionId">): boolean {
  if (viewer.kind !== "user") return false;
  if (viewer.role === Role.ADMIN) return true;
  if (viewer.role !== Role.CASEWORKER) return false;
  return (mentor.regionCode !== null && regionWithinScope(viewer.regionCode, mentor.regionCode)) || (viewer.institutionId !== undefined && mentor.institutionId === viewer.institutionId);
}

/** Who may see a mentor record: those who may manage it, and the mentor themself. */
export function maySeeMentor(viewer: Viewer, mentor: MentorRow): boolean {
  return mayManageMentor(viewer, mentor) || (viewer.kind === "user" && viewer.role === Role.MENTOR && mentor.userId === viewer.userId);
}

/** The SQL form of `maySeeMentor`, for lists. */
export function mentorScopeCondition(viewer: Viewer): SQL | undefined {
  if (viewer.kind !== "user") return sql`false`;
  if (viewer.role === Role.ADMIN) return undefined;
  if (viewer.role === Role.MENTOR) return eq(mentors.userId, viewer.userId);
  if (viewer.role !== Role.CASEWORKER) return sql`false`;
  const parts: SQL[] = [];
  if (viewer.regionCode) parts.push(sql`${mentors.regionCode} like ${`${viewer.regionCode}%`}`);
  if (viewer.institutionId) parts.push(eq(mentors.institutionId, viewer.institutionId));
  return parts.length > 0 ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

export interface CreateMentorInput {
  name: string;
  phone?: string | null;
  institutionId?: string | null;
  regionCode?: string | null;
  capacity: number;
  userId?: string | null;
}

/** Registers a mentor (admins; caseworkers within their region or institution). */
export async function createMentor(deps: { db: Database; pii: PiiCipher }, viewer: Viewer, input: CreateMentorInput): Promise<MentorRow> {
  const name = requiredText(input.name, "name", 50);
  const capacity = checkCapacity(input.capacity);
  const phone = input.phone == null || input.phone.trim() === "" ? null : parseMobilePhone(input.phone);
  if (input.phone != null && input.phone.trim() !== "" && phone === null) throw badInput("phone", "phone is not a mainland mobile number");
  const institutionId = input.institutionId == null ? null : parseId(input.institutionId, "institutionId");
  const regionCode = input.regionCode ?? null;
  if (regionCode !== null && !/^\d{6}$/.test(regionCode)) throw badInput("regionCode", "regionCode is a 6-digit county or prefecture code");
  if (institutionId === null && regionCode === null) throw badInput("regionCode", "Place the mentor at an institution, a region or both");
  const userId = input.userId == null ? null : requiredText(input.userId, "userId", 100);
  if (!mayManageMentor(viewer, { regionCode, institutionId })) throw forbidden("Caseworkers register mentors within their own region or institution");
  return deps.db.transaction(async (tx) => {
    if (regionCode !== null) {
      const [region] = await tx.select({ level: regions.level }).from(regions).where(eq(regions.code, regionCode));
      if (!region) throw badInput("regionCode", `Unknown region ${regionCode}`);
      // Automatic pairing reaches a county or a prefecture, never a whole province.
      if (region.level === "PROVINCE") throw badInput("regionCode", "Place a mentor at a county or a prefecture, not a province");
    }
    if (institutionId !== null && (await tx.select({ id: institutions.id }).from(institutions).where(eq(institutions.id, institutionId))).length === 0) throw badInput("institutionId", `Unknown institution ${institutionId}`);
    try {
      const [row] = await tx
        .insert(mentors)
        .values({ id: newId(), userId, name, phoneSealed: phone ? deps.pii.encrypt(phone) : null, phoneMasked: phone ? maskPhone(phone) : null, institutionId, regionCode, capacity, createdBy: actorOf(viewer) })
        .returning();
      return row!;
    } catch (error) {
      if (isUniqueViolation(error, "mentors_user_idx")) throw conflict("That login already acts as another mentor", { field: "userId" });
      throw error;
    }
  });
}

/** Changes a mentor's capacity; never below the mentees they have now. */
export async function setMentorCapacity(db: Database, viewer: Viewer, id: string, capacity: number): Promise<MentorRow> {
  const mentorId = parseId(id, "mentorId");
  checkCapacity(capacity);
  return db.transaction(async (tx) => {
    const [mentor] = await tx.select().from(mentors).where(eq(mentors.id, mentorId)).for("update");
    if (!mentor || !maySeeMentor(viewer, mentor)) throw notFound("Mentor", mentorId);
    if (!mayManageMentor(viewer, mentor)) throw forbidden("Only caseworkers and administrators change a mentor's capacity");
    if (capacity < mentor.activeMentees) throw badInput("capacity", `The mentor has ${mentor.activeMentees} mentees now: reassign some before lowering the capacity to ${capacity}`);
    const [row] = await tx.update(mentors).set({ capacity }).where(eq(mentors.id, mentorId)).returning();
    return row!;
  });
}

/** Is the person eligible for a mentor by policy: a member of any category marked mentorEligible. */
export async function isMentorEligible(db: Executor, personId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from person_categories pc join target_categories c on c.id = pc.category_id where pc.person_id = ${personId} and c.mentor_eligible limit 1`,
  );
  return rows.length > 0;
}

/** One more mentee for an active mentor with room; false if inactive or full (the row lock makes concurrent takers wait their turn). */
async function takePlace(tx: Executor, mentorId: string): Promise<boolean> {
  const rows = await tx
    .update(mentors)
    .set({ activeMentees: sql`${mentors.activeMentees} + 1` })
    .where(and(eq(mentors.id, mentorId), eq(mentors.active, true), sql`${mentors.activeMentees} < ${mentors.capacity}`))
    .returning({ id: mentors.id });
  return rows.length === 1;
}

/** Ends a mentorship (history kept) and frees the mentor's place. */
async function endMentorship(tx: Executor, mentorship: MentorshipRow, reason: MentorshipEnd, by: string): Promise<void> {
  const ended = await tx
    .update(mentorships)
    .set({ endedAt: sql`now()`, endedBy: by, endReason: reason })
    .where(and(eq(mentorships.id, mentorship.id), isNull(mentorships.endedAt)))
    .returning({ id: mentorships.id });
  if (ended.length === 1) await tx.update(mentors).set({ activeMentees: sql`${mentors.activeMentees} - 1` }).where(eq(mentors.id, mentorship.mentorId));
}

export async function activeMentorship(db: Executor, personId: string): Promise<MentorshipRow | undefined> {
  const [row] = await db.select().from(mentorships).where(and(eq(mentorships.personId, personId), isNull(mentorships.endedAt)));
  return row;
}

async function startMentorship(tx: Executor, person: PersonRow, mentorId: string, matchedBy: MentorMatch, by: string, overrideReason: string | null): Promise<MentorshipRow> {
  const [row] = await tx.insert(mentorships).values({ id: newId(), personId: person.id, mentorId, matchedBy, startedBy: by, overrideReason }).returning();
  return row!;
}

/**
 * Gives a person a mentor (结对): the one named, or — without one — the one the rules choose
 * (`pairPeople`, the rule mentor runs use). Only for people the policy makes eligible, unless an administrator overrides
 * with a reason. A person with a mentor already is moved to the one named (the old pairing ends as
 * REASSIGNED); asked to choose automatically for them, it refuses. The person is locked first, so
 * two assignments of one person take turns; the partial unique index is the last guard.
 */
export async function assignMentor(
  db: Database,
  viewer: Viewer,
  input: { personId: string; mentorId?: string | null; overrideReason?: string | null },
): Promise<MentorshipRow> {
  if (viewer.kind !== "user" || (viewer.role !== Role.ADMIN && viewer.role !== Role.CASEWORKER)) throw forbidden("Only caseworkers and administrators assign mentors");
  const personId = parseId(input.personId, "personId");
  const mentorId = input.mentorId == null ? null : parseId(input.mentorId, "mentorId");
  const overrideReason = input.overrideReason == null ? null : requiredText(input.overrideReason, "overrideReason", 500);
  if (overrideReason !== null && viewer.role !== Role.ADMIN) throw forbidden("Only an administrator may assign a mentor to someone the policy does not make eligible");
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    if (overrideReason === null && !(await isMentorEligible(tx, person.id))) {
      throw badInput("personId", "The person is not eligible for a mentor under the policy (an administrator may override with a reason)");
    }
    const current = await activeMentorship(tx, person.id);
    if (mentorId === null) {
      if (current) throw conflict("The person already has a mentor: name one to move them to", { field: "personId" });
      // The same rule as a mentor run's, for one person.
      const [outcome] = await pairPeople(tx, [person], by, { overrideReason });
      if (outcome!.state === "BELOW") throw conflict(outcome!.reason ?? NO_MENTOR_IN_REACH, { field: "mentorId" });
      return (await activeMentorship(tx, person.id))!;
    }
    // The new mentor and the old one, locked together in id order; then read as they stand.
    const locked = await lockMentors(tx, [mentorId, ...(current ? [current.mentorId] : [])]);
    const mentor = locked.find((m) => m.id === mentorId);
    // A mentor outside the caller's region or institution is not found (no existence oracle).
    if (!mentor || !mayManageMentor(viewer, mentor)) throw notFound("Mentor", mentorId);
    if (!mentor.active) throw conflict("The mentor is no longer active", { field: "mentorId" });
    if (current?.mentorId === mentor.id) throw conflict("The person already has this mentor", { field: "mentorId" });
    if (!(await takePlace(tx, mentor.id))) throw conflict(`The mentor is full (${mentor.capacity} mentees)`, { field: "mentorId" });
    if (current) await endMentorship(tx, current, "REASSIGNED", by);
    return startMentorship(tx, person, mentor.id, "CHOSEN", by, overrideReason);
  });
}

export interface DeactivationOutcome {
  mentor: MentorRow;
  reassigned: MentorshipRow[];
  unassigned: { personId: string; reason: string }[];
}

/**
 * A mentor leaves: the record is kept, inactive, and each mentee's pairing ends
 * (MENTOR_DEACTIVATED) and is made again by the automatic rules (`pairPeople`), with anyone else
 * within reach; those the policy no longer makes eligible (an override, say) and those nobody
 * within reach can take are listed with the reason. Locks: the mentees first, then the leaving mentor
 * and every mentor within reach of them in one id-ordered statement — people before mentors, and
 * mentors in id order, as every other path takes them, so none can deadlock with this one.
 */
export async function deactivateMentor(db: Database, viewer: Viewer, id: string): Promise<DeactivationOutcome> {
  const mentorId = parseId(id, "mentorId");
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const [visible] = await tx.select().from(mentors).where(eq(mentors.id, mentorId));
    if (!visible || !maySeeMentor(viewer, visible)) throw notFound("Mentor", mentorId);
    if (!mayManageMentor(viewer, visible)) throw forbidden("Only caseworkers and administrators deactivate mentors");
    const menteesOf = () => tx.select().from(mentorships).where(and(eq(mentorships.mentorId, mentorId), isNull(mentorships.endedAt))).orderBy(asc(mentorships.personId));
    let persons = await lockPeople(tx, (await menteesOf()).map((m) => m.personId));
    const [mentor] = (await lockMentors(tx, [mentorId, ...(await mentorsWithinReach(tx, persons))])).filter((m) => m.id === mentorId);
    if (!mentor!.active) throw conflict("The mentor is already inactive", { field: "id" });
    // Once the mentor is locked nobody can join them: anyone who joined in between is locked too.
    const current = await menteesOf();
    const missing = current.map((m) => m.personId).filter((pid) => !persons.some((p) => p.id === pid));
    if (missing.length > 0) persons = [...persons, ...(await lockPeople(tx, missing))];
    const [updated] = await tx.update(mentors).set({ active: false, deactivatedAt: sql`now()` }).where(eq(mentors.id, mentorId)).returning();
    for (const mentorship of current) await endMentorship(tx, mentorship, "MENTOR_DEACTIVATED", by);
    const leaving = persons.filter((p) => current.some((m) => m.personId === p.id));
    const outcomes = await pairPeople(tx, leaving, by);
    const started = await tx.select().from(mentorships).where(and(sql`${mentorships.personId} = any(${sql.param(leaving.map((p) => p.id))}::uuid[])`, isNull(mentorships.endedAt)));
    const [after] = await tx.select().from(mentors).where(eq(mentors.id, mentorId));
    return {
      mentor: after ?? updated!,
      reassigned: started,
      unassigned: outcomes.filter((o) => o.state === "BELOW").map((o) => ({ personId: o.personId, reason: o.reason ?? NO_MENTOR_IN_REACH })),
    };
  });
}

/** The ids of active mentors within reach (institution, county, prefecture) of any of these people (full ones too: one may free a place meanwhile). */
async function mentorsWithinReach(tx: Executor, persons: PersonRow[]): Promise<string[]> {
  if (persons.length === 0) return [];
  const { institutionIds, counties, prefectures } = reachOf(persons);
  const rows = await tx
    .select({ id: mentors.id })
    .from(mentors)
    .where(
      and(
        eq(mentors.active, true),
        sql`(${mentors.institutionId} = any(${sql.param(institutionIds)}::uuid[]) or ${mentors.regionCode} = any(${sql.param(counties)}::text[]) or left(${mentors.regionCode}, 4) = any(${sql.param(prefectures)}::text[]))`,
      ),
    );
  return rows.map((r) => r.id);
}

/** The institutions, counties and prefectures whose mentors are within reach of these people. */
function reachOf(persons: PersonRow[]) {
  const institutionIds = [...new Set(persons.flatMap((p) => (p.institutionId ? [p.institutionId] : [])))];
  const counties = [...new Set(persons.flatMap((p) => [p.householdRegionCode, p.originRegionCode]))];
  const prefectures = [...new Set(counties.map((c) => c.slice(0, 4)))];
  return { institutionIds, counties, prefectures };
}

/**
 * People who found work: their mentorships end with that reason and free the places (called in
 * the transaction that records the status, the people already locked). The mentors are locked in
 * id order before their loads change, the order every batch keeps.
 */
export async function endMentorshipsOfEmployed(tx: Executor, changes: readonly { personId: string; status: string }[], by: string): Promise<void> {
  const personIds = changes.filter((c) => EMPLOYED_STATUSES.includes(c.status)).map((c) => c.personId);
  if (personIds.length === 0) return;
  const current = await tx.select().from(mentorships).where(and(sql`${mentorships.personId} = any(${sql.param(personIds)}::uuid[])`, isNull(mentorships.endedAt)));
  if (current.length === 0) return;
  await lockMentors(tx, current.map((m) => m.mentorId));
  for (const mentorship of current) await endMentorship(tx, mentorship, "EMPLOYED", by);
}

/** Row-locks mentors in id order (every path that locks more than one mentor does it this way, so none can deadlock). */
async function lockMentors(tx: Executor, ids: string[]): Promise<MentorRow[]> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return [];
  return tx.select().from(mentors).where(sql`${mentors.id} = any(${sql.param(unique)}::uuid[])`).orderBy(asc(mentors.id)).for("update");
}

export async function getMentor(db: Executor, viewer: Viewer, id: string): Promise<MentorRow | null> {
  const [mentor] = await db.select().from(mentors).where(eq(mentors.id, parseId(id, "id")));
  return mentor && maySeeMentor(viewer, mentor) ? mentor : null;
}

export interface MentorFilter {
  regionCode?: string | null;
  institutionId?: string | null;
  active?: boolean | null;
  withRoom?: boolean | null;
}

export function mentorFilterCondition(viewer: Viewer, filter: MentorFilter, after?: string): SQL | undefined {
  if (filter.regionCode != null && !/^(\d{2}|\d{4}|\d{6})$/.test(filter.regionCode)) throw badInput("filter.regionCode", "regionCode must be a prefix of 2, 4 or 6 digits");
  const institutionId = filter.institutionId == null ? null : parseId(filter.institutionId, "filter.institutionId");
  return and(
    mentorScopeCondition(viewer),
    filter.regionCode != null ? sql`${mentors.regionCode} like ${`${filter.regionCode}%`}` : undefined,
    institutionId !== null ? eq(mentors.institutionId, institutionId) : undefined,
    filter.active != null ? eq(mentors.active, filter.active) : undefined,
    filter.withRoom === true ? sql`${mentors.active} and ${mentors.activeMentees} < ${mentors.capacity}` : undefined,
    after ? gt(mentors.id, after) : undefined,
  );
}

/** The active mentoring policy's days without contact before a mentee is overdue. */
export async function followUpDays(db: Executor): Promise<number> {
  const [row] = await db.select({ days: mentoringPolicies.followUpDays }).from(mentoringPolicies).where(eq(mentoringPolicies.active, true));
  if (!row) throw new Error("No active mentoring policy: the migrations load one");
  return row.days;
}

/** A new version of the mentoring policy (administrators): the days without contact that make a mentee overdue. */
export async function setMentoringPolicy(db: Database, viewer: Viewer, days: number): Promise<{ version: number; followUpDays: number }> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden("Only administrators change the mentoring policy");
  if (!Number.isInteger(days) || days < 1 || days > 365) throw badInput("followUpDays", "followUpDays must be a whole number of days from 1 to 365");
  return db.transaction(async (tx) => {
    // One writer at a time: versions are numbered in turn.
    await tx.execute(sql`lock table mentoring_policies in share row exclusive mode`);
    const [last] = await queryRows<{ version: number }>(tx, sql`select coalesce(max(version), 0)::int as version from mentoring_policies`);
    await tx.update(mentoringPolicies).set({ active: false }).where(eq(mentoringPolicies.active, true));
    const [row] = await tx.insert(mentoringPolicies).values({ id: newId(), version: last!.version + 1, followUpDays: days, active: true, createdBy: actorOf(viewer) }).returning();
    return { version: row!.version, followUpDays: row!.followUpDays };
  });
}

/**
 * A mentor logs a contact with their mentee (跟踪回访): only the person's mentor now, for a moment
 * not in the future nor before the pairing began. Anyone else is told the person is not found.
 */
export async function logFollowUp(
  db: Database,
  viewer: Viewer,
  input: { personId: string; channel: FollowUpChannel; outcome: FollowUpOutcome; note?: string | null; at?: Date | null },
): Promise<FollowUpRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.MENTOR) throw forbidden("Follow-ups are logged by the person's mentor");
  const personId = parseId(input.personId, "personId");
  const note = input.note == null || input.note.trim() === "" ? null : requiredText(input.note, "note", 500);
  const at = input.at ?? new Date();
  if (Number.isNaN(at.getTime())) throw badInput("at", "at is not a time");
  if (at.getTime() > Date.now() + 60_000) throw badInput("at", "at is in the future");
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ mentorship: mentorships, mentor: mentors })
      .from(mentorships)
      .innerJoin(mentors, eq(mentors.id, mentorships.mentorId))
      .where(and(eq(mentorships.personId, personId), isNull(mentorships.endedAt)))
      .for("share", { of: mentorships });
    if (!current || current.mentor.userId !== viewer.userId) throw notFound("Person", personId);
    if (at < current.mentorship.startedAt) throw badInput("at", "at is before the pairing began");
    const [row] = await tx
      .insert(mentorFollowUps)
      .values({ id: newId(), mentorshipId: current.mentorship.id, personId, mentorId: current.mentor.id, channel: input.channel, outcome: input.outcome, note, at, loggedBy: actorOf(viewer) })
      .returning();
    return row!;
  });
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

/**
 * The SQL for "this active pairing is overdue as of `moment`": no contact (logged as happening
 * before the moment) within the policy's days, counting from the pairing's start when there is none.
 */
export function overdueCondition(alias: string, moment: SQL, days: number): SQL {
  const m = sql.raw(alias);
  return sql`coalesce((select max(f.at) from mentor_follow_ups f where f.mentorship_id = ${m}.id and f.at < ${moment}), ${m}.started_at) < ${moment} - make_interval(days => ${days})`;
}

export interface MentorCoverage {
  eligible: number;
  assigned: number;
  unassigned: number;
  overdue: number;
  pairedOutsidePolicy: number;
  followUpDays: number;
}

/**
 * Mentoring coverage within the viewer's scope (and a region prefix or institution): people the
 * policy makes eligible, how many of them have a mentor now and how many do not, the paired people
 * with no contact for the policy's days, and those paired by an administrator's override.
 */
export async function mentorCoverage(db: Executor, viewer: Viewer, filter: { regionCode?: string | null; institutionId?: string | null }): Promise<MentorCoverage> {
  if (filter.regionCode != null && !/^(\d{2}|\d{4}|\d{6})$/.test(filter.regionCode)) throw badInput("filter.regionCode", "regionCode must be a prefix of 2, 4 or 6 digits");
  const institutionId = filter.institutionId == null ? null : parseId(filter.institutionId, "filter.institutionId");
  const scoped = scopeCondition(personScope(viewer));
  const days = await followUpDays(db);
  const conditions = [
    scoped,
    filter.regionCode != null ? sql`(people.household_region_code like ${`${filter.regionCode}%`} or people.origin_region_code like ${`${filter.regionCode}%`})` : undefined,
    institutionId !== null ? sql`people.institution_id = ${institutionId}` : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const where = conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;
  const [row] = await queryRows<{ eligible: number; assigned: number; overdue: number; override: number }>(
    db,
    sql`with scoped as (select people.id from people where ${where}),
             eligible as (select distinct pc.person_id from person_categories pc join target_categories c on c.id = pc.category_id join scoped s on s.id = pc.person_id where c.mentor_eligible),
             active as (select m.* from mentorships m join scoped s on s.id = m.person_id where m.ended_at is null)
        select (select count(*) from eligible)::int as eligible,
               (select count(*) from active a join eligible e on e.person_id = a.person_id)::int as assigned,
               (select count(*) from active a where ${overdueCondition("a", sql`now()`, days)})::int as overdue,
               (select count(*) from active a where a.person_id not in (select person_id from eligible))::int as override`,
  );
  return { eligible: row!.eligible, assigned: row!.assigned, unassigned: row!.eligible - row!.assigned, overdue: row!.overdue, pairedOutsidePolicy: row!.override, followUpDays: days };
}

interface PlaceCandidate {
  id: string;
  institutionId: string | null;
  regionCode: string | null;
  capacity: number;
  load: number;
  createdAt: Date;
}

/** How near a mentor is to a person: 0 same institution, 1 county, 2 prefecture, null out of reach. */
function levelOf(person: PersonRow, mentor: Pick<PlaceCandidate, "institutionId" | "regionCode">): 0 | 1 | 2 | null {
  if (person.institutionId !== null && mentor.institutionId === person.institutionId) return 0;
  if (mentor.regionCode === null) return null;
  if (mentor.regionCode === person.householdRegionCode || mentor.regionCode === person.originRegionCode) return 1;
  const prefecture = mentor.regionCode.slice(0, 4);
  if (prefecture === person.householdRegionCode.slice(0, 4) || prefecture === person.originRegionCode.slice(0, 4)) return 2;
  return null;
}

const LEVELS: readonly MentorMatch[] = ["INSTITUTION", "COUNTY", "PREFECTURE"];

export interface PairingOutcome {
  personId: string;
  state: "DONE" | "BELOW";
  created: number;
  reason: string | null;
}

/**
 * Pairs people (already row-locked by the caller) by the automatic rules — the one rule, used by
 * mentor runs, deactivation and `assignMentor` without a mentor named — in a few statements: the
 * mentors within reach of any of them are read and row-locked at once (in id order, so batches
 * cannot deadlock), places are given out in memory, and the pairings and the mentors' new loads are
 * written together (the CHECK on each mentor's load still guards the capacity). People who have a
 * mentor already are done; people the policy no longer makes eligible, and those nobody within
 * reach can take, are set aside with the reason. An administrator's `overrideReason` stands in for
 * the policy's eligibility and is recorded on the pairing.
 */
export async function pairPeople(tx: Executor, persons: PersonRow[], by: string, opts: { overrideReason?: string | null } = {}): Promise<PairingOutcome[]> {
  if (persons.length === 0) return [];
  const ids = persons.map((p) => p.id);
  const paired = new Set(
    (await tx.select({ personId: mentorships.personId }).from(mentorships).where(and(sql`${mentorships.personId} = any(${sql.param(ids)}::uuid[])`, isNull(mentorships.endedAt)))).map((r) => r.personId),
  );
  const eligible = new Set(
    (
      await queryRows<{ personId: string }>(
        tx,
        sql`select distinct pc.person_id as "personId" from person_categories pc join target_categories c on c.id = pc.category_id where pc.person_id = any(${sql.param(ids)}::uuid[]) and c.mentor_eligible`,
      )
    ).map((r) => r.personId),
  );
  // An administrator's override (assignMentor with a reason) stands in for the policy.
  const overrideReason = opts.overrideReason ?? null;
  if (overrideReason !== null) for (const p of persons) eligible.add(p.id);
  const waiting = persons.filter((p) => !paired.has(p.id) && eligible.has(p.id));
  const { institutionIds, counties, prefectures } = reachOf(waiting);
  const candidates: PlaceCandidate[] =
    waiting.length === 0
      ? []
      : await tx
          .select({ id: mentors.id, institutionId: mentors.institutionId, regionCode: mentors.regionCode, capacity: mentors.capacity, load: mentors.activeMentees, createdAt: mentors.createdAt })
          .from(mentors)
          .where(
            and(
              eq(mentors.active, true),
              sql`${mentors.activeMentees} < ${mentors.capacity}`,
              sql`(${mentors.institutionId} = any(${sql.param(institutionIds)}::uuid[]) or ${mentors.regionCode} = any(${sql.param(counties)}::text[]) or left(${mentors.regionCode}, 4) = any(${sql.param(prefectures)}::text[]))`,
            ),
          )
          .orderBy(asc(mentors.id))
          .for("update");
  const before = new Map(candidates.map((c) => [c.id, c.load]));
  const rows: { id: string; personId: string; mentorId: string; matchedBy: MentorMatch; startedBy: string; overrideReason: string | null }[] = [];
  const outcomes: PairingOutcome[] = [];
  for (const person of persons) {
    if (paired.has(person.id)) {
      outcomes.push({ personId: person.id, state: "DONE", created: 0, reason: null });
      continue;
    }
    if (!eligible.has(person.id)) {
      outcomes.push({ personId: person.id, state: "BELOW", created: 0, reason: NOT_ELIGIBLE });
      continue;
    }
    let best: { mentor: PlaceCandidate; level: 0 | 1 | 2 } | null = null;
    for (const mentor of candidates) {
      if (mentor.load >= mentor.capacity) continue;
      const level = levelOf(person, mentor);
      if (level === null) continue;
      if (!best || level < best.level || (level === best.level && fewerFirst(mentor, best.mentor) < 0)) best = { mentor, level };
    }
    if (!best) {
      outcomes.push({ personId: person.id, state: "BELOW", created: 0, reason: NO_MENTOR_IN_REACH });
      continue;
    }
    best.mentor.load++;
    rows.push({ id: newId(), personId: person.id, mentorId: best.mentor.id, matchedBy: LEVELS[best.level]!, startedBy: by, overrideReason });
    outcomes.push({ personId: person.id, state: "DONE", created: 1, reason: null });
  }
  if (rows.length > 0) {
    await insertMany(tx, mentorships, rows);
    const grown = candidates.filter((c) => c.load !== before.get(c.id));
    await tx.execute(sql`update mentors m set active_mentees = m.active_mentees + u.n
      from unnest(${sql.param(grown.map((c) => c.id))}::uuid[], ${sql.param(grown.map((c) => c.load - before.get(c.id)!))}::int[]) as u(id, n) where m.id = u.id`);
  }
  return outcomes;
}

/** The lowest load ratio, then the fewest mentees, then the oldest record. */
function fewerFirst(a: PlaceCandidate, b: PlaceCandidate): number {
  return a.load / a.capacity - b.load / b.capacity || a.load - b.load || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export const NOT_ELIGIBLE = "不在结对帮扶对象范围内（类别已变化，或原由管理员特批）：如仍需结对，请重新指定红娘。";
