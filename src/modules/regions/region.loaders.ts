import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findRegionsByCodes, findRegionsByParents } from "./region.repository.js";

export function createRegionLoaders(db: Executor) {
  return {
    regionByCode: new DataLoader(async (codes: readonly string[]) =>
      orderByKeys(codes, await findRegionsByCodes(db, codes), (r) => r.code),
    ),
    regionChildren: new DataLoader(async (parentCodes: readonly string[]) =>
      groupByKeys(parentCodes, await findRegionsByParents(db, parentCodes), (r) => r.parentCode!),
    ),
  };
}
