import type { Executor } from "../../db/client.js";
import { regions, type RegionRow } from "./region.table.js";

export type RegionPlace = Pick<RegionRow, "code" | "name" | "lng" | "lat">;

let directory: Promise<Map<string, RegionRow>> | undefined;
/** The copy once read (and not empty): what `loadedRegionRows` answers from without a promise. */
let loaded: ReadonlyMap<string, RegionRow> | undefined;

/**
 * Every region, read once per process and kept: GB/T 2260 is reference data that only a migration
 * changes (the same rows in every database the process opens). The ranker and the place rule need
 * the places of hundreds of candidates per person — in every transaction that checks a referral,
 * so the copy is not tied to the executor it was first read through — and every page of postings
 * names the region of each (the region loader answers from here). An empty read (a database not
 * migrated yet) is not kept.
 */
export function regionRows(db: Executor): Promise<ReadonlyMap<string, RegionRow>> {
  return readAll(db);
}

function readAll(db: Executor): Promise<Map<string, RegionRow>> {
  if (!directory) {
    const loading = db
      .select()
      .from(regions)
      .then((rows) => new Map(rows.map((r) => [r.code, r])));
    directory = loading;
    loading.then(
      (map) => {
        if (directory !== loading) return;
        if (map.size === 0) directory = undefined;
        else loaded = map;
      },
      () => {
        if (directory === loading) directory = undefined;
      },
    );
  }
  return directory;
}

/**
 * The process's copy of the regions when it has been read, else undefined (then read it through
 * `regionRows`): a page of postings names a hundred regions, each answered here with no promise.
 */
export function loadedRegionRows(): ReadonlyMap<string, RegionRow> | undefined {
  return loaded;
}

/** Every region's name and coordinates (the places matching measures between). */
export function regionDirectory(db: Executor): Promise<Map<string, RegionPlace>> {
  return readAll(db);
}
