/** The export's free-text area ("福州-鼓楼区", "合肥高新区") as a county-level region code. */
import { AREA_LANDMARKS, PREFECTURE_SEATS } from "./area-gazetteer.js";
import type { RegionRow } from "./region-parser.js";

/** A stripped alias must keep at least 2 characters, or "X区" would match any text containing X. */
const MIN_ALIAS_LENGTH = 2;
/** "工业园区" (苏州工业园区 minus 苏州) is the shortest useful remainder; "县" (长沙县) is not. */
const MIN_UNPREFIXED_LENGTH = 4;

/** Ethnic-group names that appear in autonomous prefecture/county names (自治州/自治县/自治旗). */
const ETHNIC_GROUPS =
  "满|蒙古|回|达斡尔|鄂伦春|鄂温克|朝鲜|畲|土家|苗|瑶|侗|壮|各|仫佬|毛南|黎|羌|彝|仡佬|布依|水|哈尼|傣|纳西|拉祜|佤|布朗|独龙|怒|白|普米|傈僳|裕固|哈萨克|东乡|保安|撒拉|土|塔吉克|锡伯|藏|景颇|柯尔克孜";
const AUTONOMOUS_TAIL = new RegExp(`^(?:(?:${ETHNIC_GROUPS})族?)+自治(?:州|县|旗)$`);

/** "陵水黎族自治县" → "陵水". Scans prefixes from 2 characters up: "水" is itself an ethnic name. */
function autonomousPlaceName(name: string): string | null {
  for (let cut = MIN_ALIAS_LENGTH; cut < name.length; cut += 1) {
    if (AUTONOMOUS_TAIL.test(name.slice(cut))) return name.slice(0, cut);
  }
  return null;
}

const PROVINCE_SUFFIXES = ["壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市"];
const PREFECTURE_SUFFIXES = ["地区", "市", "州", "盟"];
const COUNTY_SUFFIXES = ["新区", "区", "县", "市", "旗"];

/** Development zones are written abbreviated in postings ("合肥高新区" for 合肥高新技术产业开发区). */
const DEV_ZONE_ABBREVIATIONS: readonly [string, readonly string[]][] = [
  ["高新技术产业开发区", ["高新区", "高新技术开发区"]],
  ["经济技术开发区", ["经开区", "经济开发区"]],
];

function strippedAliases(name: string, suffixes: readonly string[]): string[] {
  const aliases: string[] = [];
  for (const suffix of suffixes) {
    if (name.endsWith(suffix) && name.length - suffix.length >= MIN_ALIAS_LENGTH) {
      aliases.push(name.slice(0, -suffix.length));
    }
  }
  const autonomous = autonomousPlaceName(name);
  if (autonomous !== null) aliases.push(autonomous);
  return aliases;
}

interface Alias {
  text: string;
  /** Full official names win over stripped/abbreviated ones when both occur. */
  exact: boolean;
}

interface Hit<T> {
  item: T;
  index: number;
  /** Length of the shortest alias of `item` that matches at `index`: text after it is the remainder. */
  consumed: number;
}

/**
 * Earliest occurrence of any alias in `text`; ties go to the longer alias.
 * Exact names are tried first, so "长沙县" beats the stripped "长沙" of the same text.
 */
function findFirst<T>(text: string, items: readonly T[], aliasesOf: (item: T) => readonly Alias[]): Hit<T> | null {
  for (const exactPass of [true, false]) {
    let best: { item: T; index: number; length: number } | null = null;
    for (const item of items) {
      for (const alias of aliasesOf(item)) {
        if (alias.exact !== exactPass) continue;
        const index = text.indexOf(alias.text);
        if (index < 0) continue;
        if (best === null || index < best.index || (index === best.index && alias.text.length > best.length)) {
          best = { item, index, length: alias.text.length };
        }
      }
    }
    if (best !== null) {
      const found = best;
      const consumed = Math.min(
        ...aliasesOf(found.item)
          .filter((alias) => text.startsWith(alias.text, found.index))
          .map((alias) => alias.text.length),
      );
      return { item: found.item, index: found.index, consumed };
    }
  }
  return null;
}

function distanceSquared(a: RegionRow, b: RegionRow): number | null {
  if (a.lng === null || a.lat === null || b.lng === null || b.lat === null) return null;
  // Scale longitude by cos(latitude) so east-west degrees are not overweighted.
  const dx = (a.lng - b.lng) * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  const dy = a.lat - b.lat;
  return dx * dx + dy * dy;
}

/**
 * The county standing in for a whole prefecture when the text names no county: the district its
 * government sits in where the gazetteer lists it, else the one nearest the prefecture's
 * coordinates, else the first "…区" by code, else the first child.
 */
function prefectureSeat(prefecture: RegionRow, counties: readonly RegionRow[]): RegionRow | null {
  const override = PREFECTURE_SEATS[prefecture.code];
  const overridden = override === undefined ? undefined : counties.find((county) => county.code === override);
  if (overridden !== undefined) return overridden;
  let nearest: RegionRow | null = null;
  let nearestDistance = Number.POSITIVE_INFINITY;
  for (const county of counties) {
    const distance = distanceSquared(prefecture, county);
    if (distance !== null && distance < nearestDistance) {
      nearest = county;
      nearestDistance = distance;
    }
  }
  if (nearest !== null) return nearest;
  return counties.find((county) => county.name.endsWith("区")) ?? counties[0] ?? null;
}

/** The county of the first gazetteer zone or landmark of `scopeCode` found in `text`, if any. */
function landmarkCounty(scopeCode: string, text: string): string | null {
  let best: { index: number; county: string } | null = null;
  for (const [landmark, county] of AREA_LANDMARKS[scopeCode] ?? []) {
    const index = text.indexOf(landmark);
    if (index >= 0 && (best === null || index < best.index)) best = { index, county };
  }
  return best?.county ?? null;
}

function isPlaceholderPrefecture(prefecture: RegionRow): boolean {
  return /^(?:市辖区|县|.*直辖县级行政区划)$/.test(prefecture.name);
}

function byCode(a: RegionRow, b: RegionRow): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/**
 * Builds a resolver from 51job area text ("广东省广州黄埔区", "深圳深圳宝安区宝安", "上海浦东新区")
 * to a county-level code. Order: province at the start of the text (optional), then a
 * prefecture within it (or anywhere when no province is named), then a county of that
 * prefecture in the remaining text, else the prefecture's seat. With a province but no
 * prefecture (e.g. "江苏省昆山", a county-level city), counties of the whole province are
 * searched; municipalities fall back to the seat of their 市辖区 row.
 */
export function createAreaResolver(regions: RegionRow[]): (area: string) => string | null {
  // Codes repeat across levels (东莞 441900 is both a city and a county row), so index per level.
  const provinces = regions.filter((region) => region.level === "province");
  const prefectures = regions.filter((region) => region.level === "city");
  const countiesByParent = new Map<string, RegionRow[]>();
  for (const county of regions.filter((region) => region.level === "county").sort(byCode)) {
    if (county.parentCode === null) continue;
    const siblings = countiesByParent.get(county.parentCode) ?? [];
    siblings.push(county);
    countiesByParent.set(county.parentCode, siblings);
  }
  const prefecturesByProvince = new Map<string, RegionRow[]>();
  for (const prefecture of prefectures) {
    if (prefecture.parentCode === null) continue;
    const siblings = prefecturesByProvince.get(prefecture.parentCode) ?? [];
    siblings.push(prefecture);
    prefecturesByProvince.set(prefecture.parentCode, siblings);
  }

  const provinceAliases = new Map<RegionRow, Alias[]>(
    provinces.map((province) => [
      province,
      [
        { text: province.name, exact: true },
        ...strippedAliases(province.name, PROVINCE_SUFFIXES).map((text) => ({ text, exact: false })),
      ],
    ]),
  );
  // Placeholder prefectures (市辖区, 重庆's "县", 省直辖县级行政区划) are not place names: a
  // 1-character "县" would match any county. Their counties are reached via the province.
  const prefectureAliases = new Map<RegionRow, Alias[]>(
    prefectures.map((prefecture) => [
      prefecture,
      isPlaceholderPrefecture(prefecture) ? [] : [
        { text: prefecture.name, exact: true },
        ...strippedAliases(prefecture.name, PREFECTURE_SUFFIXES).map((text) => ({ text, exact: false })),
      ],
    ]),
  );
  const countyAliasCache = new Map<RegionRow, Alias[]>();
  const countyAliases = (county: RegionRow): Alias[] => {
    const cached = countyAliasCache.get(county);
    if (cached !== undefined) return cached;
    const prefecture = prefectures.find((row) => row.code === county.parentCode);
    const cityNames = prefecture === undefined ? [] : (prefectureAliases.get(prefecture) ?? []).map((a) => a.text);
    const aliases: Alias[] = [{ text: county.name, exact: true }];
    // 长沙县 stripped is "长沙", which is also the city: "长沙长沙海信广场" must not mean 长沙县.
    for (const text of strippedAliases(county.name, COUNTY_SUFFIXES)) {
      if (!cityNames.includes(text)) aliases.push({ text, exact: false });
    }
    // Zones named after their city ("长春净月高新技术产业开发区") lose the city in the remainder
    // once the prefecture has been matched, so their unprefixed names count as full names too.
    const unprefixed = cityNames
      .filter((city) => county.name.startsWith(city) && county.name.length - city.length >= MIN_UNPREFIXED_LENGTH)
      .map((city) => county.name.slice(city.length));
    for (const text of unprefixed) aliases.push({ text, exact: true });
    // "合肥高新技术产业开发区" is written "合肥高新区", or after the city just "高新区".
    for (const [longForm, shortForms] of DEV_ZONE_ABBREVIATIONS) {
      for (const base of [county.name, ...unprefixed]) {
        if (!base.endsWith(longForm)) continue;
        for (const shortForm of shortForms) {
          aliases.push({ text: base.slice(0, -longForm.length) + shortForm, exact: false });
        }
      }
    }
    countyAliasCache.set(county, aliases);
    return aliases;
  };

  const countiesOf = (prefecture: RegionRow): RegionRow[] => countiesByParent.get(prefecture.code) ?? [];

  const aliasesAtStart = (text: string, province: RegionRow): string[] =>
    (provinceAliases.get(province) ?? []).map((alias) => alias.text).filter((alias) => text.startsWith(alias));
  // Longest prefix wins ("内蒙古自治区" over "内蒙古"); a later full name ("上海上海市") must not.
  const provinceAtStart = (text: string): RegionRow | null => {
    let best: RegionRow | null = null;
    let bestLength = 0;
    for (const province of provinces) {
      for (const alias of aliasesAtStart(text, province)) {
        if (alias.length > bestLength) {
          best = province;
          bestLength = alias.length;
        }
      }
    }
    return best;
  };

  return (area: string): string | null => {
    const text = area.replace(/\s+/g, "");
    if (text === "") return null;

    // 1. Province, only at the very start: names inside the text are usually streets or zones.
    const province = provinceAtStart(text);
    const afterProvince =
      province === null ? text : text.slice(Math.min(...aliasesAtStart(text, province).map((alias) => alias.length)));

    // 2. Prefecture, within the province when one is named.
    const candidates = province === null ? prefectures : (prefecturesByProvince.get(province.code) ?? []);
    const prefectureHit = findFirst(afterProvince, candidates, (prefecture) => prefectureAliases.get(prefecture) ?? []);

    if (prefectureHit !== null) {
      const prefecture = prefectureHit.item;
      const rest = afterProvince.slice(prefectureHit.index + prefectureHit.consumed);
      const counties = countiesOf(prefecture);
      const countyHit = findFirst(rest, counties, countyAliases);
      if (countyHit !== null) return countyHit.item.code;
      return landmarkCounty(prefecture.code, rest) ?? prefectureSeat(prefecture, counties)?.code ?? null;
    }
    if (province === null) return null;

    // 3. Province but no prefecture: a zone the gazetteer knows ("河北省雄安新区", which holds 安新县's
    // short name across 雄安|新区), else a county named directly ("江苏省昆山", "上海浦东新区").
    const provinceLandmark = landmarkCounty(province.code, afterProvince);
    if (provinceLandmark !== null) return provinceLandmark;
    const provincePrefectures = prefecturesByProvince.get(province.code) ?? [];
    const provinceCounties = provincePrefectures.flatMap(countiesOf);
    const countyHit = findFirst(afterProvince, provinceCounties, countyAliases);
    if (countyHit !== null) return countyHit.item.code;

    // 4. Municipalities: the 市辖区 row plays the prefecture.
    const municipalDistricts = provincePrefectures.find((prefecture) => prefecture.name === "市辖区");
    if (municipalDistricts === undefined) return null;
    return landmarkCounty(municipalDistricts.code, afterProvince) ?? prefectureSeat(municipalDistricts, countiesOf(municipalDistricts))?.code ?? null;
  };
}
