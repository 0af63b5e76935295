import type { MatchProfile } from "../../src/modules/matching/recommend.service.js";
import { countiesWithin } from "../../src/modules/matching/match-constraints.js";
import { distanceKm } from "../../src/modules/matching/match-score.js";
import { educationLevel, type PostingKind } from "../../src/modules/postings/posting.table.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import type { RegionPlace } from "../../src/modules/regions/region-directory.js";
import { seededRandom } from "../../seed/random.js";
import { FAMILIES, familyByKey, type JobFamily, type Truth } from "./matching-families.js";

/**
 * The labelled set as plain data, deterministic from the seed (the same set in both runs; the
 * rubric of each case family is in matching-eval.ts). The general family draws from the seed's own
 * stream exactly as before the case families existed; each case family draws from its own stream.
 */
export const CASE_FAMILIES = ["general", "narrow-intention", "stay-at-home", "poverty-graduate-market", "poverty-graduate-fallback", "near-duplicates", "boosted-weaker"] as const;
export type CaseFamily = (typeof CASE_FAMILIES)[number];

export interface EmployerSpec {
  regionCode: string;
  name: string;
  workshop: boolean;
}

export interface PostingSpec {
  employer: number;
  title: string;
  description: string;
  occupation: string | null;
  skills: string[];
  majors: string[];
  minEducation: Education;
  regionCode: string;
  salaryMax: number;
  headcount: number;
  kind: PostingKind;
  forKeyGroups: boolean;
  daysAgo: number;
  /** The job family (null: a public-welfare post, which is no family's). */
  family: string | null;
  /** Planted for one person of a case family: what it is there for (the report shows it). */
  role?: "obvious" | "tempting" | "copy" | "boosted";
}

export interface CasePerson {
  caseFamily: CaseFamily;
  person: PersonRow;
  truth: Truth;
  /** What the harness gives `MatchReads.profiles` for them (generated people are not in the ledger). */
  profile: MatchProfile;
  /** Indexes (into `postings`) of the person's planted obvious fit(s) and planted copies. */
  obvious: number[];
  copies: number[];
  /** For the report: the words, wage and places as they said them. */
  words: string;
}

export interface LabelledSet {
  employers: EmployerSpec[];
  postings: PostingSpec[];
  people: CasePerson[];
}

export interface SetOptions {
  seed: number;
  postingsPerFamily: number;
  /** People in the general family. */
  people: number;
  /** People in each other case family. */
  casePeople: number;
}

type Education = (typeof educationLevel.enumValues)[number];
const EDU = educationLevel.enumValues;
const round100 = (n: number) => Math.round(n / 100) * 100;
const NO_PROFILE: MatchProfile = { populations: new Set(), minimum: 0 };

function prng(seed: number) {
  const random = seededRandom(seed);
  return { ...random, some: <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => random.next() - 0.5).slice(0, n) };
}
type Random = ReturnType<typeof prng>;

/** Where things are: Fujian's counties (the big cities weighted, as postings are), and distances. */
export class Geography {
  readonly fujian: string[];
  readonly weighted: string[];
  constructor(readonly places: ReadonlyMap<string, RegionPlace>) {
    this.fujian = this.counties("35");
    this.weighted = this.fujian.flatMap((c) => (c.startsWith("3501") || c.startsWith("3502") || c.startsWith("3505") ? [c, c, c] : [c]));
  }
  /** County codes (not the prefecture's own code) under a prefix, sorted. */
  counties(prefix: string): string[] {
    return [...this.places.keys()].filter((c) => c.startsWith(prefix) && !c.endsWith("00")).sort();
  }
  km(a: string, b: string): number {
    const [p, q] = [this.places.get(a)!, this.places.get(b)!];
    return distanceKm([p.lng!, p.lat!], [q.lng!, q.lat!]);
  }
  /** The other counties of a county's prefecture between `min` and `max` km away. */
  siblingsBetween(county: string, min: number, max: number): string[] {
    return this.counties(county.slice(0, 4)).filter((c) => c !== county && this.km(county, c) >= min && this.km(county, c) <= max);
  }
}

/** A generated person: the fields matching reads, the rest of the row left out (they are not in the ledger). */
function personRow(n: number, fields: Partial<PersonRow>): PersonRow {
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`,
    originRegionCode: fields.householdRegionCode,
    major: null,
    intentionKeywords: [],
    intentionRegionCodes: [],
    intentionMinSalary: null,
    skills: [],
    willingToRelocate: false,
    openToLabourCooperation: false,
    registeredPoverty: false,
    ...fields,
  } as unknown as PersonRow;
}

/**
 * The rubric's count of a person's market fits (THE fallback rule's, `marketFitIds` in
 * matching-scoring.ts) at build time, among what the run indexed before the set (the demo's) and the
 * set's postings handed to it: the fallback family is planted where its people stay below their minimum.
 */
export interface FitCounter {
  /** Count these of the set's postings too (by their index in `set.postings`). */
  add(postings: readonly (readonly [number, PostingSpec])[]): Promise<void>;
  /** Stop counting them (a county not taken). */
  remove(indexes: readonly number[]): Promise<void>;
  /** The person's market fits, counted up to `enough`. */
  count(person: PersonRow, profile: MatchProfile, enough: number): Promise<number>;
}

/** No count (a set built without an index, as the unit tests do): every person's first county is taken. */
export const NO_FIT_COUNT: FitCounter = { add: async () => {}, remove: async () => {}, count: async () => 0 };

/**
 * Builds the labelled set: the general family, then each case family of `casePeople` people — the
 * fallback family's last, when every other posting is planted, so that its count of market fits sees them.
 */
export async function buildLabelledSet(options: SetOptions, geo: Geography, commuteKm: number, fits: FitCounter = NO_FIT_COUNT): Promise<LabelledSet> {
  const set: LabelledSet = { employers: [], postings: [], people: [] };
  generalFamily(set, options, geo);
  const builders: [CaseFamily, CaseBuilder | null][] = [
    ["narrow-intention", narrowIntention],
    ["stay-at-home", stayAtHome],
    ["poverty-graduate-market", povertyGraduateWithMarket],
    ["poverty-graduate-fallback", null],
    ["near-duplicates", nearDuplicates],
    ["boosted-weaker", boostedWeaker],
  ];
  // Each case family draws from its own stream (its place in this list), whenever it is built.
  const streamOf = (f: number) => prng(options.seed * 100 + f + 1);
  builders.forEach(([caseFamily, build], f) => {
    const random = streamOf(f);
    if (build) for (let i = 0; i < options.casePeople; i++) build(new Planter(set, caseFamily, random, geo, commuteKm), i);
  });
  const f = builders.findIndex(([caseFamily]) => caseFamily === "poverty-graduate-fallback");
  await fits.add(set.postings.map((spec, i) => [i, spec] as const));
  const fallback = new FallbackPlanter(set, streamOf(f), geo, commuteKm, fits);
  for (let i = 0; i < options.casePeople; i++) await fallback.plant(i);
  return set;
}

/** The general family: 12 job families' postings across Fujian and people drawn from them (the draw of the first version of this harness). */
function generalFamily(set: LabelledSet, options: SetOptions, geo: Geography) {
  const random = prng(options.seed);
  const employers = new Map<string, number>();
  for (const family of FAMILIES) {
    for (let i = 0; i < options.postingsPerFamily; i++) {
      const regionCode = random.pick(geo.weighted);
      const key = `${family.key}:${regionCode}:${i % 3}`;
      if (!employers.has(key)) employers.set(key, set.employers.push({ regionCode, name: `${family.key}样本单位${employers.size + 1}`, workshop: random.chance(0.05) }) - 1);
      const spread = 0.7 + random.next() * 0.6;
      const salaryMax = round100(family.salary[1] * spread);
      const title = random.pick(family.titles);
      const skills = random.some(family.skills, random.int(1, 3));
      const majors = family.majors.length > 0 && random.chance(0.6) ? random.some(family.majors, 1) : [];
      const minEducation = random.chance(0.7) ? family.education : EDU[Math.max(0, EDU.indexOf(family.education) - 1)]!;
      const headcount = random.int(1, 12);
      const forKeyGroups = random.chance(0.1);
      const daysAgo = random.int(0, 60);
      set.postings.push({ employer: employers.get(key)!, title, description: `${title}，要求${skills.join("、")}。`, occupation: family.key, skills, majors, minEducation, regionCode, salaryMax, headcount, kind: family.kind ?? "REGULAR", forKeyGroups, daysAgo, family: family.key });
    }
  }
  for (let n = 0; n < options.people; n++) {
    // One in five states no intention and no skills, only a major (so they come from families with majors).
    const noWords = random.chance(0.2);
    const family = random.pick(noWords ? FAMILIES.filter((f) => f.majors.length > 0) : FAMILIES);
    const home = random.pick(geo.weighted);
    const major = family.majors.length > 0 && (noWords || random.chance(0.7)) ? random.pick(family.majors) : null;
    const wants = random.chance(0.5) ? round100(family.salary[0] + random.next() * (family.salary[1] - family.salary[0])) : null;
    const degreeLevel = EDU[Math.min(EDU.length - 1, EDU.indexOf(family.education) + random.int(0, 1))]!;
    const intentionKeywords = noWords ? [] : random.some(family.seekerWords, random.int(1, 2));
    const skills = noWords ? [] : random.some(family.skills, random.int(0, 2));
    const person = personRow(n, { householdRegionCode: home, degreeLevel, major, intentionKeywords, intentionMinSalary: wants, skills, willingToRelocate: random.chance(0.3), registeredPoverty: random.chance(0.1) });
    set.people.push({ caseFamily: "general", person, truth: { family: family.key, near: [home.slice(0, 4)], wants }, profile: NO_PROFILE, obvious: [], copies: [], words: wordsOf(person) });
  }
}

export const wordsOf = (p: PersonRow) => [...p.intentionKeywords, ...(p.major ? [p.major] : []), ...p.skills].join(" ");

type CaseBuilder = (p: Planter, i: number) => void;

/** Draws one case person and plants their postings into the set. */
class Planter {
  constructor(
    readonly set: LabelledSet,
    readonly caseFamily: CaseFamily,
    readonly random: Random,
    readonly geo: Geography,
    readonly commuteKm: number,
  ) {}

  employer(regionCode: string, workshop = false): number {
    const place = this.geo.places.get(regionCode)?.name ?? regionCode;
    return this.set.employers.push({ regionCode, name: workshop ? `${place}扶贫车间${this.set.employers.length}` : `${place}样本单位${this.set.employers.length}`, workshop }) - 1;
  }

  /** A posting of a job family (its words, its education) with the overrides the case needs; returns its index. */
  posting(family: JobFamily, o: Partial<PostingSpec> & Pick<PostingSpec, "regionCode" | "salaryMax">): number {
    const title = o.title ?? this.random.pick(family.titles);
    const skills = this.random.some(family.skills, 2);
    return (
      this.set.postings.push({
        employer: o.employer ?? this.employer(o.regionCode),
        title,
        description: `${title}，要求${skills.join("、")}。`,
        occupation: family.key,
        skills,
        majors: family.majors.length > 0 ? this.random.some(family.majors, 1) : [],
        minEducation: family.education,
        headcount: 3,
        kind: family.kind ?? "REGULAR",
        forKeyGroups: false,
        daysAgo: 10,
        family: family.key,
        ...o,
      }) - 1
    );
  }

  /** A public-welfare post (托底安置): no family's, no education asked, a small wage. */
  publicWelfare(regionCode: string, title: string, role: PostingSpec["role"], skills = ["保洁"]): number {
    return this.set.postings.push({ employer: this.employer(regionCode), title, description: `${title}，公益性岗位，托底安置。`, occupation: "公益性岗位", skills, majors: [], minEducation: "NONE", regionCode, salaryMax: 2000 + this.random.int(0, 4) * 100, headcount: 10, kind: "PUBLIC_WELFARE", forKeyGroups: true, daysAgo: 2, family: null, role }) - 1;
  }

  /** Words, degree and wage of a person of a job family, as the general family draws them. */
  seeker(family: JobFamily, o: { words?: boolean; wants?: number; minDegree?: Education } = {}) {
    const words = o.words ?? true;
    const floor = Math.max(EDU.indexOf(family.education), EDU.indexOf(o.minDegree ?? "NONE"));
    return {
      degreeLevel: EDU[Math.min(EDU.length - 1, floor + this.random.int(0, 1))]!,
      intentionKeywords: words ? this.random.some(family.seekerWords, this.random.int(1, 2)) : [],
      skills: words ? this.random.some(family.skills, this.random.int(0, 2)) : [],
      major: family.majors.length > 0 && (!words || this.random.chance(0.6)) ? this.random.pick(family.majors) : null,
      intentionMinSalary: o.wants ?? (this.random.chance(0.5) ? round100(family.salary[0] + this.random.next() * (family.salary[1] - family.salary[0])) : null),
    };
  }

  add(fields: Partial<PersonRow>, truth: Omit<Truth, "wants">, family: JobFamily, profile: MatchProfile, obvious: number[], copies: number[] = []) {
    const person = personRow(1_000_000 + this.set.people.length, fields);
    this.set.people.push({ caseFamily: this.caseFamily, person, truth: { ...truth, family: family.key, wants: person.intentionMinSalary }, profile, obvious, copies, words: wordsOf(person) });
  }

  /** A wage that pays what the person asks (or the family's usual top when they ask nothing). */
  paying(family: JobFamily, wants: number | null | undefined, by = 1.1) {
    return round100((wants ?? family.salary[1]) * by);
  }
}

const WUHAN = "4201";
const XIAMEN = "350200";

/** Intention narrower than the household prefecture: household in Wuhan or another Fujian prefecture, intention Xiamen, will not move. */
const narrowIntention: CaseBuilder = (p, i) => {
  const family = p.random.pick(FAMILIES);
  const homes = i % 2 === 0 ? p.geo.counties(WUHAN) : p.geo.fujian.filter((c) => !c.startsWith("3502") && p.geo.counties(c.slice(0, 4)).length > 1);
  const home = p.random.pick(homes);
  const seeker = p.seeker(family);
  const obvious = p.posting(family, { regionCode: p.random.pick(p.geo.counties("3502")), salaryMax: p.paying(family, seeker.intentionMinSalary), role: "obvious" });
  // Tempting: their family, well paid, fresh, in their household prefecture (not their own county, which stays acceptable).
  for (const county of p.random.some(p.geo.counties(home.slice(0, 4)).filter((c) => c !== home), 3))
    p.posting(family, { regionCode: county, salaryMax: round100(family.salary[1] * 1.4), headcount: 20, daysAgo: 0, forKeyGroups: true, role: "tempting" });
  p.add({ householdRegionCode: home, ...seeker, intentionRegionCodes: [XIAMEN] }, { family: family.key, near: ["3502", home] }, family, NO_PROFILE, [obvious]);
};

const LOCAL_TRADES = ["生产", "餐饮", "驾驶"].map(familyByKey);

/** A stay-at-home labourer: 45, junior high school, will not move, states no place; tempted by their family 50–100 km away in their prefecture. */
const stayAtHome: CaseBuilder = (p) => {
  const family = p.random.pick(LOCAL_TRADES);
  const home = p.random.pick(p.geo.weighted.filter((c) => p.geo.siblingsBetween(c, 50, 100).length > 0));
  const wants = p.random.chance(0.5) ? round100(family.salary[0] + p.random.next() * (family.salary[1] - family.salary[0]) * 0.5) : null;
  const seeker = { ...p.seeker(family, { wants: wants ?? undefined }), intentionMinSalary: wants, degreeLevel: "JUNIOR_HIGH" as const, major: null };
  const obvious = p.posting(family, { regionCode: home, salaryMax: p.paying(family, wants, 1.05), minEducation: "NONE", role: "obvious" });
  for (const county of p.random.some(p.geo.siblingsBetween(home, 50, 100), 3))
    p.posting(family, { regionCode: county, salaryMax: round100(family.salary[1] * 1.3), minEducation: "NONE", headcount: 30, daysAgo: 0, role: "tempting" });
  const birthDate = "1981-06-01";
  p.add(
    { householdRegionCode: home, ...seeker, birthDate, registeredPoverty: true },
    { family: family.key, near: countiesWithin(p.geo.places, home, p.commuteKm) },
    family,
    { populations: new Set(["POVERTY_LABOURER"]), minimum: 1 },
    [obvious],
  );
};

const GRADUATE_FAMILIES = FAMILIES.filter((f) => f.majors.length > 0);
const KEY_GROUP_GRADUATE = { populations: new Set(["KEY_GROUP_GRADUATE"]), minimum: 3 };

/** A poverty-household graduate with market fits: the obvious one in their county; tempting: public-welfare posts there, one in their own trade's words. */
const povertyGraduateWithMarket: CaseBuilder = (p) => {
  const family = p.random.pick(GRADUATE_FAMILIES);
  const home = p.random.pick(p.geo.weighted);
  const seeker = p.seeker(family, { words: p.random.chance(0.7), minDegree: "ASSOCIATE" });
  const obvious = p.posting(family, { regionCode: home, salaryMax: p.paying(family, seeker.intentionMinSalary), role: "obvious" });
  p.publicWelfare(home, `${family.seekerWords[0]}协管员（公益性岗位）`, "tempting", family.skills.slice(0, 2));
  p.publicWelfare(home, "保洁员（公益性岗位）", "tempting");
  p.add({ householdRegionCode: home, ...seeker, willingToRelocate: p.random.chance(0.3), registeredPoverty: true }, { family: family.key, near: [home.slice(0, 4)] }, family, KEY_GROUP_GRADUATE, [obvious]);
};

/** Fujian's hill prefectures (三明, 南平, 龙岩, 宁德), where the fallback family lives. */
const HILL_PREFECTURES = ["3504", "3507", "3508", "3509"];
const WELFARE_TITLES = ["护林员", "保洁员（公益性岗位）", "村级就业信息员（公益性岗位）", "道路养护员（公益性岗位）"];

/**
 * A poverty-household graduate without enough market fits: home a county of Fujian's hill prefectures,
 * wants to work there (states it, a Fujian code) and will not move; 0–2 market fits there planted (their
 * family, holding one of their words), the obvious fit a public-welfare post there, as the fallback.
 * Tempting: a public-welfare post and a well-paid posting of their family in the next county.
 *
 * The county is the first (the 县 first, then the prefectures' cities and districts, starting at a
 * different one per person) where, by the rubric's count at build time (`FitCounter`), every fallback
 * person living there or in the next county stays below their minimum of 3 — the set's other
 * postings and the demo's may already fit them there. Everything but the county is drawn once per
 * person, so a person differs between runs at most in where they live.
 */
class FallbackPlanter {
  private readonly homes: string[];
  /** How many of `homes` are 县 (the first ones). */
  private readonly counties: number;
  /** The fallback people planted so far, by home. */
  private readonly placed = new Map<string, PersonRow[]>();
  constructor(
    readonly set: LabelledSet,
    readonly random: Random,
    readonly geo: Geography,
    readonly commuteKm: number,
    readonly fits: FitCounter,
  ) {
    const hill = HILL_PREFECTURES.flatMap((p) => geo.counties(p));
    const isCounty = (c: string) => geo.places.get(c)?.name.endsWith("县") ?? false;
    this.homes = [...hill.filter(isCounty), ...hill.filter((c) => !isCounty(c))];
    this.counties = hill.filter(isCounty).length;
  }

  async plant(i: number): Promise<void> {
    const seed = this.random.int(1, 2 ** 30);
    const n = this.counties;
    const order = [...this.homes.slice(0, n).map((_, k) => this.homes[(i + k) % n]!), ...this.homes.slice(n)];
    // Their words as drawn; where those fit three postings in every county (the demo's many 销售 or 程序员
    // postings), one of their words alone, as a seeker who typed less.
    const words = this.draw(seed, this.homes[0]!, 0, null, false).words;
    for (const only of [null, ...words.keys()]) for (const home of order) if (await this.tryHome(i, seed, home, only)) return;
    throw new Error(`labelled set: no county of the hill prefectures leaves poverty-graduate-fallback person ${i} below their minimum`);
  }

  /**
   * Plants person `i` (drawn from `seed`) in `home` with as many of their planted market fits (0–2)
   * as keep everyone living there below the minimum; false when even none does.
   */
  private async tryHome(i: number, seed: number, home: string, only: number | null): Promise<boolean> {
    const { minimum } = KEY_GROUP_GRADUATE;
    const draw = this.draw(seed, home, 0, only, false);
    // Market fits there already: the set's other postings and the demo's.
    const there = await this.fits.count(draw.person, KEY_GROUP_GRADUATE, minimum);
    for (let market = Math.min(i % 3, minimum - 1 - there); market >= 0; market--) {
      const [postingsBefore, employersBefore] = [this.set.postings.length, this.set.employers.length];
      const { person, truth, obvious } = this.draw(seed, home, market, only, true);
      const planted = this.set.postings.slice(postingsBefore).map((spec, k) => [postingsBefore + k, spec] as const);
      await this.fits.add(planted);
      const neighbours = this.placed.get(home) ?? [];
      const counts = await Promise.all([person, ...neighbours].map((q) => this.fits.count(q, KEY_GROUP_GRADUATE, minimum)));
      if (counts.every((n) => n < minimum)) {
        this.placed.set(home, [...neighbours, person]);
        this.set.people.push({ caseFamily: "poverty-graduate-fallback", person, truth, profile: KEY_GROUP_GRADUATE, obvious: [obvious], copies: [], words: wordsOf(person) });
        return true;
      }
      await this.fits.remove(planted.map(([index]) => index));
      this.set.postings.length = postingsBefore;
      this.set.employers.length = employersBefore;
    }
    return false;
  }

  /**
   * The person drawn from `seed`, living in `home` (with only their `only`-th word when not null), and,
   * when `plant`, their postings planted into the set (`market` of their family there).
   */
  private draw(seed: number, home: string, market: number, only: number | null, plant: boolean) {
    const p = new Planter(plant ? this.set : { employers: [], postings: [], people: [] }, "poverty-graduate-fallback", prng(seed), this.geo, this.commuteKm);
    const family = p.random.pick(GRADUATE_FAMILIES);
    const drawn = p.seeker(family, { words: p.random.chance(0.7), minDegree: "ASSOCIATE" });
    const words: (readonly ["intentionKeywords" | "major" | "skills", string])[] = [...drawn.intentionKeywords.map((w) => ["intentionKeywords", w] as const), ...(drawn.major ? [["major", drawn.major] as const] : []), ...drawn.skills.map((w) => ["skills", w] as const)];
    const kept = only === null ? null : words[only]!;
    const seeker = kept ? { ...drawn, intentionKeywords: kept[0] === "intentionKeywords" ? [kept[1]] : [], major: kept[0] === "major" ? kept[1] : null, skills: kept[0] === "skills" ? [kept[1]] : [] } : drawn;
    const person = personRow(1_000_000 + this.set.people.length, { householdRegionCode: home, ...seeker, intentionRegionCodes: [home], willingToRelocate: false, registeredPoverty: true });
    const truth: Truth = { family: family.key, near: [home], wants: person.intentionMinSalary };
    const obvious = p.publicWelfare(home, p.random.pick(WELFARE_TITLES), "obvious");
    // A market fit: their family, naming one of their words.
    const word = wordsOf(person).split(" ")[0]!;
    for (let k = 0; k < market; k++) {
      const title = p.random.pick(family.titles);
      p.posting(family, { title, description: `${title}（${word}），要求${family.skills.slice(0, 2).join("、")}。`, regionCode: home, salaryMax: p.paying(family, seeker.intentionMinSalary) });
    }
    // Tempting, outside their places: the nearest county beyond the hill prefectures (no fallback person lives there).
    const next = this.geo.fujian.filter((c) => !HILL_PREFECTURES.includes(c.slice(0, 4))).sort((x, y) => this.geo.km(home, x) - this.geo.km(home, y))[0]!;
    p.publicWelfare(next, p.random.pick(WELFARE_TITLES), "tempting");
    p.posting(family, { regionCode: next, salaryMax: round100(family.salary[1] * 1.3), daysAgo: 0, role: "tempting" });
    return { person, truth, obvious, words };
  }
}

/**
 * Near-duplicates: six copies of one posting (title B), slightly better paid, beside a distinct real
 * fit (title A) in the person's county. Even people: the copies are six employers' in their county
 * (same title, same county); odd: one employer's across their prefecture (same employer and title).
 */
const nearDuplicates: CaseBuilder = (p, i) => {
  const family = p.random.pick(FAMILIES);
  const home = p.random.pick(p.geo.weighted);
  const seeker = p.seeker(family);
  const [a, b] = p.random.some(family.titles, 2) as [string, string];
  const salaryMax = p.paying(family, seeker.intentionMinSalary, 1.05);
  const obvious = p.posting(family, { title: a, regionCode: home, salaryMax, role: "obvious" });
  const prefecture = p.geo.counties(home.slice(0, 4));
  const one = p.employer(home);
  const copy = { title: b, skills: family.skills.slice(0, 2), description: `${b}，要求${family.skills.slice(0, 2).join("、")}。`, salaryMax: salaryMax + 300, daysAgo: 1, role: "copy" as const };
  const copies = Array.from({ length: 6 }, (_, k) => (i % 2 === 0 ? p.posting(family, { ...copy, regionCode: home }) : p.posting(family, { ...copy, employer: one, regionCode: prefecture[k % prefecture.length]! })));
  p.add({ householdRegionCode: home, ...seeker, willingToRelocate: p.random.chance(0.3) }, { family: family.key, near: [home.slice(0, 4)] }, family, NO_PROFILE, [obvious], copies);
};

/**
 * A boosted weaker fit: a key-group graduate asks a wage; beside the clearly better posting (their
 * family, their county, pays what they ask, no boost) three boosted ones — for key groups, from a
 * poverty-alleviation workshop, 50 wanted, fresh — that pay 70 % of it (or, for a family with a
 * neighbour, one is the neighbour's).
 */
const boostedWeaker: CaseBuilder = (p) => {
  const family = p.random.pick(FAMILIES);
  const home = p.random.pick(p.geo.weighted);
  const wants = round100(family.salary[0] + p.random.next() * (family.salary[1] - family.salary[0]));
  const seeker = p.seeker(family, { wants });
  const obvious = p.posting(family, { regionCode: home, salaryMax: p.paying(family, wants), headcount: 2, daysAgo: 20, role: "obvious" });
  const boost = { regionCode: home, forKeyGroups: true, headcount: 50, daysAgo: 0, role: "boosted" as const };
  for (let k = 0; k < 3; k++) {
    const neighbour = k === 2 && family.neighbours.length > 0 ? familyByKey(family.neighbours[0]!) : null;
    p.posting(neighbour ?? family, { ...boost, employer: p.employer(home, true), salaryMax: neighbour ? p.paying(family, wants, 1.2) : round100(wants * 0.7), minEducation: family.education });
  }
  p.add({ householdRegionCode: home, ...seeker }, { family: family.key, near: [home.slice(0, 4)] }, family, KEY_GROUP_GRADUATE, [obvious]);
};
