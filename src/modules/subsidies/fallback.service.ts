import { actorOf, type Viewer } from "../../auth/viewer.js";
import type { Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { effectiveFromInput, nextPolicyVersion, requiredPolicyInForce, wholeInRange } from "../../db/policy-version.js";
import { serviceToday } from "../../dates.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { checkFirst } from "../../pagination.js";
import { campaignFor } from "../categories/campaign.service.js";
import type { CampaignRow } from "../categories/category.table.js";
import { FALLBACK_KIND } from "../matching/match-constraints.js";
import { postingMisfit } from "../matching/recommend.service.js";
import { personScope, scopeCondition } from "../people/person.access.js";
import { lockPerson } from "../people/person.lock.js";
import { applyEmploymentStatus, findPeopleByIds } from "../people/person.service.js";
import type { PersonRow } from "../people/person.table.js";
import { readPostings } from "../postings/posting.lock.js";
import { assertAdministrator, isOfficial, officialInScope } from "./subsidy.access.js";
import { fallbackCandidateIds, insertPlacement, isFallbackCandidate } from "./subsidy.repository.js";
import { fallbackPolicies, type FallbackPlacementRow, type FallbackPolicyRow } from "./subsidy.table.js";

const OFFICIALS_ONLY = msg("托底安置由管辖范围内的经办人员和管理员办理", "Fallback placements are for officials in scope");

/** The day a campaign's fallback opens: its last day less the policy's days (the last month, by the 2018 plan's practice). */
export function fallbackOpensOn(campaign: Pick<CampaignRow, "endsOn">, policy: Pick<FallbackPolicyRow, "daysBeforeCampaignEnd">): string {
  const end = new Date(`${campaign.endsOn}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - policy.daysBeforeCampaignEnd);
  return end.toISOString().slice(0, 10);
}

export function fallbackPolicyInForce(db: Database): Promise<FallbackPolicyRow> {
  return requiredPolicyInForce(db, fallbackPolicies, "fallback policy");
}

/** A new version of the fallback policy (administrators): how many days before a campaign's end people still out of work become candidates. */
export async function setFallbackPolicy(db: Database, viewer: Viewer, daysBeforeCampaignEnd: number, effectiveFrom?: string | null): Promise<FallbackPolicyRow> {
  assertAdministrator(viewer);
  const days = wholeInRange("daysBeforeCampaignEnd", daysBeforeCampaignEnd, 0, 366);
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "fallback_policies");
    const [row] = await tx.insert(fallbackPolicies).values({ id: newId(), version, daysBeforeCampaignEnd: days, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}

export interface FallbackCandidates {
  campaign: CampaignRow;
  opensOn: string;
  open: boolean;
  people: PersonRow[];
  /** Whether more candidates follow the last one listed (ask again with `after` its id). */
  hasNextPage: boolean;
}

/**
 * Who the fallback may place now (托底安置, DOMAIN §7): from the day the policy sets (the campaign's
 * last month), the people of the campaign still out of work from registered-poverty households,
 * within the official's scope — each with the public-welfare posts matching's fallback rule offers
 * them (FallbackCandidate.postings). Before that day, none (`open` false, `opensOn` says when).
 */
export async function fallbackCandidates(
  db: Database,
  viewer: Viewer,
  campaignId: string | null | undefined,
  page: { first: number; after?: string | null },
  today = new Date(),
): Promise<FallbackCandidates> {
  if (!isOfficial(viewer)) throw forbidden(OFFICIALS_ONLY);
  const first = page.first;
  checkFirst(first);
  const after = page.after ? parseId(page.after, "after") : null;
  const campaign = await campaignFor(db, campaignId ? parseId(campaignId, "campaignId") : null);
  const opensOn = fallbackOpensOn(campaign, await fallbackPolicyInForce(db));
  const open = serviceToday(today) >= opensOn && campaign.status === "ACTIVE";
  if (!open) return { campaign, opensOn, open, people: [], hasNextPage: false };
  const ids = await fallbackCandidateIds(db, campaign.id, scopeCondition(personScope(viewer)), { after, limit: first + 1 });
  const listed = ids.slice(0, first);
  const rows = new Map((await findPeopleByIds(db, listed)).map((p) => [p.id, p]));
  return { campaign, opensOn, open, people: listed.map((id) => rows.get(id)!).filter(Boolean), hasNextPage: ids.length > first };
}

/**
 * Places a person in a public-welfare post (the fallback): an official in scope, an OPEN post of
 * that kind that fits them (the places and education of a match, a registered-poverty household).
 * The placement is recorded and the person's status becomes PUBLIC_WELFARE_POST, which decides the
 * post's subsidies (岗位补贴, 社保补贴) with their categories.
 */
export async function placeInFallbackPost(db: Database, viewer: Viewer, input: { personId: string; postingId: string; campaignId?: string | null }): Promise<{ placement: FallbackPlacementRow; person: PersonRow }> {
  const personId = parseId(input.personId, "personId");
  const postingId = parseId(input.postingId, "postingId");
  if (!isOfficial(viewer)) throw forbidden(OFFICIALS_ONLY);
  // The campaign named, or the one in force: its fallback must have opened (the day the policy sets).
  const campaign = await campaignFor(db, input.campaignId ? parseId(input.campaignId, "campaignId") : null);
  const opensOn = fallbackOpensOn(campaign, await fallbackPolicyInForce(db));
  if (campaign.status === "CLOSED") throw conflict(msg("该专项行动已结束，托底安置请在正在进行的专项行动中办理", "This campaign has closed: make the fallback placement in an active one"), { field: "campaignId", status: campaign.status });
  if (serviceToday() < opensOn || campaign.status === "DRAFT") {
    throw conflict(msg(`该专项行动的托底安置自 ${opensOn} 起办理`, `This campaign's fallback placements open on ${opensOn}`), { field: "campaignId", opensOn });
  }
  return db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person || !officialInScope(viewer, { regionCode: person.householdRegionCode, employerId: null }, person)) throw notFound("Person", personId);
    const posting = (await readPostings(tx, [postingId])).get(postingId);
    if (!posting) throw notFound("Posting", postingId);
    if (posting.kind !== FALLBACK_KIND) throw badInput("postingId", msg("托底安置只能安置到公益性岗位", "A fallback placement is to a public-welfare post"));
    if (person.employmentStatus !== "UNEMPLOYED") throw conflict(msg(`该人员当前状态为 ${person.employmentStatus}，不需托底安置`, `The person is ${person.employmentStatus}: the fallback is for people out of work`), { field: "personId" });
    // One of the campaign's fallback candidates (as fallbackCandidates lists them), checked under the person's lock.
    if (!(await isFallbackCandidate(tx, campaign.id, personId))) {
      throw badInput("personId", msg("该人员不是本专项行动的托底安置对象（须为建档立卡、未就业且在本行动中）", "The person is not one of this campaign's fallback candidates (registered poverty, out of work, in the campaign)"), { reason: "NOT_A_FALLBACK_CANDIDATE" });
    }
    const misfit = await postingMisfit(tx, person, posting);
    if (misfit) throw badInput("postingId", misfit);
    const by = actorOf(viewer);
    const placement = await insertPlacement(tx, { id: newId(), personId, postingId, campaignId: campaign.id, placedBy: by });
    if (!placement) throw conflict(msg("该人员已安置到该岗位", "The person was placed in this post already"), { field: "postingId" });
    const updated = await applyEmploymentStatus(tx, person, { status: "PUBLIC_WELFARE_POST", since: serviceToday(), source: "UPDATE", by, note: `托底安置：${posting.title}` });
    return { placement, person: updated };
  });
}
