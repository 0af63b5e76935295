import { describe, expect, it } from "vitest";
import { countiesWithin } from "../../src/modules/matching/match-constraints.js";
import { pickDiverse } from "../../src/modules/matching/match-ranker.js";
import { commuteRadiusFor, DEFAULT_MATCH_RULES, ruleProblems, type MatchRules } from "../../src/modules/matching/match-rules.js";

const rules = (over: Partial<MatchRules>): MatchRules => ({ ...DEFAULT_MATCH_RULES, ...over });

describe("the matching policy's rules", () => {
  it("gives a person the widest commuting radius of their populations, and none (their prefectures) when a population has none", () => {
    const both = rules({ commuteRadii: [{ population: "POVERTY_LABOURER", km: 30 }, { population: "KEY_GROUP_GRADUATE", km: 80 }] });
    expect(commuteRadiusFor(both, new Set(["POVERTY_LABOURER"]))).toBe(30);
    expect(commuteRadiusFor(both, new Set(["POVERTY_LABOURER", "KEY_GROUP_GRADUATE"]))).toBe(80);
    expect(commuteRadiusFor(DEFAULT_MATCH_RULES, new Set(["POVERTY_LABOURER", "KEY_GROUP_GRADUATE"]))).toBeNull();
    expect(commuteRadiusFor(DEFAULT_MATCH_RULES, new Set())).toBeNull();
  });

  it("names every bad field", () => {
    expect(ruleProblems(DEFAULT_MATCH_RULES)).toEqual([]);
    const bad = ruleProblems({ commuteRadii: [{ population: "POVERTY_LABOURER", km: 0 }, { population: "POVERTY_LABOURER", km: -1 }, { population: "NOBODY" as never, km: 10 }], boostMargin: Number.NaN, nearDuplicateDamping: 2 });
    expect(bad.map((p) => p.field)).toEqual([
      "rules.commuteRadii.0.km",
      "rules.commuteRadii.1.population",
      "rules.commuteRadii.1.km",
      "rules.commuteRadii.2.population",
      "rules.boostMargin",
      "rules.nearDuplicateDamping",
    ]);
  });
});

describe("countiesWithin", () => {
  const place = (code: string, lng: number, lat: number) => [code, { code, name: code, lng, lat }] as const;
  // Two prefectures: 9901 (three counties near each other), 9902 (one near, one far).
  const places = new Map([place("990100", 0, 0), place("990101", 0, 0), place("990102", 0.1, 0), place("990103", 0, 0.1), place("990201", 0.2, 0), place("990202", 5, 5)]);
  it("lists the counties within the radius of home, naming a prefecture wholly within once", () => {
    expect(countiesWithin(places, "990101", 30)).toEqual(["9901", "990201"]);
    expect(countiesWithin(places, "990101", 5)).toEqual(["990101"]);
    expect(countiesWithin(places, "990101", 2000)).toEqual(["9901", "9902"]);
  });
});

describe("pickDiverse", () => {
  const item = (id: string, score: number, employerId: string, keys: string[]) => ({ id, score, employerId, duplicateKeys: keys });
  it("folds near-duplicates harder than one employer's other postings", () => {
    const pool = [item("a", 0.9, "e1", ["t:x"]), item("b", 0.89, "e2", ["t:x"]), item("c", 0.88, "e3", ["t:x"]), item("d", 0.6, "e4", ["t:y"]), item("e", 0.85, "e1", ["t:z"])];
    const picked = pickDiverse(pool, 3, { employer: 0.85, nearDuplicate: 0.5 });
    // a first; b and c are copies of a (0.445, 0.44), e is a's employer's other job (0.7225), d is distinct (0.6).
    expect(picked.map((p) => p.id)).toEqual(["a", "e", "d"]);
    // Without folding, the copies would fill the top 3.
    expect(pickDiverse(pool, 3, { employer: 1, nearDuplicate: 1 }).map((p) => p.id)).toEqual(["a", "b", "c"]);
  });
});
