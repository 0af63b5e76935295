import { beforeAll, describe, expect, it } from "vitest";
import type { MatchItem } from "../../src/modules/matching/recommend.service.js";
import { DEFAULT_MATCH_RULES } from "../../src/modules/matching/match-rules.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import type { PostingRow } from "../../src/modules/postings/posting.table.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import type { CasePerson } from "../eval/matching-cases.js";
import { scorePerson, type Held } from "../eval/matching-scoring.js";
import { familyOfTitle } from "../eval/matching-families.js";
import { postingDocument } from "../../src/modules/postings/posting-documents.js";

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

/** An engine holding these postings as the index would (their words are their titles). */
async function indexed(hs: Held[]): Promise<EmbeddedSearchEngine> {
  const engine = new EmbeddedSearchEngine();
  const row = (h: Held) => ({ ...h, occupation: null, skills: [], majors: [], description: "", salaryMin: null, headcount: 1, forKeyGroups: false, publishedAt: new Date(), source: "EMPLOYER" }) as unknown as PostingRow;
  await engine.upsert(hs.map((h) => postingDocument(row(h), { name: "样本单位", verified: true, isPovertyWorkshop: false })));
  return engine;
}

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
  const poor = (o: Partial<PersonRow> = {}) => ({ ...xiamenAccountant({ registeredPoverty: true, ...o }, { populations: new Set(["KEY_GROUP_GRADUATE"]), minimum: 3 }), obvious: [obvious.index] });
  beforeAll(async () => {
    ctx.engine = await indexed(all);
  });

  it("a list within the rules, the obvious fit first: no violation, a hit, precision 1", async () => {
    const s = await scorePerson(ctx, person, [asItem(obvious), asItem(other), asItem(copies[0]!)]);
    expect(s.violations).toEqual([]);
    expect(s.obvious?.ranker).toBe(true);
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
    // Three market postings FIT them, holding their word 会计 (two in Xiamen, one in their own county; the
    // two 出纳 copies hold none of it): as many as their minimum, so the fallback is not theirs.
    expect((await scorePerson(ctx, poor(), [asItem(obvious), asItem(welfare, true)])).violations).toEqual([expect.stringContaining("the fallback offered though 3 market postings fit")]);
    expect((await scorePerson(ctx, poor(), [asItem(welfare, false), asItem(obvious)])).violations).toContain(`${welfare.title}: a public-welfare post not offered as the fallback`);
  });

  // THE fallback rule: a market FIT lies within their constraints and holds some of their words.
  // One who asks for 出纳 has two fits (the copies), fewer than 3: the fallback is theirs, after those
  // two and before the 会计 postings, which hold none of their words.
  const cashier = poor({ intentionKeywords: ["出纳"] });

  it("postings within the constraints that hold none of the person's words are no market fits: the fallback is due", async () => {
    const s = await scorePerson(ctx, cashier, [asItem(copies[0]!), asItem(welfare, true), asItem(obvious)]);
    expect(s.violations).toEqual([]);
    expect(s.failure).toBeUndefined(); // the fallback in the top 3, as the family's obvious fit would be
    expect(s.ranker.precisionAt3).toBeCloseTo(1); // the 会计 posting is still their family's, near and paid
  });

  it("the rule's order: the fallback after every market fit, and before the market postings that hold none of their words", async () => {
    expect((await scorePerson(ctx, cashier, [asItem(copies[0]!), asItem(welfare, true), asItem(obvious), asItem(other)])).violations).toEqual([]);
    expect((await scorePerson(ctx, cashier, [asItem(welfare, true), asItem(copies[0]!)])).violations).toEqual([`${copies[0]!.title}: a market fit listed after a fallback one`]);
    expect((await scorePerson(ctx, cashier, [asItem(obvious), asItem(welfare, true)])).violations).toEqual([`${welfare.title}: the fallback listed after a market posting that holds none of the person's words`]);
    // Without the fallback (the 会计 seeker has their three fits), market postings by score: no order to keep.
    expect((await scorePerson(ctx, poor(), [asItem(copies[0]!), asItem(obvious)])).violations).toEqual([]);
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

describe("the text-only baseline", () => {
  // The rubric: "the engine's relevance on the person's words" — the share of their words a posting
  // holds, as matching asks (ANY). The search box's ALL (every word held) would leave a person who
  // typed several words with next to no list, a baseline handicapped by its query mode, not by text.
  it("finds a posting that holds some of the person's words, not only one that holds all of them", async () => {
    const engine = new EmbeddedSearchEngine();
    const accountant = held({ regionCode: "350203", title: "会计" });
    const row = { id: accountant.id, employerId: accountant.employerId, title: "会计", occupation: "财务", skills: ["财务核算"], majors: [], description: "会计，要求财务核算。", regionCode: "350203", minEducation: "ASSOCIATE", salaryMin: 4000, salaryMax: 6000, kind: "REGULAR", forKeyGroups: false, status: "OPEN", validUntil: later, publishedAt: new Date(), headcount: 1, source: "EMPLOYER" } as unknown as PostingRow;
    await engine.upsert([postingDocument(row, { name: "样本单位", verified: true, isPovertyWorkshop: false })]);
    const ctx = { engine, held: new Map([[accountant.id, accountant]]), places, rules: DEFAULT_MATCH_RULES, now: new Date() };
    // Words 会计 出纳 Excel: the posting holds 会计 only.
    const person = { ...xiamenAccountant({ intentionKeywords: ["会计", "出纳"], skills: ["Excel"] }), obvious: [accountant.index] };
    const s = await scorePerson(ctx, person, [asItem(accountant)]);
    expect(s.obvious).toEqual({ ranker: true, baseline: true });
    expect(s.baseline.precisionAt3).toBeCloseTo(1 / 3);
  });
});

describe("familyOfTitle: the demo's occupations as a caseworker files them", () => {
  it.each([
    ["客房服务员", null], // hotel housekeeping is not 餐饮's 餐厅服务员
    ["快递分拣员", null], // sorting in a depot is not driving (驾驶's 快递员 delivers)
    ["软件开发助理（就业见习）", "软件开发"], // a traineeship of the trade keeps its place for graduates
    ["教学助理（就业见习）", "教育"],
    ["餐厅服务员", "餐饮"],
    ["快递员", "驾驶"],
    ["家政服务员", null],
  ])("%s → %s", (title, family) => {
    expect(familyOfTitle(title)).toBe(family);
  });
});
