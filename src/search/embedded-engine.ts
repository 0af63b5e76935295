import FlexSearch from "flexsearch";
import type { FacetName, PostingDocument, PostingSearchFilter, SearchEngine, SearchQuery, SearchResult } from "./search-port.js";
import { segment } from "./segment.js";
import { synonymMap } from "./synonyms.js";

// A synonym matches, but counts for less than the word the person typed.
const SYNONYM_WEIGHT = 0.6;
// Candidates taken per query token before filtering.
const PER_TOKEN_LIMIT = 20_000;

/** Whether a document passes the structured filter (the same semantics as the Meilisearch filter string). */
export function matchesFilter(d: PostingDocument, f: PostingSearchFilter): boolean {
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
  return true;
}

const facetValue: Record<FacetName, (d: PostingDocument) => string> = {
  regionPrefecture: (d) => d.regionPrefecture,
  kind: (d) => d.kind,
  educationRank: (d) => String(d.educationRank),
  salaryBand: (d) => d.salaryBand,
};

/**
 * The embedded engine (the default when MEILISEARCH_URL is unset): FlexSearch over the
 * pre-segmented text with exact tokens, the structured filter applied to the stored documents,
 * relevance as the share of the query's words a posting holds (a synonym counting 0.6), ties by
 * recency — close to Meilisearch's "words" rule, so both engines order hits alike.
 */
export class EmbeddedSearchEngine implements SearchEngine {
  readonly name = "embedded" as const;
  private readonly documents = new Map<string, PostingDocument>();
  private readonly index = new FlexSearch.Index({
    tokenize: "strict",
    // The text is segmented already: split on spaces, change nothing.
    encoder: new FlexSearch.Encoder({ split: " ", normalize: false, dedupe: false }),
    resolution: 9,
  });
  private readonly synonyms = synonymMap();

  async applySettings(): Promise<void> {
    // Nothing to apply: the settings are this class.
  }

  async upsert(documents: PostingDocument[]): Promise<void> {
    for (const d of documents) {
      if (this.documents.has(d.id)) this.index.update(d.id, d.searchText);
      else this.index.add(d.id, d.searchText);
      this.documents.set(d.id, d);
    }
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (this.documents.delete(id)) this.index.remove(id);
    }
  }

  async allIds(): Promise<string[]> {
    return [...this.documents.keys()];
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const tokens = query.text ? [...new Set(segment(query.text))] : [];
    let scored: { doc: PostingDocument; score: number }[];
    if (tokens.length === 0) {
      scored = [];
      for (const doc of this.documents.values()) if (matchesFilter(doc, query.filter)) scored.push({ doc, score: 1 });
    } else {
      const weights = new Map<string, number>();
      for (const token of tokens) {
        weights.set(token, 1);
        for (const s of this.synonyms[token] ?? []) for (const part of segment(s)) if (!weights.has(part)) weights.set(part, SYNONYM_WEIGHT);
      }
      // Each original word counts once, whether the posting has it or a synonym of it.
      const points = new Map<string, Map<string, number>>();
      for (const [token, weight] of weights) {
        for (const id of this.index.search(token, { limit: PER_TOKEN_LIMIT }) as string[]) {
          let perDoc = points.get(id);
          if (!perDoc) points.set(id, (perDoc = new Map()));
          perDoc.set(token, Math.max(perDoc.get(token) ?? 0, weight));
        }
      }
      scored = [];
      for (const [id, perDoc] of points) {
        const doc = this.documents.get(id);
        if (!doc || !matchesFilter(doc, query.filter)) continue;
        let total = 0;
        for (const v of perDoc.values()) total += v;
        scored.push({ doc, score: Math.min(1, total / tokens.length) });
      }
    }
    const sort = query.sort ?? (tokens.length > 0 ? "RELEVANCE" : "NEWEST");
    scored.sort((a, b) =>
      sort === "SALARY_DESC"
        ? (b.doc.salaryMax ?? -1) - (a.doc.salaryMax ?? -1) || b.doc.publishedAt - a.doc.publishedAt
        : sort === "NEWEST"
          ? b.doc.publishedAt - a.doc.publishedAt || (a.doc.id < b.doc.id ? 1 : -1)
          : b.score - a.score || b.doc.publishedAt - a.doc.publishedAt || (a.doc.id < b.doc.id ? 1 : -1),
    );
    const facets: SearchResult["facets"] = {};
    for (const name of query.facets ?? []) {
      const counts: Record<string, number> = {};
      for (const { doc } of scored) {
        const value = facetValue[name](doc);
        counts[value] = (counts[value] ?? 0) + 1;
      }
      facets[name] = counts;
    }
    return {
      hits: scored.slice(query.offset, query.offset + query.limit).map(({ doc, score }) => ({ id: doc.id, score })),
      total: scored.length,
      facets,
    };
  }
}
