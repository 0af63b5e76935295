import { eq, like, or, sql, type SQL } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import { people, type PersonRow } from "./person.table.js";

/**
 * Who may see a person in the ledger. Personal information is sensitive under PIPL: employers and
 * partner sites never see the ledger at all; a caseworker sees the people of its region (by 户籍 or
 * 生源地) or of its institution; a seeker only themself. Mentors are added with the mentor feature.
 */
export type PersonScope =
  | { kind: "all" }
  | { kind: "none" }
  | { kind: "scoped"; regionPrefix?: string; institutionId?: string; personId?: string };

export function personScope(viewer: Viewer): PersonScope {
  if (viewer.kind !== "user") return { kind: "none" };
  switch (viewer.role) {
    case Role.ADMIN:
      return { kind: "all" };
    case Role.CASEWORKER:
      return {
        kind: "scoped",
        ...(viewer.regionCode ? { regionPrefix: viewer.regionCode } : {}),
        ...(viewer.institutionId ? { institutionId: viewer.institutionId } : {}),
      };
    case Role.SEEKER:
      return viewer.personId ? { kind: "scoped", personId: viewer.personId } : { kind: "none" };
    default:
      return { kind: "none" };
  }
}

type Placed = Pick<PersonRow, "id" | "householdRegionCode" | "originRegionCode" | "institutionId">;

export function personWithinScope(scope: PersonScope, person: Placed): boolean {
  if (scope.kind === "all") return true;
  if (scope.kind === "none") return false;
  if (scope.personId) return person.id === scope.personId;
  const inRegion =
    scope.regionPrefix !== undefined &&
    (person.householdRegionCode.startsWith(scope.regionPrefix) || person.originRegionCode.startsWith(scope.regionPrefix));
  const inInstitution = scope.institutionId !== undefined && person.institutionId === scope.institutionId;
  return inRegion || inInstitution;
}

/** The person if the viewer may see them (reached through a loader), else null: one rule for every path to a person. */
export function visiblePerson<P extends Placed>(viewer: Viewer, person: P | null | undefined): P | null {
  return person && personWithinScope(personScope(viewer), person) ? person : null;
}

/** Caseworkers and admins keep the ledger; a seeker reads their own record. */
export function mayWritePeople(viewer: Viewer): boolean {
  return viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER);
}

/** The SQL form of `personWithinScope`, for lists and counts. */
export function scopeCondition(scope: PersonScope): SQL | undefined {
  if (scope.kind === "all") return undefined;
  if (scope.kind === "none") return sql`false`;
  if (scope.personId) return eq(people.id, scope.personId);
  const parts: SQL[] = [];
  if (scope.regionPrefix) parts.push(like(people.householdRegionCode, `${scope.regionPrefix}%`), like(people.originRegionCode, `${scope.regionPrefix}%`));
  if (scope.institutionId) parts.push(eq(people.institutionId, scope.institutionId));
  return parts.length > 0 ? or(...parts) : sql`false`;
}
