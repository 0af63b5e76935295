/**
 * How seed/51job/area-resolver.ts codes each distinct area text of the 51job export: area → code →
 * province / prefecture / county names, with the count of postings. Read it to find miscoded areas.
 *
 *   npx tsx test/eval/area-audit.ts            every distinct area, sorted by province then count
 *   npx tsx test/eval/area-audit.ts 福建        only the lines containing 福建
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { createAreaResolver } from "../../seed/51job/area-resolver.js";
import { parseRegionsCsv, type RegionRow } from "../../seed/51job/region-parser.js";
import { seedDataFolder } from "../../src/paths.js";

const regions = parseRegionsCsv(readFileSync(join(seedDataFolder, "regions-cn-2023.csv"), "utf8"));
const records = parse(readFileSync(join(seedDataFolder, "postings-51job-2023.csv"), "utf8"), { columns: true, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as Record<string, string | undefined>[];
const resolve = createAreaResolver(regions);

const counties = new Map(regions.filter((r) => r.level === "county").map((r) => [r.code, r]));
const cities = new Map(regions.filter((r) => r.level === "city").map((r) => [r.code, r]));
const provinces = new Map(regions.filter((r) => r.level === "province").map((r) => [r.code, r]));

/** "福建省 / 福州市 / 鼓楼区" for a county code. */
function regionPath(code: string): string {
  const county: RegionRow | undefined = counties.get(code);
  const city = county?.parentCode ? cities.get(county.parentCode) : undefined;
  const province = city?.parentCode ? provinces.get(city.parentCode) : undefined;
  return [province?.name ?? "?", city?.name ?? "?", county?.name ?? "?"].join(" / ");
}

const counts = new Map<string, number>();
for (const record of records) {
  const area = (record["area"] ?? "").trim();
  counts.set(area, (counts.get(area) ?? 0) + 1);
}
const filter = process.argv[2];
const lines = [...counts]
  .map(([area, n]) => {
    const code = resolve(area);
    return { area, n, code, path: code === null ? "(unresolved)" : regionPath(code) };
  })
  .sort((a, b) => a.path.localeCompare(b.path, "zh") || b.n - a.n)
  .map((r) => `${String(r.n).padStart(4)}  ${r.area.padEnd(24)}  ${r.code ?? "------"}  ${r.path}`)
  .filter((line) => filter === undefined || line.includes(filter));
console.log(lines.join("\n"));
console.log(`${lines.length} distinct areas`);
