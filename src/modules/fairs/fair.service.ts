import { and, eq, inArray, sql } from "drizzle-orm";
import { lockPerson } from "../people/person.lock.js";
import { actorOf, regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { requiredText } from "../../graphql/validators.js";
import { misfit } from "../matching/match-constraints.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { applyEmploymentStatus } from "../people/person.service.js";
import { people } from "../people/person.table.js";
import { postings } from "../postings/posting.table.js";
import { mayMove } from "../referrals/referral-rules.js";
import { insertReferralIfAbsent, moveReferral } from "../referrals/referral.repository.js";
import { referrals, type ReferralStatus } from "../referrals/referral.table.js";
import { serviceToday } from "../../dates.js";
import { publishFairEvent, publishFairEvents } from "./fair-events.js";
import {
  fairBookings,
  fairBoothPostings,
  fairPolicies,
  fairBooths,
  fairRegistrations,
  fairSessions,
  jobFairs,
  type FairBookingRow,
  type FairKind,
  type FairSessionKind,
  type FairSessionRow,
  type FairStatus,
  type JobFairRow,
} from "./fair.table.js";

/** The active fair rules (policy data, `fair_policies`; migration 0020 loads the first version). */
export async function activeFairPolicy(db: Executor): Promise<{ maxFairDays: number; keyGroupFairsPerYear: number }> {
  const [row] = await db.select({ maxFairDays: fairPolicies.maxFairDays, keyGroupFairsPerYear: fairPolicies.keyGroupFairsPerYear }).from(fairPolicies).where(eq(fairPolicies.active, true));
  if (!row) throw new Error("No active fair policy: the migrations load one");
  return row;
}

export interface FairAudience {
  categoryCodes: string[];
  populations: string[];
  regionPrefixes: string[];
}

function checkWindow(startsAt: Date, endsAt: Date, field: string): void {
  if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) throw badInput(field, "Not a time");
  if (!(startsAt < endsAt)) throw badInput(field, "startsAt must be before endsAt");
}

/** Who may organise and run this fair: administrators; the caseworker of its institution or of a region containing its bureau's. */
export function mayOrganise(viewer: Viewer, fair: Pick<JobFairRow, "organiserInstitutionId" | "organiserRegionCode">): boolean {
  if (viewer.kind !== "user") return false;
  if (viewer.role === Role.ADMIN) return true;
  if (viewer.role !== Role.CASEWORKER) return false;
  if (fair.organiserInstitutionId !== null) return viewer.institutionId === fair.organiserInstitutionId;
  if (fair.organiserRegionCode === null) return false;
  // The bureau's own code within the caseworker's prefix: 3501 runs Fuzhou's (350100) and its
  // counties'; a token scoped "350200" runs the bureau it created fairs as.
  return regionWithinScope(viewer.regionCode, fair.organiserRegionCode);
}

/**
 * Creates a fair (DRAFT). A caseworker organises for their institution or, without one, as their
 * region's HR bureau; an administrator names the organiser. The audience's categories must exist.
 */
export async function createJobFair(
  db: Database,
  viewer: Viewer,
  input: { title: string; kind: FairKind; startsAt: Date; endsAt: Date; audience?: Partial<FairAudience> | null; organiserInstitutionId?: string | null; organiserRegionCode?: string | null },
): Promise<JobFairRow> {
  if (viewer.kind !== "user" || (viewer.role !== Role.ADMIN && viewer.role !== Role.CASEWORKER)) throw forbidden("Fairs are organised by institutions and HR bureaus");
  const title = requiredText(input.title, "title", 200);
  checkWindow(input.startsAt, input.endsAt, "endsAt");

  let organiserInstitutionId = input.organiserInstitutionId == null ? null : parseId(input.organiserInstitutionId, "organiserInstitutionId");
  let organiserRegionCode = input.organiserRegionCode ?? null;
  if (viewer.role === Role.CASEWORKER) {
    organiserInstitutionId = viewer.institutionId ?? null;
    organiserRegionCode = viewer.institutionId ? null : (viewer.regionCode ?? "").padEnd(6, "0");
  }
  if ((organiserInstitutionId === null) === (organiserRegionCode === null)) throw badInput("organiserRegionCode", "Name the organiser: an institution or a regional HR bureau");
  const audience: FairAudience = {
    categoryCodes: [...new Set(input.audience?.categoryCodes ?? [])],
    populations: [...new Set(input.audience?.populations ?? [])],
    regionPrefixes: [...new Set(input.audience?.regionPrefixes ?? [])],
  };
  for (const [i, p] of audience.regionPrefixes.entries()) if (!/^(\d{2}|\d{4}|\d{6})$/.test(p)) throw badInput(`audience.regionPrefixes.${i}`, "A region prefix is 2, 4 or 6 digits");
  for (const [i, p] of audience.populations.entries()) if (p !== "KEY_GROUP_GRADUATE" && p !== "POVERTY_LABOURER") throw badInput(`audience.populations.${i}`, "Not a population");
  return db.transaction(async (tx) => {
    const { maxFairDays } = await activeFairPolicy(tx);
    if (input.endsAt.getTime() - input.startsAt.getTime() > maxFairDays * 86_400_000) throw badInput("endsAt", `A fair runs at most ${maxFairDays} days`);
    if (audience.categoryCodes.length > 0) {
      const known = new Set((await queryRows<{ code: string }>(tx, sql`select distinct code from target_categories where code = any(${sql.param(audience.categoryCodes)}::text[])`)).map((r) => r.code));
      const unknown = audience.categoryCodes.findIndex((c) => !known.has(c));
      if (unknown >= 0) throw badInput(`audience.categoryCodes.${unknown}`, `Unknown category ${audience.categoryCodes[unknown]}`);
    }
    if (organiserRegionCode !== null && (await queryRows(tx, sql`select 1 from regions where code = ${organiserRegionCode}`)).length === 0) throw badInput("organiserRegionCode", `Unknown region ${organiserRegionCode}`);
    if (organiserInstitutionId !== null && (await queryRows(tx, sql`select 1 from institutions where id = ${organiserInstitutionId}`)).length === 0) throw badInput("organiserInstitutionId", "Unknown institution");
    const [row] = await tx
      .insert(jobFairs)
      .values({ id: newId(), title, kind: input.kind, organiserInstitutionId, organiserRegionCode, startsAt: input.startsAt, endsAt: input.endsAt, audience, createdBy: actorOf(viewer) })
      .returning();
    return row!;
  });
}

const FAIR_MOVES: Record<FairStatus, readonly FairStatus[]> = { DRAFT: ["OPEN", "CLOSED"], OPEN: ["LIVE", "CLOSED"], LIVE: ["CLOSED"], CLOSED: [] };

/** Reads a fair for change, locked: NOT_FOUND, FORBIDDEN (not its organiser) or CONFLICT (closed) otherwise. */
async function fairForChange(tx: Executor, viewer: Viewer, fairId: string): Promise<JobFairRow> {
  const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for("update");
  if (!fair) throw notFound("JobFair", fairId);
  if (!mayOrganise(viewer, fair)) throw forbidden("Only the fair's organiser changes it");
  if (fair.status === "CLOSED") throw conflict("The fair is closed", { field: "fairId" });
  return fair;
}

/** DRAFT → OPEN (registration) → LIVE → CLOSED; a draft or an open fair may be closed (cancelled). */
export async function setJobFairStatus(db: Database, viewer: Viewer, id: string, status: FairStatus): Promise<JobFairRow> {
  const fairId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const fair = await fairForChange(tx, viewer, fairId);
    if (!FAIR_MOVES[fair.status].includes(status)) throw badInput("status", `A ${fair.status} fair cannot become ${status}`);
    const [row] = await tx
      .update(jobFairs)
      .set({ status, ...(status === "LIVE" ? { wentLiveAt: sql`now()` } : {}) })
      .where(eq(jobFairs.id, fairId))
      .returning();
    await publishFairEvent(tx, { kind: "FAIR_STATUS", fairId, fairStatus: status });
    if (status === "CLOSED") {
      // Closing ends what is running and calls off what has not begun, freeing those times for
      // the people and employers (the overlap constraints span every fair). Subscribers hear of
      // each session; a session called off takes its bookings with it.
      const ended = await tx
        .update(fairSessions)
        .set({ status: "ENDED" })
        .where(and(eq(fairSessions.fairId, fairId), eq(fairSessions.status, "LIVE")))
        .returning({ id: fairSessions.id, employerId: fairSessions.employerId, capacity: fairSessions.capacity, booked: fairSessions.booked });
      const calledOff = await tx
        .update(fairSessions)
        .set({ status: "CANCELLED", booked: 0 })
        .where(and(eq(fairSessions.fairId, fairId), eq(fairSessions.status, "SCHEDULED")))
        .returning({ id: fairSessions.id, employerId: fairSessions.employerId, capacity: fairSessions.capacity });
      await publishFairEvents(tx, [
        ...ended.map((s) => ({ kind: "SESSION_ENDED" as const, fairId, sessionId: s.id, seatsLeft: s.capacity - s.booked, employerId: s.employerId })),
        ...calledOff.map((s) => ({ kind: "SESSION_CANCELLED" as const, fairId, sessionId: s.id, seatsLeft: 0, employerId: s.employerId })),
      ]);
      if (calledOff.length > 0) {
        await tx
          .update(fairBookings)
          .set({ status: "CANCELLED", cancelledAt: sql`now()` })
          .where(and(sql`${fairBookings.sessionId} = any(${sql.param(calledOff.map((c) => c.id))}::uuid[])`, eq(fairBookings.status, "BOOKED")));
      }
    }
    return row!;
  });
}

/**
 * Adds a session inside the fair's window: by the organiser, or by an employer for itself (it must
 * have a booth). An INTERVIEW slot seats one; a GROUP session its capacity; a PRESENTATION its
 * capacity (default 500). One employer's sessions may not overlap (the database refuses: CONFLICT).
 */
export async function addFairSession(
  db: Database,
  viewer: Viewer,
  input: { fairId: string; kind: FairSessionKind; employerId?: string | null; title: string; startsAt: Date; endsAt: Date; capacity?: number | null },
): Promise<FairSessionRow> {
  const fairId = parseId(input.fairId, "fairId");
  const title = requiredText(input.title, "title", 200);
  checkWindow(input.startsAt, input.endsAt, "endsAt");
  let employerId = input.employerId == null ? null : parseId(input.employerId, "employerId");
  const isEmployer = viewer.kind === "user" && viewer.role === Role.EMPLOYER;
  if (isEmployer) employerId = viewer.employerId ?? null;
  if (input.kind !== "GROUP" && employerId === null) throw badInput("employerId", "Presentations and interview slots belong to an employer");
  const capacity = input.kind === "INTERVIEW" ? 1 : (input.capacity ?? (input.kind === "PRESENTATION" ? 500 : null));
  if (capacity === null || !Number.isInteger(capacity) || capacity < 1 || capacity > 5000) throw badInput("capacity", "capacity must be a whole number from 1 to 5,000 (an interview slot seats one)");
  if (input.kind === "INTERVIEW" && input.capacity != null && input.capacity !== 1) throw badInput("capacity", "An interview slot seats one");
  return db.transaction(async (tx) => {
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for("update");
    if (!fair) throw notFound("JobFair", fairId);
    if (isEmployer) {
      const [booth] = await tx.select({ id: fairBooths.id }).from(fairBooths).where(and(eq(fairBooths.fairId, fairId), eq(fairBooths.employerId, employerId!)));
      if (!booth) throw forbidden("Register a booth at the fair before adding sessions");
    } else if (!mayOrganise(viewer, fair)) throw forbidden("Only the fair's organiser or an employer with a booth adds sessions");
    if (fair.status === "CLOSED") throw conflict("The fair is closed", { field: "fairId" });
    if (input.startsAt < fair.startsAt || input.endsAt > fair.endsAt) throw badInput("startsAt", "The session must lie inside the fair's window");
    if (employerId !== null && (await queryRows(tx, sql`select 1 from employers where id = ${employerId}`)).length === 0) throw badInput("employerId", "Unknown employer");
    try {
      const [row] = await tx.insert(fairSessions).values({ id: newId(), fairId, kind: input.kind, employerId, title, startsAt: input.startsAt, endsAt: input.endsAt, capacity }).returning();
      return row!;
    } catch (error) {
      if ((error as { code?: string }).code === "23P01" || String((error as { cause?: { code?: string } }).cause?.code) === "23P01") throw conflict("The employer already has a session at that time", { field: "startsAt" });
      throw error;
    }
  });
}

/**
 * An employer's booth at a fair, with some of its OPEN postings (replacing those it had). Only
 * while the fair is not closed.
 */
export async function registerBooth(db: Database, viewer: Viewer, input: { fairId: string; postingIds: string[] }): Promise<{ boothId: string; postingIds: string[] }> {
  if (viewer.kind !== "user" || viewer.role !== Role.EMPLOYER || !viewer.employerId) throw forbidden("Employers register booths");
  const employerId = viewer.employerId;
  const fairId = parseId(input.fairId, "fairId");
  const postingIds = [...new Set(input.postingIds.map((p, i) => parseId(p, `postingIds.${i}`)))];
  if (postingIds.length === 0 || postingIds.length > 50) throw badInput("postingIds", "Bring 1–50 postings");
  return db.transaction(async (tx) => {
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for("share");
    if (!fair) throw notFound("JobFair", fairId);
    if (fair.status === "CLOSED") throw conflict("The fair is closed", { field: "fairId" });
    const rows = await tx.select({ id: postings.id, employerId: postings.employerId, status: postings.status }).from(postings).where(inArray(postings.id, postingIds)).for("share");
    for (const [i, id] of postingIds.entries()) {
      const row = rows.find((r) => r.id === id);
      if (!row || row.employerId !== employerId) throw badInput(`postingIds.${i}`, "Not one of your postings");
      if (row.status !== "OPEN") throw badInput(`postingIds.${i}`, "Only OPEN postings go to a fair");
    }
    const [booth] = await tx
      .insert(fairBooths)
      .values({ id: newId(), fairId, employerId })
      .onConflictDoUpdate({ target: [fairBooths.fairId, fairBooths.employerId], set: { fairId } })
      .returning({ id: fairBooths.id });
    await tx.delete(fairBoothPostings).where(eq(fairBoothPostings.boothId, booth!.id));
    await tx.insert(fairBoothPostings).values(postingIds.map((postingId) => ({ boothId: booth!.id, postingId })));
    return { boothId: booth!.id, postingIds };
  });
}

/** Whether a person is in a fair's audience (its categories, populations and regions; an empty list allows anyone). */
async function inAudience(tx: Executor, fair: JobFairRow, person: { id: string; householdRegionCode: string; originRegionCode: string }): Promise<boolean> {
  const audience = fair.audience as FairAudience;
  if (audience.regionPrefixes.length > 0 && !audience.regionPrefixes.some((p) => person.householdRegionCode.startsWith(p) || person.originRegionCode.startsWith(p))) return false;
  if (audience.categoryCodes.length === 0 && audience.populations.length === 0) return true;
  const rows = await queryRows<{ one: number }>(
    tx,
    sql`select 1 as one from person_categories pc join target_categories c on c.id = pc.category_id
        where pc.person_id = ${person.id} and (pc.category_code = any(${sql.param(audience.categoryCodes)}::text[]) or c.population::text = any(${sql.param(audience.populations)}::text[])) limit 1`,
  );
  return rows.length > 0;
}

/**
 * Registers a person for a fair (OPEN or LIVE): the seeker themself or a caseworker for someone in
 * scope, within the audience; the organiser may invite anyone in their scope (`invite`).
 */
export async function registerForFair(db: Database, viewer: Viewer, input: { fairId: string; personId: string; invite?: boolean | null }): Promise<{ fairId: string; personId: string; invited: boolean }> {
  const fairId = parseId(input.fairId, "fairId");
  const personId = parseId(input.personId, "personId");
  return db.transaction(async (tx) => {
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, fairId)).for("share");
    if (!fair) throw notFound("JobFair", fairId);
    const person = await lockPerson(tx, personId);
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    if (fair.status !== "OPEN" && fair.status !== "LIVE") throw conflict(`Registration is not open (the fair is ${fair.status})`, { field: "fairId" });
    const invited = input.invite === true;
    if (invited && !mayOrganise(viewer, fair)) throw forbidden("Only the organiser invites people outside the audience");
    if (!invited && !(await inAudience(tx, fair, person))) throw badInput("personId", "The person is not in the fair's audience (the organiser may invite them)");
    const inserted = await tx.insert(fairRegistrations).values({ fairId, personId, invited, registeredBy: actorOf(viewer) }).onConflictDoNothing().returning();
    if (inserted.length === 0) throw conflict("Already registered", { field: "personId" });
    return { fairId, personId, invited };
  });
}

/**
 * Books a seat in a session (an interview slot, a group session, a presentation) for a registered
 * person, about one of the session employer's booth postings (required for an interview). The
 * seat is taken by a conditional increment under the session's capacity CHECK; one live booking per
 * person and session is a unique index, and two overlapping ones an exclusion constraint — so
 * concurrent bookings can neither overbook a slot nor double-book a person.
 */
export async function bookInterview(db: Database, viewer: Viewer, input: { slotId: string; personId: string; postingId?: string | null }): Promise<FairBookingRow> {
  const sessionId = parseId(input.slotId, "slotId");
  const personId = parseId(input.personId, "personId");
  const postingId = input.postingId == null ? null : parseId(input.postingId, "postingId");
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    // Read, not locked: the seat is taken below by a conditional update, which re-checks it.
    const [session] = await tx.select().from(fairSessions).where(eq(fairSessions.id, sessionId));
    if (!session) throw notFound("FairSession", sessionId);
    // Locks in one order on every path: the person, the fair, the session, the booking.
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, session.fairId)).for("share");
    if (fair!.status !== "OPEN" && fair!.status !== "LIVE") throw conflict(`Bookings are taken while the fair is open or live (it is ${fair!.status})`, { field: "slotId" });
    if (session!.status !== "SCHEDULED" || session!.startsAt <= new Date()) throw badInput("slotId", "The session has started, is over or was called off: book another");
    const [registered] = await tx.select().from(fairRegistrations).where(and(eq(fairRegistrations.fairId, fair!.id), eq(fairRegistrations.personId, personId)));
    if (!registered) throw badInput("personId", "Register for the fair first");
    if (session!.kind === "INTERVIEW" && postingId === null) throw badInput("postingId", "Name the posting the interview is for");
    if (postingId !== null) {
      const [inBooth] = await queryRows<{ status: string; valid_until: Date | null; min_education: string; region_code: string; kind: string }>(
        tx,
        sql`select p.status, p.valid_until, p.min_education, p.region_code, p.kind from fair_booth_postings bp join fair_booths b on b.id = bp.booth_id join postings p on p.id = bp.posting_id
            where b.fair_id = ${fair!.id} and bp.posting_id = ${postingId} ${session!.employerId ? sql`and b.employer_id = ${session!.employerId}` : sql``} for share of p`,
      );
      if (!inBooth) throw badInput("postingId", "Not a posting at this session's booth");
      if (inBooth.status !== "OPEN" || (inBooth.valid_until !== null && new Date(inBooth.valid_until) <= new Date())) throw badInput("postingId", "The posting is closed");
    }
    const [taken] = await tx
      .update(fairSessions)
      .set({ booked: sql`${fairSessions.booked} + 1` })
      .where(and(eq(fairSessions.id, sessionId), sql`${fairSessions.booked} < ${fairSessions.capacity}`, eq(fairSessions.status, "SCHEDULED")))
      .returning({ booked: fairSessions.booked, capacity: fairSessions.capacity });
    if (!taken) throw conflict("The session is fully booked", { field: "slotId" });
    try {
      const [row] = await tx
        .insert(fairBookings)
        .values({ id: newId(), sessionId, fairId: fair!.id, personId, postingId, startsAt: session!.startsAt, endsAt: session!.endsAt, bookedBy: by })
        .returning();
      await publishFairEvent(tx, { kind: "BOOKING_CONFIRMED", fairId: fair!.id, sessionId, seatsLeft: taken.capacity - taken.booked, bookingId: row!.id, personId, employerId: session!.employerId });
      return row!;
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      if (code === "23505") throw conflict("The person already has a seat in this session", { field: "personId" });
      if (code === "23P01") throw conflict("The person has another booking at that time", { field: "personId" });
      throw error;
    }
  });
}

/**
 * Cancels a live booking and frees its seat: the person (seeker), a caseworker in scope or the
 * fair's organiser; only before its session begins and before any outcome. Locks in the order
 * bookings take them: the person, the fair, the session, the booking.
 */
export async function cancelBooking(db: Database, viewer: Viewer, id: string): Promise<FairBookingRow> {
  const bookingId = parseId(id, "bookingId");
  return db.transaction(async (tx) => {
    const [found] = await tx.select().from(fairBookings).where(eq(fairBookings.id, bookingId));
    if (!found) throw notFound("FairBooking", bookingId);
    const person = await lockPerson(tx, found.personId);
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, found.fairId)).for("share");
    if (!personWithinScope(personScope(viewer), person!) && !mayOrganise(viewer, fair!)) throw notFound("FairBooking", bookingId);
    if (fair!.status === "CLOSED") throw conflict("The fair is closed", { field: "bookingId" });
    const [session] = await tx.select().from(fairSessions).where(eq(fairSessions.id, found.sessionId)).for("update");
    const [booking] = await tx.select().from(fairBookings).where(eq(fairBookings.id, bookingId)).for("update");
    if (booking!.status !== "BOOKED") throw conflict(`The booking is ${booking!.status}`, { field: "bookingId" });
    if (booking!.outcome !== null) throw conflict("The booking has an outcome already", { field: "bookingId" });
    if (session!.status !== "SCHEDULED" || session!.startsAt <= new Date()) throw conflict("The session has begun: it can no longer be cancelled", { field: "bookingId" });
    const [row] = await tx.update(fairBookings).set({ status: "CANCELLED", cancelledAt: sql`now()` }).where(eq(fairBookings.id, bookingId)).returning();
    const [freed] = await tx
      .update(fairSessions)
      .set({ booked: sql`${fairSessions.booked} - 1` })
      .where(eq(fairSessions.id, booking!.sessionId))
      .returning({ booked: fairSessions.booked, capacity: fairSessions.capacity });
    await publishFairEvent(tx, { kind: "SLOT_FREED", fairId: fair!.id, sessionId: session!.id, seatsLeft: freed!.capacity - freed!.booked, bookingId, personId: person!.id, employerId: session!.employerId });
    return row!;
  });
}

/** Attendance: a registered person's booking in a session is checked in (organiser or the session's employer). */
export async function checkIn(db: Database, viewer: Viewer, input: { sessionId: string; personId: string }): Promise<FairBookingRow> {
  const sessionId = parseId(input.sessionId, "sessionId");
  const personId = parseId(input.personId, "personId");
  return db.transaction(async (tx) => {
    const [session] = await tx.select().from(fairSessions).where(eq(fairSessions.id, sessionId));
    if (!session) throw notFound("FairSession", sessionId);
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, session.fairId));
    const employerOfSession = viewer.kind === "user" && viewer.role === Role.EMPLOYER && session.employerId !== null && viewer.employerId === session.employerId;
    if (!mayOrganise(viewer, fair!) && !employerOfSession) throw forbidden("The organiser or the session's employer checks people in");
    if (fair!.status !== "LIVE") throw conflict(`Check-in happens while the fair is live (it is ${fair!.status})`, { field: "sessionId" });
    if (session.status !== "SCHEDULED" && session.status !== "LIVE") throw conflict(`The session is ${session.status}`, { field: "sessionId" });
    // One answer for "not registered" and "no booking": an employer learns nothing about who registered.
    const refused = () => badInput("personId", "The person is not registered for the fair or has no booking in this session");
    const [registered] = await tx.select().from(fairRegistrations).where(and(eq(fairRegistrations.fairId, fair!.id), eq(fairRegistrations.personId, personId)));
    if (!registered) throw refused();
    const [booking] = await tx.select().from(fairBookings).where(and(eq(fairBookings.sessionId, sessionId), eq(fairBookings.personId, personId), sql`${fairBookings.status} <> 'CANCELLED'`)).for("update");
    if (!booking) throw refused();
    if (booking.status === "CHECKED_IN") return booking;
    const [row] = await tx.update(fairBookings).set({ status: "CHECKED_IN", checkedInAt: sql`now()` }).where(eq(fairBookings.id, booking.id)).returning();
    return row!;
  });
}

/** SCHEDULED → LIVE → ENDED (the organiser or the session's employer), while the fair is live. */
export async function moveSession(db: Database, viewer: Viewer, id: string, to: "LIVE" | "ENDED"): Promise<FairSessionRow> {
  const sessionId = parseId(id, "sessionId");
  return db.transaction(async (tx) => {
    const [session] = await tx.select().from(fairSessions).where(eq(fairSessions.id, sessionId)).for("update");
    if (!session) throw notFound("FairSession", sessionId);
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, session.fairId));
    const employerOfSession = viewer.kind === "user" && viewer.role === Role.EMPLOYER && session.employerId !== null && viewer.employerId === session.employerId;
    if (!mayOrganise(viewer, fair!) && !employerOfSession) throw forbidden("The organiser or the session's employer runs a session");
    if (fair!.status !== "LIVE") throw conflict(`Sessions run while the fair is live (it is ${fair!.status})`, { field: "sessionId" });
    const from = to === "LIVE" ? "SCHEDULED" : "LIVE";
    if (session.status !== from) throw badInput("sessionId", `A ${session.status} session cannot become ${to}`);
    const [row] = await tx.update(fairSessions).set({ status: to }).where(eq(fairSessions.id, sessionId)).returning();
    await publishFairEvent(tx, { kind: to === "LIVE" ? "SESSION_STARTED" : "SESSION_ENDED", fairId: fair!.id, sessionId, seatsLeft: row!.capacity - row!.booked, employerId: row!.employerId });
    return row!;
  });
}

export type FairOutcome = "APPLIED" | "INTERVIEWED" | "OFFERED" | "HIRED" | "NO_SHOW";

/**
 * What came of a booking: NO_SHOW is recorded on the booking alone; any other outcome creates the
 * person's referral to the posting (source JOB_FAIR — so fairs count toward the referral minimum
 * when the posting fitted) or advances it, never backwards; HIRED records the person's employment.
 * By the session's employer or the fair's organiser.
 */
export async function recordFairOutcome(db: Database, viewer: Viewer, input: { bookingId: string; outcome: FairOutcome }): Promise<FairBookingRow> {
  const bookingId = parseId(input.bookingId, "bookingId");
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const [found] = await tx.select().from(fairBookings).where(eq(fairBookings.id, bookingId));
    if (!found) throw notFound("FairBooking", bookingId);
    // The person, the fair, the session, the booking: the order every fair path locks in.
    const person = await lockPerson(tx, found.personId);
    const [fair] = await tx.select().from(jobFairs).where(eq(jobFairs.id, found.fairId)).for("share");
    const [session] = await tx.select().from(fairSessions).where(eq(fairSessions.id, found.sessionId));
    const employerOfSession = viewer.kind === "user" && viewer.role === Role.EMPLOYER && session!.employerId !== null && viewer.employerId === session!.employerId;
    // An organising caseworker records outcomes for people in their own scope only (HIRED writes the ledger).
    const organiserInScope = mayOrganise(viewer, fair!) && personWithinScope(personScope(viewer), person!);
    if (!organiserInScope && !employerOfSession) throw notFound("FairBooking", bookingId);
    const [booking] = await tx.select().from(fairBookings).where(eq(fairBookings.id, bookingId)).for("update");
    if (booking!.status === "CANCELLED") throw conflict("The booking was cancelled", { field: "bookingId" });
    if (input.outcome === "NO_SHOW") {
      if (booking!.status === "CHECKED_IN") throw conflict("The person checked in: not a no-show", { field: "outcome" });
    } else {
      if (booking!.postingId === null) throw badInput("bookingId", "The booking names no posting: an outcome needs one");
      const [posting] = await tx.select().from(postings).where(eq(postings.id, booking!.postingId)).for("share");
      const to = input.outcome as ReferralStatus;
      let [referral] = await tx.select().from(referrals).where(and(eq(referrals.personId, person!.id), eq(referrals.postingId, posting!.id))).for("update");
      if (!referral) {
        // Like recommendPostings: no new referral to a posting that is no longer open.
        if (posting!.status !== "OPEN") throw conflict("The posting is no longer open", { field: "bookingId" });
        await insertReferralIfAbsent(tx, { personId: person!.id, postingId: posting!.id, source: "JOB_FAIR", madeBy: by, fitted: misfit(person!, posting!) === null, note: fair!.title });
        [referral] = await tx.select().from(referrals).where(and(eq(referrals.personId, person!.id), eq(referrals.postingId, posting!.id))).for("update");
      }
      if (referral!.status !== to) {
        if (!mayMove(referral!.status, to)) throw conflict(`The person's referral to this posting is ${referral!.status}: it cannot become ${to}`, { field: "outcome" });
        referral = await moveReferral(tx, referral!, to, by, fair!.title);
        if (to === "HIRED") await applyEmploymentStatus(tx, person!, { status: "EMPLOYED", since: serviceToday(), source: "REFERRAL", by, note: `网络招聘会入职：${posting!.title}` });
      }
    }
    const [row] = await tx.update(fairBookings).set({ outcome: input.outcome }).where(eq(fairBookings.id, bookingId)).returning();
    return row!;
  });
}
