import { sql, type SQL } from "drizzle-orm";
import { regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import type { FairEventMessage } from "./fair-events.js";
import type { FairSessionRow, JobFairRow } from "./fair.table.js";

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

/** Fairs are advertised once open: a draft is seen only by who may organise it. */
export function mayViewFair(viewer: Viewer, fair: JobFairRow): boolean {
  return fair.status !== "DRAFT" || mayOrganise(viewer, fair);
}

/** The SQL form of `mayViewFair` over `job_fairs`, for lists and counts: undefined for all. */
export function visibleFairsCondition(viewer: Viewer): SQL | undefined {
  if (viewer.kind === "user" && viewer.role === Role.ADMIN) return undefined;
  const own: SQL[] = [sql`job_fairs.status <> 'DRAFT'`];
  if (viewer.kind === "user" && viewer.role === Role.CASEWORKER) {
    if (viewer.institutionId) own.push(sql`job_fairs.organiser_institution_id = ${viewer.institutionId}`);
    if (viewer.regionCode) own.push(sql`job_fairs.organiser_region_code like ${`${viewer.regionCode}%`}`);
  }
  return sql`(${sql.join(own, sql` or `)})`;
}

/** The session's own employer (it runs its sessions and hears of their bookings). */
export function isSessionEmployer(viewer: Viewer, session: Pick<FairSessionRow, "employerId">): boolean {
  return viewer.kind === "user" && viewer.role === Role.EMPLOYER && session.employerId !== null && viewer.employerId === session.employerId;
}

/** Who runs a session (start, end, check-in): the fair's organiser or the session's employer. */
export function mayRunSession(viewer: Viewer, fair: JobFairRow, session: Pick<FairSessionRow, "employerId">): boolean {
  return mayOrganise(viewer, fair) || isSessionEmployer(viewer, session);
}

/**
 * Which of a fair's bookings a viewer sees, over `fair_bookings`: all for the organiser (and
 * administrators); a caseworker's people's; a seeker's own; an employer's sessions' (without who —
 * see `bookingPersonShown`). FORBIDDEN for anyone else.
 */
export function visibleBookingsCondition(viewer: Viewer, fair: JobFairRow): SQL {
  if (mayOrganise(viewer, fair)) return sql`true`;
  if (viewer.kind !== "user") throw forbidden(msg("预约信息仅供本人、其经办人员、主办方和用人单位查看", "Bookings are for the people, their caseworkers, the organiser and the employers"));
  if (viewer.role === Role.EMPLOYER) return sql`fair_bookings.session_id in (select id from fair_sessions where employer_id = ${viewer.employerId ?? null})`;
  const scope = scopeCondition(personScope(viewer));
  return sql`fair_bookings.person_id in (select id from people where ${scope ?? sql`true`})`;
}

/**
 * An employer may not filter bookings by person: whoever is named, the answer is FORBIDDEN (before
 * anything is read), so `bookings(personId:) { totalCount }` does not tell it who booked.
 */
export function checkBookingFilter(viewer: Viewer, filter: { personId?: string | undefined }): void {
  if (filter.personId !== undefined && viewer.kind === "user" && viewer.role === Role.EMPLOYER) throw forbidden(msg("用人单位不能按人员查询预约", "Employers do not look bookings up by person"));
}

/** Employers meet people at the fair, not in the ledger: they are not told who booked. */
export function bookingPersonShown(viewer: Viewer): boolean {
  return !(viewer.kind === "user" && viewer.role === Role.EMPLOYER);
}

/** Whether a subscriber may know of an event's booking: theirs, their session's, or as organiser. */
export function mayKnowOfBooking(viewer: Viewer, fair: JobFairRow, event: Pick<FairEventMessage, "personId" | "employerId">): boolean {
  return (
    mayOrganise(viewer, fair) ||
    (viewer.kind === "user" && viewer.role === Role.SEEKER && viewer.personId === event.personId) ||
    (viewer.kind === "user" && viewer.role === Role.EMPLOYER && event.employerId !== null && viewer.employerId === event.employerId)
  );
}
