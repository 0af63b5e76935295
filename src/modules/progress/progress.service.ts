import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { SERVICE_TIME_ZONE, serviceToday } from "../../dates.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { Viewer } from "../../auth/viewer.js";
import { campaignFor } from "../categories/campaign.service.js";
import type { CampaignRow } from "../categories/category.table.js";
import { listTargetCategories } from "../categories/category.service.js";
import { institutionsByIds } from "../institutions/institution.service.js";
import { followUpDays } from "../mentors/mentor-policy.service.js";
import { personScope } from "../people/person.access.js";
import { regionsByCodes } from "../regions/region.service.js";
import { freezeStandings, progressBreakdown, progressCounts, type ProgressCounts, type ProgressGrouping, type RegionLevelName } from "./progress.repository.js";

export interface ProgressRow extends ProgressCounts {
  label: string;
}

export interface CampaignProgress {
  campaign: CampaignRow;
  asOf: string;
  groupBy: ProgressGrouping;
  rows: ProgressRow[];
  total: ProgressCounts & { label: string };
}

/**
 * How the campaign stands (§8): per region, institution or category, how many are registered and
 * employed, and where they stand against their referral minimum — as of any date, within the
 * viewer's scope, and how many the mentoring policy made eligible, had a mentor, and were overdue
 * for a contact.
 */
export async function campaignProgress(
  db: Database,
  viewer: Viewer,
  opts: { campaignId?: string | null; groupBy: ProgressGrouping; asOf?: string | null; regionLevel?: RegionLevelName | null },
): Promise<CampaignProgress> {
  const scope = personScope(viewer);
  if (scope.kind === "none") throw forbidden(msg("专项行动进度仅供经办人员和管理员查看", "Campaign progress is for caseworkers and administrators"));
  const campaign = await campaignFor(db, opts.campaignId);
  const campaignId = campaign.id;
  const today = serviceToday();
  // A closed campaign's figures are those frozen when it closed, as its last day (or the closing day) ended.
  const frozenOn = frozenDay(campaign);
  if (frozenOn && opts.asOf && opts.asOf !== frozenOn) throw badInput("asOf", msg(`该专项行动已结束（CLOSED）：其数据已固定为截至 ${frozenOn} 日终的数据`, `The campaign is CLOSED: its figures are frozen as ${frozenOn} ended`));
  const asOf = frozenOn ?? opts.asOf ?? today;
  if (asOf > today) throw badInput("asOf", msg("asOf 不能是将来的日期", "asOf is in the future"));
  const days = await followUpDays(db, asOf);
  const base = { campaignId, scope, asOf, current: asOf === today, frozen: frozenOn !== null, followUpDays: days };
  const rows = await progressCounts(db, { ...base, groupBy: opts.groupBy, regionLevel: opts.regionLevel ?? "PREFECTURE" });
  const labels = await labelsFor(db, opts.groupBy, rows.map((r) => r.key));
  // A person in several categories counts once in the total, so the category total is the registered total.
  const totals = opts.groupBy === "CATEGORY" ? await progressCounts(db, { ...base, groupBy: "INSTITUTION", regionLevel: "PREFECTURE" }) : rows;
  const total = sumProgress(totals, "TOTAL", "合计");
  return { campaign, asOf, groupBy: opts.groupBy, rows: rows.map((r) => ({ ...r, label: labels.get(r.key) ?? r.key })), total };
}

export interface CampaignBreakdown {
  campaign: CampaignRow;
  asOf: string;
  frozen: boolean;
  prefectures: ProgressRow[];
  counties: ProgressRow[];
  institutions: ProgressRow[];
  categories: ProgressRow[];
  total: ProgressRow;
  /** The days on which the people now at their minimum reached it, as counts per day. */
  reachedByDay: { day: string; reached: number }[];
}

/**
 * A campaign's progress every way a report shows it — by 生源地 prefecture and county, institution and
 * category, with the total and the days people reached their minimum — as `campaignProgress` counts
 * it (the same standings, scope and as-of rule), computed once (one statement) rather than once a grouping.
 * `prefecturesOnly` (a page of charts) leaves the county, institution and category rows empty.
 */
export async function campaignBreakdown(db: Database, viewer: Viewer, campaignId: string, opts: { prefecturesOnly?: boolean } = {}): Promise<CampaignBreakdown> {
  const scope = personScope(viewer);
  if (scope.kind === "none") throw forbidden(msg("专项行动进度仅供经办人员和管理员查看", "Campaign progress is for caseworkers and administrators"));
  const campaign = await campaignFor(db, campaignId);
  const today = serviceToday();
  const frozenOn = frozenDay(campaign);
  const asOf = frozenOn ?? today;
  const days = await followUpDays(db, asOf);
  const b = await progressBreakdown(db, { campaignId: campaign.id, scope, asOf, current: asOf === today, frozen: frozenOn !== null, followUpDays: days, prefecturesOnly: opts.prefecturesOnly });
  const regions = await labelsFor(db, "REGION", [...b.prefectures, ...b.counties].map((r) => r.key));
  const institutions = await labelsFor(db, "INSTITUTION", b.institutions.map((r) => r.key));
  const categories = await labelsFor(db, "CATEGORY", b.categories.map((r) => r.key));
  const label = (labels: Map<string, string>) => (r: ProgressCounts) => ({ ...r, label: labels.get(r.key) ?? r.key });
  return {
    campaign,
    asOf,
    frozen: frozenOn !== null,
    prefectures: b.prefectures.map(label(regions)),
    counties: b.counties.map(label(regions)),
    institutions: b.institutions.map(label(institutions)),
    categories: b.categories.map(label(categories)),
    total: { ...b.total, key: "TOTAL", label: "合计" },
    reachedByDay: b.reachedByDay,
  };
}

const COUNTS = ["registered", "employed", "unemployed", "furtherStudy", "outOfLabourForce", "withMinimum", "atMinimum", "belowMinimum", "hiredThroughReferral", "mentorEligible", "mentored", "mentoredEligible", "mentorOverdue"] as const satisfies readonly (keyof ProgressCounts)[];

/** Rows added up into one (each person must be in one row only: not the category rows). */
export function sumProgress(rows: readonly ProgressCounts[], key: string, label: string): ProgressRow {
  const sum = { key, label } as ProgressRow;
  for (const count of COUNTS) sum[count] = rows.reduce((n, r) => n + r[count], 0);
  return sum;
}

async function labelsFor(db: Database, groupBy: ProgressGrouping, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  if (groupBy === "REGION") {
    const rows = await regionsByCodes(db, keys);
    return new Map(rows.map((r) => [r.code, r.name]));
  }
  if (groupBy === "INSTITUTION") {
    const rows = await institutionsByIds(db, keys.filter((k) => k !== ""));
    return new Map([["", "（无院校）"], ...rows.map((r) => [r.id, r.name] as [string, string])]);
  }
  const versions = await listTargetCategories(db);
  return new Map(versions.map((c) => [c.code, c.name])); // the newest version's name wins (ordered by version)
}

/**
 * The day a closed campaign's figures were frozen as of (its last day, or the closing day if earlier); null
 * while it is open, and for a campaign the migration closed (it froze nothing: its figures are the ledger's).
 */
export function frozenDay(campaign: CampaignRow): string | null {
  if (!campaign.figuresFrozenAt || !campaign.closedAt) return null;
  const closed = serviceToday(campaign.closedAt);
  return closed < campaign.endsOn ? closed : campaign.endsOn;
}

/** The onCampaignClosing reaction: the campaign's figures, frozen into campaign_results as they stand. */
export async function freezeCampaignFigures(tx: Executor, event: { campaign: CampaignRow }): Promise<void> {
  // The database's day, as of the transaction's now(): the same instant closed_at records (frozenDay reads it),
  // whatever this process's clock says.
  const [row] = await queryRows<{ today: string }>(tx, sql`select to_char((now() at time zone ${SERVICE_TIME_ZONE})::date, 'YYYY-MM-DD') as today`);
  const today = row!.today;
  const asOf = event.campaign.endsOn < today ? event.campaign.endsOn : today;
  await freezeStandings(tx, { campaignId: event.campaign.id, asOf, current: asOf === today, followUpDays: await followUpDays(tx, asOf) });
}
