import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findEventsForReferrals, findReferralsForPeople, findReferralsForPostings, referralProgress } from "./referral.repository.js";

export function createReferralLoaders(db: Executor) {
  return {
    referralsForPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findReferralsForPeople(db, ids), (r) => r.personId)),
    referralsForPosting: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findReferralsForPostings(db, ids), (r) => r.postingId)),
    referralEvents: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findEventsForReferrals(db, ids), (e) => e.referralId)),
    referralProgress: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await referralProgress(db, ids), (p) => p.personId)),
  };
}
