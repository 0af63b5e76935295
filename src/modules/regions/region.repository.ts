import { asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { preparedStatement } from "../../db/prepared.js";
import { regions, type RegionRow } from "./region.table.js";

const regionsByCodes = preparedStatement("regions_by_codes", (db) => db.select().from(regions).where(sql`${regions.code} = any(${sql.placeholder("codes")}::varchar[])`));

/** Regions by code (any order; unknown codes are left out), prepared: for other modules' labels and checks (the region loader reads the process's copy, region-directory.ts). */
export function findRegionsByCodes(db: Executor, codes: readonly string[]): Promise<RegionRow[]> {
  return regionsByCodes(db, { codes: [...codes] });
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
