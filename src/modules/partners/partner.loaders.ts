import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findActivePairs, findLinksOfEmployers } from "./partner-link.repository.js";
import { findKeysByPartners, findPartnersByIds } from "./partner.repository.js";

type Pair = { partnerId: string; employerId: string };
const pairKey = (p: Pair) => `${p.partnerId}:${p.employerId}`;

export function createPartnerLoaders(db: Executor) {
  return {
    partnerKeys: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findKeysByPartners(db, ids), (k) => k.partnerId)),
    partnerById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findPartnersByIds(db, ids), (p) => p.id)),
    /** Every link of an employer (`Employer.partnerLinks`; the service decides which the viewer sees). */
    partnerLinksByEmployer: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findLinksOfEmployers(db, ids), (l) => l.employerId)),
    /** Whether a (partner, employer) pair is ACTIVE-linked (`JobPosting.employerVerified`). */
    partnerLinkActive: new DataLoader<Pair, boolean, string>(
      async (pairs) => {
        const active = new Set((await findActivePairs(db, pairs)).map(pairKey));
        return pairs.map((p) => active.has(pairKey(p)));
      },
      { cacheKeyFn: pairKey },
    ),
  };
}
