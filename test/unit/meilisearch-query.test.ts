import { describe, expect, it } from "vitest";
import { filterString, meilisearchFilter, meilisearchSearchBody } from "../../src/search/meilisearch-query.js";

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
    const body = meilisearchSearchBody({ text: '会计" OR status = "CLOSED', filter: {}, offset: 0, limit: 10, sort: "NEWEST", facets: ["kind"] }, "会计 or status closed");
    expect(body).toMatchObject({ q: "会计 or status closed", filter: 'status IN ["OPEN"]', sort: ["publishedAt:desc"], facets: ["kind"], showRankingScore: true });
  });
});
