/**
 * Pure parsing of the 51job postings export (seed/data/postings-51job-2023.csv) into
 * normalized postings: monthly salary in yuan, education enum, county-level region code,
 * skills vs. benefits split out of the tags column, and a composed Chinese description.
 *
 * No I/O here: callers read the files and pass their text in, so everything is unit-testable.
 */
import { parse } from "csv-parse/sync";

export type Education = "NONE" | "JUNIOR_HIGH" | "HIGH_SCHOOL" | "ASSOCIATE" | "BACHELOR" | "MASTER" | "DOCTORATE";

export interface RegionRow {
  code: string;
  level: "province" | "city" | "county";
  name: string;
  parentCode: string | null;
  lng: number | null;
  lat: number | null;
}

export interface SalaryRange {
  min: number;
  max: number;
}

export interface Parsed51jobPosting {
  title: string;
  skills: string[];
  benefits: string[];
  areaText: string;
  regionCode: string;
  salaryMin: number;
  salaryMax: number;
  experienceText: string;
  minEducation: Education;
  companyName: string;
  companyType: string;
  companySize: string;
  issuedAt: Date;
  description: string;
}

export interface Parse51jobResult {
  postings: Parsed51jobPosting[];
  skipped: { row: number; reason: string }[];
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/** U+FFFD: the export has ~40 rows where a multi-byte character was cut and decoded as "�". */
const REPLACEMENT_CHAR = "\uFFFD";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Matcher for a garbled string: each run of n "�" stands for 1..n lost characters
 * (a cut 3-byte UTF-8 character decodes to one or more replacement characters).
 * Returns null when the text is not garbled.
 */
function garbledMatcher(text: string): RegExp | null {
  if (!text.includes(REPLACEMENT_CHAR)) return null;
  const source = text
    .split(/(\uFFFD+)/)
    .map((part) => (part.startsWith(REPLACEMENT_CHAR) ? `[^]{1,${part.length}}` : escapeRegExp(part)))
    .join("");
  return new RegExp(`^${source}$`);
}

/** True when `tag` is `expected`, allowing "�" in `tag` to stand for lost characters. */
function sameModuloGarbling(tag: string, expected: string): boolean {
  if (expected === "") return false;
  if (tag === expected) return true;
  const matcher = garbledMatcher(tag);
  return matcher !== null && matcher.test(expected);
}

/** Repairs a garbled word when exactly one vocabulary entry fits it; otherwise null. */
function repairFromVocabulary(tag: string, vocabulary: readonly string[]): string | null {
  const matcher = garbledMatcher(tag);
  if (matcher === null) return tag;
  const fits = vocabulary.filter((word) => matcher.test(word));
  return fits.length === 1 ? (fits[0] ?? null) : null;
}

// ---------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Salary
// ---------------------------------------------------------------------------

const WORKING_DAYS_PER_MONTH = 21.75;
const HOURS_PER_DAY = 8;

const UNIT_MULTIPLIER: Readonly<Record<string, number>> = { 元: 1, 千: 1_000, k: 1_000, K: 1_000, 万: 10_000 };

/** Converts a per-period amount to per-month. */
const PERIOD_TO_MONTH: Readonly<Record<string, number>> = {
  月: 1,
  年: 1 / 12,
  天: WORKING_DAYS_PER_MONTH,
  日: WORKING_DAYS_PER_MONTH,
  小时: HOURS_PER_DAY * WORKING_DAYS_PER_MONTH,
  时: HOURS_PER_DAY * WORKING_DAYS_PER_MONTH,
};

const SALARY_PATTERN =
  /^(\d+(?:\.\d+)?)(元|千|万|k|K)?(?:[-~至到](\d+(?:\.\d+)?)(元|千|万|k|K)?)?(及以下|以下|及以上|以上)?(?:\/(月|年|天|日|小时|时))?$/;

/**
 * Monthly salary range in yuan from 51job's salary text, e.g. "8千-1.5万·13薪" → 8000..15000.
 * "·N薪" (months paid per year) is ignored: the range is the monthly figure.
 * "N及以下" has no stated floor, so min is 0; "N以上" has no ceiling, so max = min.
 */
export function parseSalary(text: string): SalaryRange | null {
  const compact = text
    .replace(/\s+/g, "")
    .replace(/[·•]\d+(?:-\d+)?薪/g, "")
    .replace(/[－—–]/g, "-");
  const match = SALARY_PATTERN.exec(compact);
  if (match === null) return null;
  const [, lowText, lowUnit, highText, highUnit, bound, period] = match;
  if (lowText === undefined) return null;

  // In "1-1.5万" the unit is written once, after the upper figure, and applies to both.
  const lowMultiplier = UNIT_MULTIPLIER[lowUnit ?? highUnit ?? "元"] ?? 1;
  const highMultiplier = UNIT_MULTIPLIER[highUnit ?? lowUnit ?? "元"] ?? 1;
  const perMonth = PERIOD_TO_MONTH[period ?? "月"] ?? 1;

  const low = Number(lowText) * lowMultiplier * perMonth;
  let min = low;
  let max = highText === undefined ? low : Number(highText) * highMultiplier * perMonth;
  if (bound === "及以下" || bound === "以下") {
    if (highText !== undefined) return null;
    min = 0;
  }
  min = Math.round(min);
  max = Math.round(max);
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= 0 || min > max) return null;
  return { min, max };
}

// ---------------------------------------------------------------------------
// Degree
// ---------------------------------------------------------------------------

/** Highest first; parseDegree keeps the last (lowest) hit, so "硕士/博士" is MASTER. */
const DEGREE_KEYWORDS: readonly [RegExp, Education][] = [
  [/博士/, "DOCTORATE"],
  [/硕士|研究生|MBA/i, "MASTER"],
  [/本科|学士/, "BACHELOR"],
  [/大专|专科|高职/, "ASSOCIATE"],
  [/高中|中专|中技|职高|技校|中职/, "HIGH_SCHOOL"],
  [/初中/, "JUNIOR_HIGH"],
];

/**
 * 51job's degree label → minimum education. "硕士/博士"-style alternatives mean the lower
 * of the two is accepted, so the scan picks the lowest level mentioned.
 */
export function parseDegree(text: string): Education {
  const trimmed = text.trim();
  if (trimmed === "" || /无学历|不限/.test(trimmed)) return "NONE";
  let found: Education = "NONE";
  for (const [pattern, education] of DEGREE_KEYWORDS) {
    if (pattern.test(trimmed)) found = education; // later entries are lower levels
  }
  return found;
}

// ---------------------------------------------------------------------------
// Area → county code
// ---------------------------------------------------------------------------

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

/**
 * Seats the heuristic gets wrong. 重庆's 市辖区 has no coordinates and its first "…区" by code
 * is 万州区, ~250 km from the city centre; the municipal government sits in 渝中区.
 */
const SEAT_OVERRIDES: Readonly<Record<string, string>> = { "500100": "500103" };

function distanceSquared(a: RegionRow, b: RegionRow): number | null {
  if (a.lng === null || a.lat === null || b.lng === null || b.lat === null) return null;
  // Scale longitude by cos(latitude) so east-west degrees are not overweighted.
  const dx = (a.lng - b.lng) * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  const dy = a.lat - b.lat;
  return dx * dx + dy * dy;
}

/**
 * The county standing in for a whole prefecture when the text names no county: the one
 * nearest the prefecture's coordinates (its seat, in practice), else the first "…区" by code,
 * else the first child.
 */
function prefectureSeat(prefecture: RegionRow, counties: readonly RegionRow[]): RegionRow | null {
  const override = SEAT_OVERRIDES[prefecture.code];
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
      return (countyHit?.item ?? prefectureSeat(prefecture, counties))?.code ?? null;
    }
    if (province === null) return null;

    // 3. Province but no prefecture: a county named directly ("江苏省昆山", "上海浦东新区").
    const provincePrefectures = prefecturesByProvince.get(province.code) ?? [];
    const provinceCounties = provincePrefectures.flatMap(countiesOf);
    const countyHit = findFirst(afterProvince, provinceCounties, countyAliases);
    if (countyHit !== null) return countyHit.item.code;

    // 4. Municipalities: the 市辖区 row plays the prefecture.
    const municipalDistricts = provincePrefectures.find((prefecture) => prefecture.name === "市辖区");
    if (municipalDistricts === undefined) return null;
    return prefectureSeat(municipalDistricts, countiesOf(municipalDistricts))?.code ?? null;
  };
}

// ---------------------------------------------------------------------------
// Tags → skills / benefits
// ---------------------------------------------------------------------------

/** Welfare words seen in the export's tags (everything not listed here is treated as a skill). */
const BENEFIT_WORDS: readonly string[] = [
  // The common 51job checklist.
  "五险一金", "员工旅游", "交通补贴", "餐饮补贴", "绩效奖金", "年终奖金", "专业培训", "定期体检", "免费班车",
  "通讯补贴", "周末双休", "带薪年假", "节日福利", "弹性工作", "住房补贴", "股票期权", "出国机会", "全勤奖",
  "包吃", "包住", "加班补助", "补充医疗保险", "餐补", "房补", "双休",
  // Insurance and funds.
  "五险", "六险", "六险一金", "七险一金", "八险一金", "五险二金", "五险两金", "六险二金", "六险两金", "七险二金",
  "七险两金", "五险三金", "全额五险一金", "补充公积金", "全额公积金", "公积金", "企业年金", "社会保险", "商业保险",
  "补充商业保险", "商业医疗保险", "补充医疗险", "补充保险", "意外险", "补充意外险", "意外保险", "医疗保险",
  "养老保险", "重疾险意外险", "雇主责任险", "员工团体险",
  // Pay extras.
  "年终奖", "项目奖金", "季度奖金", "优秀员工奖", "全勤奖金", "工龄奖", "加班工资", "加班费", "加班补贴",
  "高温补贴", "取暖补贴", "采暖补贴", "采暖补助", "出差补贴", "差旅补贴", "租房补贴", "住宿补贴", "餐费补贴",
  "午餐补助", "午餐补贴", "交通补助", "电脑补贴", "健身补贴", "学历补贴", "证书补贴", "落户补贴", "专利奖金",
  "股权奖金", "公司分红", "年底分红", "月绩效奖金",
  // Food and housing.
  "包住宿", "包吃住", "包吃包住", "包食宿", "包三餐", "提供食宿", "提供住宿", "提供宿舍", "免费宿舍", "员工宿舍",
  "免费住宿", "宿舍", "工作餐", "免费工作餐", "免费午餐", "免费三餐", "免费早午餐", "员工餐厅", "下午茶",
  "零食下午茶", "水果零食", "膳食福利", "提供午餐",
  // Time off and schedule.
  "做五休二", "每周双休", "大小周休息", "法定节假日", "法定假日", "带薪病假", "带薪休假", "带薪假期", "带薪寒暑假",
  "寒暑假", "年假", "带薪年休", "超长年假", "弹性工作时间", "不加班", "单休",
  // Other perks.
  "节假日福利", "生日福利", "节日礼物", "节日礼品", "节日礼金", "生日礼金", "生日礼物", "生日会", "过节福利",
  "年节福利", "过节费", "工会福利", "定期团建", "团建活动", "团建", "公司团建", "团队聚餐", "年度旅游", "年度体检",
  "员工体检", "健康体检", "岗位晋升", "晋升空间大", "晋升空间", "晋升机会", "婚礼礼金", "带薪培训", "技能培训",
  "入职培训", "员工培训", "拓展培训", "免费健身", "健身瑜伽", "员工食堂", "免费食堂", "免费停车", "活动经费", "通讯津贴",
  "社保", "工龄工资", "实习证明", "生日礼品", "补充养老保险", "节假日礼物", "提供工作餐", "节日礼包", "房补餐补",
  // More time off and schedule.
  "高温假", "产假", "春节假期", "超长春节假期", "年休", "节假日", "午休2小时", "大小周", "早九晚六", "朝九晚六",
  "早九晚五", "朝九晚五",
  // Workplace selling points, which 51job files under welfare too.
  "地铁周边", "氛围好", "工作氛围好", "团队活动", "团队氛围好", "大牛带队", "扁平管理", "发展空间大", "领导好",
  "互联网百强",
];
const BENEFIT_SET: ReadonlySet<string> = new Set(BENEFIT_WORDS);

/** Endings that only ever name welfare in this export ("年底双薪", "14薪", "高温补助", "六险二金"). */
const BENEFIT_PATTERNS: readonly RegExp[] = [
  /薪$/, /补贴$/, /补助$/, /津贴$/, /福利$/, /奖金$/, /礼金$/, /险[一二两三]金$/, /体检$/, /团建/, /旅游$/, /聚餐$/,
  /双休/, /年假$/, /休假$/, /病假$/, /宿舍$/, /食宿$/, /[早午晚]餐$/, /下午茶$/,
];

const EXPERIENCE_TAG = /^(?:\d+(?:-\d+)?年(?:及以上|以上)?|无需经验|经验不限|在校生\/应届生|应届生|在校生)$/;
const DEGREE_TAGS: ReadonlySet<string> = new Set([
  "初中及以下", "高中", "中技/中专", "中专", "中技", "大专", "本科", "硕士", "博士", "无学历要求",
]);

function isBenefit(tag: string): boolean {
  return BENEFIT_SET.has(tag) || BENEFIT_PATTERNS.some((pattern) => pattern.test(tag));
}

/**
 * Splits the tags column. Its first entries repeat experience and degree (sometimes garbled,
 * e.g. "3-4�"), so leading entries matching either are dropped. Garbled tags are repaired
 * when one benefit word fits, else dropped: a half-word is useless as a skill. Deduplication
 * ignores letter case ("python" vs "Python"), keeping the first spelling.
 */
function splitTags(tagsText: string, experienceText: string, degreeText: string): { skills: string[]; benefits: string[] } {
  const tags = tagsText
    .split(/[,，]/)
    .map((tag) => tag.trim().replace(/[，、。；;]+$/, ""))
    .filter((tag) => tag !== "");

  let start = 0;
  while (start < tags.length) {
    const tag = tags[start] ?? "";
    const leading =
      sameModuloGarbling(tag, experienceText) ||
      sameModuloGarbling(tag, degreeText) ||
      EXPERIENCE_TAG.test(tag) ||
      DEGREE_TAGS.has(tag);
    if (!leading) break;
    start += 1;
  }

  const skills: string[] = [];
  const benefits: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags.slice(start)) {
    const tag = repairFromVocabulary(raw, BENEFIT_WORDS);
    if (tag === null) continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    (isBenefit(tag) ? benefits : skills).push(tag);
  }
  return { skills, benefits };
}

// ---------------------------------------------------------------------------
// Rows → postings
// ---------------------------------------------------------------------------

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const ISSUE_DATE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2023-12-12 09:22:00" in Beijing time (UTC+8, no DST) → Date; null if malformed. */
function parseIssueDate(text: string): Date | null {
  const match = ISSUE_DATE.exec(text.trim());
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? "0"));
  if (year === undefined || month === undefined || day === undefined) return null;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC silently rolls "02-30" over into March; reject instead of inventing a date.
  const valid =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  return valid ? new Date(local.getTime() - BEIJING_OFFSET_MS) : null;
}

function composeDescription(posting: {
  companyName: string;
  title: string;
  degreeText: string;
  experienceText: string;
  skills: readonly string[];
  benefits: readonly string[];
}): string {
  const sentences = [`${posting.companyName}招聘${posting.title}。`];
  const requirements = [
    posting.degreeText === "" ? null : `学历要求：${posting.degreeText}`,
    posting.experienceText === "" ? null : `经验：${posting.experienceText}`,
  ].filter((part): part is string => part !== null);
  if (requirements.length > 0) sentences.push(`${requirements.join("；")}。`);
  if (posting.skills.length > 0) sentences.push(`技能：${posting.skills.join("、")}。`);
  if (posting.benefits.length > 0) sentences.push(`福利：${posting.benefits.join("、")}。`);
  return sentences.join("");
}

/** Company types as 51job spells them; used only to repair garbled values such as "��营". */
const COMPANY_TYPES: readonly string[] = [
  "民营", "国企", "已上市", "合资", "外资（欧美）", "外资（非欧美）", "事业单位", "创业公司", "非营利组织", "政府机关",
];

/**
 * Parses the whole export. Bad rows never throw: they land in `skipped` with their 1-based
 * data row number (header excluded) and a reason of the form "<field>: <problem>".
 */
export function parse51jobCsv(text: string, regions: RegionRow[]): Parse51jobResult {
  const records = parse(text, {
    columns: true,
    skip_empty_lines: true,
    bom: true,
    // Tolerate short/long rows and stray quotes: a bad row is reported, not fatal for the file.
    relax_column_count: true,
    relax_quotes: true,
  }) as Record<string, string | undefined>[];
  const resolveArea = createAreaResolver(regions);

  const postings: Parsed51jobPosting[] = [];
  const skipped: { row: number; reason: string }[] = [];
  records.forEach((record, index) => {
    const row = index + 1;
    const field = (name: string): string => (record[name] ?? "").trim();

    const title = field("jobName");
    if (title === "") {
      skipped.push({ row, reason: "title: empty" });
      return;
    }
    const salaryText = field("salary");
    const salary = parseSalary(salaryText);
    if (salary === null) {
      const reason = salaryText === "" ? "salary: empty" : `salary: unparseable ${JSON.stringify(salaryText)}`;
      skipped.push({ row, reason });
      return;
    }
    const areaText = field("area");
    const regionCode = resolveArea(areaText);
    if (regionCode === null) {
      skipped.push({ row, reason: areaText === "" ? "area: empty" : `area: unresolved ${JSON.stringify(areaText)}` });
      return;
    }
    const issuedAt = parseIssueDate(field("issueDate"));
    if (issuedAt === null) {
      skipped.push({ row, reason: `issueDate: invalid ${JSON.stringify(field("issueDate"))}` });
      return;
    }

    const experienceText = field("workYear");
    const degreeText = field("degree");
    const { skills, benefits } = splitTags(field("tags"), experienceText, degreeText);
    const companyName = field("companyName");
    const companyTypeRaw = field("companyType");
    const companyType = repairFromVocabulary(companyTypeRaw, COMPANY_TYPES) ?? companyTypeRaw;

    postings.push({
      title,
      skills,
      benefits,
      areaText,
      regionCode,
      salaryMin: salary.min,
      salaryMax: salary.max,
      experienceText,
      minEducation: parseDegree(degreeText),
      companyName,
      companyType,
      companySize: field("companySize"),
      issuedAt,
      description: composeDescription({ companyName, title, degreeText, experienceText, skills, benefits }),
    });
  });
  return { postings, skipped };
}
