import { describe, expect, it } from "vitest";
import { pickDiverse, type Damping } from "../../src/modules/matching/match-ranker.js";

type C = { id: string; employerId: string; duplicateKeys: string[]; score: number };

/** The rule as written: each round, every remaining candidate damped; the best, the earliest among equals. */
function reference(pool: C[], first: number, damping: Damping) {
  const remaining = [...pool];
  const chosen: (C & { adjusted: number })[] = [];
  const perEmployer = new Map<string, number>();
  const perKey = new Map<string, number>();
  while (chosen.length < first && remaining.length > 0) {
    let best = 0;
    let bestScore = -1;
    remaining.forEach((c, i) => {
      const copies = Math.max(0, ...c.duplicateKeys.map((k) => perKey.get(k) ?? 0));
      const adjusted = c.score * damping.employer ** (perEmployer.get(c.employerId) ?? 0) * damping.nearDuplicate ** copies;
      if (adjusted > bestScore) [best, bestScore] = [i, adjusted];
    });
    const [pick] = remaining.splice(best, 1);
    perEmployer.set(pick!.employerId, (perEmployer.get(pick!.employerId) ?? 0) + 1);
    for (const k of pick!.duplicateKeys) perKey.set(k, (perKey.get(k) ?? 0) + 1);
    chosen.push({ ...pick!, adjusted: Math.round(bestScore * 1000) / 1000 });
  }
  return chosen;
}

/** A small seeded generator: the same pools on every run. */
function random(seed: number) {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe("pickDiverse", () => {
  it("picks what the rule as written picks, in the same order, for pools with repeated employers, copies and tied scores", () => {
    const rnd = random(2020);
    for (let round = 0; round < 500; round++) {
      const size = Math.floor(rnd() * 60);
      const pool: C[] = Array.from({ length: size }, (_, i) => {
        const title = `t${Math.floor(rnd() * 6)}`;
        const employer = `e${Math.floor(rnd() * 5)}`;
        // Scores from a few values: many ties.
        return { id: `p${i}`, employerId: employer, duplicateKeys: [`place:${Math.floor(rnd() * 3)}:${title}`, `employer:${employer}:${title}`], score: Math.round(rnd() * 8) / 8 };
      });
      const damping = { employer: [1, 0.85, 0.5][round % 3]!, nearDuplicate: [0.5, 1, 0][round % 3]! };
      const first = 1 + Math.floor(rnd() * 12);
      expect(pickDiverse(pool, first, damping).map((c) => [c.id, c.adjusted])).toEqual(reference(pool, first, damping).map((c) => [c.id, c.adjusted]));
    }
  });
});
