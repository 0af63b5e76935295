import type { EngineFilter, SearchQuery, SearchSettings } from "./search-port.js";
import { synonymMap } from "./synonyms.js";

/** A string value inside a Meilisearch filter: double-quoted, with `"` and `\` escaped. */
export function filterString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * A number in a filter. JavaScript writes 1e21 and above as `1e+21`, which Meilisearch's filter
 * parser does not read as a number: such values are refused (no posting field comes near them).
 */
export function filterNumber(value: number, name: string): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) throw new RangeError(`${name} must be a finite number below 1e21`);
  return String(Math.trunc(value));
}

const list = (values: string[]) => `[${values.map(filterString).join(", ")}]`;

/**
 * The structured filter as Meilisearch filter syntax. The user's search text never enters it (it
 * goes in `q`), and every value is quoted, so text like `" OR status = "CLOSED` cannot widen a filter.
 */
export function meilisearchFilter(f: EngineFilter): string {
  const clauses = [`status IN ${list(f.statuses ?? ["OPEN"])}`];
  if (f.validAt !== undefined) clauses.push(`validUntil > ${filterNumber(f.validAt, "validAt")}`);
  if (f.regionPrefixes && f.regionPrefixes.length > 0) clauses.push(`regionPath IN ${list(f.regionPrefixes)}`);
  if (f.educationAtMost !== undefined) clauses.push(`educationRank <= ${filterNumber(f.educationAtMost, "educationAtMost")}`);
  if (f.salaryAtLeast !== undefined) clauses.push(`salaryMax >= ${filterNumber(f.salaryAtLeast, "salaryAtLeast")}`);
  if (f.kinds && f.kinds.length > 0) clauses.push(`kind IN ${list(f.kinds)}`);
  if (f.excludeKinds && f.excludeKinds.length > 0) clauses.push(`kind NOT IN ${list(f.excludeKinds)}`);
  if (f.forKeyGroups !== undefined) clauses.push(`forKeyGroups = ${f.forKeyGroups}`);
  if (f.employerVerified !== undefined) clauses.push(`employerVerified = ${f.employerVerified}`);
  if (f.povertyWorkshop !== undefined) clauses.push(`povertyWorkshop = ${f.povertyWorkshop}`);
  if (f.excludeIds && f.excludeIds.length > 0) clauses.push(`id NOT IN ${list(f.excludeIds)}`);
  // An empty onlyIds matches nothing, which a filter cannot say: the engine answers it without asking.
  if (f.onlyIds && f.onlyIds.length === 0) throw new RangeError("An empty onlyIds matches nothing: answer it without a filter");
  if (f.onlyIds) clauses.push(`id IN ${list(f.onlyIds)}`);
  return clauses.join(" AND ");
}

/** The tie-break of both engines: newest first, then the greater id (embedded-shards.ts `newestFirst`). */
const NEWEST = ["publishedAt:desc", "id:desc"];

/**
 * The body of a Meilisearch search request for a structured query (`tokens`: the query's words,
 * segmented and chosen as the embedded engine chooses them), with ALL words (the search box). Both
 * engines answer alike:
 * - no words and no sort: newest first (`publishedAt:desc` sent; Meilisearch would give insertion order);
 * - every word must be held, or a synonym of it (`matchingStrategy: all`; Meilisearch's default `last`
 *   would drop words from the end, `frequency` the commonest first — neither is what the embedded engine did);
 * - only `searchText` is searched (the employer's name is not, in either engine);
 * - relevance ties newest first, then by id (the last ranking rules), and a sort overrides relevance (the first).
 */
export function meilisearchSearchBody(query: SearchQuery, tokens: readonly string[]) {
  const sort = query.sort === "SALARY_DESC" ? ["salaryMax:desc", ...NEWEST] : query.sort === "NEWEST" || tokens.length === 0 ? NEWEST : undefined;
  return {
    q: tokens.join(" "),
    filter: meilisearchFilter(query.filter),
    offset: query.offset,
    limit: query.limit,
    // The indexed text comes back with each hit: the relevance score is computed from it (relevance.ts).
    attributesToRetrieve: query.withDocuments ? ["*"] : ["id", "searchText"],
    matchingStrategy: "all" as const,
    ...(sort ? { sort } : {}),
    ...(query.facets && query.facets.length > 0 ? { facets: [...query.facets] } : {}),
  };
}

/** Meilisearch's `maxTotalHits` here: the most hits one query can page through. */
export const MAX_TOTAL_HITS = 10_000;

/**
 * The queries of a multi-search request for a query with ANY of its words (matching): one per word,
 * each every posting passing the filter that holds the word (or a synonym), with what the engine
 * needs to score, order and count them itself as the embedded engine does (`meilisearch-engine.ts`).
 */
export function meilisearchWordQueries(query: SearchQuery, tokens: readonly string[], indexUid: string) {
  // Only what scoring, ordering and the asked facets need: the page's whole documents are fetched after (by id).
  const fields = ["id", "searchText", "publishedAt", "salaryMax", ...(query.facets ?? [])];
  return tokens.map((token) => ({
    indexUid,
    q: token,
    filter: meilisearchFilter(query.filter),
    offset: 0,
    limit: MAX_TOTAL_HITS,
    attributesToRetrieve: fields,
    // No sort: the union is ordered here; the ranking rules decide only which hits a word past maxTotalHits keeps.
    matchingStrategy: "all" as const,
  }));
}

/**
 * Index settings, applied idempotently at start-up. The text is pre-segmented with jieba's
 * cut_for_search (Meilisearch's own tokenizer uses `cut`, meilisearch#4935), each token once; the
 * embedded engine has neither typos nor prefix matching, so Meilisearch has neither; the text is
 * declared Chinese (`localizedAttributes`, so Latin-looking queries are not segmented as another language).
 */
export const meilisearchSettings = (settings: SearchSettings) => ({
  searchableAttributes: ["searchText"],
  filterableAttributes: ["id", "status", "validUntil", "regionPath", "educationRank", "salaryMax", "kind", "forKeyGroups", "employerVerified", "povertyWorkshop", "regionPrefecture", "salaryBand"],
  sortableAttributes: ["publishedAt", "salaryMax", "validUntil", "id"],
  rankingRules: ["sort", "words", "exactness", "publishedAt:desc", "id:desc"],
  synonyms: synonymMap(settings.synonyms),
  typoTolerance: { enabled: false },
  prefixSearch: "disabled",
  localizedAttributes: [{ attributePatterns: ["searchText"], locales: ["cmn"] }],
  faceting: { maxValuesPerFacet: 500 },
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
});
