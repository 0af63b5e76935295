import { describe, expect, it } from "vitest";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import type { PostingDocument, EngineFilter } from "../../src/search/search-port.js";

/** The filter as the port defines it, written plainly: the engine's column filter must agree on every case. */
function reference(d: PostingDocument, f: EngineFilter): boolean {
  if (!(f.statuses ?? ["OPEN"]).includes(d.status)) return false;
  if (f.validAt !== undefined && !(d.validUntil > f.validAt)) return false;
  if (f.regionPrefixes && f.regionPrefixes.length > 0 && !f.regionPrefixes.some((p) => d.regionPath.includes(p))) return false;
  if (f.educationAtMost !== undefined && !(d.educationRank <= f.educationAtMost)) return false;
  if (f.salaryAtLeast !== undefined && !(d.salaryMax !== null && d.salaryMax >= f.salaryAtLeast)) return false;
  if (f.kinds && f.kinds.length > 0 && !f.kinds.includes(d.kind)) return false;
  if (f.excludeKinds && f.excludeKinds.includes(d.kind)) return false;
  if (f.forKeyGroups !== undefined && d.forKeyGroups !== f.forKeyGroups) return false;
  if (f.employerVerified !== undefined && d.employerVerified !== f.employerVerified) return false;
  if (f.povertyWorkshop !== undefined && d.povertyWorkshop !== f.povertyWorkshop) return false;
  if (f.excludeIds && f.excludeIds.includes(d.id)) return false;
  if (f.onlyIds && !f.onlyIds.includes(d.id)) return false;
  return true;
}

let seed = 7;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const COUNTIES = ["350102", "350121", "350203", "350524", "350583", "350802", "620102", "640422"];
const KINDS = ["REGULAR", "TRAINEESHIP", "GRASSROOTS", "PUBLIC_WELFARE", "HOUSEHOLD_SERVICE"];
const STATUSES = ["OPEN", "CLOSED", "EXPIRED"];

function document(i: number): PostingDocument {
  const county = pick(COUNTIES);
  const salaryMax = rnd() < 0.2 ? null : 2000 + Math.floor(rnd() * 10) * 1000;
  return {
    id: `d${i}`, title: "岗位", searchText: "岗位 招聘", matchText: "岗位", majors: [],
    employerId: `e${i % 7}`, employerName: "单位", employerVerified: rnd() < 0.5, povertyWorkshop: rnd() < 0.3,
    regionCode: county, regionPath: [county.slice(0, 2), county.slice(0, 4), county], regionPrefecture: `${county.slice(0, 4)}00`,
    educationRank: Math.floor(rnd() * 7), salaryMin: null, salaryMax, salaryBand: "x", kind: pick(KINDS), forKeyGroups: rnd() < 0.4,
    status: pick(STATUSES), validUntil: 1_000 + Math.floor(rnd() * 100), publishedAt: Math.floor(i / 3), headcount: 1,
  };
}

function randomFilter(): EngineFilter {
  const f: EngineFilter = {};
  if (rnd() < 0.5) f.statuses = STATUSES.filter(() => rnd() < 0.5);
  if (rnd() < 0.5) f.validAt = 1_000 + Math.floor(rnd() * 100);
  if (rnd() < 0.6) f.regionPrefixes = [pick(["35", "3501", "3502", "350524", "62", "6401", "640422", "3599", "3"]), ...(rnd() < 0.3 ? ["3508"] : [])];
  if (rnd() < 0.5) f.educationAtMost = Math.floor(rnd() * 7);
  if (rnd() < 0.4) f.salaryAtLeast = Math.floor(rnd() * 12) * 1000;
  if (rnd() < 0.3) f.kinds = KINDS.filter(() => rnd() < 0.4);
  if (rnd() < 0.3) f.excludeKinds = KINDS.filter(() => rnd() < 0.3);
  if (rnd() < 0.3) f.forKeyGroups = rnd() < 0.5;
  if (rnd() < 0.3) f.employerVerified = rnd() < 0.5;
  if (rnd() < 0.3) f.povertyWorkshop = rnd() < 0.5;
  if (rnd() < 0.3) f.excludeIds = [`d${Math.floor(rnd() * 400)}`, "unknown-id"];
  if (rnd() < 0.2) f.onlyIds = rnd() < 0.1 ? [] : Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => `d${Math.floor(rnd() * 420)}`);
  return f;
}

describe("the embedded engine's column filter", () => {
  it("agrees with the port's definition on 300 random filters over 400 documents, with and without text, after updates and removals", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings({ synonyms: [] });
    const docs = Array.from({ length: 400 }, (_, i) => document(i));
    await engine.upsert(docs);
    // Some documents change (region, status) and some go: the columns must follow.
    const changed = docs.slice(0, 40).map((d, i) => ({ ...document(1000 + i), id: d.id, publishedAt: d.publishedAt }));
    await engine.upsert(changed);
    await engine.remove(docs.slice(380).map((d) => d.id));
    const live = [...changed, ...docs.slice(40, 380)];
    for (let n = 0; n < 300; n++) {
      const filter = randomFilter();
      const expected = live.filter((d) => reference(d, filter)).map((d) => d.id).sort();
      const all = await engine.search({ filter, sort: "NEWEST", offset: 0, limit: 1000 });
      expect(all.hits.map((h) => h.id).sort(), JSON.stringify(filter)).toEqual(expected);
      const byText = await engine.search({ text: "岗位", filter, offset: 0, limit: 1000, countTotal: false });
      expect(byText.hits.map((h) => h.id).sort(), JSON.stringify(filter)).toEqual(expected);
      const page = await engine.search({ filter, sort: "NEWEST", offset: 0, limit: 5, countTotal: false });
      expect(page.hits.map((h) => h.id)).toEqual(all.hits.slice(0, 5).map((h) => h.id));
    }
  });

  it("forgets what it remembered (filter verdicts, answers per word) when documents change between the same queries", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings({ synonyms: [] });
    let live = Array.from({ length: 300 }, (_, i) => ({ ...document(i), searchText: i % 2 ? "岗位 招聘 电工" : "岗位 招聘" }));
    await engine.upsert(live);
    const filters = Array.from({ length: 40 }, randomFilter);
    const check = async () => {
      for (const filter of filters) {
        const expected = live.filter((d) => reference(d, filter)).map((d) => d.id).sort();
        const byText = await engine.search({ text: "岗位", filter, offset: 0, limit: 1000, countTotal: false });
        expect(byText.hits.map((h) => h.id).sort(), JSON.stringify(filter)).toEqual(expected);
        const electricians = live.filter((d) => d.searchText.includes("电工") && reference(d, filter)).map((d) => d.id).sort();
        const byWord = await engine.search({ text: "电工", filter, offset: 0, limit: 1000 });
        expect(byWord.hits.map((h) => h.id).sort(), JSON.stringify(filter)).toEqual(electricians);
      }
    };
    await check();
    // The same queries again after a change of status, place, education and words, and after removals.
    const changed = live.slice(0, 120).map((d, i) => ({ ...document(2000 + i), id: d.id, publishedAt: d.publishedAt, searchText: i % 3 ? "岗位 电工" : "岗位" }));
    await engine.upsert(changed);
    live = [...changed, ...live.slice(120)];
    await check();
    await engine.remove(live.slice(250).map((d) => d.id));
    live = live.slice(0, 250);
    await check();
  });

  it("pages by relevance on bitsets exactly as the full sort does: several words, synonyms, filters, ties, after changes", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings({ synonyms: [["会计", "财务"], ["司机", "驾驶员"], ["厨师", "烹饪"]] });
    const vocabulary = ["电工", "会计", "财务", "司机", "驾驶员", "厨师", "烹饪", "护士", "保洁", "销售", "客服", "普工"];
    const withWords = (d: PostingDocument): PostingDocument => ({ ...d, status: rnd() < 0.85 ? "OPEN" : "CLOSED", searchText: vocabulary.filter(() => rnd() < 0.3).join(" ") || "普工" });
    let live = Array.from({ length: 700 }, (_, i) => withWords(document(i)));
    await engine.upsert(live);
    const check = async () => {
      for (let n = 0; n < 60; n++) {
        const text = vocabulary.filter(() => rnd() < 0.3).join(" ") || "会计";
        const filter = randomFilter();
        const full = (await engine.search({ text, filter, offset: 0, limit: 1000 })).hits;
        for (const [offset, limit] of [[0, 1], [0, 10], [3, 30], [50, 200]] as const) {
          const page = (await engine.search({ text, filter, offset, limit, countTotal: false })).hits;
          expect(page, `${text} ${JSON.stringify(filter)} ${offset}+${limit}`).toEqual(full.slice(offset, offset + limit));
        }
      }
    };
    await check();
    const changed = live.slice(0, 200).map((d, i) => ({ ...withWords(document(3000 + i)), id: d.id, publishedAt: d.publishedAt }));
    await engine.upsert(changed);
    live = [...changed, ...live.slice(200)];
    await engine.remove(live.slice(600).map((d) => d.id));
    await check();
  });

  it("pages by relevance exactly as the full sort does for queries of more than 15 words (wider counters), with ANY word and with ALL", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings({ synonyms: [["word1", "word2"]] });
    const vocabulary = Array.from({ length: 24 }, (_, i) => `word${i}`);
    const docs = Array.from({ length: 500 }, (_, i) => ({ ...document(i), status: "OPEN", validUntil: 5_000, searchText: vocabulary.filter(() => rnd() < 0.5).join(" ") || "word0" }));
    await engine.upsert(docs);
    for (const size of [15, 16, 20, 24]) {
      const text = vocabulary.slice(0, size).join(" ");
      const full = (await engine.search({ text, words: "ANY", filter: {}, offset: 0, limit: 1000 })).hits;
      expect(full.length).toBeGreaterThan(100);
      for (const [offset, limit] of [[0, 10], [20, 100]] as const) {
        const page = (await engine.search({ text, words: "ANY", filter: {}, offset, limit, countTotal: false })).hits;
        expect(page, `${size} words ${offset}+${limit}`).toEqual(full.slice(offset, offset + limit));
      }
    }
    // ALL: only postings holding every word (word1 or its synonym word2 stands in for the other), paged alike.
    for (const text of ["word0 word3", "word1 word5", "word2 word4 word6"]) {
      const words = text.split(" ");
      const full = (await engine.search({ text, filter: {}, offset: 0, limit: 1000 })).hits;
      const holds = (d: { searchText: string }, w: string) => d.searchText.split(" ").includes(w) || ((w === "word1" || w === "word2") && d.searchText.split(" ").some((t) => t === "word1" || t === "word2"));
      expect(full.map((h) => h.id).sort()).toEqual(docs.filter((d) => words.every((w) => holds(d, w))).map((d) => d.id).sort());
      expect(full.length).toBeGreaterThan(10);
      for (const [offset, limit] of [[0, 10], [5, 20]] as const) {
        expect((await engine.search({ text, filter: {}, offset, limit, countTotal: false })).hits, `${text} ${offset}+${limit}`).toEqual(full.slice(offset, offset + limit));
      }
    }
  });

  it("keeps recency order when the newest posting was removed and an older one arrives (or a removed one comes back)", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings({ synonyms: [] });
    const at = (id: string, publishedAt: number) => ({ ...document(0), id, status: "OPEN", validUntil: 5_000, searchText: "岗位", publishedAt });
    await engine.upsert([at("A", 1), at("B", 3), at("C", 5)]);
    const page = async () => (await engine.search({ text: "岗位", filter: {}, offset: 0, limit: 10, countTotal: false })).hits.map((h) => h.id);
    const full = async () => (await engine.search({ text: "岗位", filter: {}, offset: 0, limit: 10 })).hits.map((h) => h.id);
    expect(await page()).toEqual(["C", "B", "A"]);
    await engine.remove(["C"]);
    await engine.upsert([at("D", 2)]);
    expect(await full()).toEqual(["B", "D", "A"]);
    expect(await page()).toEqual(await full());
    await engine.upsert([at("C", 4)]); // back, older than before
    expect(await page()).toEqual(["C", "B", "D", "A"]);
    await engine.upsert([at("E", 9)]); // the newest of all: appended
    expect(await page()).toEqual(["E", "C", "B", "D", "A"]);
  });

  it("pages a large bucket of equally relevant hits exactly as a full sort would, ties included", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings({ synonyms: [] });
    const docs = Array.from({ length: 3000 }, (_, i) => ({ ...document(i), status: "OPEN", validUntil: 5_000, publishedAt: Math.floor(rnd() * 400) }));
    await engine.upsert(docs);
    const full = (await engine.search({ text: "岗位", filter: {}, offset: 0, limit: 3000 })).hits.map((h) => h.id);
    expect(full).toHaveLength(3000);
    for (const [offset, limit] of [[0, 1], [0, 7], [5, 20], [100, 200], [2990, 50]] as const) {
      const page = await engine.search({ text: "岗位", filter: {}, offset, limit, countTotal: false });
      expect(page.hits.map((h) => h.id), `${offset}+${limit}`).toEqual(full.slice(offset, offset + limit));
    }
  });
});
