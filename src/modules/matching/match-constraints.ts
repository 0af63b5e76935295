import type { PersonRow } from "../people/person.table.js";
import type { PostingRow } from "../postings/posting.table.js";
import type { RegionPlace } from "../regions/region-directory.js";
import { EDUCATION_LEVELS, educationRank } from "../postings/education.js";
import { PAIRED_PREFECTURES } from "../regions/paired-regions.js";
import { prefixOfRegionCode } from "../../region-code.js";
import { msg, type Message } from "../../i18n.js";
import { distanceKm } from "./match-score.js";
import { commuteRadiusFor, type MatchRules } from "./match-rules.js";

/** What the place rule reads besides the person: the regions' names and coordinates, the policy's rules, the person's populations. */
export interface MatchFacts {
  places: ReadonlyMap<string, RegionPlace>;
  rules: MatchRules;
  /** The populations of the person's target categories (the commuting radius is theirs). */
  populations: ReadonlySet<string>;
}

export type PersonPlaces = Pick<PersonRow, "householdRegionCode" | "originRegionCode" | "intentionRegionCodes" | "willingToRelocate" | "openToLabourCooperation">;

/** Why a place is acceptable to a person: the first rule of `acceptablePlaces` that admits it. */
export type PlaceGround = "INTENTION" | "OWN_COUNTY" | "COMMUTE" | "HOME_PREFECTURE" | "FUJIAN" | "LABOUR_COOPERATION";

interface PlaceRule {
  ground: PlaceGround;
  /** Region-code prefixes (2, 4 or 6 digits) the rule admits. */
  prefixes: string[];
}

/** The public-welfare kind: the fallback (托底安置), never a market fit. */
export const FALLBACK_KIND = "PUBLIC_WELFARE";

/**
 * THE place rule — the places a person will work, as they said them:
 * - the intention regions they stated, plus their own county when they do not want to move for work
 *   and home is in Fujian;
 * - when they stated none: their own county and, if they do not want to move, the counties within
 *   their population's commuting radius of home (就近就地) — or, when the population has no radius,
 *   their household and origin prefectures (which are also everyone's who will move);
 * - willing to move for work (转移就业意愿): anywhere in Fujian too;
 * - open to labour cooperation: the paired regions too.
 * A stated intention narrows as well as widens: a Hubei household is not acceptable to a graduate
 * who said Xiamen.
 */
export function acceptablePlaces(person: PersonPlaces, facts: MatchFacts): PlaceRule[] {
  const rules: PlaceRule[] = [];
  const own = person.householdRegionCode;
  const stated = person.intentionRegionCodes.map(prefixOfRegionCode);
  if (stated.length > 0) {
    rules.push({ ground: "INTENTION", prefixes: stated });
    // Home stays acceptable to someone who will not move — when home is in Fujian: a person from
    // elsewhere who names Fujian places came to work here (a Hubei household studying in Xiamen).
    if (!person.willingToRelocate && own.startsWith("35")) rules.push({ ground: "OWN_COUNTY", prefixes: [own] });
  } else {
    rules.push({ ground: "OWN_COUNTY", prefixes: [own] });
    const radius = person.willingToRelocate ? null : commuteRadiusFor(facts.rules, facts.populations);
    if (radius !== null) rules.push({ ground: "COMMUTE", prefixes: countiesWithin(facts.places, own, radius) });
    else rules.push({ ground: "HOME_PREFECTURE", prefixes: [...new Set([own.slice(0, 4), person.originRegionCode.slice(0, 4)])] });
  }
  if (person.willingToRelocate) rules.push({ ground: "FUJIAN", prefixes: ["35"] });
  if (person.openToLabourCooperation) rules.push({ ground: "LABOUR_COOPERATION", prefixes: PAIRED_PREFECTURES });
  return rules;
}

/** The rule that admits a place (a county code), or null when none does. */
export function placeGround(rules: readonly PlaceRule[], regionCode: string): PlaceGround | null {
  return rules.find((r) => r.prefixes.some((p) => regionCode.startsWith(p)))?.ground ?? null;
}

// Counties within a radius of a home county, by home, radius and directory (a run asks for the same few hundred).
const withinCache = new WeakMap<ReadonlyMap<string, RegionPlace>, Map<string, string[]>>();

/**
 * The region prefixes of the counties whose coordinates lie within `km` of the home county's (the
 * home county itself always): a prefecture all of whose counties are within is named once (3501),
 * so a wide radius stays a short filter.
 */
export function countiesWithin(places: ReadonlyMap<string, RegionPlace>, home: string, km: number): string[] {
  let byHome = withinCache.get(places);
  if (!byHome) withinCache.set(places, (byHome = new Map()));
  const key = `${home}:${km}`;
  let found = byHome.get(key);
  if (!found) {
    const at = places.get(home);
    const within = new Set([home]);
    const countiesOf = new Map<string, number>();
    for (const p of places.values()) {
      if (p.code.endsWith("00")) continue;
      countiesOf.set(p.code.slice(0, 4), (countiesOf.get(p.code.slice(0, 4)) ?? 0) + 1);
      if (at?.lng != null && at.lat != null && p.lng != null && p.lat != null && distanceKm([at.lng, at.lat], [p.lng, p.lat]) <= km) within.add(p.code);
    }
    const inPrefecture = new Map<string, string[]>();
    for (const code of within) (inPrefecture.get(code.slice(0, 4)) ?? inPrefecture.set(code.slice(0, 4), []).get(code.slice(0, 4))!).push(code);
    found = [...inPrefecture].flatMap(([prefecture, codes]) => (codes.length === countiesOf.get(prefecture) && codes.length > 1 ? [prefecture] : codes.sort()));
    byHome.set(key, found);
  }
  return found;
}

/**
 * The hard constraints of a market match (never traded against a score): open and valid; the person
 * meets the education requirement; the place is one `acceptablePlaces` admits; not a public-welfare
 * post (those are the fallback, `fallbackConstraints`). (Postings already referred to the person are
 * left out by `recommendForPeople`.)
 */
export function hardConstraints(person: PersonRow, facts: MatchFacts, now = new Date()) {
  return {
    statuses: ["OPEN"],
    validAt: Math.floor(now.getTime() / 1000),
    educationAtMost: educationRank(person.degreeLevel),
    regionPrefixes: [...new Set(acceptablePlaces(person, facts).flatMap((r) => r.prefixes))],
    excludeKinds: [FALLBACK_KIND],
  };
}

/**
 * THE fallback rule (托底安置), with `needsFallback` and `marketFit`: public-welfare posts are offered
 * to a person from a registered-poverty household, and only when fewer market postings fit them than
 * their referral minimum; they come after every market fit. Null when the person may not be offered
 * them at all. The same places and education as a market match.
 */
export function fallbackConstraints(person: PersonRow, facts: MatchFacts, now = new Date()) {
  if (!person.registeredPoverty) return null;
  const { excludeKinds: _market, ...rest } = hardConstraints(person, facts, now);
  return { ...rest, kinds: [FALLBACK_KIND] };
}

/**
 * A market posting FITS a person, for the fallback rule, when it lies within their constraints and
 * holds some of their words (intention, major, skills: found by them, `byText`); for a person who
 * gave none, when it lies within their constraints. The newest postings that top a list up fit them
 * only so far.
 */
export function marketFit(person: Pick<PersonRow, "intentionKeywords" | "major" | "skills">, candidate: { byText: boolean }): boolean {
  return candidate.byText || personWords(person).length === 0;
}

/** What a person says they want, as words: intention keywords, major, skills. */
export function personWords(person: Pick<PersonRow, "intentionKeywords" | "major" | "skills">): string[] {
  return [...person.intentionKeywords, ...(person.major ? [person.major] : []), ...person.skills];
}

/** Does the fallback apply: a registered-poverty person with fewer market fits than their minimum (at least 1). */
export function needsFallback(person: Pick<PersonRow, "registeredPoverty">, marketFits: number, minimum: number): boolean {
  return person.registeredPoverty && marketFits < Math.max(1, minimum);
}

const PLACE_WORDS: Record<PlaceGround, (place: string) => Message> = {
  INTENTION: (place) => msg(`意向地区${place}`, `an intention region (${place})`),
  OWN_COUNTY: (place) => msg(`本县（${place}）`, `their own county (${place})`),
  COMMUTE: (place) => msg(`通勤范围内（${place}）`, `within commuting distance (${place})`),
  HOME_PREFECTURE: (place) => msg(`户籍或生源地所在市（${place}）`, `their household or origin prefecture (${place})`),
  FUJIAN: (place) => msg(`愿意省内转移就业（${place}）`, `Fujian, as they will move for work (${place})`),
  LABOUR_COOPERATION: (place) => msg(`劳务协作地区（${place}）`, `a labour-cooperation region (${place})`),
};

/** The place reason: which rule admits the posting's county, named by the place it stands for (地点：意向地区厦门市). */
export function placeReason(person: PersonPlaces, facts: MatchFacts, regionCode: string): Message | null {
  const rules = acceptablePlaces(person, facts);
  const ground = placeGround(rules, regionCode);
  if (!ground) return null;
  const rule = rules.find((r) => r.ground === ground)!;
  const prefix = rule.prefixes.find((p) => regionCode.startsWith(p))!;
  const name = (code: string) => facts.places.get(code)?.name ?? code;
  const named = ground === "INTENTION" || ground === "HOME_PREFECTURE" ? name(prefix.padEnd(6, "0")) : name(regionCode);
  return PLACE_WORDS[ground](named);
}

/** The acceptable places in words, for a misfit's reason. */
function placesInWords(person: PersonPlaces, facts: MatchFacts): Message {
  const name = (code: string) => facts.places.get(code.padEnd(6, "0"))?.name ?? code;
  const radius = commuteRadiusFor(facts.rules, facts.populations);
  const parts = acceptablePlaces(person, facts).map((r): Message => {
    const names = r.prefixes.map(name).join("、");
    const coded = r.prefixes.map((c) => `${name(c)} (${c})`).join(", ");
    switch (r.ground) {
      case "INTENTION":
        return msg(`意向地区${names}`, `intention regions ${coded}`);
      case "OWN_COUNTY":
        return msg(`本县${names}`, `own county ${names}`);
      case "COMMUTE":
        return msg(`距家${radius}公里以内的县区`, `the counties within ${radius} km of home`);
      case "HOME_PREFECTURE":
        return msg(`户籍或生源地所在市${names}`, `household or origin prefectures ${names}`);
      case "FUJIAN":
        return msg("福建全省（愿意转移就业）", "all of Fujian (will move for work)");
      case "LABOUR_COOPERATION":
        return msg("劳务协作地区", "the labour-cooperation regions");
    }
  });
  return { zh: parts.map((p) => p.zh).join("、"), en: parts.map((p) => p.en).join("; ") };
}

/**
 * Why a posting does not fit a person — not open, expired, above their education, outside the places
 * they accept, a public-welfare post for someone not from a poverty household — or null when it fits:
 * the same rules `hardConstraints` and `fallbackConstraints` give the engine, applied to one
 * PostgreSQL row. (Whether a public-welfare post was offered as the fallback is the recommender's
 * business: a caseworker may refer a poverty labourer to one, and it fits.)
 */
export function misfit(person: PersonRow, posting: Pick<PostingRow, "status" | "validUntil" | "minEducation" | "regionCode" | "kind">, facts: MatchFacts, now = new Date()): Message | null {
  if (posting.status !== "OPEN") return msg(`该岗位状态为 ${posting.status}，未在招聘中`, `The posting is ${posting.status.toLowerCase()}, not open`);
  if (posting.validUntil && posting.validUntil.getTime() <= now.getTime()) return msg("该岗位已过期", "The posting has expired");
  if (EDUCATION_LEVELS.indexOf(posting.minEducation) > educationRank(person.degreeLevel)) return msg(`该岗位要求 ${posting.minEducation} 学历，高于此人的学历`, `The posting asks for ${posting.minEducation}, above the person's education`);
  if (!placeGround(acceptablePlaces(person, facts), posting.regionCode)) {
    const places = placesInWords(person, facts);
    return msg(`该岗位不在此人可接受的地点（${places.zh}）`, `The posting is outside the places the person accepts (${places.en})`);
  }
  if (posting.kind === FALLBACK_KIND && !person.registeredPoverty) return msg("公益性岗位仅面向建档立卡贫困家庭（托底安置）", "Public-welfare posts are the fallback for registered-poverty households");
  return null;
}
