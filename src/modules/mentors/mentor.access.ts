import { eq, sql, type SQL } from "drizzle-orm";
import { regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import type { PersonRow } from "../people/person.table.js";
import { mentors, type MentorRow } from "./mentor.table.js";

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

/** Caseworkers and administrators pair people with mentors. */
export function mayAssignMentors(viewer: Viewer): boolean {
  return viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER);
}

/**
 * Whether the viewer may see a mentee: a mentor their own mentees (all of them); everyone else the
 * people within their scope. `mentorOf` reads the pairing's mentor, asked only for a mentor viewer.
 */
export async function mayViewMentee(viewer: Viewer, person: PersonRow, mentorOf: () => Promise<MentorRow | null | undefined>): Promise<boolean> {
  if (viewer.kind === "user" && viewer.role === Role.MENTOR) return (await mentorOf())?.userId === viewer.userId;
  return personWithinScope(personScope(viewer), person);
}
