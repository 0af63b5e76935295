import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { serviceToday } from "../../dates.js";
import { badInput, conflict, findPgError, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { postingMisfit } from "../matching/recommend.service.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { lockPerson } from "../people/person.lock.js";
import { applyEmploymentStatus } from "../people/person.service.js";
import { atOrPast, mayMove } from "../referrals/referral-rules.js";
import { lockReferralOf, moveReferralForFair, recordFairReferral } from "../referrals/referral-writes.js";
import type { ReferralStatus } from "../referrals/referral.table.js";
import { isSessionEmployer, mayOrganise } from "./fair.access.js";
import { appendOutcome, findBookingById, findFairById, findOutcomesOf, findSessionById, shareFairPostings } from "./fair.repository.js";
import { FAIR_OUTCOMES, type FairBookingRow, type FairOutcomeValue } from "./fair.table.js";

export type FairOutcome = FairOutcomeValue;

/** The funnel's order: an outcome only moves on (NO_SHOW stands alone). */
const rank = (outcome: string) => FAIR_OUTCOMES.indexOf(outcome as FairOutcome);

/**
 * Who may record which outcome of a booking, or null when the viewer may not touch it (NOT_FOUND).
 * The person's side says they APPLIED (a seeker for their own booking, or the caseworker whose
 * scope holds them — many people have no account); the session's employer records the later stages
 * and NO_SHOW; the fair's organiser, for a person in their scope, any of them.
 */
function outcomesFor(viewer: Viewer, roles: { seeker: boolean; caseworker: boolean; employer: boolean; organiser: boolean }): readonly FairOutcome[] | null {
  if (roles.organiser) return FAIR_OUTCOMES;
  const mine: FairOutcome[] = [];
  if (roles.seeker || roles.caseworker) mine.push("APPLIED");
  if (roles.employer) mine.push("INTERVIEWED", "OFFERED", "HIRED", "NO_SHOW");
  return viewer.kind === "user" && mine.length > 0 ? mine : null;
}

/**
 * What came of a booking, appended to its trail (fair_outcome_events) — never overwritten, each
 * outcome once. Only once its session has started (LIVE or ENDED): NO_SHOW for a person who did
 * not check in and has no outcome; anything else for a person who checked in and not after a
 * NO_SHOW; the later stages only once the person applied, and only forward. APPLIED, INTERVIEWED,
 * OFFERED and HIRED create the person's referral to the posting (source JOB_FAIR — fairs count
 * toward the referral minimum when the posting fitted) or advance it; HIRED records employment.
 */
export async function recordFairOutcome(db: Database, viewer: Viewer, input: { bookingId: string; outcome: FairOutcome }): Promise<FairBookingRow> {
  const bookingId = parseId(input.bookingId, "bookingId");
  const outcome = input.outcome;
  if (!FAIR_OUTCOMES.includes(outcome)) throw badInput("outcome", msg("不是有效的结果", "Not an outcome"));
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const found = await findBookingById(tx, bookingId);
    if (!found) throw notFound("FairBooking", bookingId);
    // The person, the fair, the session, the booking: the order every fair path locks in.
    const person = (await lockPerson(tx, found.personId))!;
    const fair = (await findFairById(tx, found.fairId, "share"))!;
    const session = (await findSessionById(tx, found.sessionId))!;
    const allowed = outcomesFor(viewer, {
      // An organising caseworker records outcomes for people in their own scope only (HIRED writes the ledger).
      organiser: mayOrganise(viewer, fair) && personWithinScope(personScope(viewer), person),
      seeker: viewer.kind === "user" && viewer.role === Role.SEEKER && viewer.personId === person.id,
      caseworker: viewer.kind === "user" && (viewer.role === Role.CASEWORKER || viewer.role === Role.ADMIN) && personWithinScope(personScope(viewer), person),
      employer: isSessionEmployer(viewer, session),
    });
    if (!allowed) throw notFound("FairBooking", bookingId);
    if (!allowed.includes(outcome)) throw forbidden(outcome === "APPLIED" ? msg("“已投递”由求职者本人一方登记，后续环节由用人单位登记", "Only the person says they applied; employers record the later stages") : msg(`您无权记录 ${outcome}`, `You may not record ${outcome}`));

    const booking = (await findBookingById(tx, bookingId, "update"))!;
    if (booking.status === "CANCELLED") throw conflict(msg("该预约已取消", "The booking was cancelled"), { field: "bookingId" });
    if (session.status !== "LIVE" && session.status !== "ENDED") throw conflict(msg("场次开始后方可记录结果", "Outcomes are recorded once the session has started"), { field: "bookingId" });
    const trail = await findOutcomesOf(tx, bookingId);
    if (trail.includes(outcome)) throw conflict(msg(`该预约已记录过 ${outcome}`, `${outcome} was recorded for this booking already`), { field: "outcome" });
    if (outcome === "NO_SHOW") {
      if (booking.status === "CHECKED_IN") throw conflict(msg("该人员已签到，不属于未到场", "The person checked in: not a no-show"), { field: "outcome" });
      // Only once the session is over: a person may still arrive while it runs.
      if (session.status !== "ENDED") throw conflict(msg("场次结束后方可记录未到场", "A no-show is recorded once the session has ended"), { field: "outcome" });
      if (trail.length > 0) throw conflict(msg("该预约已有结果记录，不属于未到场", "The booking has an outcome already: not a no-show"), { field: "outcome" });
    } else {
      if (trail.includes("NO_SHOW")) throw conflict(msg("该人员未到场", "The person did not show"), { field: "outcome" });
      if (booking.status !== "CHECKED_IN") throw conflict(msg("该人员尚未签到", "The person has not checked in"), { field: "bookingId" });
      if (outcome !== "APPLIED" && trail.length === 0) throw conflict(msg("该人员尚未投递", "The person has not applied"), { field: "outcome" });
      if (trail.some((o) => rank(o) > rank(outcome))) throw conflict(msg(`该预约已过 ${outcome} 环节，结果只能向后推进`, `The booking is past ${outcome}: outcomes only move on`), { field: "outcome" });
      if (booking.postingId === null) throw badInput("bookingId", msg("该预约未指明岗位，记录结果须有岗位", "The booking names no posting: an outcome needs one"));
      const [posting] = await shareFairPostings(tx, [booking.postingId]);
      const to = outcome as ReferralStatus;
      let referral = await lockReferralOf(tx, person.id, posting!.id);
      if (!referral) {
        // Like recommendPostings: no new referral to a posting that is no longer open.
        if (posting!.status !== "OPEN") throw conflict(msg("该岗位已不再开放", "The posting is no longer open"), { field: "bookingId" });
        referral = await recordFairReferral(tx, { personId: person.id, postingId: posting!.id, madeBy: by, fitted: (await postingMisfit(tx, person, posting!)) === null, note: fair.title });
      }
      // A referral already this far (say INTERVIEWED before the fair) stays; the booking's trail still records the outcome.
      if (referral.status !== to && !atOrPast(referral.status, to)) {
        if (!mayMove(referral.status, to)) throw conflict(msg(`该人员对此岗位的推荐状态为 ${referral.status}，不能变为 ${to}`, `The person's referral to this posting is ${referral.status}: it cannot become ${to}`), { field: "outcome" });
        referral = await moveReferralForFair(tx, referral, to, by, fair.title);
        if (to === "HIRED") await applyEmploymentStatus(tx, person, { status: "EMPLOYED", since: serviceToday(), source: "REFERRAL", by, note: `网络招聘会入职：${posting!.title}`, employerId: posting!.employerId });
      }
    }
    try {
      return await appendOutcome(tx, bookingId, outcome, by);
    } catch (error) {
      // Two callers at once: the booking's lock serialises them, the unique index is the last word.
      if (findPgError(error)?.code === "23505") throw conflict(msg(`该预约已记录过 ${outcome}`, `${outcome} was recorded for this booking already`), { field: "outcome" });
      throw error;
    }
  });
}
