import { sql, type SQL } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import { personScope, personWithinScope, scopeCondition } from "../people/person.access.js";
import type { PersonRow } from "../people/person.table.js";
import type { SubsidyClaimRow } from "./subsidy.table.js";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";

/**
 * Who sees and does what with subsidies. Officials (administrators; caseworkers within their scope)
 * see claims and take them through their steps; a person sees their own; an employer sees its own
 * claims, naming a hired person only once that person consented (the claim reveals their poverty
 * status) — otherwise counts; partner sites and mentors see none of it.
 */
export function isOfficial(viewer: Viewer): viewer is Extract<Viewer, { kind: "user" }> {
  return viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER);
}

type Placed = Pick<PersonRow, "id" | "householdRegionCode" | "originRegionCode" | "institutionId">;

/**
 * An official in whose scope the claim lies: a person's claim by the person's scope (户籍, 生源地 or
 * institution) or its county; an employer's claim by the employer's county only — the same rule for
 * applying, each later step, the lists and the figures (an official of the hired person's region
 * does not handle another region's employer).
 */
export function officialInScope(viewer: Viewer, claim: Pick<SubsidyClaimRow, "regionCode" | "employerId">, person: Placed | undefined): boolean {
  if (!isOfficial(viewer)) return false;
  if (viewer.role === Role.ADMIN) return true;
  if (claim.employerId === null && person && personWithinScope(personScope(viewer), person)) return true;
  return viewer.regionCode !== undefined && claim.regionCode.startsWith(viewer.regionCode);
}

/** Subsidy schemes and the module's policies are changed by administrators only. */
export function assertAdministrator(viewer: Viewer): void {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以修改政策数据", "Only administrators change policy data"));
}

/** Whether the viewer reads a person's own subsidies: an official in their scope, or the person themself. */
export function mayReadPersonSubsidies(viewer: Viewer, person: Placed): boolean {
  if (viewer.kind !== "user") return false;
  if (viewer.role === Role.SEEKER) return viewer.personId === person.id;
  return isOfficial(viewer) && personWithinScope(personScope(viewer), person);
}

/** Whether the viewer reads an employer's claims: officials of its region (or of the hired people), and the employer itself. */
export function mayReadEmployerSubsidies(viewer: Viewer, employer: { id: string; regionCode: string }): "all" | "own" | null {
  if (viewer.kind !== "user") return null;
  if (viewer.role === Role.EMPLOYER) return viewer.employerId === employer.id ? "own" : null;
  if (!isOfficial(viewer)) return null;
  // Administrators, and caseworkers of the employer's region (as its claims are handled).
  return viewer.role === Role.ADMIN || (viewer.regionCode !== undefined && employer.regionCode.startsWith(viewer.regionCode)) ? "all" : null;
}

/** SQL: the claims an official may list (a caseworker's: people of their scope, or places in their region). */
export function claimScopeCondition(viewer: Viewer): SQL {
  if (!isOfficial(viewer)) return sql`false`;
  if (viewer.role === Role.ADMIN) return sql`true`;
  const people = scopeCondition(personScope(viewer));
  // People in scope for their own claims; employers' claims by the employer's county (officialInScope).
  const inPeople = people ? sql`(subsidy_claims.employer_id is null and subsidy_claims.person_id in (select people.id from people where ${people}))` : sql`subsidy_claims.employer_id is null`;
  const inRegion = viewer.regionCode ? sql`subsidy_claims.region_code like ${`${viewer.regionCode}%`}` : sql`false`;
  return sql`(${inPeople} or ${inRegion})`;
}
