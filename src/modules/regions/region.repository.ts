import { asc, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { regions, type RegionRow } from "./region.table.js";

export function findRegionsByCodes(db: Executor, codes: readonly string[]): Promise<RegionRow[]> {
  return db.select().from(regions).where(inArray(regions.code, [...codes]));
}

export function findRegionsByParents(db: Executor, parentCodes: readonly string[]): Promise<RegionRow[]> {
  return db.select().from(regions).where(inArray(regions.parentCode, [...parentCodes])).orderBy(asc(regions.code));
}

export function listTopLevelRegions(db: Executor): Promise<RegionRow[]> {
  return db.select().from(regions).where(isNull(regions.parentCode)).orderBy(asc(regions.code));
}

export async function findRegion(db: Executor, code: string): Promise<RegionRow | undefined> {
  const [row] = await db.select().from(regions).where(eq(regions.code, code));
  return row;
}

/** The 52 formerly nationally designated poverty counties (poverty52), by code. */
export async function findPoverty52Codes(db: Executor): Promise<Set<string>> {
  const rows = await db.select({ code: regions.code }).from(regions).where(eq(regions.poverty52, true));
  return new Set(rows.map((r) => r.code));
}

export function listAllRegions(db: Executor): Promise<RegionRow[]> {
  return db.select().from(regions);
}
