import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { bindingsOf } from "./campaign.service.js";
import { findCategoriesByIds } from "./category.repository.js";
import { campaigns, type TargetCategoryRow } from "./category.table.js";

export function createCampaignLoaders(db: Executor) {
  return {
    campaignById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await db.select().from(campaigns).where(inArray(campaigns.id, [...ids])), (c) => c.id)),
    /** Each campaign's bound categories with their versions and minimums: two statements for any number of campaigns. */
    campaignBindings: new DataLoader(async (ids: readonly string[]) => {
      const bindings = await bindingsOf(db, ids);
      const versions = new Map<string, TargetCategoryRow>((await findCategoriesByIds(db, [...new Set(bindings.map((b) => b.categoryId))])).map((v) => [v.id, v]));
      const rows = bindings.map((b) => ({ campaignId: b.campaignId, categoryCode: b.categoryCode, category: versions.get(b.categoryId)!, minReferrals: b.minReferrals ?? versions.get(b.categoryId)!.minReferrals }));
      return groupByKeys(ids, rows, (r) => r.campaignId);
    }),
  };
}
