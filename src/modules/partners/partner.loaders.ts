import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys } from "../../db/loader-helpers.js";
import { findKeysByPartners } from "./partner.repository.js";

export function createPartnerLoaders(db: Executor) {
  return {
    partnerKeys: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findKeysByPartners(db, ids), (k) => k.partnerId)),
  };
}
