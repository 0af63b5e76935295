import { and, eq, sql, type SQL } from "drizzle-orm";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";
import { insertMany } from "../../db/bulk-insert.js";
import { queryRows, type Executor } from "../../db/client.js";
import { inCampaign } from "../categories/category.sql.js";
import { fallbackPlacements, subsidyClaims, subsidyHires, subsidySchemes, type FallbackPlacementRow, type SubsidyClaimRow, type SubsidySchemeRow } from "./subsidy.table.js";

export function listSchemeVersions(db: Executor): Promise<SubsidySchemeRow[]> {
  return db.select().from(subsidySchemes).orderBy(subsidySchemes.code, subsidySchemes.version);
}

export function findSchemesByIds(db: Executor, ids: readonly string[]): Promise<SubsidySchemeRow[]> {
  return db.select().from(subsidySchemes).where(sql`${subsidySchemes.id} = any(${sql.param([...ids])}::uuid[])`);
}

/** The next version of a scheme's code, writers of schemes taking turns (two publications get consecutive versions). */
export async function nextSchemeVersion(tx: Executor, code: string): Promise<number> {
  await tx.execute(sql`lock table subsidy_schemes in share row exclusive mode`);
  const [row] = await tx.select({ v: sql<number>`coalesce(max(${subsidySchemes.version}), 0)::int` }).from(subsidySchemes).where(eq(subsidySchemes.code, code));
  return Number(row?.v ?? 0) + 1;
}

export async function insertSchemeVersion(tx: Executor, row: typeof subsidySchemes.$inferInsert): Promise<SubsidySchemeRow> {
  const [inserted] = await tx.insert(subsidySchemes).values(row).returning();
  return inserted!;
}

/** Every claim of these people (theirs, and employers' claims for hiring them). */
export function claimsOfPeople(db: Executor, personIds: readonly string[]): Promise<SubsidyClaimRow[]> {
  return db.select().from(subsidyClaims).where(sql`${subsidyClaims.personId} = any(${sql.param([...personIds])}::uuid[])`);
}

/** The people's own claims, for Person.subsidies (employers' claims for hiring them are the employers'). */
export function ownClaimsOfPeople(db: Executor, personIds: readonly string[]): Promise<SubsidyClaimRow[]> {
  return db
    .select()
    .from(subsidyClaims)
    .where(sql`${subsidyClaims.personId} = any(${sql.param([...personIds])}::uuid[]) and ${subsidyClaims.employerId} is null`)
    .orderBy(subsidyClaims.schemeCode);
}

/** Employers' claims for hiring these people (each names its person), by scheme code. */
export function hiringClaimsOfPeople(db: Executor, personIds: readonly string[]): Promise<SubsidyClaimRow[]> {
  return db
    .select()
    .from(subsidyClaims)
    .where(sql`${subsidyClaims.personId} = any(${sql.param([...personIds])}::uuid[]) and ${subsidyClaims.employerId} is not null`)
    .orderBy(subsidyClaims.schemeCode, subsidyClaims.id);
}

export function claimsOfEmployers(db: Executor, employerIds: readonly string[]): Promise<SubsidyClaimRow[]> {
  return db
    .select()
    .from(subsidyClaims)
    .where(sql`${subsidyClaims.employerId} = any(${sql.param([...employerIds])}::uuid[])`)
    .orderBy(subsidyClaims.schemeCode, subsidyClaims.decidedAt, subsidyClaims.id);
}

export interface HireFacts {
  employerId: string;
  personId: string;
  regionCode: string;
  isPovertyWorkshop: boolean;
  verified: boolean;
}

/** The hires of these people, with what employer schemes read of the employer. */
export function hiresOfPeople(db: Executor, personIds: readonly string[]): Promise<HireFacts[]> {
  return queryRows<HireFacts>(
    db,
    sql`select h.employer_id as "employerId", h.person_id as "personId", e.region_code as "regionCode", e.is_poverty_workshop as "isPovertyWorkshop", e.verified
        from subsidy_hires h join employers e on e.id = h.employer_id where h.person_id = any(${sql.param([...personIds])}::uuid[])`,
  );
}

/** The people an employer hired (recorded hires). */
export async function hiredBy(db: Executor, employerId: string): Promise<string[]> {
  const rows = await db.select({ personId: subsidyHires.personId }).from(subsidyHires).where(eq(subsidyHires.employerId, employerId)).orderBy(subsidyHires.personId);
  return rows.map((r) => r.personId);
}

export async function recordHires(db: Executor, hires: { employerId: string; personId: string; hiredOn: string; recordedBy: string }[]): Promise<void> {
  await insertMany(db, subsidyHires, hires, { onConflict: sql`on conflict (employer_id, person_id) do nothing` });
}

export type NewClaim = Pick<SubsidyClaimRow, "id" | "schemeCode" | "schemeId" | "schemeVersion" | "personId" | "employerId" | "regionCode" | "maxAmountYuan">;

/** New ELIGIBLE claims (one already there — decided meanwhile — is left as it is). */
export async function insertEligible(db: Executor, rows: NewClaim[]): Promise<void> {
  await insertMany(db, subsidyClaims, rows, { onConflict: sql`on conflict do nothing` });
}

/** ELIGIBLE claims re-decided by another version (or moved region): one statement, whatever the count. */
export async function redecideEligible(db: Executor, rows: Pick<SubsidyClaimRow, "id" | "schemeId" | "schemeVersion" | "regionCode" | "maxAmountYuan">[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(
    sql`update subsidy_claims c set scheme_id = u.scheme_id, scheme_version = u.scheme_version, region_code = u.region_code, max_amount_yuan = u.max_amount, decided_at = now()
        from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.schemeId))}::uuid[], ${sql.param(rows.map((r) => r.schemeVersion))}::int[],
                    ${sql.param(rows.map((r) => r.regionCode))}::text[], ${sql.param(rows.map((r) => r.maxAmountYuan))}::int[]) as u(id, scheme_id, scheme_version, region_code, max_amount)
        where c.id = u.id and c.state = 'ELIGIBLE'`,
  );
}

/** ELIGIBLE claims whose subject no longer qualifies (a claim applied for stays). */
export async function deleteEligible(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`delete from subsidy_claims where id = any(${sql.param(ids)}::uuid[]) and state = 'ELIGIBLE'`);
}

export async function findClaim(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<SubsidyClaimRow | undefined> {
  const q = db.select().from(subsidyClaims).where(eq(subsidyClaims.id, id));
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  return row;
}

export function findClaimsByIds(db: Executor, ids: readonly string[]): Promise<SubsidyClaimRow[]> {
  return db.select().from(subsidyClaims).where(sql`${subsidyClaims.id} = any(${sql.param([...ids])}::uuid[])`);
}

/** The claim of a subject on a scheme (a person's own, or an employer's for a hired person). */
export async function findClaimOf(db: Executor, schemeCode: string, personId: string, employerId: string | null): Promise<SubsidyClaimRow | undefined> {
  const [row] = await db
    .select()
    .from(subsidyClaims)
    .where(and(eq(subsidyClaims.schemeCode, schemeCode), eq(subsidyClaims.personId, personId), employerId ? eq(subsidyClaims.employerId, employerId) : sql`${subsidyClaims.employerId} is null`))
    .for("update");
  return row;
}

export async function updateClaim(db: Executor, id: string, set: Partial<typeof subsidyClaims.$inferInsert>): Promise<SubsidyClaimRow> {
  const [row] = await db.update(subsidyClaims).set(set).where(eq(subsidyClaims.id, id)).returning();
  return row!;
}

/** A page of claims, newest first (keyset on the id, a UUID v7). `where` carries the filter and the viewer's scope. */
export function listClaims(db: Executor, where: SQL, page: KeysetPage): Promise<SubsidyClaimRow[]> {
  return db
    .select()
    .from(subsidyClaims)
    .where(and(where, keysetRange(subsidyClaims.id, page)))
    .orderBy(keysetOrder(subsidyClaims.id, page))
    .limit(page.limit);
}

export async function countClaims(db: Executor, where: SQL): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(subsidyClaims).where(where);
  return row?.n ?? 0;
}

export interface FigureRow {
  schemeCode: string;
  prefecture: string;
  eligible: number;
  eligibleYuan: number;
  applied: number;
  appliedYuan: number;
  approved: number;
  approvedYuan: number;
  paid: number;
  paidYuan: number;
}

/**
 * Claims by scheme and prefecture (of the claim's county), as they stand: how many reached each step
 * and their sums (eligible and applied: the most they may be approved for; approved and paid: what was approved).
 */
export function subsidyFigureRows(db: Executor, where: SQL): Promise<FigureRow[]> {
  return queryRows<FigureRow>(db, sql`select scheme_code as "schemeCode", substr(region_code, 1, 4) as prefecture, ${FIGURES} from subsidy_claims where ${where} group by 1, 2 order by 1, 2`);
}

// A claim counts in every step it reached (a paid claim was eligible, applied and approved).
const FIGURES = sql`count(*)::int as eligible, coalesce(sum(max_amount_yuan), 0)::int as "eligibleYuan",
          (count(*) filter (where state <> 'ELIGIBLE'))::int as applied, coalesce(sum(max_amount_yuan) filter (where state <> 'ELIGIBLE'), 0)::int as "appliedYuan",
          (count(*) filter (where state in ('APPROVED', 'PAID_RECORDED')))::int as approved, coalesce(sum(approved_amount_yuan) filter (where state in ('APPROVED', 'PAID_RECORDED')), 0)::int as "approvedYuan",
          (count(*) filter (where state = 'PAID_RECORDED'))::int as paid, coalesce(sum(approved_amount_yuan) filter (where state = 'PAID_RECORDED'), 0)::int as "paidYuan"`;

/**
 * A campaign's claims (its people's own, and employers' for hiring them) by scheme and the person's
 * 生源地 prefecture — as the campaign report groups its people — for the people `scope` (a condition
 * on `people`) holds: as they stand while the campaign runs, or as they stood when it closed (`frozen`:
 * the rows its closing wrote, read through a CTE named `people` so the scope reads them as it reads the ledger).
 */
export function campaignFigureRows(db: Executor, campaignId: string, scope: SQL | undefined, frozen: boolean): Promise<FigureRow[]> {
  const campaign = sql`${campaignId}::uuid`;
  const source = frozen
    ? sql`with people as (select distinct f.person_id as id, f.household_region_code, f.origin_region_code, f.institution_id from campaign_subsidy_results f where f.campaign_id = ${campaign}),
               claims as (select f.person_id, f.scheme_code, f.state, f.max_amount_yuan, f.approved_amount_yuan from campaign_subsidy_results f where f.campaign_id = ${campaign})`
    : sql`with claims as (select c.person_id, c.scheme_code, c.state, c.max_amount_yuan, c.approved_amount_yuan from subsidy_claims c where ${inCampaign(sql`c.person_id`, campaign)})`;
  return queryRows<FigureRow>(
    db,
    sql`${source}
        select claims.scheme_code as "schemeCode", substr(people.origin_region_code, 1, 4) as prefecture, ${FIGURES}
        from claims join people on people.id = claims.person_id where ${scope ?? sql`true`}
        group by 1, 2 order by 1, 2`,
  );
}

/** A closing campaign's claims, as they stand, into campaign_subsidy_results (with each person's places). */
export async function freezeCampaignClaims(tx: Executor, campaignId: string): Promise<void> {
  await tx.execute(
    sql`insert into campaign_subsidy_results (campaign_id, claim_id, person_id, household_region_code, origin_region_code, institution_id, scheme_code, employer_id, state, max_amount_yuan, approved_amount_yuan)
        select ${campaignId}::uuid, c.id, c.person_id, p.household_region_code, p.origin_region_code, p.institution_id, c.scheme_code, c.employer_id, c.state, c.max_amount_yuan, c.approved_amount_yuan
        from subsidy_claims c join people p on p.id = c.person_id
        where ${inCampaign(sql`c.person_id`, sql`${campaignId}::uuid`)}
        on conflict do nothing`,
  );
}


/** A campaign's fallback candidates, as SQL over `people`: out of work, from a registered-poverty household, in the campaign. */
function fallbackCandidate(campaignId: string): SQL {
  return sql`people.employment_status = 'UNEMPLOYED' and people.registered_poverty and ${inCampaign(sql`people.id`, sql`${campaignId}::uuid`)}`;
}

/** A page of a campaign's fallback candidates in `scope`, in id order after `after` (a keyset). */
export async function fallbackCandidateIds(db: Executor, campaignId: string, scope: SQL | undefined, page: { after: string | null; limit: number }): Promise<string[]> {
  const after = page.after ? sql`people.id > ${page.after}::uuid` : sql`true`;
  const rows = await queryRows<{ id: string }>(db, sql`select people.id from people where ${fallbackCandidate(campaignId)} and ${scope ?? sql`true`} and ${after} order by people.id limit ${page.limit}`);
  return rows.map((r) => r.id);
}

/** Whether a person is among a campaign's fallback candidates now: out of work, registered poverty, in the campaign. */
export async function isFallbackCandidate(db: Executor, campaignId: string, personId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(db, sql`select people.id from people where people.id = ${personId}::uuid and ${fallbackCandidate(campaignId)}`);
  return rows.length > 0;
}

export async function insertPlacement(db: Executor, row: typeof fallbackPlacements.$inferInsert): Promise<FallbackPlacementRow | undefined> {
  const [inserted] = await db.insert(fallbackPlacements).values(row).onConflictDoNothing().returning();
  return inserted;
}
