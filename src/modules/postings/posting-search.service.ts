import type { Database } from "../../db/client.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import { pageSize, type PageRequest } from "../../pagination.js";
import { isRegionPrefix } from "../../region-code.js";
import { FACETS, type FacetName, type SearchEngine } from "../../search/search-port.js";
import { getRegionsByCodes } from "../regions/region.service.js";
import type { PostingSearchFilterInput, SearchSort } from "./posting-search.inputs.js";
import { educationLevel, type PostingRow } from "./posting.table.js";

// A hit's cursor is its position in the engine's order (1-based): `after` it the page starts at
// that offset; `before` it, it ends one short of it.
const encodeOffset = (n: number) => Buffer.from(`o:${n}`).toString("base64url");
function decodeOffset(cursor: string | null | undefined, field: "after" | "before"): number | undefined {
  if (!cursor) return undefined;
  const m = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw badInput(field, msg("该游标不是本接口签发的", "The cursor is not one this API issued"));
  return Number(m[1]);
}

/**
 * Full-text search over open postings, for the portal and partner sites: public fields only, the
 * engine's order, PostgreSQL's rows (the source of truth; a hit no longer public is dropped).
 */
export async function searchPublicPostings(
  deps: {
    db: Database;
    search: SearchEngine;
    loadPostings: (ids: string[]) => Promise<(PostingRow | null)[]>;
    /** Counts a call to the engine against the request's cap (the count that reading back from the end needs). */
    countEngineCall?: () => void;
  },
  input: {
    query?: string | null;
    filter?: PostingSearchFilterInput | null;
    sort?: SearchSort | null;
    page: PageRequest;
    /** What the caller reads (default both): without them the engine stops at the page. */
    want?: { totalCount: boolean; facets: boolean };
  },
) {
  const want = input.want ?? { totalCount: true, facets: true };
  if (input.query && [...input.query].length > 200) throw badInput("query", msg("query 最多 200 个字符", "query is at most 200 characters"));
  const { size, backward } = pageSize(input.page);
  const after = decodeOffset(input.page.after, "after") ?? 0;
  const beforePosition = decodeOffset(input.page.before, "before");
  const prefixes = input.filter?.regionCodes ?? [];
  for (const [i, p] of prefixes.entries()) if (!isRegionPrefix(p)) throw badInput(`filter.regionCodes.${i}`, msg("地区代码前缀应为 2、4 或 6 位数字", "A region code prefix is 2, 4 or 6 digits"));
  if (prefixes.length > 0) {
    const padded = prefixes.map((p) => p.padEnd(6, "0"));
    const known = new Set((await getRegionsByCodes(deps.db, padded)).map((r) => r.code));
    const unknown = prefixes.findIndex((p) => !known.has(p.padEnd(6, "0")));
    if (unknown >= 0) throw badInput(`filter.regionCodes.${unknown}`, msg(`未知的地区代码 ${prefixes[unknown]}`, `Unknown region code ${prefixes[unknown]}`));
  }
  const f = input.filter;
  const request = {
    ...(input.query?.trim() ? { text: input.query.trim() } : {}),
    filter: {
      statuses: ["OPEN"],
      validAt: Math.floor(Date.now() / 1000),
      ...(prefixes.length > 0 ? { regionPrefixes: prefixes } : {}),
      ...(f?.kind?.length ? { kinds: f.kind } : {}),
      ...(f?.educationAtMost ? { educationAtMost: educationLevel.enumValues.indexOf(f.educationAtMost) } : {}),
      ...(f?.salaryAtLeast != null ? { salaryAtLeast: f.salaryAtLeast } : {}),
      ...(f?.forKeyGroups != null ? { forKeyGroups: f.forKeyGroups } : {}),
      ...(f?.employerVerified != null ? { employerVerified: f.employerVerified } : {}),
      ...(f?.povertyWorkshop != null ? { povertyWorkshop: f.povertyWorkshop } : {}),
    },
    ...(input.sort ? { sort: input.sort } : {}),
    ...(want.facets ? { facets: FACETS } : {}),
  };
  // The page is hits [start, end): forward from `after` (up to `before`), or back from `before` — or,
  // without it, from the end, which only a count can say (one more engine call).
  let end = beforePosition === undefined ? undefined : Math.max(0, beforePosition - 1);
  if (backward && end === undefined) {
    deps.countEngineCall?.();
    const { facets: _facets, ...counting } = request;
    end = (await deps.search.search({ ...counting, offset: 0, limit: 1 })).total;
  }
  const start = backward ? Math.max(after, end! - size) : after;
  const limit = end === undefined ? size : Math.max(0, Math.min(size, end - start));
  const counted = want.totalCount || want.facets;
  // Uncounted, one hit more than the page says whether there is a next page.
  const result = await deps.search.search({ ...request, offset: start, ...(counted ? { limit } : { limit: limit + 1, countTotal: false }) });
  const hasNextPage = counted ? start + Math.min(limit, result.hits.length) < result.total : result.hits.length > limit || (end !== undefined && beforePosition !== undefined);
  result.hits = result.hits.slice(0, limit);
  const rows = await deps.loadPostings(result.hits.map((h) => h.id));
  const edges = result.hits
    .map((hit, i) => ({ hit, row: rows[i], position: start + i + 1 }))
    .filter((e): e is { hit: { id: string; score: number }; row: PostingRow; position: number } => e.row != null && e.row.status === "OPEN")
    .map((e) => ({ cursor: encodeOffset(e.position), score: e.hit.score, node: e.row }));
  return {
    totalCount: result.total,
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: start > 0,
      startCursor: result.hits.length > 0 ? encodeOffset(start + 1) : null,
      endCursor: result.hits.length > 0 ? encodeOffset(start + result.hits.length) : null,
    },
    facets: want.facets ? await facetLabels(deps.db, result.facets) : { regions: [], kinds: [], education: [], salaryBands: [] },
  };
}

async function facetLabels(db: Database, facets: Partial<Record<FacetName, Record<string, number>>>) {
  const list = (counts: Record<string, number> | undefined, label: (v: string) => string) =>
    Object.entries(counts ?? {})
      .map(([value, count]) => ({ value, label: label(value), count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const codes = Object.keys(facets.regionPrefecture ?? {});
  const names = new Map(codes.length ? (await getRegionsByCodes(db, codes)).map((r) => [r.code, r.name]) : []);
  return {
    regions: list(facets.regionPrefecture, (v) => names.get(v) ?? v),
    kinds: list(facets.kind, (v) => v),
    education: list(facets.educationRank, (v) => educationLevel.enumValues[Number(v)] ?? v),
    salaryBands: list(facets.salaryBand, (v) => v),
  };
}
