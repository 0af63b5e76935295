import { sql } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import type { Database } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { serviceToday } from "../../dates.js";
import { badInput, forbidden, notFound, unauthenticated } from "../../errors.js";
import { msg } from "../../i18n.js";
import { isRegionPrefix } from "../../region-code.js";
import { campaignNamed } from "../categories/campaign.service.js";
import type { CampaignRow } from "../categories/category.table.js";
import { fairCoverage } from "../fairs/fair-report.service.js";
import { institutionsByIds } from "../institutions/institution.service.js";
import { regionsByCodes } from "../regions/region.service.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import { campaignBreakdown } from "../progress/progress.service.js";
import { campaignSubsidyFigures } from "../subsidies/subsidy-read.service.js";
import { signReportLink } from "./report-link.js";
import { CSV_SHEETS, type CampaignReport, type SheetKey } from "./report-tables.js";
import { belowMinimumRows, type BelowMinimumRow } from "./report.repository.js";

export type { BelowMinimumRow, CampaignReport };

/**
 * Who may have a campaign's report, and of what (authorised like `campaignProgress`): administrators
 * and caseworkers, each within their scope. `regionCode` narrows it to a region prefix — an
 * administrator's any, a caseworker's only within their own region. A draft campaign has nothing to
 * report: NOT_FOUND, like an unknown one.
 */
export async function authoriseReport(db: Database, viewer: Viewer, campaignId: string, regionCode: string | null): Promise<{ viewer: Viewer; campaign: CampaignRow }> {
  if (viewer.kind === "anonymous") throw unauthenticated(msg("请登录后查看专项行动报表：使用令牌，或使用 campaignReportLinks 生成的签名链接", "Sign in to read a campaign report: a token, or a signed link from campaignReportLinks"));
  if (personScope(viewer).kind === "none" || viewer.kind !== "user" || viewer.role === Role.SEEKER) throw forbidden(msg("专项行动报表仅供经办人员和管理员查看", "Campaign reports are for caseworkers and administrators"));
  const id = parseId(campaignId, "campaignId");
  const campaign = await campaignNamed(db, id).catch(() => null);
  if (!campaign || campaign.status === "DRAFT") throw notFound("Campaign", id);
  if (regionCode === null) return { viewer, campaign };
  if (!isRegionPrefix(regionCode)) throw badInput("region", msg("region 须为 2、4 或 6 位数字的地区代码前缀", "region is a region code prefix of 2, 4 or 6 digits"));
  if (viewer.role === Role.CASEWORKER && !(viewer.regionCode && regionCode.startsWith(viewer.regionCode))) {
    throw forbidden(viewer.regionCode ? msg(`您只能查看地区 ${viewer.regionCode} 及其下辖地区的报表`, `Your reports are of region ${viewer.regionCode} and the regions within it`) : msg("您只能查看本高校的报表", "Your reports are of your institution"));
  }
  // The narrowed report is the one a caseworker of that region would see.
  return { viewer: { kind: "user", userId: viewer.userId, role: Role.CASEWORKER, regionCode }, campaign };
}

/**
 * A report's figures, in a constant number of statements: progress every way and the daily curve (one
 * computation), fair coverage, subsidy claims by scheme and prefecture. `prefecturesOnly`: what the page of charts shows, no county, institution
 * or category rows.
 */
export async function campaignReport(db: Database, viewer: Viewer, campaign: CampaignRow, opts: { prefecturesOnly?: boolean } = {}): Promise<CampaignReport> {
  const progress = await campaignBreakdown(db, viewer, campaign.id, opts);
  const fairs = await fairCoverage(db, viewer, Number(progress.asOf.slice(0, 4)));
  const subsidies = await campaignSubsidyFigures(db, viewer, campaign);
  return {
    campaign,
    asOf: progress.asOf,
    frozen: progress.frozen,
    scope: await scopeLabel(db, viewer),
    generatedAt: new Date(),
    prefectures: progress.prefectures,
    counties: progress.counties,
    institutions: progress.institutions,
    categories: progress.categories,
    total: progress.total,
    curve: cumulativeCurve(campaign.startsOn, progress.asOf, progress.reachedByDay),
    fairs,
    subsidies,
  };
}

/** Everyone in the viewer's scope below their minimum in the campaign, streamed in batches. */
export function peopleBelowMinimum(db: Database, viewer: Viewer, campaign: CampaignRow): AsyncGenerator<BelowMinimumRow[]> {
  return belowMinimumRows(db, campaign, scopeCondition(personScope(viewer)) ?? sql`true`);
}

/** Every day from `from` to `to` (none if the campaign has not begun), with the running total of `perDay`. */
export function cumulativeCurve(from: string, to: string, perDay: { day: string; reached: number }[]): { day: string; reached: number }[] {
  const byDay = new Map(perDay.map((d) => [d.day, d.reached]));
  const curve: { day: string; reached: number }[] = [];
  let total = 0;
  for (let day = new Date(`${from}T00:00:00Z`); day.toISOString().slice(0, 10) <= to; day.setUTCDate(day.getUTCDate() + 1)) {
    const key = day.toISOString().slice(0, 10);
    total += byDay.get(key) ?? 0;
    curve.push({ day: key, reached: total });
  }
  return curve;
}

/** Whose report, in words: 全省, or the caseworker's region (code and name) and institution (by name). */
async function scopeLabel(db: Database, viewer: Viewer): Promise<string> {
  if (viewer.kind !== "user" || viewer.role === Role.ADMIN) return "全省";
  const region = viewer.regionCode ? (await regionsByCodes(db, [viewer.regionCode.padEnd(6, "0")]))[0] : undefined;
  const institution = viewer.institutionId ? (await institutionsByIds(db, [viewer.institutionId]))[0] : undefined;
  const parts = [
    viewer.regionCode ? `地区 ${viewer.regionCode}${region ? `（${region.name}）` : ""}` : null,
    viewer.institutionId ? `院校 ${institution?.name ?? viewer.institutionId}` : null,
  ].filter(Boolean);
  return parts.join("、");
}

/** Today on Fujian's calendar (for a report's file name). */
export const reportDay = () => serviceToday();

export interface ReportLinks {
  page: string;
  xlsx: string;
  csv: { sheet: SheetKey; title: string; url: string }[];
  expiresAt: Date;
}

/**
 * Signed links to a campaign's report, for a browser (checked now as the report itself would be, so
 * a link is only made for a report the caller may have). Paths on this server, valid for `ttlSeconds`.
 */
export async function campaignReportLinks(
  db: Database,
  settings: { jwtSecret: string; ttlSeconds: number },
  viewer: Viewer,
  campaignId: string,
  region: string | null,
): Promise<ReportLinks> {
  const { campaign } = await authoriseReport(db, viewer, campaignId, region);
  const { token, expiresAt } = await signReportLink(settings.jwtSecret, { viewer, campaignId: campaign.id, region }, settings.ttlSeconds);
  const base = `/reports/campaigns/${campaign.id}`;
  const query = (extra: string) => `?link=${encodeURIComponent(token)}${region ? `&region=${region}` : ""}${extra}`;
  return {
    page: `${base}${query("")}`,
    xlsx: `${base}.xlsx${query("")}`,
    csv: CSV_SHEETS.map((s) => ({ sheet: s.key, title: s.title, url: `${base}.csv${query(`&sheet=${s.key}`)}` })),
    expiresAt,
  };
}
