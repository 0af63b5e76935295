import { actorOf, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, findPgError, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { lockPerson } from "../people/person.lock.js";
import { publishFairEvent } from "./fair-events.js";
import { mayOrganise, mayRunSession, mayViewFair } from "./fair.access.js";
import {
  findBookingById,
  findFairById,
  findLiveBookingForUpdate,
  findSessionById,
  freeSeat,
  insertBooking,
  insertRegistration,
  isRegistered,
  personInCategories,
  shareBoothPosting,
  takeSeat,
  updateBooking,
} from "./fair.repository.js";
import type { FairAudience } from "./fair.service.js";
import type { FairBookingRow, JobFairRow } from "./fair.table.js";

/*
 * A person's part in a fair: registration, bookings, cancellation and check-in (outcomes:
 * fair-outcome.service.ts). Every path
 * that writes for a person locks in one order: the person (lockPerson), the fair, the session, the
 * booking (then a posting share-locked, then the referral) — see people/person.lock.ts.
 */

/** Whether a person is in a fair's audience (its categories, populations and regions; an empty list allows anyone). */
async function inAudience(tx: Executor, fair: JobFairRow, person: { id: string; householdRegionCode: string; originRegionCode: string }): Promise<boolean> {
  const audience = fair.audience as FairAudience;
  if (audience.regionPrefixes.length > 0 && !audience.regionPrefixes.some((p) => person.householdRegionCode.startsWith(p) || person.originRegionCode.startsWith(p))) return false;
  if (audience.categoryCodes.length === 0 && audience.populations.length === 0) return true;
  return personInCategories(tx, person.id, audience.categoryCodes, audience.populations);
}

/**
 * Registers a person for a fair (OPEN or LIVE): the seeker themself or a caseworker for someone in
 * scope, within the audience; the organiser may invite anyone in their scope (`invite`).
 */
export async function registerForFair(db: Database, viewer: Viewer, input: { fairId: string; personId: string; invite?: boolean | null }): Promise<{ fairId: string; personId: string; invited: boolean }> {
  const fairId = parseId(input.fairId, "fairId");
  const personId = parseId(input.personId, "personId");
  return db.transaction(async (tx) => {
    const fair = await findFairById(tx, fairId, "share");
    // A draft is NOT_FOUND to all but its organisers, as an id that does not exist.
    if (!fair || !mayViewFair(viewer, fair)) throw notFound("JobFair", fairId);
    const person = await lockPerson(tx, personId);
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    if (fair.status !== "OPEN" && fair.status !== "LIVE") throw conflict(msg(`报名未开放（招聘会当前状态为 ${fair.status}）`, `Registration is not open (the fair is ${fair.status})`), { field: "fairId" });
    const invited = input.invite === true;
    if (invited && !mayOrganise(viewer, fair)) throw forbidden(msg("只有主办方可以邀请面向对象以外的人员", "Only the organiser invites people outside the audience"));
    if (!invited && !(await inAudience(tx, fair, person))) throw badInput("personId", msg("该人员不在本场招聘会的面向对象范围内（可由主办方邀请）", "The person is not in the fair's audience (the organiser may invite them)"));
    if (!(await insertRegistration(tx, { fairId, personId, invited, registeredBy: actorOf(viewer) }))) throw conflict(msg("已报名", "Already registered"), { field: "personId" });
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
    const session = await findSessionById(tx, sessionId);
    if (!session) throw notFound("FairSession", sessionId);
    // Locks in one order on every path: the person, the fair, the session, the booking.
    const fair = (await findFairById(tx, session.fairId, "share"))!;
    if (!mayViewFair(viewer, fair)) throw notFound("FairSession", sessionId);
    if (fair.status !== "OPEN" && fair.status !== "LIVE") throw conflict(msg(`招聘会开放报名或进行中时方可预约（当前状态为 ${fair.status}）`, `Bookings are taken while the fair is open or live (it is ${fair.status})`), { field: "slotId" });
    if (session.status !== "SCHEDULED" || session.startsAt <= new Date()) throw badInput("slotId", msg("该场次已开始、已结束或已取消，请预约其他场次", "The session has started, is over or was called off: book another"));
    if (!(await isRegistered(tx, fair.id, personId))) throw badInput("personId", msg("请先报名参加招聘会", "Register for the fair first"));
    if (session.kind === "INTERVIEW" && postingId === null) throw badInput("postingId", msg("请指明面试所对应的岗位", "Name the posting the interview is for"));
    if (postingId !== null) {
      const inBooth = await shareBoothPosting(tx, fair.id, postingId, session.employerId);
      if (!inBooth) throw badInput("postingId", msg("该岗位不在本场次用人单位的展位上", "Not a posting at this session's booth"));
      if (inBooth.status !== "OPEN" || (inBooth.validUntil !== null && inBooth.validUntil <= new Date())) throw badInput("postingId", msg("该岗位已关闭", "The posting is closed"));
    }
    const taken = await takeSeat(tx, sessionId);
    if (!taken) throw conflict(msg("该场次已约满", "The session is fully booked"), { field: "slotId" });
    try {
      const row = await insertBooking(tx, { sessionId, fairId: fair.id, personId, postingId, startsAt: session.startsAt, endsAt: session.endsAt, bookedBy: by });
      await publishFairEvent(tx, { kind: "BOOKING_CONFIRMED", fairId: fair.id, sessionId, seatsLeft: taken.capacity - taken.booked, bookingId: row.id, personId, employerId: session.employerId });
      return row;
    } catch (error) {
      const code = findPgError(error)?.code;
      if (code === "23505") throw conflict(msg("该人员已预约本场次", "The person already has a seat in this session"), { field: "personId" });
      if (code === "23P01") throw conflict(msg("该人员在该时段已有其他预约", "The person has another booking at that time"), { field: "personId" });
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
    const found = await findBookingById(tx, bookingId);
    if (!found) throw notFound("FairBooking", bookingId);
    const person = (await lockPerson(tx, found.personId))!;
    const fair = (await findFairById(tx, found.fairId, "share"))!;
    if (!personWithinScope(personScope(viewer), person) && !mayOrganise(viewer, fair)) throw notFound("FairBooking", bookingId);
    if (fair.status === "CLOSED") throw conflict(msg("招聘会已关闭", "The fair is closed"), { field: "bookingId" });
    const session = (await findSessionById(tx, found.sessionId, "update"))!;
    const booking = (await findBookingById(tx, bookingId, "update"))!;
    if (booking.status !== "BOOKED") throw conflict(msg(`该预约的状态为 ${booking.status}`, `The booking is ${booking.status}`), { field: "bookingId" });
    if (booking.outcome !== null) throw conflict(msg("该预约已有结果记录", "The booking has an outcome already"), { field: "bookingId" });
    if (session.status !== "SCHEDULED" || session.startsAt <= new Date()) throw conflict(msg("该场次已开始，不能再取消", "The session has begun: it can no longer be cancelled"), { field: "bookingId" });
    const row = await updateBooking(tx, bookingId, { status: "CANCELLED", by: actorOf(viewer) });
    const freed = await freeSeat(tx, booking.sessionId);
    await publishFairEvent(tx, { kind: "SLOT_FREED", fairId: fair.id, sessionId: session.id, seatsLeft: freed.capacity - freed.booked, bookingId, personId: person.id, employerId: session.employerId });
    return row;
  });
}

/** Attendance: a registered person's booking in a session is checked in (organiser or the session's employer). */
export async function checkIn(db: Database, viewer: Viewer, input: { sessionId: string; personId: string }): Promise<FairBookingRow> {
  const sessionId = parseId(input.sessionId, "sessionId");
  const personId = parseId(input.personId, "personId");
  return db.transaction(async (tx) => {
    const session = await findSessionById(tx, sessionId);
    if (!session) throw notFound("FairSession", sessionId);
    const fair = (await findFairById(tx, session.fairId))!;
    if (!mayViewFair(viewer, fair)) throw notFound("FairSession", sessionId);
    if (!mayRunSession(viewer, fair, session)) throw forbidden(msg("签到由主办方或该场次的用人单位办理", "The organiser or the session's employer checks people in"));
    if (fair.status !== "LIVE") throw conflict(msg(`招聘会进行中方可签到（当前状态为 ${fair.status}）`, `Check-in happens while the fair is live (it is ${fair.status})`), { field: "sessionId" });
    if (session.status !== "SCHEDULED" && session.status !== "LIVE") throw conflict(msg(`该场次的状态为 ${session.status}`, `The session is ${session.status}`), { field: "sessionId" });
    // One answer for "not registered" and "no booking": an employer learns nothing about who registered.
    const refused = () => badInput("personId", msg("该人员未报名本场招聘会，或在本场次没有预约", "The person is not registered for the fair or has no booking in this session"));
    if (!(await isRegistered(tx, fair.id, personId))) throw refused();
    const booking = await findLiveBookingForUpdate(tx, sessionId, personId);
    if (!booking) throw refused();
    if (booking.status === "CHECKED_IN") return booking;
    if (booking.outcome === "NO_SHOW") throw conflict(msg("该人员已被记录为未到场", "The person was recorded as a no-show"), { field: "personId" });
    return updateBooking(tx, booking.id, { status: "CHECKED_IN" });
  });
}
