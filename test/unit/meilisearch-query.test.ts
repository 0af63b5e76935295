import { describe, expect, it } from "vitest";
import { filterNumber, filterString, meilisearchFilter, meilisearchSearchBody } from "../../src/search/meilisearch-query.js";

describe("Meilisearch filter strings", () => {
  it("builds the structured filter with every value quoted", () => {
    expect(
      meilisearchFilter({ validAt: 1_800_000_000, regionPrefixes: ["3501", "3502"], educationAtMost: 4, excludeKinds: ["PUBLIC_WELFARE"], forKeyGroups: true, excludeIds: ["a"], onlyIds: ["b", "c"] }),
    ).toBe(
      'status IN ["OPEN"] AND validUntil > 1800000000 AND regionPath IN ["3501", "3502"] AND educationRank <= 4 AND kind NOT IN ["PUBLIC_WELFARE"] AND forKeyGroups = true AND id NOT IN ["a"] AND id IN ["b", "c"]',
    );
  });

  it("escapes quotes and backslashes, so a value cannot close its string", () => {
    expect(filterString('x" OR status = "CLOSED')).toBe('"x\\" OR status = \\"CLOSED"');
    expect(filterString("a\\")).toBe('"a\\\\"');
    expect(meilisearchFilter({ kinds: ['REGULAR"] OR kind IN ["X'] })).toBe('status IN ["OPEN"] AND kind IN ["REGULAR\\"] OR kind IN [\\"X"]');
  });

  it("refuses non-finite numbers and keeps search text out of the filter", () => {
    expect(() => meilisearchFilter({ educationAtMost: Number.NaN })).toThrow(RangeError);
    expect(() => meilisearchFilter({ onlyIds: [] })).toThrow(RangeError);
    const body = meilisearchSearchBody({ text: '会计" OR status = "CLOSED', filter: {}, offset: 0, limit: 10, sort: "NEWEST", facets: ["kind"] }, ["会计", "or", "status", "closed"]);
    expect(body).toMatchObject({ q: "会计 or status closed", filter: 'status IN ["OPEN"]', sort: ["publishedAt:desc", "id:desc"], facets: ["kind"], matchingStrategy: "all" });
  });

  it("refuses numbers JavaScript would write as 1e+21 (Meilisearch's parser reads no such number)", () => {
    expect(() => meilisearchFilter({ salaryAtLeast: 1e21 })).toThrow(RangeError);
    expect(() => meilisearchFilter({ salaryAtLeast: -1e21 })).toThrow(RangeError);
    expect(() => filterNumber(1e300, "x")).toThrow(RangeError);
    expect(filterNumber(999_999_999_999_999_900_000, "x")).toBe("999999999999999900000");
    expect(meilisearchFilter({ salaryAtLeast: 8000.7 })).toBe('status IN ["OPEN"] AND salaryMax >= 8000');
  });

  it("sends newest first when there are no words and no sort, relevance (no sort) with words, and a sort when asked", () => {
    const q = (sort: "RELEVANCE" | "NEWEST" | "SALARY_DESC" | undefined, tokens: string[]) =>
      meilisearchSearchBody({ filter: {}, offset: 0, limit: 10, ...(sort ? { sort } : {}) }, tokens) as { sort?: string[] };
    // Ties newest, then the greater id: the embedded engine's order exactly.
    expect(q(undefined, []).sort).toEqual(["publishedAt:desc", "id:desc"]);
    expect(q("RELEVANCE", []).sort).toEqual(["publishedAt:desc", "id:desc"]);
    expect(q(undefined, ["会计"]).sort).toBeUndefined();
    expect(q("RELEVANCE", ["会计"]).sort).toBeUndefined();
    expect(q("NEWEST", ["会计"]).sort).toEqual(["publishedAt:desc", "id:desc"]);
    expect(q("SALARY_DESC", ["会计"]).sort).toEqual(["salaryMax:desc", "publishedAt:desc", "id:desc"]);
  });
});
