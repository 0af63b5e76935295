import { describe, expect, it } from "vitest";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import type { PostingDocument } from "../../src/search/search-port.js";
import { rankerFor, type Candidate } from "../../src/modules/matching/match-ranker.js";
import { BOOST_FACTORS, type MatchWeights } from "../../src/modules/matching/match-score.js";
import { DEFAULT_MATCH_RULES } from "../../src/modules/matching/match-rules.js";
import type { RegionPlace } from "../../src/modules/regions/region-directory.js";

// A small seeded generator: the same cases on every run.
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const places = new Map<string, RegionPlace>([
  ["350102", { code: "350102", name: "鼓楼区", lng: 119.3, lat: 26.08 }],
  ["350203", { code: "350203", name: "思明区", lng: 118.08, lat: 24.45 }],
  ["350402", { code: "350402", name: "梅列区", lng: 117.64, lat: 26.27 }],
  ["350200", { code: "350200", name: "厦门市", lng: 118.09, lat: 24.48 }],
  ["350999", { code: "350999", name: "无坐标", lng: null, lat: null }],
] as [string, RegionPlace][]);

const words = ["会计", "出纳", "软件", "测试", "护理", "物流", "电商"];

describe("the ranker's score", () => {
  it("is what its worded factors add up to: fit plus the boosts capped at the margin (600 random people × postings)", () => {
    const next = random(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    let checked = 0;
    for (let p = 0; p < 30; p++) {
      const person = {
        id: `p${p}`,
        householdRegionCode: pick(["350102", "350203", "350402"]),
        originRegionCode: "350102",
        degreeLevel: pick(["JUNIOR_HIGH", "HIGH_SCHOOL", "ASSOCIATE", "BACHELOR", "MASTER"]),
        major: next() < 0.5 ? pick(words) : null,
        intentionKeywords: next() < 0.8 ? [pick(words), pick(words)] : [],
        intentionRegionCodes: next() < 0.5 ? ["350200"] : [],
        intentionMinSalary: next() < 0.7 ? Math.round(3000 + next() * 5000) : null,
        skills: next() < 0.5 ? [pick(words)] : [],
        willingToRelocate: next() < 0.5,
        openToLabourCooperation: false,
        registeredPoverty: next() < 0.4,
      } as unknown as PersonRow;
      const weights: MatchWeights = { text: next(), occupation: next(), distance: next(), salary: next(), education: next(), keyGroup: next() * 0.1, workshop: next() * 0.1, freshness: next(), headcount: next() * 0.1, employerRepeatDamping: 0.5 };
      const rules = { ...DEFAULT_MATCH_RULES, boostMargin: pick([0, 0.02, 0.05, 1]) };
      const ranker = rankerFor(person, { weights, inTargetCategory: next() < 0.5, facts: { places, rules, populations: new Set() }, synonymGroups: [["会计", "出纳"], ["护理", "护士"]] });
      for (let k = 0; k < 20; k++) {
        const title = `${pick(words)}${pick(["专员", "工程师", "护士"])}`;
        const document = {
          id: `d${k}`,
          title,
          matchText: `${title} ${pick(words)}`.toLowerCase(),
          majors: next() < 0.3 ? [pick(words)] : [],
          employerId: "e",
          regionCode: pick([...places.keys()]),
          educationRank: Math.floor(next() * 5),
          salaryMax: next() < 0.8 ? Math.round(2000 + next() * 10000) : null,
          forKeyGroups: next() < 0.5,
          povertyWorkshop: next() < 0.3,
          publishedAt: next() < 0.9 ? Date.now() / 1000 - next() * 120 * 86_400 : 0,
          headcount: Math.ceil(next() * 20),
        } as unknown as PostingDocument;
        const candidate: Candidate = { document, relevance: next(), byText: next() < 0.8 };
        let fit = 0;
        let boost = 0;
        for (const f of ranker.factors(candidate)) {
          if (BOOST_FACTORS.has(f.factor)) boost += weights[f.factor] * f.score;
          else fit += weights[f.factor] * f.score;
        }
        expect(ranker.score(candidate), `${person.id} × ${document.id}`).toBe(fit + Math.min(boost, rules.boostMargin));
        checked++;
      }
    }
    expect(checked).toBe(600);
  });
});
