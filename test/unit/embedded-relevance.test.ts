import { describe, expect, it } from "vitest";
import { setBit, wordsFor } from "../../src/search/embedded-columns.js";
import { highest4, mergeAscending, relevantPage, SYNONYM_UNITS, WORD_UNITS, type WordBits } from "../../src/search/embedded-relevance.js";

let seed = 11;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);

/** Random bits over `positions`, each set with probability `p`. */
function randomBits(positions: number, p: number): Int32Array {
  const bits = new Int32Array(wordsFor(positions));
  for (let i = 0; i < positions; i++) if (rnd() < p) setBit(bits, i);
  return bits;
}
const has = (bits: Int32Array, i: number) => ((bits[i >>> 5]! >>> (i & 31)) & 1) === 1;

/** The page written plainly: every position's points, sorted by score then newest (highest position) first. */
function reference(positions: number, filter: Int32Array, bits: WordBits[], wanted: number, accepts: (p: number) => boolean) {
  const all: { position: number; score: number; points: number }[] = [];
  for (let position = 0; position < positions; position++) {
    if (!has(filter, position)) continue;
    let points = 0;
    for (const b of bits) points += has(b.word, position) ? WORD_UNITS : b.synonym && has(b.synonym, position) ? SYNONYM_UNITS : 0;
    if (points > 0 && accepts(position)) all.push({ position, points, score: Math.min(1, points / (WORD_UNITS * bits.length)) });
  }
  all.sort((a, b) => b.points - a.points || b.position - a.position);
  return all.slice(0, wanted).map(({ position, score }) => ({ position, score }));
}

describe("the embedded relevance page (pure, over bitsets)", () => {
  it("reads the highest 4-bit counter among the lanes asked", () => {
    // Lane 0 counts 5 (planes 0 and 2), lane 1 counts 3 (planes 0 and 1).
    expect(highest4(0b11, 0b11, 0b10, 0b01, 0)).toBe(5);
    expect(highest4(0b10, 0b11, 0b10, 0b01, 0)).toBe(3);
    expect(highest4(0, 0b11, 0b10, 0b01, 0)).toBe(0);
  });

  it("merges two ascending lists", () => {
    expect(mergeAscending([1, 4, 9], [2, 3, 10])).toEqual([1, 2, 3, 4, 9, 10]);
    expect(mergeAscending([], [5])).toEqual([5]);
  });

  it("gives the same page as a full sort: few and many words, synonyms, filters and refusals", () => {
    const scratch = { planes: [] as Int32Array[] };
    for (let round = 0; round < 60; round++) {
      const positions = 1 + Math.floor(rnd() * 700);
      // Now and then 16 to 40 words: the five-plane counters and the general ones too.
      const words = round % 5 === 0 ? 16 + Math.floor(rnd() * 25) : 1 + Math.floor(rnd() * 6);
      const bits: WordBits[] = Array.from({ length: words }, () => {
        const word = randomBits(positions, rnd() * 0.4);
        const synonym = rnd() < 0.5 ? randomBits(positions, 0.2) : null;
        if (synonym) for (let i = 0; i < synonym.length; i++) synonym[i]! &= ~word[i]!;
        return { word, synonym };
      });
      const filter = randomBits(positions, 0.3 + rnd() * 0.7);
      const refused = new Set(Array.from({ length: 20 }, () => Math.floor(rnd() * positions)));
      const accepts = (p: number) => !refused.has(p);
      const wanted = 1 + Math.floor(rnd() * 60);
      expect(relevantPage({ positions, filter, bits, wanted, accepts }, scratch)).toEqual(reference(positions, filter, bits, wanted, accepts));
    }
  });

  it("a query without synonyms after one with them reads no synonym counts left in the reused planes", () => {
    const scratch = { planes: [] as Int32Array[] };
    const positions = 640;
    const all = () => randomBits(positions, 1);
    const word = randomBits(positions, 0.3);
    const synonym = randomBits(positions, 0.5);
    for (let i = 0; i < synonym.length; i++) synonym[i]! &= ~word[i]!;
    const withSynonym: WordBits[] = [{ word, synonym }, { word: randomBits(positions, 0.3), synonym: null }];
    const without: WordBits[] = [{ word: randomBits(positions, 0.3), synonym: null }, { word: randomBits(positions, 0.2), synonym: null }];
    const accepts = () => true;
    for (const bits of [withSynonym, without, withSynonym, without]) {
      const filter = all();
      expect(relevantPage({ positions, filter, bits, wanted: 400, accepts }, scratch)).toEqual(reference(positions, filter, bits, 400, accepts));
    }
  });

  it("counts up to 31 words, or 31 synonyms, at one posting in five planes, and past that in more (scratch kept across)", () => {
    const scratch = { planes: [] as Int32Array[] };
    const accepts = () => true;
    for (const tokens of [31, 32, 33, 31, 63, 30, 31]) {
      for (const synonyms of [true, false, true]) {
        // Three blocks of tokens + 1 positions: k words; k synonyms; k words and the rest synonyms.
        const positions = 3 * (tokens + 1);
        const bits: WordBits[] = Array.from({ length: tokens }, () => ({ word: new Int32Array(wordsFor(positions)), synonym: synonyms ? new Int32Array(wordsFor(positions)) : null }));
        for (let p = 0; p < positions; p++) {
          const block = Math.floor(p / (tokens + 1));
          const k = p % (tokens + 1);
          const [w, n] = block === 0 ? [k, 0] : block === 1 ? [0, k] : [k, tokens - k];
          for (let s = 0; s < w; s++) setBit(bits[s]!.word, p);
          if (synonyms) for (let s = w; s < w + n; s++) setBit(bits[s]!.synonym!, p);
        }
        const filter = randomBits(positions, 1);
        expect([tokens, synonyms, relevantPage({ positions, filter, bits, wanted: positions, accepts }, scratch)]).toEqual([tokens, synonyms, reference(positions, filter, bits, positions, accepts)]);
      }
    }
  });

  it("gives the same pages whatever the queries before it left in the scratch (five planes and more, synonyms or none, fewer and more positions)", () => {
    const scratch = { planes: [] as Int32Array[] };
    const query = (positions: number, words: number, synonyms: boolean): WordBits[] =>
      Array.from({ length: words }, () => {
        const word = randomBits(positions, 0.35);
        const synonym = synonyms && rnd() < 0.7 ? randomBits(positions, 0.3) : null;
        if (synonym) for (let i = 0; i < synonym.length; i++) synonym[i]! &= ~word[i]!;
        return { word, synonym };
      });
    const shapes: [number, number, boolean][] = [[900, 40, true], [900, 3, false], [300, 3, true], [900, 40, false], [2000, 31, true], [2000, 2, false], [700, 33, true], [700, 5, false], [2500, 6, true]];
    for (const [positions, words, synonyms] of [...shapes, ...shapes.reverse()]) {
      const bits = query(positions, words, synonyms);
      const filter = randomBits(positions, 0.9);
      const accepts = (p: number) => p % 17 !== 3;
      expect(relevantPage({ positions, filter, bits, wanted: positions, accepts }, scratch)).toEqual(reference(positions, filter, bits, positions, accepts));
    }
  });
});
