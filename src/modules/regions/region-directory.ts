import type { Executor } from "../../db/client.js";
import { regions, type RegionRow } from "./region.table.js";

export type RegionPlace = Pick<RegionRow, "code" | "name" | "lng" | "lat">;

const directories = new WeakMap<object, Promise<Map<string, RegionPlace>>>();

/**
 * Every region's name and coordinates, read once per database and kept: GB/T 2260 is reference data
 * that only a migration changes, and the ranker needs the places of hundreds of candidates per person.
 */
export function regionDirectory(db: Executor): Promise<Map<string, RegionPlace>> {
  let directory = directories.get(db);
  if (!directory) {
    directory = db
      .select({ code: regions.code, name: regions.name, lng: regions.lng, lat: regions.lat })
      .from(regions)
      .then((rows) => new Map(rows.map((r) => [r.code, r])));
    directory.catch(() => directories.delete(db));
    directories.set(db, directory);
  }
  return directory;
}
