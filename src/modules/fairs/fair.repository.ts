import { and, asc, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { nextPolicyVersion, policyInForce } from "../../db/policy-version.js";
import { queryRows, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import type { PostingRow } from "../postings/posting.table.js";
import {
  fairBookings,
  fairBoothPostings,
  fairOutcomeEvents,
  fairBooths,
  fairPolicies,
  fairRegistrations,
  fairSessions,
  jobFairs,
  type FairBookingRow,
  type FairPolicyRow,
  type FairSessionRow,
  type FairStatus,
  type JobFairRow,
} from "./fair.table.js";
import { keysetDirection, keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";

/**
 * SQL of the fairs module. Other modules' tables are read by name in raw SQL (postings, people's
 * categories, regions, institutions, employers), never through their drizzle tables.
 */

type Lock = "update" | "share";
const ids = (values: readonly string[]) => sql.param([...values]);

// ---- fairs ----

export async function findFairById(db: Executor, id: string, lock?: Lock): Promise<JobFairRow | undefined> {
  const query = db.select().from(jobFairs).where(eq(jobFairs.id, id));
  const [fair] = await (lock ? query.for(lock) : query);
  return fair;
}

export function findFairsByIds(db: Executor, fairIds: readonly string[]): Promise<JobFairRow[]> {
  return db.select().from(jobFairs).where(sql`${jobFairs.id} = any(${ids(fairIds)}::uuid[])`);
}

/** A page of fairs matching `where` (over `job_fairs`), newest first, after a cursor. */
export function listFairs(db: Executor, where: SQL | undefined, page: KeysetPage): Promise<JobFairRow[]> {
  return db
    .select()
    .from(jobFairs)
    .where(and(where, keysetRange(jobFairs.id, page)))
    .orderBy(keysetOrder(jobFairs.id, page))
    .limit(page.limit);
}

export function countFairs(db: Executor, where: SQL | undefined): Promise<number> {
  return db.$count(jobFairs, where);
}

export async function insertFair(db: Executor, row: Omit<typeof jobFairs.$inferInsert, "id">): Promise<JobFairRow> {
  const [inserted] = await db.insert(jobFairs).values({ id: newId(), ...row }).returning();
  return inserted!;
}

export async function updateFairStatus(db: Executor, id: string, status: FairStatus): Promise<JobFairRow> {
  const [row] = await db
    .update(jobFairs)
    .set({ status, ...(status === "LIVE" ? { wentLiveAt: sql`now()` } : {}) })
    .where(eq(jobFairs.id, id))
    .returning();
  return row!;
}

export function findActiveFairPolicy(db: Executor, day?: string): Promise<FairPolicyRow | undefined> {
  return policyInForce(db, fairPolicies, day);
}

export async function insertFairPolicyVersion(tx: Executor, policy: { maxFairDays: number; keyGroupFairsPerYear: number }, effectiveFrom: string, by: string): Promise<FairPolicyRow> {
  const version = await nextPolicyVersion(tx, "fair_policies");
  const [row] = await tx.insert(fairPolicies).values({ id: newId(), version, ...policy, effectiveFrom, createdBy: by }).returning();
  return row!;
}

// ---- what a fair names in other modules ----

/** Which of these target-category codes exist. */
export async function knownCategoryCodes(db: Executor, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await queryRows<{ code: string }>(db, sql`select distinct code from target_categories where code = any(${ids(codes)}::text[])`);
  return new Set(rows.map((r) => r.code));
}

export async function regionExists(db: Executor, code: string): Promise<boolean> {
  return (await queryRows(db, sql`select 1 from regions where code = ${code}`)).length > 0;
}

export async function institutionExists(db: Executor, id: string): Promise<boolean> {
  return (await queryRows(db, sql`select 1 from institutions where id = ${id}`)).length > 0;
}

export async function employerExists(db: Executor, id: string): Promise<boolean> {
  return (await queryRows(db, sql`select 1 from employers where id = ${id}`)).length > 0;
}

/** Whether a person holds one of these categories, or one of a category of these populations. */
export async function personInCategories(db: Executor, personId: string, categoryCodes: readonly string[], populations: readonly string[]): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from person_categories pc join target_categories c on c.id = pc.category_id
        where pc.person_id = ${personId} and (pc.category_code = any(${ids(categoryCodes)}::text[]) or c.population::text = any(${ids(populations)}::text[])) limit 1`,
  );
  return rows.length > 0;
}

export type FairPosting = Pick<PostingRow, "id" | "employerId" | "title" | "status" | "validUntil" | "minEducation" | "regionCode" | "kind">;

/** Postings share-locked (they may not close while a booth or an outcome is written against them). */
export async function shareFairPostings(db: Executor, postingIds: readonly string[]): Promise<FairPosting[]> {
  if (postingIds.length === 0) return [];
  const rows = await queryRows<Omit<FairPosting, "validUntil"> & { validUntil: Date | string }>(
    db,
    sql`select id, employer_id as "employerId", title, status, valid_until as "validUntil", min_education as "minEducation", region_code as "regionCode", kind
        from postings where id = any(${ids(postingIds)}::uuid[]) order by id for share`,
  );
  return rows.map((r) => ({ ...r, validUntil: new Date(r.validUntil) }));
}

// ---- sessions ----

export async function findSessionById(db: Executor, id: string, lock?: "update"): Promise<FairSessionRow | undefined> {
  const query = db.select().from(fairSessions).where(eq(fairSessions.id, id));
  const [session] = await (lock ? query.for(lock) : query);
  return session;
}

/** The sessions of these fairs, each fair's by start time. */
export function findSessionsForFairs(db: Executor, fairIds: readonly string[]): Promise<FairSessionRow[]> {
  return db
    .select()
    .from(fairSessions)
    .where(sql`${fairSessions.fairId} = any(${ids(fairIds)}::uuid[])`)
    .orderBy(asc(fairSessions.startsAt), asc(fairSessions.id));
}

export async function insertSession(db: Executor, row: Omit<typeof fairSessions.$inferInsert, "id">): Promise<FairSessionRow> {
  const [inserted] = await db.insert(fairSessions).values({ id: newId(), ...row }).returning();
  return inserted!;
}

export async function setSessionStatus(db: Executor, id: string, status: "LIVE" | "ENDED"): Promise<FairSessionRow> {
  const [row] = await db.update(fairSessions).set({ status }).where(eq(fairSessions.id, id)).returning();
  return row!;
}

/** Ends a fair's LIVE sessions. */
export function endLiveSessions(db: Executor, fairId: string) {
  return db
    .update(fairSessions)
    .set({ status: "ENDED" })
    .where(and(eq(fairSessions.fairId, fairId), eq(fairSessions.status, "LIVE")))
    .returning({ id: fairSessions.id, employerId: fairSessions.employerId, capacity: fairSessions.capacity, booked: fairSessions.booked });
}

/** Calls off a fair's SCHEDULED sessions (their seats empty). */
export function cancelScheduledSessions(db: Executor, fairId: string) {
  return db
    .update(fairSessions)
    .set({ status: "CANCELLED", booked: 0 })
    .where(and(eq(fairSessions.fairId, fairId), eq(fairSessions.status, "SCHEDULED")))
    .returning({ id: fairSessions.id, employerId: fairSessions.employerId, capacity: fairSessions.capacity });
}

/** Takes a seat if one is left in a SCHEDULED session: undefined when none is. */
export async function takeSeat(db: Executor, sessionId: string): Promise<{ booked: number; capacity: number } | undefined> {
  const [taken] = await db
    .update(fairSessions)
    .set({ booked: sql`${fairSessions.booked} + 1` })
    .where(and(eq(fairSessions.id, sessionId), sql`${fairSessions.booked} < ${fairSessions.capacity}`, eq(fairSessions.status, "SCHEDULED")))
    .returning({ booked: fairSessions.booked, capacity: fairSessions.capacity });
  return taken;
}

export async function freeSeat(db: Executor, sessionId: string): Promise<{ booked: number; capacity: number }> {
  const [freed] = await db
    .update(fairSessions)
    .set({ booked: sql`${fairSessions.booked} - 1` })
    .where(eq(fairSessions.id, sessionId))
    .returning({ booked: fairSessions.booked, capacity: fairSessions.capacity });
  return freed!;
}

// ---- booths ----

export async function findBoothOf(db: Executor, fairId: string, employerId: string): Promise<{ id: string } | undefined> {
  const [booth] = await db.select({ id: fairBooths.id }).from(fairBooths).where(and(eq(fairBooths.fairId, fairId), eq(fairBooths.employerId, employerId)));
  return booth;
}

/** The employer's booth at the fair (made if new), holding exactly these postings. */
export async function putBooth(db: Executor, fairId: string, employerId: string, postingIds: readonly string[]): Promise<string> {
  const [booth] = await db
    .insert(fairBooths)
    .values({ id: newId(), fairId, employerId })
    .onConflictDoUpdate({ target: [fairBooths.fairId, fairBooths.employerId], set: { fairId } })
    .returning({ id: fairBooths.id });
  await db.delete(fairBoothPostings).where(eq(fairBoothPostings.boothId, booth!.id));
  await db.insert(fairBoothPostings).values(postingIds.map((postingId) => ({ boothId: booth!.id, postingId })));
  return booth!.id;
}

/** A posting that closes leaves every booth (in the transaction that closes it). */
export async function leaveBooths(db: Executor, postingIds: readonly string[]): Promise<void> {
  if (postingIds.length === 0) return;
  await db.delete(fairBoothPostings).where(sql`${fairBoothPostings.postingId} = any(${ids(postingIds)}::uuid[])`);
}

export interface BoothPostingRow {
  fairId: string;
  boothId: string;
  employerId: string;
  postingId: string;
}

/** The booths of these fairs with their OPEN, unexpired postings: by booth, newest posting first. */
export function findOpenBoothPostingsForFairs(db: Executor, fairIds: readonly string[]): Promise<BoothPostingRow[]> {
  return db
    .select({ fairId: fairBooths.fairId, boothId: fairBooths.id, employerId: fairBooths.employerId, postingId: fairBoothPostings.postingId })
    .from(fairBooths)
    .innerJoin(fairBoothPostings, eq(fairBoothPostings.boothId, fairBooths.id))
    .where(
      and(
        sql`${fairBooths.fairId} = any(${ids(fairIds)}::uuid[])`,
        sql`exists (select 1 from postings p where p.id = ${fairBoothPostings.postingId} and p.status = 'OPEN' and (p.valid_until is null or p.valid_until > now()))`,
      ),
    )
    .orderBy(asc(fairBooths.id), desc(fairBoothPostings.postingId));
}

/** Every posting at these fairs' booths (whatever became of it), once per fair. */
export function findBoothPostingIdsForFairs(db: Executor, fairIds: readonly string[]): Promise<{ fairId: string; postingId: string }[]> {
  return db
    .selectDistinct({ fairId: fairBooths.fairId, postingId: fairBoothPostings.postingId })
    .from(fairBoothPostings)
    .innerJoin(fairBooths, eq(fairBooths.id, fairBoothPostings.boothId))
    .where(sql`${fairBooths.fairId} = any(${ids(fairIds)}::uuid[])`);
}

/** A posting at this fair's booths (the given employer's, when named), share-locked with its state. */
export async function shareBoothPosting(
  db: Executor,
  fairId: string,
  postingId: string,
  employerId: string | null,
): Promise<{ status: string; validUntil: Date | null } | undefined> {
  const [row] = await queryRows<{ status: string; valid_until: Date | string | null }>(
    db,
    sql`select p.status, p.valid_until from fair_booth_postings bp join fair_booths b on b.id = bp.booth_id join postings p on p.id = bp.posting_id
        where b.fair_id = ${fairId} and bp.posting_id = ${postingId} ${employerId ? sql`and b.employer_id = ${employerId}` : sql``} for share of p`,
  );
  return row && { status: row.status, validUntil: row.valid_until === null ? null : new Date(row.valid_until) };
}

// ---- registrations ----

/** Registers a person; false when they already were. */
export async function insertRegistration(db: Executor, row: typeof fairRegistrations.$inferInsert): Promise<boolean> {
  return (await db.insert(fairRegistrations).values(row).onConflictDoNothing().returning()).length > 0;
}

export async function isRegistered(db: Executor, fairId: string, personId: string): Promise<boolean> {
  const [row] = await db.select({ personId: fairRegistrations.personId }).from(fairRegistrations).where(and(eq(fairRegistrations.fairId, fairId), eq(fairRegistrations.personId, personId)));
  return row !== undefined;
}

// ---- bookings ----

export async function findBookingById(db: Executor, id: string, lock?: "update"): Promise<FairBookingRow | undefined> {
  const query = db.select().from(fairBookings).where(eq(fairBookings.id, id));
  const [booking] = await (lock ? query.for(lock) : query);
  return booking;
}

/** A person's live (not cancelled) booking in a session, locked for update. */
export async function findLiveBookingForUpdate(db: Executor, sessionId: string, personId: string): Promise<FairBookingRow | undefined> {
  const [booking] = await db
    .select()
    .from(fairBookings)
    .where(and(eq(fairBookings.sessionId, sessionId), eq(fairBookings.personId, personId), sql`${fairBookings.status} <> 'CANCELLED'`))
    .for("update");
  return booking;
}

export async function insertBooking(db: Executor, row: Omit<typeof fairBookings.$inferInsert, "id">): Promise<FairBookingRow> {
  const [inserted] = await db.insert(fairBookings).values({ id: newId(), ...row }).returning();
  return inserted!;
}

export async function updateBooking(db: Executor, id: string, change: { status: "CANCELLED"; by: string } | { status: "CHECKED_IN" } | { outcome: string }): Promise<FairBookingRow> {
  const set =
    "outcome" in change
      ? { outcome: change.outcome }
      : change.status === "CANCELLED"
        ? { status: change.status, cancelledAt: sql`now()`, cancelledBy: change.by }
        : { status: change.status, checkedInAt: sql`now()` };
  const [row] = await db.update(fairBookings).set(set).where(eq(fairBookings.id, id)).returning();
  return row!;
}

/** The outcomes recorded for a booking, oldest first (the caller holds the booking's lock). */
export async function findOutcomesOf(db: Executor, bookingId: string): Promise<string[]> {
  const rows = await db.select({ outcome: fairOutcomeEvents.outcome }).from(fairOutcomeEvents).where(eq(fairOutcomeEvents.bookingId, bookingId)).orderBy(asc(fairOutcomeEvents.at), asc(fairOutcomeEvents.id));
  return rows.map((r) => r.outcome);
}

/** Appends an outcome to a booking's trail and makes it the booking's current outcome. */
export async function appendOutcome(db: Executor, bookingId: string, outcome: string, by: string): Promise<FairBookingRow> {
  await db.insert(fairOutcomeEvents).values({ id: newId(), bookingId, outcome, by });
  return updateBooking(db, bookingId, { outcome });
}

/** A session called off takes its live bookings with it (`by`: who called it off; the people are told). */
export async function cancelBookingsOfSessions(db: Executor, sessionIds: readonly string[], by: string): Promise<void> {
  if (sessionIds.length === 0) return;
  await db
    .update(fairBookings)
    .set({ status: "CANCELLED", cancelledAt: sql`now()`, cancelledBy: by })
    .where(and(sql`${fairBookings.sessionId} = any(${ids(sessionIds)}::uuid[])`, eq(fairBookings.status, "BOOKED")));
}

export interface BookingFilter {
  /** Who may see which (fair.access `visibleBookingsCondition`), over `fair_bookings`. */
  visible: SQL;
  personId?: string | undefined;
  sessionId?: string | undefined;
}

const bookingsWhere = (fairIds: readonly string[], filter: BookingFilter) =>
  and(
    sql`${fairBookings.fairId} = any(${ids(fairIds)}::uuid[])`,
    filter.visible,
    filter.personId ? eq(fairBookings.personId, filter.personId) : undefined,
    filter.sessionId ? eq(fairBookings.sessionId, filter.sessionId) : undefined,
  );

/** A page of each fair's bookings (newest first, after a cursor, `limit` per fair) in one statement. */
export function listBookingsForFairs(db: Executor, fairIds: readonly string[], filter: BookingFilter, page: KeysetPage): Promise<FairBookingRow[]> {
  const where = and(bookingsWhere(fairIds, filter), keysetRange(fairBookings.id, page));
  return db
    .select()
    .from(fairBookings)
    .where(
      sql`${fairBookings.id} in (select ranked.id from (select fair_bookings.id, row_number() over (partition by fair_bookings.fair_id order by fair_bookings.id ${keysetDirection(page)}) as n
                                   from fair_bookings where ${where}) ranked where ranked.n <= ${page.limit})`,
    )
    .orderBy(keysetOrder(fairBookings.id, page));
}

/** How many of each fair's bookings match, in one statement. */
export async function countBookingsForFairs(db: Executor, fairIds: readonly string[], filter: BookingFilter): Promise<Map<string, number>> {
  const rows = await db
    .select({ fairId: fairBookings.fairId, n: sql<number>`count(*)::int` })
    .from(fairBookings)
    .where(bookingsWhere(fairIds, filter))
    .groupBy(fairBookings.fairId);
  return new Map(rows.map((r) => [r.fairId, r.n]));
}

/** The bookings of each of these people, newest first, in one statement (`Person.fairBookings`). */
export function findBookingsOfPeople(db: Executor, personIds: readonly string[]): Promise<FairBookingRow[]> {
  return db
    .select()
    .from(fairBookings)
    .where(sql`${fairBookings.personId} = any(${sql.param([...personIds])}::uuid[])`)
    .orderBy(desc(fairBookings.id));
}
