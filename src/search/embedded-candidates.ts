import type { Scored } from "./embedded-facets.js";
import { SYNONYM_UNITS, WORD_UNITS } from "./embedded-relevance.js";
import { slotsWith, type Shard } from "./embedded-shards.js";
import type { PostingDocument } from "./search-port.js";

/**
 * A query's points and verdicts per slot, reused: allocating (and zeroing) arrays the size of the
 * whole index for every query was a large share of its time. Each query resets the slots it touched.
 */
export interface CandidateScratch {
  points: Float64Array;
  verdict: Uint8Array;
  best: Float64Array;
  /** How many of the query's words a slot holds (ALL keeps those holding every one). */
  held: Uint8Array;
}

export const emptyScratch = (): CandidateScratch => ({ points: new Float64Array(0), verdict: new Uint8Array(0), best: new Float64Array(0), held: new Uint8Array(0) });

/** The scratch arrays, widened (zeroed) if the index has grown past them. */
export function fitScratch(scratch: CandidateScratch, slots: number): CandidateScratch {
  if (scratch.points.length >= slots) return scratch;
  const size = Math.max(1024, slots * 2);
  return { points: new Float64Array(size), verdict: new Uint8Array(size), best: new Float64Array(size), held: new Uint8Array(size) };
}

export interface CandidateQuery {
  /** The query's distinct words. */
  tokens: string[];
  /** Each word's synonyms, segmented (a phrase matches a posting holding all its tokens). */
  synonyms: ReadonlyMap<string, string[]>;
  /** The shards the filter can match. */
  shards: Shard[];
  /** The whole filter over slots. */
  passes: (slot: number) => boolean;
  /** Each slot's document. */
  slots: readonly (PostingDocument | undefined)[];
  /** ALL: only postings holding every word (or a synonym of it); ANY: any of them. */
  words: "ALL" | "ANY";
}

/**
 * Every posting holding a word of the query (or a synonym; with ALL, every word) that passes the filter, with its
 * relevance, candidate by candidate. Each word of the query counts once — 1 if the posting holds it,
 * else 0.6 if it holds one of the word's synonyms (every token of the synonym, so 开发工程师 is not
 * found by a lone 工程师) — and relevance is the share of the words (an engine's "words" rule).
 * Each candidate is filtered once, when first met: verdict 0 unseen, 1 passed, 2 refused.
 */
export function scoreCandidates(q: CandidateQuery, scratch: CandidateScratch): Scored[] {
  const { tokens, synonyms, shards, passes, slots } = q;
  const { points, verdict, best, held } = scratch;
  const judged: number[] = [];
  const passed: number[] = [];
  try {
    for (const token of tokens) {
      const credited: number[] = [];
      const ways: [string, number][] = [[token, WORD_UNITS], ...(synonyms.get(token) ?? []).map((phrase): [string, number] => [phrase, SYNONYM_UNITS])];
      for (const [phrase, weight] of ways) {
        for (const shard of shards) {
          for (const slot of slotsWith(shard, phrase)) {
            let seen = verdict[slot];
            if (seen === 0) {
              seen = passes(slot) ? 1 : 2;
              verdict[slot] = seen;
              judged.push(slot);
              if (seen === 1) passed.push(slot);
            }
            if (seen !== 1) continue;
            if (best[slot] === 0) credited.push(slot);
            if (weight > best[slot]!) best[slot] = weight;
          }
        }
      }
      for (const slot of credited) {
        points[slot]! += best[slot]!;
        best[slot] = 0;
        held[slot]! += 1;
      }
    }
    const relevance = (slot: number) => Math.min(1, points[slot]! / (WORD_UNITS * tokens.length));
    const kept = q.words === "ALL" ? passed.filter((slot) => held[slot] === tokens.length) : passed;
    return kept.map((slot) => ({ doc: slots[slot]!, score: relevance(slot) }));
  } finally {
    // Leave the scratch arrays zeroed for the next query.
    for (const slot of judged) {
      verdict[slot] = 0;
      points[slot] = 0;
      best[slot] = 0;
      held[slot] = 0;
    }
  }
}
