import type { Viewer } from "../../auth/viewer.js";
import type { Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import { isRegionPrefix } from "../../region-code.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import { followUpDays } from "./mentor-policy.service.js";
import { coverageCounts } from "./mentor.repository.js";
import { campaignNamed } from "../categories/campaign.service.js";

export interface MentorCoverage {
  eligible: number;
  assigned: number;
  unassigned: number;
  overdue: number;
  pairedOutsidePolicy: number;
  followUpDays: number;
}

/**
 * Mentoring coverage within the viewer's scope (and a region prefix, institution or ACTIVE campaign): people the
 * policy makes eligible, how many of them have a mentor now and how many do not, the paired people
 * with no contact for the policy's days, and those paired by an administrator's override.
 */
export async function mentorCoverage(db: Executor, viewer: Viewer, filter: { regionCode?: string | null; institutionId?: string | null; campaignId?: string | null }): Promise<MentorCoverage> {
  if (filter.regionCode != null && !isRegionPrefix(filter.regionCode)) throw badInput("filter.regionCode", msg("regionCode 须为 2、4 或 6 位数字的地区代码前缀", "regionCode must be a prefix of 2, 4 or 6 digits"));
  const institutionId = filter.institutionId == null ? null : parseId(filter.institutionId, "filter.institutionId");
  let campaignId: string | null = null;
  if (filter.campaignId != null) {
    const campaign = await campaignNamed(db, filter.campaignId, "filter.campaignId");
    // A closed campaign's figures are frozen with its report; today's pairings would move them.
    if (campaign.figuresFrozenAt) throw badInput("filter.campaignId", msg(`专项行动 ${campaign.code} 已结束：其红娘帮扶数据已固定，请查看 campaignProgress(campaignId)（mentorEligible、mentored、mentorOverdue）`, `${campaign.code} is closed: its mentoring figures are frozen in campaignProgress(campaignId) (mentorEligible, mentored, mentorOverdue)`));
    campaignId = campaign.id;
  }
  const scope = scopeCondition(personScope(viewer));
  const days = await followUpDays(db);
  const row = await coverageCounts(db, { scope, regionPrefix: filter.regionCode ?? null, institutionId, campaignId }, days);
  return { eligible: row.eligible, assigned: row.assigned, unassigned: row.eligible - row.assigned, overdue: row.overdue, pairedOutsidePolicy: row.override, followUpDays: days };
}
