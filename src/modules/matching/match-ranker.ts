import type { PersonRow } from "../people/person.table.js";
import { EDUCATION_LEVELS, educationRank } from "../postings/education.js";
import type { RegionPlace } from "../regions/region-directory.js";
import type { PostingDocument } from "../../search/search-port.js";
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

export interface MatchReasonRow {
  factor: Factor["factor"];
  weight: number;
  detail: string;
}

/** What a person says they want, as words: intention keywords, major, skills. */
export function personWords(person: Pick<PersonRow, "intentionKeywords" | "major" | "skills">): string[] {
  return [...person.intentionKeywords, ...(person.major ? [person.major] : []), ...person.skills];
}

export interface Candidate {
  document: PostingDocument;
  relevance: number;
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
  reasons(c: Candidate): MatchReasonRow[];
}

export function rankerFor(person: PersonRow, ctx: RankingContext): Ranker {
  const { weights, places, synonymGroups } = ctx;
  const words = personWords(person);
  const home = places.get(person.householdRegionCode);
  const wanted: PersonWord[] = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].map((word) => ({
    word,
    synonyms: synonymGroups.find((g) => g.includes(word))?.filter((s) => s !== word) ?? [],
  }));
  const personRank = educationRank(person.degreeLevel);
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
      educationFactor(personRank, d.educationRank, EDUCATION_LEVELS[d.educationRank] ?? "NONE", explain),
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
