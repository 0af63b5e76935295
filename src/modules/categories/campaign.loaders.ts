import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { orderByKeys } from "../../db/loader-helpers.js";
import { campaigns } from "./category.table.js";

export function createCampaignLoaders(db: Executor) {
  return {
    campaignById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await db.select().from(campaigns).where(inArray(campaigns.id, [...ids])), (c) => c.id)),
  };
}
