import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys } from "../../db/loader-helpers.js";
import { regionRows } from "./region-directory.js";
import { findRegionsByParents } from "./region.repository.js";

export function createRegionLoaders(db: Executor) {
  return {
    // From the process's copy of the regions (reference data, read at start-up): a page of postings names a region each.
    regionByCode: new DataLoader(async (codes: readonly string[]) => {
      const all = await regionRows(db);
      return codes.map((code) => all.get(code) ?? null);
    }),
    regionChildren: new DataLoader(async (parentCodes: readonly string[]) =>
      groupByKeys(parentCodes, await findRegionsByParents(db, parentCodes), (r) => r.parentCode!),
    ),
  };
}
