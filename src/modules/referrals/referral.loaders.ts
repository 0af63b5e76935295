import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findEventsForReferrals, findInvitations, findReferralsForPeople, findReferralsForPostings, referralProgress } from "./referral.repository.js";

export function createReferralLoaders(db: Executor) {
  return {
    referralsForPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findReferralsForPeople(db, ids), (r) => r.personId)),
    referralsForPosting: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findReferralsForPostings(db, ids), (r) => r.postingId)),
    referralEvents: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findEventsForReferrals(db, ids), (e) => e.referralId)),
    /** An application's invitation to interview, if any: one statement for every referral asked about. */
    interviewInvitation: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findInvitations(db, ids), (i) => i.referralId)),
    /** Keys `personId|campaignId` (a campaign named) or `personId|` (every ACTIVE campaign the person has a minimum in): one query per campaign asked about. */
    referralProgress: new DataLoader(async (keys: readonly string[]) => {
      const byCampaign = new Map<string, string[]>();
      for (const key of keys) {
        const [personId, campaignId] = key.split("|") as [string, string];
        (byCampaign.get(campaignId) ?? byCampaign.set(campaignId, []).get(campaignId)!).push(personId);
      }
      const rows = [];
      for (const [campaignId, personIds] of byCampaign) rows.push(...(await referralProgress(db, personIds, campaignId ? [campaignId] : undefined)).map((r) => ({ ...r, key: `${r.personId}|${campaignId}` })));
      return groupByKeys(keys, rows, (r) => r.key);
    }),
  };
}
