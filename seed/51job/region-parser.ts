/** The region reference file (seed/data/regions-cn-2023.csv), parsed. */
import { parse } from "csv-parse/sync";

export interface RegionRow {
  code: string;
  level: "province" | "city" | "county";
  name: string;
  parentCode: string | null;
  lng: number | null;
  lat: number | null;
}

function isRegionLevel(level: string): level is RegionRow["level"] {
  return level === "province" || level === "city" || level === "county";
}

function parseCoordinate(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Parses regions-cn-2023.csv. Reference data is trusted: a malformed row is a broken
 * seed file, so this throws instead of silently dropping part of the hierarchy.
 */
export function parseRegionsCsv(text: string): RegionRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Record<
    string,
    string | undefined
  >[];
  return records.map((record, index) => {
    const code = record["code"] ?? "";
    const level = record["level"] ?? "";
    const name = record["name"] ?? "";
    if (!/^\d{6}$/.test(code) || !isRegionLevel(level) || name === "") {
      throw new Error(`regions csv: malformed data row ${index + 1}: ${JSON.stringify(record)}`);
    }
    const parentCode = record["parent_code"] ?? "";
    return {
      code,
      level,
      name,
      parentCode: parentCode === "" ? null : parentCode,
      lng: parseCoordinate(record["lng"]),
      lat: parseCoordinate(record["lat"]),
    };
  });
}
