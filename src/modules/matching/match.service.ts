import { checkFirst } from "../../graphql/page-size.js";
import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import type { Loaders } from "../../graphql/context.js";
import { PAIRED_PREFECTURES } from "../regions/paired-regions.js";
import type { PostingDocument, EngineFilter as PostingSearchFilter, SearchEngine, SearchHit } from "../../search/search-port.js";
import { regionDirectory, type RegionPlace } from "../regions/region-directory.js";
import { educationLevel, type PostingRow } from "../postings/posting.table.js";
import type { PersonRow } from "../people/person.table.js";
import {
  distanceFactor,
  distanceKm,
  educationFactor,
  freshnessFactor,
  headcountFactor,
  keyGroupFactor,
  occupationFactor,
  salaryFactor,
  textFactor,
  workshopFactor,
  type Factor,
  type MatchWeights,
  type PersonWord,
} from "./match-score.js";
import { matchingPolicies } from "./matching-policy.table.js";

export interface MatchItem {
  posting: PostingRow;
  score: number;
  reasons: { factor: string; weight: number; detail: string }[];
}

const CANDIDATES = 200;

/** A region code as the prefix it stands for: 350000 → 35, 350100 → 3501, 350102 → 350102. */
const asPrefix = (code: string) => (code.endsWith("0000") ? code.slice(0, 2) : code.endsWith("00") ? code.slice(0, 4) : code);

export async function activeWeights(db: Executor): Promise<MatchWeights> {
  const [row] = await db.select().from(matchingPolicies).where(eq(matchingPolicies.active, true));
  if (!row) throw new Error("No active matching policy: the migrations load one");
  return row.weights as MatchWeights;
}

/**
 * The hard constraints of a match (never traded against a score): open and valid; the person meets
 * the education requirement; the place is acceptable (their county or prefecture, their stated
 * regions, anywhere in Fujian if willing to move for work, the paired regions if open to labour
 * cooperation); public-welfare posts only for poverty labourers. (Postings already referred to the
 * person are excluded by `matchesForPerson`.)
 */
export function hardConstraints(person: PersonRow, now = new Date()) {
  const educationRank = person.degreeLevel ? educationLevel.enumValues.indexOf(person.degreeLevel) : 1; // unknown: compulsory schooling
  const prefixes = new Set<string>([person.householdRegionCode.slice(0, 4), person.originRegionCode.slice(0, 4), ...person.intentionRegionCodes.map(asPrefix)]);
  if (person.willingToRelocate) prefixes.add("35");
  if (person.openToLabourCooperation) for (const p of PAIRED_PREFECTURES) prefixes.add(p);
  return {
    statuses: ["OPEN"],
    validAt: Math.floor(now.getTime() / 1000),
    educationAtMost: educationRank,
    regionPrefixes: [...prefixes],
    ...(person.registeredPoverty ? {} : { excludeKinds: ["PUBLIC_WELFARE"] }),
  };
}

/**
 * Why a posting does not fit a person — not open, expired, above their education, outside their
 * acceptable places, a public-welfare post for someone not from a poverty household — or null when
 * it fits: the same rules `hardConstraints` gives the engine, applied to one PostgreSQL row.
 */
export function misfit(person: PersonRow, posting: Pick<PostingRow, "status" | "validUntil" | "minEducation" | "regionCode" | "kind">, now = new Date()): string | null {
  const c = hardConstraints(person, now);
  if (posting.status !== "OPEN") return `The posting is ${posting.status.toLowerCase()}, not open`;
  if (posting.validUntil && posting.validUntil.getTime() <= now.getTime()) return "The posting has expired";
  if (educationLevel.enumValues.indexOf(posting.minEducation) > c.educationAtMost) return `The posting asks for ${posting.minEducation}, above the person's education`;
  if (!c.regionPrefixes.some((prefix) => posting.regionCode.startsWith(prefix))) return "The posting is outside the places the person accepts (their prefecture, intention regions, Fujian if willing to move, paired regions if open to labour cooperation)";
  if (c.excludeKinds?.includes(posting.kind)) return "Public-welfare posts are for registered-poverty households";
  return null;
}

/**
 * The postings that fit a person, best first (就业推荐): candidates by text from their intention,
 * major and skills (topped up by the newest fitting postings when text finds few), within the hard
 * constraints, re-ranked by factors whose weights are policy data, with the reasons in words a
 * caseworker can read to the person. Membership of a target category can add a boost, never remove one.
 *
 * Candidates are scored from the documents the engine returns (public fields only); PostgreSQL is
 * read for the chosen few, and one no longer open there (the index lags a write) is passed over.
 */
export async function matchesForPerson(
  deps: { db: Executor; search: SearchEngine; loaders: Pick<Loaders, "postingById" | "memberships" | "matchingWeights" | "synonymGroups" | "referralsForPerson"> },
  person: PersonRow,
  first: number,
  among?: { postingIds: string[]; nothingFits: string },
): Promise<{ items: MatchItem[]; note: string | null }> {
  checkFirst(first);
  // Once per request, however many people's matches it asks for.
  const weightsLoad = deps.loaders.matchingWeights.load("active");
  const membershipsLoad = deps.loaders.memberships.load(person.id);
  const synonymsLoad = deps.loaders.synonymGroups.load("all");
  let filter: PostingSearchFilter = hardConstraints(person);
  if (among) {
    // Among given postings (a fair's booths): those already referred stay — the person may meet the employer there.
    if (among.postingIds.length === 0) return { items: [], note: among.nothingFits };
    filter = { ...filter, onlyIds: among.postingIds };
  } else {
    // Postings already referred to the person (whatever became of them, declined included) are not offered again.
    const referred = (await deps.loaders.referralsForPerson.load(person.id)).map((r) => r.postingId);
    if (referred.length > 0) filter = { ...filter, excludeIds: referred };
  }
  const words = personWords(person);
  const candidates = await gatherCandidates(deps.search, person, filter, Math.max(first * 3, 30));
  if (candidates.size === 0) return { items: [], note: among?.nothingFits ?? NOTHING_FITS };

  const [weights, memberships, places, synonymGroups] = await Promise.all([weightsLoad, membershipsLoad, regionDirectory(deps.db), synonymsLoad]);
  const ranker = rankerFor(person, { weights, inTargetCategory: memberships.length > 0, places, synonymGroups });
  const scored = scoreCandidates(ranker, candidates.values());
  const nowSeconds = Date.now() / 1000;

  // The chosen are read from PostgreSQL (the source of truth); any no longer open there is dropped
  // and the choice made again without it.
  const passedOver = new Set<string>();
  for (;;) {
    const picks = pickDiverse(scored.filter((c) => !passedOver.has(c.id)), first, weights.employerRepeatDamping);
    const rows = await deps.loaders.postingById.loadMany(picks.map((p) => p.id));
    const items: MatchItem[] = [];
    picks.forEach((pick, i) => {
      const row = rows[i];
      if (row && !(row instanceof Error) && row.status === "OPEN" && (!row.validUntil || row.validUntil.getTime() / 1000 > nowSeconds)) {
        items.push({ posting: row, score: pick.adjusted, reasons: ranker.reasons(pick.candidate) });
      } else passedOver.add(pick.id);
    });
    if (items.length === picks.length) {
      return { items, note: words.length === 0 ? "未填写求职意向、专业和技能，按所在地区和学历推荐。" : null };
    }
  }
}

export const NOTHING_FITS = "没有符合条件的在招岗位（学历要求、工作地点或岗位类型不符）。可扩大意向地区，或登记转移就业意愿。";

/** What a person says they want, as words: intention keywords, major, skills. */
export function personWords(person: Pick<PersonRow, "intentionKeywords" | "major" | "skills">): string[] {
  return [...person.intentionKeywords, ...(person.major ? [person.major] : []), ...person.skills];
}

export interface Candidate {
  document: PostingDocument;
  relevance: number;
}

/**
 * Candidates for a person within `filter`: by text from their words (up to 200), topped up with the
 * newest fitting postings when text finds fewer than `enough`.
 */
export async function gatherCandidates(search: SearchEngine, person: PersonRow, filter: PostingSearchFilter, enough: number): Promise<Map<string, Candidate>> {
  const text = personWords(person).join(" ");
  const candidates = new Map<string, Candidate>();
  const take = (hits: SearchHit[], relevance: (h: SearchHit) => number) => {
    for (const h of hits) if (h.document && !candidates.has(h.id)) candidates.set(h.id, { document: h.document, relevance: relevance(h) });
  };
  if (text) take((await search.search({ text, filter, offset: 0, limit: CANDIDATES, countTotal: false, withDocuments: true })).hits, (h) => h.score);
  if (candidates.size < enough) take((await search.search({ filter, sort: "NEWEST", offset: 0, limit: CANDIDATES, countTotal: false, withDocuments: true })).hits, () => 0);
  return candidates;
}

export interface RankingContext {
  weights: MatchWeights;
  /** In any target category (the key-group boost applies). */
  inTargetCategory: boolean;
  places: Map<string, RegionPlace>;
  synonymGroups: string[][];
}

export interface Scored {
  id: string;
  employerId: string;
  score: number;
  candidate: Candidate;
}

/**
 * The ranker for one person: what it reads of them worked out once, then each candidate's score —
 * the factors (see match-score.ts) weighted by the policy — and, for the few shown, the reasons in
 * words (building the words for every candidate was most of the ranker's time).
 */
export interface Ranker {
  score(c: Candidate): number;
  reasons(c: Candidate): MatchItem["reasons"];
}

export function rankerFor(person: PersonRow, ctx: RankingContext): Ranker {
  const { weights, places, synonymGroups } = ctx;
  const words = personWords(person);
  const home = places.get(person.householdRegionCode);
  const wanted: PersonWord[] = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].map((word) => ({
    word,
    synonyms: synonymGroups.find((g) => g.includes(word))?.filter((s) => s !== word) ?? [],
  }));
  const personRank = person.degreeLevel ? educationLevel.enumValues.indexOf(person.degreeLevel) : 1;
  const nowSeconds = Date.now() / 1000;
  // Candidates share a few dozen counties: each county's distance is worked out once.
  const kmTo = new Map<string, number | null>();
  const distanceTo = (place: RegionPlace | undefined, code: string) => {
    let km = kmTo.get(code);
    if (km === undefined) {
      km = home?.lng != null && home.lat != null && place?.lng != null && place.lat != null ? distanceKm([home.lng, home.lat], [place.lng, place.lat]) : null;
      kmTo.set(code, km);
    }
    return km;
  };
  const factors = ({ document: d, relevance }: Candidate, explain: boolean): Factor[] => {
    const place = places.get(d.regionCode);
    // The person's whole words (and their synonyms) are looked for in a posting's title, occupation, skills and majors.
    return [
      textFactor(relevance, words.length > 0, explain),
      occupationFactor(wanted, d.matchText, person.major && d.majors.includes(person.major) ? person.major : null, explain),
      distanceFactor(distanceTo(place, d.regionCode), d.regionCode === person.householdRegionCode, place?.name ?? d.regionCode, explain),
      salaryFactor(d.salaryMax, person.intentionMinSalary, explain),
      educationFactor(personRank, d.educationRank, educationLevel.enumValues[d.educationRank] ?? "NONE", explain),
      keyGroupFactor(d.forKeyGroups, ctx.inTargetCategory),
      workshopFactor(d.povertyWorkshop, person.registeredPoverty),
      freshnessFactor(d.publishedAt ? (nowSeconds - d.publishedAt) / 86_400 : 90),
      headcountFactor(d.headcount, explain),
    ];
  };
  return {
    score: (c) => {
      let sum = 0;
      for (const f of factors(c, false)) sum += weights[f.factor] * f.score;
      return sum;
    },
    reasons: (c) =>
      factors(c, true)
        .map((f) => ({ factor: f.factor, weight: Math.round(weights[f.factor] * f.score * 1000) / 1000, detail: f.detail }))
        .filter((r) => r.weight > 0 && r.detail)
        .sort((a, b) => b.weight - a.weight),
  };
}

/** Each candidate's score by a person's ranker (ask it for the reasons of those shown). */
export function scoreCandidates(ranker: Ranker, candidates: Iterable<Candidate>): Scored[] {
  const scored: Scored[] = [];
  for (const c of candidates) scored.push({ id: c.document.id, employerId: c.document.employerId, score: ranker.score(c), candidate: c });
  return scored;
}

/** Best first, each further posting of an employer already chosen damped, so one employer cannot fill the list. */
export function pickDiverse<C extends { id: string; employerId: string; score: number }>(pool: C[], first: number, damping: number): (C & { adjusted: number })[] {
  const remaining = [...pool];
  const chosen: (C & { adjusted: number })[] = [];
  const perEmployer = new Map<string, number>();
  while (chosen.length < first && remaining.length > 0) {
    let best = 0;
    let bestScore = -1;
    remaining.forEach((c, i) => {
      const adjusted = c.score * damping ** (perEmployer.get(c.employerId) ?? 0);
      if (adjusted > bestScore) [best, bestScore] = [i, adjusted];
    });
    const [pick] = remaining.splice(best, 1);
    perEmployer.set(pick!.employerId, (perEmployer.get(pick!.employerId) ?? 0) + 1);
    chosen.push({ ...pick!, adjusted: Math.round(bestScore * 1000) / 1000 });
  }
  return chosen;
}
