import { keysetDirection } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";
import { isRegionPrefix } from "../../region-code.js";
import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "../../auth/viewer.js";
import { queryRows, type Database } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { campaignFor } from "../categories/campaign.service.js";
import type { CampaignRow, Population } from "../categories/category.table.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import { findPeopleByIds } from "../people/person.service.js";
import type { PersonRow } from "../people/person.table.js";
import { requiredMinimum } from "../categories/category.sql.js";
import { countsTowardMinimum } from "./referral.sql.js";

export interface ComplianceFilter {
  regionCode?: string | null;
  institutionId?: string | null;
  categoryCode?: string | null;
  population?: Population | null;
}

export interface ComplianceReport {
  campaign: CampaignRow;
  total: number;
  atMinimum: number;
  belowMinimum: number;
  /**
   * A page of the people still below, in person-id order (a keyset over it: `afterId`/`beforeId`
   * are person ids), each with what they lack.
   */
  belowPage(page: KeysetPage): Promise<BelowRow[]>;
}

export interface BelowRow {
  /** The person's id: the key the pages are cut by. */
  id: string;
  person: PersonRow;
  required: number;
  counted: number;
  remaining: number;
  lastRunReason: string | null;
}

/**
 * Who in the caller's scope (and the filter) has a referral minimum, how many meet it, and the people
 * still below it — with what they lack and, if a campaign run could not help them, its reason.
 * In one campaign (default: see `campaignFor`); counting as `Person.referralProgress` (`countsTowardMinimum`: fitted, not
 * withdrawn, inside its window, and delivered in time when the campaign counts pushes DELIVERED).
 */
export async function referralCompliance(
  db: Database,
  viewer: Viewer,
  filter: ComplianceFilter,
  campaignId?: string | null,
): Promise<ComplianceReport> {
  const scope = personScope(viewer);
  if (scope.kind === "none") throw forbidden(msg("推荐达标情况仅供经办人员和管理员查看", "Referral compliance is for caseworkers and administrators"));
  const campaign = await campaignFor(db, campaignId);
  const inCampaign = sql`${campaign.id}::uuid`;
  if (filter.regionCode && !isRegionPrefix(filter.regionCode)) throw badInput("filter.regionCode", msg("地区代码前缀应为 2、4 或 6 位数字", "A region code prefix is 2, 4 or 6 digits"));
  const institutionId = filter.institutionId ? parseId(filter.institutionId, "filter.institutionId") : null;
  // A closed campaign answers from the figures frozen when it closed: a CTE named "people" over them
  // lets the scope condition and the filters read them as they read the ledger. (One the migration
  // closed froze nothing, and answers from the ledger as it did before.)
  const frozen = campaign.figuresFrozenAt !== null;
  const inCategory = (code: string) =>
    frozen ? sql`${code} = any(people.category_codes)` : sql`exists (select 1 from person_categories f where f.person_id = people.id and f.category_code = ${code})`;
  const inPopulation = (population: string) =>
    frozen
      ? sql`exists (select 1 from target_categories ft where ft.code = any(people.category_codes) and ft.population = ${population})`
      : sql`exists (select 1 from person_categories f join target_categories ft on ft.id = f.category_id where f.person_id = people.id and ft.population = ${population})`;
  const conditions = [
    scopeCondition(scope),
    filter.regionCode ? sql`(people.household_region_code like ${`${filter.regionCode}%`} or people.origin_region_code like ${`${filter.regionCode}%`})` : undefined,
    institutionId ? sql`people.institution_id = ${institutionId}` : undefined,
    filter.categoryCode ? inCategory(filter.categoryCode) : undefined,
    filter.population ? inPopulation(filter.population) : undefined,
  ].filter((c) => c !== undefined);
  const where = conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;
  const standing = complianceStanding(campaign, where);
  const [totals] = await queryRows<{ total: number; at: number; below: number }>(
    db,
    sql`${standing} select count(*)::int as total, count(*) filter (where counted >= required)::int as at, count(*) filter (where counted < required)::int as below from standing`,
  );
  const belowPage = async (page: KeysetPage): Promise<BelowRow[]> => {
    const rows = await queryRows<{ personId: string; required: number; counted: number; lastRunReason: string | null }>(
      db,
      sql`${standing}
          select s.person_id as "personId", s.required, s.counted,
                 ${lastRunReason(inCampaign, sql`s.person_id`)} as "lastRunReason"
          from standing s where s.counted < s.required
            ${page.afterId ? sql`and s.person_id > ${page.afterId}` : sql``} ${page.beforeId ? sql`and s.person_id < ${page.beforeId}` : sql``}
          order by s.person_id ${keysetDirection(page, "oldest")} limit ${page.limit}`,
    );
    const people = new Map((await findPeopleByIds(db, rows.map((r) => r.personId))).map((p) => [p.id, p]));
    return rows.map((r) => ({ id: r.personId, person: people.get(r.personId)!, required: r.required, counted: r.counted, remaining: r.required - r.counted, lastRunReason: r.lastRunReason }));
  };
  return { campaign, total: totals!.total, atMinimum: totals!.at, belowMinimum: totals!.below, belowPage };
}

/**
 * SQL: the CTEs up to `standing (person_id, required, counted)` — everyone with a referral minimum in
 * the campaign among `people` rows matching `where` (written against "people"). A closed campaign's
 * come from the figures frozen when it closed: a CTE named "people" over them lets `where` read them
 * as it reads the ledger (its rows carry category_codes; one the migration closed froze nothing and
 * reads the ledger).
 */
export function complianceStanding(campaign: CampaignRow, where: SQL): SQL {
  const inCampaign = sql`${campaign.id}::uuid`;
  return campaign.figuresFrozenAt !== null
    ? sql`with people as (select f.person_id as id, f.household_region_code, f.origin_region_code, f.institution_id, f.category_codes, f.required, f.counted
                          from campaign_results f where f.campaign_id = ${inCampaign} and f.required is not null),
          standing as (select people.id as person_id, people.required, people.counted from people where ${where})`
    : sql`with scoped as (select people.id from people where ${where}),
      required as (select q.person_id, q.n from (select s.id as person_id, ${requiredMinimum(sql`s.id`, inCampaign)} as n from scoped s) q where q.n > 0),
      counted as (select r.person_id, count(*) as n from referrals r join required q on q.person_id = r.person_id
                  where ${countsTowardMinimum("r", inCampaign)} group by 1),
      standing as (select q.person_id, q.n::int as required, coalesce(c.n, 0)::int as counted from required q left join counted c on c.person_id = q.person_id)`;
}

/** SQL text: the reason the campaign's latest run left the person below their minimum, or null. */
export function lastRunReason(campaignId: SQL, personId: SQL): SQL {
  return sql`(select i.reason from campaign_run_items i join campaign_runs cr on cr.id = i.run_id and cr.campaign_id = ${campaignId}
              where i.person_id = ${personId} and i.state = 'BELOW' order by i.processed_at desc nulls last limit 1)`;
}
