import { describe, expect, it } from "vitest";
import type { MatchItem } from "../../src/modules/matching/recommend.service.js";
import { DEFAULT_MATCH_RULES } from "../../src/modules/matching/match-rules.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import type { PostingRow } from "../../src/modules/postings/posting.table.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import type { CasePerson } from "../eval/matching-cases.js";
import { scorePerson, type Held } from "../eval/matching-scoring.js";

// The matching harness's own rules (test/eval/matching-eval.ts): what it calls a violation, an obvious
// fit missed, a copy — so a ranker that breaks them shows in the report, not only a ranker that passes.
const places = new Map([
  ["350203", { code: "350203", name: "思明区", lng: 118.08, lat: 24.45 }],
  ["350206", { code: "350206", name: "湖里区", lng: 118.15, lat: 24.51 }],
  ["350102", { code: "350102", name: "鼓楼区", lng: 119.3, lat: 26.08 }],
]);
const later = new Date(Date.now() + 30 * 86_400_000);
let serial = 0;
function held(o: Partial<Held> & Pick<Held, "regionCode">): Held {
  serial++;
  return { id: `p${serial}`, title: `会计${serial}`, employerId: `e${serial}`, salaryMax: 6000, kind: "REGULAR", status: "OPEN", validUntil: later, minEducation: "ASSOCIATE", family: "财务", role: undefined, index: serial, ...o };
}
const asItem = (h: Held, fallback = false) => ({ posting: h as unknown as PostingRow, score: 1, reasons: [], fallback }) as MatchItem;

function xiamenAccountant(o: Partial<PersonRow> = {}, profile = { populations: new Set<string>(), minimum: 0 }): CasePerson {
  const person = { id: "person", householdRegionCode: "350102", originRegionCode: "350102", degreeLevel: "BACHELOR", major: null, intentionKeywords: ["会计"], intentionRegionCodes: ["350200"], intentionMinSalary: 5000, skills: [], willingToRelocate: false, openToLabourCooperation: false, registeredPoverty: false, ...o } as unknown as PersonRow;
  return { caseFamily: "narrow-intention", person, truth: { family: "财务", near: ["3502", "350102"], wants: 5000 }, profile, obvious: [], copies: [], words: "会计" };
}

describe("matching harness scoring", () => {
  const obvious = held({ regionCode: "350203" });
  const other = held({ regionCode: "350206" });
  const tempting = held({ regionCode: "350102", employerId: "far" });
  // Fuzhou 350102 is their own county (acceptable); a second Fuzhou posting outside it is not.
  const outside = held({ regionCode: "350105" });
  const welfare = held({ regionCode: "350203", kind: "PUBLIC_WELFARE", family: null, minEducation: "NONE", title: "保洁员（公益性岗位）" });
  const copies = [held({ regionCode: "350206", title: "出纳" }), held({ regionCode: "350206", title: "出纳" })];
  const all = [obvious, other, tempting, outside, welfare, ...copies];
  const ctx = { engine: new EmbeddedSearchEngine(), held: new Map(all.map((h) => [h.id, h])), places, rules: DEFAULT_MATCH_RULES, now: new Date() };
  const person = { ...xiamenAccountant(), obvious: [obvious.index] };

  it("a list within the rules, the obvious fit first: no violation, a hit, precision 1", async () => {
    const s = await scorePerson(ctx, person, [asItem(obvious), asItem(other), asItem(copies[0]!)]);
    expect(s.violations).toEqual([]);
    expect(s.obvious).toEqual({ ranker: true, baseline: false });
    expect(s.ranker.precisionAt3).toBe(1);
  });

  it("a posting outside the places the person accepts is a violation, graded 0", async () => {
    const s = await scorePerson(ctx, person, [asItem(outside), asItem(other), asItem(obvious)]);
    expect(s.violations).toHaveLength(1);
    expect(s.violations[0]).toContain("outside the places");
    expect(s.ranker.precisionAt3).toBeCloseTo(2 / 3);
    expect(s.failure?.why).toHaveLength(1);
  });

  it("a public-welfare post for someone not from a poverty household, or not flagged fallback, is a violation", async () => {
    expect((await scorePerson(ctx, person, [asItem(obvious), asItem(welfare, true)])).violations.length).toBeGreaterThan(0);
    const poor = { ...xiamenAccountant({ registeredPoverty: true }, { populations: new Set(["KEY_GROUP_GRADUATE"]), minimum: 3 }), obvious: [obvious.index] };
    // Five market postings fit them (two Xiamen, their own county, two copies: more than the minimum 3): the fallback is not theirs.
    expect((await scorePerson(ctx, poor, [asItem(obvious), asItem(welfare, true)])).violations).toEqual([expect.stringContaining("the fallback offered though 5 market postings fit")]);
    expect((await scorePerson(ctx, poor, [asItem(welfare, false), asItem(obvious)])).violations).toContain(`${welfare.title}: a public-welfare post not offered as the fallback`);
  });

  it("a second copy grades 0, and the obvious fit missed from the top 3 is a failure", async () => {
    const s = await scorePerson(ctx, person, [asItem(copies[0]!), asItem(copies[1]!), asItem(other), asItem(obvious)]);
    expect(s.ranker.precisionAt3).toBeCloseTo(2 / 3);
    expect(s.obvious?.ranker).toBe(true); // `other` is as good as the planted fit
    const worse = await scorePerson(ctx, person, [asItem(copies[0]!), asItem(copies[1]!), asItem(tempting), asItem(obvious)]);
    expect(worse.violations).toEqual([]);
    expect(worse.obvious?.ranker).toBe(true); // the first copy is as good too
    const nearDuplicates = { ...person, caseFamily: "near-duplicates" as const, copies: copies.map((c) => c.index) };
    for (const c of copies) c.role = "copy";
    expect((await scorePerson(ctx, nearDuplicates, [asItem(copies[0]!), asItem(copies[1]!), asItem(tempting)])).obvious?.ranker).toBe(false);
  });
});
