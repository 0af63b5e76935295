import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys } from "../../db/loader-helpers.js";
import { hitsOfPostings, type HitWithRule } from "./screening.service.js";

export function createScreeningLoaders(db: Executor) {
  return {
    /** A posting's last screening hits (JobPosting.screening): one statement for a page. */
    screeningHitsByPosting: new DataLoader<string, HitWithRule[]>(async (ids) => groupByKeys(ids, await hitsOfPostings(db, ids), (h) => h.postingId)),
  };
}
