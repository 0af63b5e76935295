import { beforeAll, describe, expect, it } from "vitest";
import { gatherCandidates } from "../../src/modules/matching/recommend.service.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import type { EngineFilter, PostingDocument } from "../../src/search/search-port.js";
import { segmentedText } from "../../src/search/segment.js";

const NOW = 1_800_000_000;

/** 300 postings holding one, two or three of the person's words: relevance levels, recency within each. */
function documents(): PostingDocument[] {
  const words = ["会计", "出纳", "审计"];
  return Array.from({ length: 300 }, (_, i) => {
    const text = `${words.slice(0, 1 + (i % 3)).join(" ")} 岗位${i}`;
    return {
      id: `p${String(i).padStart(3, "0")}`,
      title: text,
      searchText: segmentedText(text),
      matchText: text,
      majors: [],
      employerId: `e${i % 7}`,
      employerName: "单位",
      employerVerified: true,
      povertyWorkshop: false,
      regionCode: "350102",
      regionPath: ["35", "3501", "350102"],
      regionPrefecture: "350100",
      educationRank: 4,
      salaryMin: 5000,
      salaryMax: 8000,
      salaryBand: "8000-12000",
      kind: "REGULAR",
      forKeyGroups: false,
      status: "OPEN",
      validUntil: NOW + 86_400,
      publishedAt: NOW - i * 60,
      headcount: 1,
    };
  });
}

const person = { intentionKeywords: ["会计", "出纳", "审计"], major: null, skills: [] } as unknown as PersonRow;
const filter: EngineFilter = { validAt: NOW };
const ids = (cs: { document: { id: string } }[]) => cs.map((c) => c.document.id);

/**
 * The text search starts before the person's referrals are read and leaves them out after: the
 * candidates must be those of a search that left them out from the start, however many were referred.
 */
describe("gathering candidates beside the referrals read", () => {
  const engine = new EmbeddedSearchEngine();
  beforeAll(async () => {
    await engine.applySettings({ synonyms: [] });
    await engine.upsert(documents());
  });

  it("gives the candidates of a search leaving the referred out, with few, many (more than the room) or all of the page referred", async () => {
    const top = ids(await gatherCandidates(engine, person, filter, 20, Promise.resolve(undefined)));
    expect(top).toHaveLength(200);
    for (const referred of [[], top.slice(0, 5), top.slice(0, 40), top.slice(150, 200), top, ["p299", "nowhere"]]) {
      const set = new Set(referred);
      const expected = ids(await gatherCandidates(engine, person, { ...filter, ...(referred.length > 0 ? { excludeIds: [...referred].sort() } : {}) }, 20, Promise.resolve(undefined)));
      const got = ids(await gatherCandidates(engine, person, filter, 20, new Promise((resolve) => setTimeout(() => resolve(set), 5))));
      expect(got).toEqual(expected);
      expect(got.some((id) => set.has(id))).toBe(false);
    }
  });

  it("tops up with the newest fitting postings, leaving the referred out, when words find fewer than enough", async () => {
    const few = { intentionKeywords: ["岗位7"], major: null, skills: [] } as unknown as PersonRow;
    const referred = new Set(["p000", "p001"]);
    const got = ids(await gatherCandidates(engine, few, filter, 20, Promise.resolve(referred)));
    expect(got.length).toBeGreaterThanOrEqual(20);
    expect(got.some((id) => referred.has(id))).toBe(false);
    expect(got).toEqual(ids(await gatherCandidates(engine, few, { ...filter, excludeIds: [...referred] }, 20, Promise.resolve(undefined))));
  });
});
