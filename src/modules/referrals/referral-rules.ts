import { Role, type Viewer } from "../../auth/viewer.js";
import type { ReferralRow, ReferralStatus } from "./referral.table.js";

/**
 * The referral funnel: RECOMMENDED → VIEWED → APPLIED → INTERVIEWED → OFFERED → HIRED, or out of it
 * by DECLINED (the person or the employer says no), WITHDRAWN (the recommender takes it back) or
 * POSTING_CLOSED (the posting closed while the referral was still open). Steps may be skipped forward
 * (a person may apply without the view being recorded); nothing moves back, and the last four end it.
 */
const NEXT: Record<ReferralStatus, readonly ReferralStatus[]> = {
  RECOMMENDED: ["VIEWED", "APPLIED", "INTERVIEWED", "OFFERED", "HIRED", "DECLINED", "WITHDRAWN", "POSTING_CLOSED"],
  VIEWED: ["APPLIED", "INTERVIEWED", "OFFERED", "HIRED", "DECLINED", "WITHDRAWN", "POSTING_CLOSED"],
  APPLIED: ["INTERVIEWED", "OFFERED", "HIRED", "DECLINED", "WITHDRAWN", "POSTING_CLOSED"],
  INTERVIEWED: ["OFFERED", "HIRED", "DECLINED", "WITHDRAWN", "POSTING_CLOSED"],
  OFFERED: ["HIRED", "DECLINED", "WITHDRAWN"],
  HIRED: [],
  DECLINED: [],
  WITHDRAWN: [],
  POSTING_CLOSED: [],
};

/** Referrals a closing posting moves to POSTING_CLOSED (an offer already made stands). */
export const OPEN_REFERRAL_STATUSES: readonly ReferralStatus[] = ["RECOMMENDED", "VIEWED", "APPLIED", "INTERVIEWED"];

export function mayMove(from: ReferralStatus, to: ReferralStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * Which moves a viewer may make on a referral they can see. Caseworkers and administrators: any
 * legal move but POSTING_CLOSED (the posting's closing makes that one). The seeker, on their own
 * referral, and the partner site that made it: VIEWED and APPLIED. The employer whose posting it is:
 * the hiring steps (INTERVIEWED, OFFERED, HIRED) and DECLINED.
 */
export function allowedMoves(viewer: Viewer, referral: Pick<ReferralRow, "personId" | "madeBy">, postingEmployerId: string): readonly ReferralStatus[] {
  if (viewer.kind === "partner") return referral.madeBy === `partner:${viewer.partnerId}` ? ["VIEWED", "APPLIED"] : [];
  if (viewer.kind !== "user") return [];
  switch (viewer.role) {
    case Role.ADMIN:
    case Role.CASEWORKER:
      return ["VIEWED", "APPLIED", "INTERVIEWED", "OFFERED", "HIRED", "DECLINED", "WITHDRAWN"];
    case Role.SEEKER:
      return viewer.personId === referral.personId ? ["VIEWED", "APPLIED"] : [];
    case Role.EMPLOYER:
      return viewer.employerId === postingEmployerId ? ["INTERVIEWED", "OFFERED", "HIRED", "DECLINED"] : [];
    default:
      return [];
  }
}

/** Statuses that mean the person applied: from then on the posting's employer sees the referral. */
export const APPLIED_OR_LATER: readonly ReferralStatus[] = ["APPLIED", "INTERVIEWED", "OFFERED", "HIRED"];

/** The funnel a referral moves along, in order (the other statuses end it). */
const FUNNEL: readonly ReferralStatus[] = ["RECOMMENDED", "VIEWED", "APPLIED", "INTERVIEWED", "OFFERED", "HIRED"];

/** The referral stands at `to` or further along the funnel already (a fair outcome then adds to the booking's trail only). */
export function atOrPast(status: ReferralStatus, to: ReferralStatus): boolean {
  const at = FUNNEL.indexOf(status);
  return at >= 0 && FUNNEL.indexOf(to) >= 0 && at >= FUNNEL.indexOf(to);
}

/**
 * Whether a referral's trail shows the person applied — the step that hands their name to the
 * posting's employer: a move to APPLIED or later made by the person, the partner or caseworker acting
 * for them, or a campaign — never one the employer recorded itself (an employer's own INTERVIEWED or
 * HIRED, at a fair or anywhere, unlocks nothing).
 */
export function personApplied(events: readonly { toStatus: ReferralStatus; by: string }[]): boolean {
  return events.some((e) => APPLIED_OR_LATER.includes(e.toStatus) && !e.by.startsWith("employer:"));
}
