import type { Executor } from "../../db/client.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import { findPoverty52Codes, listAllRegions, findRegion, findRegionsByCodes, findRegionsByParents, listTopLevelRegions } from "./region.repository.js";
import type { RegionRow } from "./region.table.js";
import { regionRows } from "./region-directory.js";

export function listRegions(db: Executor, parentCode: string | null | undefined): Promise<RegionRow[]> {
  return parentCode ? findRegionsByParents(db, [parentCode]) : listTopLevelRegions(db);
}

/**
 * Regions by code (a code not found is left out): for other modules that check or label several codes
 * at once — answered from the process's copy of the reference data (region-directory.ts), not a
 * statement per request (a search filtered by region, a registration, a page of facets).
 */
export async function getRegionsByCodes(db: Executor, codes: readonly string[]): Promise<RegionRow[]> {
  const all = await regionRows(db);
  return [...new Set(codes)].flatMap((code) => all.get(code) ?? []);
}

const LEVEL_ZH = { PROVINCE: "省级", PREFECTURE: "地级", COUNTY: "县级" } as const;

/** Postings and employers sit in a county (区/县/县级市): a province or prefecture code is refused. */
export async function requireCounty(db: Executor, code: string, field: string): Promise<RegionRow> {
  const region = await findRegion(db, code);
  if (!region) throw badInput(field, msg(`未知的地区代码 ${code}`, `Unknown region code ${code}`));
  if (region.level !== "COUNTY") throw badInput(field, msg(`${code}（${region.name}）是${LEVEL_ZH[region.level]}行政区，不是县级行政区`, `${code} (${region.name}) is a ${region.level.toLowerCase()}, not a county`));
  return region;
}

/** A region by its code, or undefined: for other modules' checks. */
export function findRegionByCode(db: Executor, code: string): Promise<RegionRow | undefined> {
  return findRegion(db, code);
}

/** Regions by code (any order; unknown codes are left out): for other modules' labels. */
export function regionsByCodes(db: Executor, codes: readonly string[]): Promise<RegionRow[]> {
  return findRegionsByCodes(db, codes);
}

/** The codes of the poverty52 counties (region data the category rules read). */
export function poverty52Codes(db: Executor): Promise<Set<string>> {
  return findPoverty52Codes(db);
}

/** Every region's level (province, prefecture, county), by code: an import checks all its rows against it. */
export async function allRegionLevels(db: Executor): Promise<{ code: string; level: RegionRow["level"] }[]> {
  return (await listAllRegions(db)).map((r) => ({ code: r.code, level: r.level }));
}
