import { Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { visiblePerson } from "../people/person.access.js";
import type { PersonRow } from "../people/person.table.js";
import { claimScopeCondition, isOfficial, mayReadEmployerSubsidies, mayReadPersonSubsidies, officialInScope } from "./subsidy.access.js";
import { campaignFigureRows, subsidyFigureRows, type FigureRow } from "./subsidy.repository.js";
import type { CampaignRow } from "../categories/category.table.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import type { ClaimState, SubsidyClaimRow, SubsidyDisclosurePolicyRow } from "./subsidy.table.js";
import { sql } from "drizzle-orm";

/** What reading subsidies needs of the request's loaders. */
export interface SubsidyReads {
  subsidyClaimsOfPerson: { load(id: string): Promise<SubsidyClaimRow[]> };
  subsidyClaimsOfEmployer: { load(id: string): Promise<SubsidyClaimRow[]> };
  hiringClaimsOfPerson: { load(id: string): Promise<SubsidyClaimRow[]> };
  personById: { load(id: string): Promise<PersonRow | null> };
  /** The disclosure policy in force (read once a request). */
  subsidyDisclosurePolicy(): Promise<SubsidyDisclosurePolicyRow>;
}

/** A person's own subsidies: to officials in their scope and to the person themself; null for anyone else (mentors, employers, partners). */
export async function personSubsidies(loaders: SubsidyReads, viewer: Viewer, person: PersonRow): Promise<SubsidyClaimRow[] | null> {
  return mayReadPersonSubsidies(viewer, person) ? loaders.subsidyClaimsOfPerson.load(person.id) : null;
}

/**
 * Employers' claims for hiring a person — where the person consents (or not) to be named to the
 * employer: to the person themself and to officials in their scope; null for anyone else.
 */
export async function hiringClaimsNaming(loaders: SubsidyReads, viewer: Viewer, person: PersonRow): Promise<SubsidyClaimRow[] | null> {
  return mayReadPersonSubsidies(viewer, person) ? loaders.hiringClaimsOfPerson.load(person.id) : null;
}

/**
 * An employer's claims: every one (in their scope) to officials; to the employer itself, those
 * whose hired person consented to be named, and counts of the others (a claim reveals the person's
 * poverty status). Null for anyone else.
 */
export async function employerSubsidies(loaders: SubsidyReads, viewer: Viewer, employer: Pick<EmployerRow, "id" | "regionCode">) {
  const mode = mayReadEmployerSubsidies(viewer, employer);
  if (mode === null) return null;
  const claims = await loaders.subsidyClaimsOfEmployer.load(employer.id);
  if (mode === "all") {
    const persons = viewer.kind === "user" && viewer.role === Role.ADMIN ? [] : await Promise.all(claims.map((c) => loaders.personById.load(c.personId)));
    return { claims: claims.filter((c, i) => officialInScope(viewer, c, persons[i] ?? undefined)), unnamed: [], unnamedShownFrom: 1 };
  }
  const named = claims.filter((c) => c.personConsentedAt !== null);
  const counts = new Map<string, { schemeCode: string; state: ClaimState; claims: number; maxAmountYuan: number }>();
  for (const c of claims) {
    if (c.personConsentedAt !== null) continue;
    const key = `${c.schemeCode}|${c.state}`;
    const count = counts.get(key) ?? { schemeCode: c.schemeCode, state: c.state, claims: 0, maxAmountYuan: 0 };
    count.claims++;
    count.maxAmountYuan += c.maxAmountYuan;
    counts.set(key, count);
  }
  // Small counts point at the few people it hired: only those the disclosure policy in force allows.
  const shownFrom = (await loaders.subsidyDisclosurePolicy()).minCount;
  return { claims: named, unnamed: [...counts.values()].filter((c) => c.claims >= shownFrom), unnamedShownFrom: shownFrom };
}

/** The claim's person, as a Person: to officials in scope and the person themself (never to employers: they have `personName` once consented). */
export async function claimPerson(loaders: SubsidyReads, viewer: Viewer, claim: SubsidyClaimRow): Promise<PersonRow | null> {
  const seeker = viewer.kind === "user" && viewer.role === Role.SEEKER;
  if (!seeker && !isOfficial(viewer)) return null;
  return visiblePerson(viewer, await loaders.personById.load(claim.personId));
}

/**
 * The claim's person's id: to an official who reached the claim (its lists, the employer's claims and
 * the steps are scoped already), the person themself, and the employer of a claim the person consented
 * to be named in — an id ties the claim (and so the person's poverty status) to the person.
 */
export function claimPersonId(viewer: Viewer, claim: SubsidyClaimRow): string | null {
  if (viewer.kind !== "user") return null;
  if (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER) return claim.personId;
  if (viewer.role === Role.SEEKER) return viewer.personId === claim.personId ? claim.personId : null;
  if (viewer.role === Role.EMPLOYER) return claim.employerId === viewer.employerId && claim.personConsentedAt !== null ? claim.personId : null;
  return null;
}

/** The claim's person's name: to whoever sees the person, and to the employer of a claim whose person consented. */
export async function claimPersonName(loaders: SubsidyReads, viewer: Viewer, claim: SubsidyClaimRow): Promise<string | null> {
  const person = await loaders.personById.load(claim.personId);
  if (!person) return null;
  if (viewer.kind === "user" && viewer.role === Role.EMPLOYER) return claimPersonId(viewer, claim) !== null ? person.name : null;
  return (await claimPerson(loaders, viewer, claim)) ? person.name : null;
}

/** Subsidy figures by scheme and prefecture for the viewer's scope (narrowed to a region prefix): the campaign report's subsidy sheet. */
export function subsidyFigures(db: Database, viewer: Viewer, regionCode?: string | null): Promise<FigureRow[]> {
  if (!isOfficial(viewer)) throw forbidden(msg("补贴统计仅供经办人员和管理员查看", "Subsidy figures are for caseworkers and administrators"));
  const region = regionCode ? sql` and subsidy_claims.region_code like ${`${regionCode}%`}` : sql``;
  return subsidyFigureRows(db, sql`${claimScopeCondition(viewer)}${region}`);
}

/**
 * A campaign's subsidy figures for the report: its people's claims (their own, and employers' for
 * hiring them) in the viewer's scope, by scheme and 生源地 prefecture as the report groups people —
 * as they stood when the campaign closed once its figures are frozen, as they stand before.
 */
export function campaignSubsidyFigures(db: Executor, viewer: Viewer, campaign: Pick<CampaignRow, "id" | "figuresFrozenAt">): Promise<FigureRow[]> {
  if (!isOfficial(viewer)) throw forbidden(msg("补贴统计仅供经办人员和管理员查看", "Subsidy figures are for caseworkers and administrators"));
  return campaignFigureRows(db, campaign.id, scopeCondition(personScope(viewer)), campaign.figuresFrozenAt !== null);
}

export type { FigureRow, FigureRow as SubsidyFigureRow };
