import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys } from "../../db/loader-helpers.js";
import { loadedRegionRows, regionRows } from "./region-directory.js";
import type { RegionRow } from "./region.table.js";
import { findRegionsByParents } from "./region.repository.js";

export function createRegionLoaders(db: Executor) {
  // From the process's copy of the regions (reference data, read at start-up): a page of postings names a region each.
  const regionByCode = new DataLoader(async (codes: readonly string[]) => {
    const all = await regionRows(db);
    return codes.map((code) => all.get(code) ?? null);
  });
  return {
    regionByCode,
    /**
     * A region for a field resolver: the same row as `regionByCode`, answered at once (no promise,
     * no batch) once the process's copy is read — a page of postings asks a hundred times.
     */
    regionOf(code: string): RegionRow | null | Promise<RegionRow | null> {
      const all = loadedRegionRows();
      return all ? (all.get(code) ?? null) : regionByCode.load(code);
    },
    regionChildren: new DataLoader(async (parentCodes: readonly string[]) =>
      groupByKeys(parentCodes, await findRegionsByParents(db, parentCodes), (r) => r.parentCode!),
    ),
  };
}
