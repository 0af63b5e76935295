import type { PersonRow } from "../people/person.table.js";
import { EDUCATION_LEVELS, educationRank } from "../postings/education.js";
import type { PostingDocument } from "../../search/search-port.js";
import { acceptablePlaces, personWords, placeReason, type MatchFacts } from "./match-constraints.js";
import {
  BOOST_FACTORS,
  distanceFactor,
  distanceKm,
  distanceScore,
  educationFactor,
  educationScore,
  freshnessFactor,
  freshnessScore,
  headcountFactor,
  headcountScore,
  keyGroupFactor,
  keyGroupScore,
  occupationFactor,
  occupationScore,
  salaryFactor,
  salaryScore,
  textFactor,
  workshopFactor,
  workshopScore,
  type Factor,
  type MatchWeights,
  type PersonWord,
} from "./match-score.js";

export interface MatchReasonRow {
  /** A factor of the score, or "fallback": the posting is offered as the fallback (托底安置). */
  factor: Factor["factor"] | "fallback";
  weight: number;
  detail: string;
}


export interface Candidate {
  document: PostingDocument;
  relevance: number;
  /** Found by the person's words (it holds some of them), not a top-up of the newest within their constraints. */
  byText: boolean;
}

export interface RankingContext {
  weights: MatchWeights;
  /** In any target category (the key-group boost applies). */
  inTargetCategory: boolean;
  /** The places, rules and populations the place rule reads (match-constraints.ts). */
  facts: MatchFacts;
  synonymGroups: string[][];
}

export interface Scored {
  id: string;
  employerId: string;
  /** Near-duplicate keys: the same title in the same county, the same title from the same employer. */
  duplicateKeys: readonly string[];
  score: number;
  candidate: Candidate;
}

/** A title as compared for near-duplicates: width-folded, lower-cased, without spaces. */
const sameTitle = (title: string) => title.normalize("NFKC").toLowerCase().replace(/\s+/g, "");

/** The keys two near-duplicate postings share (see `pickDiverse`). */
export function duplicateKeys(d: Pick<PostingDocument, "title" | "regionCode" | "employerId">): string[] {
  let keys = keysOf.get(d);
  if (!keys) {
    const title = sameTitle(d.title);
    keys = [`place:${d.regionCode}:${title}`, `employer:${d.employerId}:${title}`];
    keysOf.set(d, keys);
  }
  return keys;
}

// A document's keys, worked out once: the embedded engine hands out the same documents to every request.
const keysOf = new WeakMap<object, string[]>();

/** The factors in the order `factors` lists them (and the score adds them up), and which of them boost. */
const FACTOR_ORDER = ["text", "occupation", "distance", "salary", "education", "keyGroup", "workshop", "freshness", "headcount"] as const satisfies readonly Factor["factor"][];
const IS_BOOST = FACTOR_ORDER.map((f) => BOOST_FACTORS.has(f));

/**
 * The ranker for one person: what it reads of them worked out once, then each candidate's score —
 * the factors (see match-score.ts) weighted by the policy — and, for the few shown, the reasons in
 * words (building the words for every candidate was most of the ranker's time).
 */
export interface Ranker {
  /** Fit plus the boosts capped at the policy's margin: what the candidates are ordered by. */
  score(c: Candidate): number;
  /** Each factor's score with its words (what `score` adds up, in words). */
  factors(c: Candidate): Factor[];
  reasons(c: Candidate): MatchReasonRow[];
}

export function rankerFor(person: PersonRow, ctx: RankingContext): Ranker {
  const { weights, facts, synonymGroups } = ctx;
  const { places } = facts;
  const words = personWords(person);
  const wanted: PersonWord[] = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].map((word) => ({
    word,
    synonyms: synonymGroups.find((g) => g.includes(word))?.filter((s) => s !== word) ?? [],
  }));
  const personRank = educationRank(person.degreeLevel);
  const nowSeconds = Date.now() / 1000;
  // The person's places (the place rule's) and what nearness is measured from: the intention regions
  // they named, and home when home is one of their places (they named none, or will not move).
  const rules = acceptablePlaces(person, facts);
  const intention = rules.find((r) => r.ground === "INTENTION")?.prefixes ?? [];
  const homeIsPlace = rules.some((r) => r.ground === "OWN_COUNTY");
  const anchors = [...intention.map((p) => places.get(p.padEnd(6, "0"))), ...(homeIsPlace ? [places.get(person.householdRegionCode)] : [])].filter(
    (p): p is NonNullable<typeof p> => p?.lng != null && p.lat != null,
  );
  // Candidates share a few dozen counties: each county's nearness is worked out once.
  const nearness = new Map<string, { km: number | null; atPlace: boolean }>();
  const nearnessOf = (code: string) => {
    let n = nearness.get(code);
    if (!n) {
      const place = places.get(code);
      const atPlace = (homeIsPlace && code === person.householdRegionCode) || intention.some((p) => code.startsWith(p));
      const km = place?.lng != null && place.lat != null && anchors.length > 0 ? Math.min(...anchors.map((a) => distanceKm([a.lng!, a.lat!], [place.lng!, place.lat!]))) : null;
      n = { km, atPlace };
      nearness.set(code, n);
    }
    return n;
  };
  const placeWords = (code: string) => {
    const reason = placeReason(person, facts, code);
    return reason ? reason.zh : (places.get(code)?.name ?? code);
  };
  const factors = ({ document: d, relevance }: Candidate, explain: boolean): Factor[] => {
    const { km, atPlace } = nearnessOf(d.regionCode);
    // The person's whole words (and their synonyms) are looked for in a posting's title, occupation, skills and majors.
    return [
      textFactor(relevance, words.length > 0, explain),
      occupationFactor(wanted, d.matchText, person.major && d.majors.includes(person.major) ? person.major : null, explain),
      distanceFactor(km, atPlace, explain ? placeWords(d.regionCode) : "", explain),
      salaryFactor(d.salaryMax, person.intentionMinSalary, explain),
      educationFactor(personRank, d.educationRank, EDUCATION_LEVELS[d.educationRank] ?? "NONE", explain),
      keyGroupFactor(d.forKeyGroups, ctx.inTargetCategory),
      workshopFactor(d.povertyWorkshop, person.registeredPoverty),
      freshnessFactor(d.publishedAt ? (nowSeconds - d.publishedAt) / 86_400 : 90),
      headcountFactor(d.headcount, explain),
    ];
  };
  const margin = facts.rules.boostMargin;
  // Each factor's score alone, in the order of `factors` (the same numbers, without a Factor and its
  // words for each of 200 candidates): what ranking computes for every candidate.
  const scores = new Float64Array(FACTOR_ORDER.length);
  const scoreFactors = ({ document: d, relevance }: Candidate): Float64Array => {
    const { km, atPlace } = nearnessOf(d.regionCode);
    scores[0] = relevance;
    scores[1] = occupationScore(wanted, d.matchText, Boolean(person.major && d.majors.includes(person.major)));
    scores[2] = distanceScore(km, atPlace);
    scores[3] = salaryScore(d.salaryMax, person.intentionMinSalary);
    scores[4] = educationScore(personRank, d.educationRank);
    scores[5] = keyGroupScore(d.forKeyGroups, ctx.inTargetCategory);
    scores[6] = workshopScore(d.povertyWorkshop, person.registeredPoverty);
    scores[7] = freshnessScore(d.publishedAt ? (nowSeconds - d.publishedAt) / 86_400 : 90);
    scores[8] = headcountScore(d.headcount);
    return scores;
  };
  const weighted = FACTOR_ORDER.map((f) => weights[f]);
  return {
    // Fit, plus the boosts capped at the policy's margin: a boost reorders postings whose fit is
    // within the margin and never lifts a weaker fit above one better by more.
    score: (c) => {
      const s = scoreFactors(c);
      let fit = 0;
      let boost = 0;
      for (let i = 0; i < s.length; i++) {
        if (IS_BOOST[i]) boost += weighted[i]! * s[i]!;
        else fit += weighted[i]! * s[i]!;
      }
      return fit + Math.min(boost, margin);
    },
    factors: (c) => factors(c, true),
    reasons: (c) => {
      const all = factors(c, true).map((f) => ({ factor: f.factor, weight: weights[f.factor] * f.score, detail: f.detail }));
      // The boosts' shares scaled as the score caps them, so the reasons add up to the score.
      const boost = all.filter((r) => BOOST_FACTORS.has(r.factor)).reduce((s, r) => s + r.weight, 0);
      const scale = boost > margin ? margin / boost : 1;
      return all
        .map((r) => ({ ...r, weight: Math.round((BOOST_FACTORS.has(r.factor) ? r.weight * scale : r.weight) * 1000) / 1000 }))
        .filter((r) => r.weight > 0 && r.detail)
        .sort((a, b) => b.weight - a.weight);
    },
  };
}

/** Each candidate's score by a person's ranker (ask it for the reasons of those shown). */
export function scoreCandidates(ranker: Ranker, candidates: Iterable<Candidate>): Scored[] {
  const scored: Scored[] = [];
  for (const c of candidates) scored.push({ id: c.document.id, employerId: c.document.employerId, duplicateKeys: duplicateKeys(c.document), score: ranker.score(c), candidate: c });
  return scored;
}

export interface Damping {
  /** Each further posting of an employer already chosen is multiplied by this (the weights' employerRepeatDamping). */
  employer: number;
  /** Each further near-duplicate of one already chosen, by this (the rules' nearDuplicateDamping). */
  nearDuplicate: number;
}

/**
 * Best first, each further posting of an employer already chosen damped, and each near-duplicate
 * of one already chosen (the same title in the same county, or from the same employer) damped
 * harder: one employer, or copies of one job, cannot fill the list.
 */
export function pickDiverse<C extends { id: string; employerId: string; duplicateKeys: readonly string[]; score: number }>(pool: C[], first: number, damping: Damping): (C & { adjusted: number })[] {
  // By score, ties in the pool's order. Damping only lowers a score, so a round's scan ends at the
  // first candidate whose own score is below the best damped score found: none after it can win —
  // so only the top of the order is read, taken from a heap as far as the scans reach (sorting all
  // ~200 candidates was most of a pick's time).
  const order = new ScoreOrder(pool);
  const taken = new Uint8Array(pool.length);
  const chosen: (C & { adjusted: number })[] = [];
  const perEmployer = new Map<string, number>();
  const perKey = new Map<string, number>();
  let top = 0;
  while (chosen.length < first) {
    while (taken[top] === 1) top++;
    if (order.at(top) < 0) break;
    let best = -1;
    let bestScore = -1;
    for (let k = top; ; k++) {
      const i = order.at(k);
      if (i < 0) break;
      if (taken[k] === 1) continue;
      const c = pool[i]!;
      if (c.score < bestScore) break;
      // A factor raised to 0 is exactly 1: left out, the product is the same number.
      let adjusted = c.score;
      if (chosen.length > 0) {
        const repeats = perEmployer.get(c.employerId) ?? 0;
        if (repeats > 0) adjusted *= damping.employer ** repeats;
        let copies = 0;
        for (const key of c.duplicateKeys) copies = Math.max(copies, perKey.get(key) ?? 0);
        if (copies > 0) adjusted *= damping.nearDuplicate ** copies;
      }
      // The best damped score; among equals, the earliest in the pool.
      if (adjusted > bestScore || (adjusted === bestScore && i < order.at(best))) {
        best = k;
        bestScore = adjusted;
      }
    }
    taken[best] = 1;
    const pick = pool[order.at(best)]!;
    perEmployer.set(pick.employerId, (perEmployer.get(pick.employerId) ?? 0) + 1);
    for (const key of pick.duplicateKeys) perKey.set(key, (perKey.get(key) ?? 0) + 1);
    chosen.push({ ...pick, adjusted: Math.round(bestScore * 1000) / 1000 });
  }
  return chosen;
}

/** A pool's positions best first (by score, ties in pool order), put in order only as far as they are read. */
class ScoreOrder {
  private readonly heap: Int32Array;
  private readonly scores: Float64Array;
  private size: number;
  private readonly sorted: number[] = [];
  constructor(pool: readonly { score: number }[]) {
    this.size = pool.length;
    this.heap = new Int32Array(pool.length);
    this.scores = new Float64Array(pool.length);
    for (let i = 0; i < pool.length; i++) {
      this.heap[i] = i;
      this.scores[i] = pool[i]!.score;
    }
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i);
  }
  /** The pool position at rank k (0 the best), or -1 where there is none. */
  at(k: number): number {
    while (this.sorted.length <= k && this.size > 0) {
      this.sorted.push(this.heap[0]!);
      this.heap[0] = this.heap[--this.size]!;
      this.down(0);
    }
    return k >= 0 && k < this.sorted.length ? this.sorted[k]! : -1;
  }
  /** Position a comes before position b: the higher score, or the same score earlier in the pool. */
  private before(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa > sb || (!(sa < sb) && a < b);
  }
  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const r = l + 1;
      const c = r < this.size && this.before(heap[r]!, heap[l]!) ? r : l;
      if (!this.before(heap[c]!, heap[i]!)) return;
      const swap = heap[c]!;
      heap[c] = heap[i]!;
      heap[i] = swap;
      i = c;
    }
  }
}
