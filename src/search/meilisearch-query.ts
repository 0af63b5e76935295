import type { EngineFilter, SearchQuery, SearchSettings } from "./search-port.js";
import { synonymMap } from "./synonyms.js";

/** A string value inside a Meilisearch filter: double-quoted, with `"` and `\` escaped. */
export function filterString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function filterNumber(value: number, name: string): string {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number`);
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

/** The body of a Meilisearch search request for a structured query (`q` is the segmented text). */
export function meilisearchSearchBody(query: SearchQuery, segmentedQuery: string) {
  const sort = query.sort === "NEWEST" ? ["publishedAt:desc"] : query.sort === "SALARY_DESC" ? ["salaryMax:desc", "publishedAt:desc"] : undefined;
  return {
    q: segmentedQuery,
    filter: meilisearchFilter(query.filter),
    offset: query.offset,
    limit: query.limit,
    attributesToRetrieve: query.withDocuments ? ["*"] : ["id"],
    showRankingScore: true,
    ...(sort ? { sort } : {}),
    ...(query.facets && query.facets.length > 0 ? { facets: [...query.facets] } : {}),
  };
}

/**
 * Index settings, applied idempotently at start-up. The text is pre-segmented with jieba's
 * cut_for_search (Meilisearch's own tokenizer uses `cut`, meilisearch#4935); typos make little
 * sense for Chinese words, so only long Latin words get them.
 */
export const meilisearchSettings = (settings: SearchSettings) => ({
  searchableAttributes: ["searchText", "title", "employerName"],
  filterableAttributes: ["id", "status", "validUntil", "regionPath", "educationRank", "salaryMax", "kind", "forKeyGroups", "employerVerified", "povertyWorkshop", "regionPrefecture", "salaryBand"],
  sortableAttributes: ["publishedAt", "salaryMax", "validUntil"],
  rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness"],
  synonyms: synonymMap(settings.synonyms),
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 6, twoTypos: 10 } },
  faceting: { maxValuesPerFacet: 500 },
  pagination: { maxTotalHits: 10_000 },
});
