import { newestFirst } from "./embedded-shards.js";
import type { FacetName, PostingDocument, SearchQuery, SearchResult } from "./search-port.js";

/** A posting that passed the filter, with its relevance. */
export interface Scored {
  doc: PostingDocument;
  score: number;
}

const facetValue: Record<FacetName, (d: PostingDocument) => string> = {
  regionPrefecture: (d) => d.regionPrefecture,
  kind: (d) => d.kind,
  educationRank: (d) => String(d.educationRank),
  salaryBand: (d) => d.salaryBand,
};

/** Sorts every match as the query asks (ties newest first). */
export function sortScored(scored: Scored[], sort: NonNullable<SearchQuery["sort"]>): void {
  scored.sort((a, b) =>
    sort === "SALARY_DESC"
      ? (b.doc.salaryMax ?? -1) - (a.doc.salaryMax ?? -1) || newestFirst(a.doc, b.doc)
      : sort === "NEWEST"
        ? newestFirst(a.doc, b.doc)
        : b.score - a.score || newestFirst(a.doc, b.doc),
  );
}

/** Counts every match by each asked facet's value. */
export function countFacets(scored: readonly Scored[], names: readonly FacetName[]): SearchResult["facets"] {
  const facets: SearchResult["facets"] = {};
  for (const name of names) {
    const counts: Record<string, number> = {};
    for (const { doc } of scored) {
      const value = facetValue[name](doc);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    facets[name] = counts;
  }
  return facets;
}
