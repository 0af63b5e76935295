/**
 * The embedded engine's relevance page, as pure functions over bitsets: no engine state, only the
 * bits it is given (and scratch planes the caller keeps between queries).
 */
import { wordsFor } from "./embedded-columns.js";

// A synonym matches, but counts for less than the word the person typed: 0.6 of it. Points are
// whole units (a word 5, a synonym 3) so that equal scores are equal numbers however they were summed.
export const WORD_UNITS = 5;
export const SYNONYM_UNITS = 3;

/** One query word over the recency positions: those holding it, and those holding only a synonym of it. */
export interface WordBits {
  word: Int32Array;
  synonym: Int32Array | null;
}

/** Bit-sliced counters reused from query to query (grown when a query needs more). */
export interface RelevanceScratch {
  planes: Int32Array[];
  /** The 32-posting words a query visits (see `wordsHeld`). */
  visit?: Int32Array;
  /** The words where some posting was counted, and each one's highest whole-word and synonym counts. */
  met?: Int32Array;
  wholeMost?: Int32Array;
  nearMost?: Int32Array;
}

// Each query word's summary, kept with its bits (the engine keeps a word's bits from query to query).
const summaries = new WeakMap<WordBits, Int32Array>();

/** Which of a query word's 32-posting words hold any posting, word or synonym: bit b of entry k for word 32k + b. */
function summaryOf(b: WordBits): Int32Array {
  let summary = summaries.get(b);
  if (!summary) {
    const { word, synonym } = b;
    summary = new Int32Array((word.length + 31) >>> 5);
    for (let i = 0; i < word.length; i++) if ((word[i]! | (synonym ? synonym[i]! : 0)) !== 0) summary[i >>> 5]! |= 1 << (i & 31);
    summaries.set(b, summary);
  }
  return summary;
}

/**
 * The 32-posting words (ascending, below `words`) where some query word holds a posting: the only
 * ones the counting visits — a query's words are met in a fraction of the postings, and reading
 * every word of every bitset was most of the engine's time in a campaign run. Written into `into`;
 * returns how many.
 */
function wordsHeld(bits: readonly WordBits[], words: number, into: Int32Array): number {
  const blocks = (words + 31) >>> 5;
  const union = new Int32Array(blocks);
  for (const b of bits) {
    const summary = summaryOf(b);
    for (let k = 0; k < blocks && k < summary.length; k++) union[k]! |= summary[k]!;
  }
  let n = 0;
  for (let k = 0; k < blocks; k++) {
    let u = union[k]!;
    while (u !== 0) {
      const low = u & -u;
      u ^= low;
      const i = (k << 5) | (31 - Math.clz32(low));
      if (i < words) into[n++] = i;
    }
  }
  return n;
}

export interface RelevancePageInput {
  /** How many recency positions there are (oldest first: bit positions of every bitset). */
  positions: number;
  /** The positions the filter's document part lets through, as bits. */
  filter: Int32Array;
  /** One entry per (distinct) query word. */
  bits: WordBits[];
  /** How many hits the page needs (offset + limit). */
  wanted: number;
  /** The rest of the filter (what changes without a write), asked of a position before it is taken. */
  accepts: (position: number) => boolean;
}

export interface RelevantHit {
  position: number;
  score: number;
}

/** The highest of 32 four-bit counters given as bit planes (p0 the lowest), among the lanes set in `lanes`. */
export function highest4(lanes: number, p0: number, p1: number, p2: number, p3: number): number {
  let count = 0;
  if ((lanes & p3) !== 0) {
    lanes &= p3;
    count |= 8;
  }
  if ((lanes & p2) !== 0) {
    lanes &= p2;
    count |= 4;
  }
  if ((lanes & p1) !== 0) {
    lanes &= p1;
    count |= 2;
  }
  if ((lanes & p0) !== 0) count |= 1;
  return count;
}

/** The highest of 32 five-bit counters given as bit planes (p0 the lowest), among the lanes set in `lanes`. */
export function highest5(lanes: number, p0: number, p1: number, p2: number, p3: number, p4: number): number {
  let count = 0;
  if ((lanes & p4) !== 0) {
    lanes &= p4;
    count |= 16;
  }
  return count | highest4(lanes, p0, p1, p2, p3);
}

/** Writes a word's five counter planes (p0 the lowest) at `i`; returns the highest count among the lanes in `lanes`. */
function store5(planes: Int32Array[], i: number, lanes: number, p0: number, p1: number, p2: number, p3: number, p4: number): number {
  planes[0]![i] = p0;
  planes[1]![i] = p1;
  planes[2]![i] = p2;
  planes[3]![i] = p3;
  planes[4]![i] = p4;
  return highest5(lanes, p0, p1, p2, p3, p4);
}

/** Two ascending lists as one. */
export function mergeAscending(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  const merged = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) merged[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) merged[k++] = a[i++]!;
  while (j < b.length) merged[k++] = b[j++]!;
  return merged;
}

/**
 * The first `wanted` hits by relevance, then recency — the same order as a full sort — for a query
 * with words. Relevance counts the query's words a posting holds (a synonym 0.6); a word is a bitset
 * over the postings in recency order, so the counts are added 32 postings at a time: bit-sliced
 * counters (plane p holds bit p of every posting's count) for whole words and for synonyms, only
 * where the filter's bitset has postings. Then the score levels are read from the top down, each from
 * its newest posting down, until the page is full: a broad word met by twenty thousand postings costs
 * a few thousand word operations, not twenty thousand steps, and the last level is read only as far
 * as the page needs.
 */
export function relevantPage(input: RelevancePageInput, scratch: RelevanceScratch): RelevantHit[] {
  const { positions, filter, bits, wanted, accepts } = input;
  const tokens = bits.length;
  const words = wordsFor(positions);
  const withSynonyms = bits.some((b) => b.synonym !== null);
  // Planes for counts up to the number of words: 5 (to 31) or more.
  const depth = Math.max(5, 32 - Math.clz32(tokens));
  if (scratch.planes.length < 2 * depth || scratch.planes[0]!.length < words) {
    scratch.planes = Array.from({ length: 2 * depth }, () => new Int32Array(Math.max(words, 1024)));
  }
  const whole = scratch.planes.slice(0, depth);
  const near = scratch.planes.slice(depth, 2 * depth);
  // The words with any posting counted, and in each the highest count of whole words and of
  // synonyms among its 32 postings (a level needing more is not looked for there).
  if (!scratch.visit || scratch.visit.length < words) scratch.visit = new Int32Array(Math.max(words, 1024));
  if (!scratch.met || scratch.met.length < words) {
    const size = Math.max(words, 1024);
    scratch.met = new Int32Array(size);
    scratch.wholeMost = new Int32Array(size);
    scratch.nearMost = new Int32Array(size);
  }
  const visit = scratch.visit;
  const met = scratch.met;
  const wholeMost = scratch.wholeMost!;
  const nearMost = scratch.nearMost!;
  let metCount = 0;
  const highest = (planes: Int32Array[], i: number, any: number) => {
    let lanes = any;
    let count = 0;
    for (let p = depth - 1; p >= 0; p--) {
      const set = lanes & planes[p]![i]!;
      if (set !== 0) {
        lanes = set;
        count |= 1 << p;
      }
    }
    return count;
  };
  // Indexed loops over plain arrays of the sets (an iterator per block and word was a fifth of a query's time).
  const wordSets = bits.map((b) => b.word);
  const synonymSets = bits.flatMap((b) => (b.synonym ? [b.synonym] : []));
  const wordCount = wordSets.length;
  const synonymCount = synonymSets.length;
  const visits = wordsHeld(bits, words, visit);
  if (depth === 5) {
    // Up to 31 words (nearly every query; a person's many intentions and skills, each segmented, pass 15): the counters of a word's 32 postings live in locals, five planes.
    for (let v = 0; v < visits; v++) {
      const i = visit[v]!;
      const f = filter[i]!;
      if (f === 0) continue;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
      for (let s = 0; s < wordCount; s++) {
        // A five-bit ripple add without branches (whether a word holds any of the 32 is not predictable).
        let c = wordSets[s]![i]! & f;
        let t = a0 & c;
        a0 ^= c;
        c = a1 & t;
        a1 ^= t;
        t = a2 & c;
        a2 ^= c;
        c = a3 & t;
        a3 ^= t;
        a4 ^= c;
      }
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0;
      for (let s = 0; s < synonymCount; s++) {
        // A five-bit ripple add without branches (whether a word holds any of the 32 is not predictable).
        let c = synonymSets[s]![i]! & f;
        let t = b0 & c;
        b0 ^= c;
        c = b1 & t;
        b1 ^= t;
        t = b2 & c;
        b2 ^= c;
        c = b3 & t;
        b3 ^= t;
        b4 ^= c;
      }
      const any = a0 | a1 | a2 | a3 | a4 | b0 | b1 | b2 | b3 | b4;
      if (any === 0) continue;
      met[metCount] = i;
      wholeMost[metCount] = store5(whole, i, any, a0, a1, a2, a3, a4);
      nearMost[metCount] = synonymCount > 0 ? store5(near, i, any, b0, b1, b2, b3, b4) : 0;
      metCount++;
    }
  } else {
    for (let v = 0; v < visits; v++) {
      const i = visit[v]!;
      const f = filter[i]!;
      if (f === 0) continue;
      for (let p = 0; p < depth; p++) whole[p]![i] = near[p]![i] = 0;
      let any = 0;
      for (let pass = 0; pass < 2; pass++) {
        const sets = pass === 0 ? wordSets : synonymSets;
        const planes = pass === 0 ? whole : near;
        for (let s = 0; s < sets.length; s++) {
          let carry = sets[s]![i]! & f;
          any |= carry;
          for (let p = 0; carry !== 0 && p < depth; p++) {
            const plane = planes[p]!;
            const had = plane[i]!;
            plane[i] = had ^ carry;
            carry = had & carry;
          }
        }
      }
      if (any === 0) continue;
      met[metCount] = i;
      wholeMost[metCount] = highest(whole, i, any);
      nearMost[metCount] = withSynonyms ? highest(near, i, any) : 0;
      metCount++;
    }
  }
  // Score levels in points (a word 5, a synonym 3), highest first; a level may be reached two ways.
  const levels = new Map<number, [number, number][]>();
  for (let w = 0; w <= tokens; w++) {
    for (let n = 0; w + n <= tokens && (n === 0 || withSynonyms); n++) {
      if (w + n === 0) continue;
      const points = w * WORD_UNITS + n * SYNONYM_UNITS;
      (levels.get(points) ?? levels.set(points, []).get(points)!).push([w, n]);
    }
  }
  const equals = (planes: Int32Array[], i: number, count: number) => {
    let mask = -1;
    for (let p = 0; p < depth && mask !== 0; p++) mask &= (count >>> p) & 1 ? planes[p]![i]! : ~planes[p]![i]!;
    return mask;
  };
  // Words by the most points any of their postings can have: a level is looked for only in the
  // words that can reach it (the high levels are sparse), kept in recency order as levels descend.
  const byBound: number[][] = Array.from({ length: WORD_UNITS * tokens + 1 }, () => []);
  for (let j = 0; j < metCount; j++) byBound[Math.min(wholeMost[j]! * WORD_UNITS + nearMost[j]! * SYNONYM_UNITS, WORD_UNITS * tokens)]!.push(j);
  let reaching: number[] = [];
  let bound = byBound.length - 1;
  const hits: RelevantHit[] = [];
  for (const points of [...levels.keys()].sort((a, b) => b - a)) {
    for (; bound >= points; bound--) if (byBound[bound]!.length > 0) reaching = mergeAscending(reaching, byBound[bound]!);
    const pairs = levels.get(points)!;
    const score = Math.min(1, points / (WORD_UNITS * tokens));
    // Newest first: words from the last down, bits from the highest down.
    for (let k = reaching.length - 1; k >= 0 && hits.length < wanted; k--) {
      const j = reaching[k]!;
      const i = met[j]!;
      let mask = 0;
      for (let q = 0; q < pairs.length; q++) {
        const [w, n] = pairs[q]!;
        if (w > wholeMost[j]! || n > nearMost[j]!) continue;
        const m = equals(whole, i, w);
        // Without synonyms the synonym planes were not written (every count there is 0).
        mask |= m === 0 ? 0 : withSynonyms ? m & equals(near, i, n) : m;
      }
      while (mask !== 0 && hits.length < wanted) {
        const bit = 31 - Math.clz32(mask);
        mask ^= 1 << bit;
        const position = (i << 5) | bit;
        if (accepts(position)) hits.push({ position, score });
      }
    }
    if (hits.length >= wanted) break;
  }
  return hits;
}
