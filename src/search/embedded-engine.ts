import FlexSearch from "flexsearch";
import type { FacetName, PostingDocument, PostingSearchFilter, SearchEngine, SearchHit, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";
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
  /**
   * One FlexSearch index per prefecture: a query limited to a few prefectures (most matching is)
   * searches only theirs, so candidates arrive already near the person instead of being filtered
   * out of all of Fujian one by one.
   */
  private readonly shards = new Map<string, InstanceType<typeof FlexSearch.Index>>();

  private shard(prefecture: string) {
    let index = this.shards.get(prefecture);
    if (!index) {
      index = new FlexSearch.Index({
        tokenize: "strict",
        // The text is segmented already: split on spaces, change nothing.
        encoder: new FlexSearch.Encoder({ split: " ", normalize: false, dedupe: false }),
        resolution: 9,
      });
      this.shards.set(prefecture, index);
    }
    return index;
  }

  /** The shards a filter can match: those of its region prefixes, or all. */
  private shardsFor(filter: PostingSearchFilter) {
    const prefixes = filter.regionPrefixes;
    if (!prefixes || prefixes.length === 0) return [...this.shards.values()];
    const keys = new Set<string>();
    for (const prefix of prefixes) {
      if (prefix.length >= 4) keys.add(prefix.slice(0, 4));
      else for (const key of this.shards.keys()) if (key.startsWith(prefix)) keys.add(key);
    }
    return [...keys].map((k) => this.shards.get(k)).filter((i): i is NonNullable<typeof i> => i !== undefined);
  }

  /** Each word's synonyms, already segmented (jieba is the costly step; this is done once per settings change). */
  private synonyms = new Map<string, string[]>();
  /** Documents newest first, rebuilt after writes: a search without text walks it and can stop early. */
  private byRecency: PostingDocument[] | null = null;

  private recency(): PostingDocument[] {
    this.byRecency ??= [...this.documents.values()].sort((a, b) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : -1));
    return this.byRecency;
  }

  async applySettings(settings: SearchSettings): Promise<void> {
    // The rest of the settings are this class; the synonyms are data.
    this.synonyms = new Map(Object.entries(synonymMap(settings.synonyms)).map(([word, group]) => [word, [...new Set(group.flatMap((s) => segment(s)))]]));
  }

  async upsert(documents: PostingDocument[]): Promise<void> {
    if (documents.length > 0) this.byRecency = null;
    for (const d of documents) {
      const before = this.documents.get(d.id);
      if (before) this.shard(before.regionPath[1]!).remove(d.id);
      this.shard(d.regionPath[1]!).add(d.id, d.searchText);
      this.documents.set(d.id, d);
    }
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length > 0) this.byRecency = null;
    for (const id of ids) {
      const doc = this.documents.get(id);
      if (doc) {
        this.documents.delete(id);
        this.shard(doc.regionPath[1]!).remove(id);
      }
    }
  }

  async allIds(): Promise<string[]> {
    return [...this.documents.keys()];
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const tokens = query.text ? [...new Set(segment(query.text))] : [];
    const sort = query.sort ?? (tokens.length > 0 ? "RELEVANCE" : "NEWEST");
    // Newest first without text, no facets, no total wanted: walk the recency list and stop when the page is full.
    if (tokens.length === 0 && sort === "NEWEST" && query.countTotal === false && !(query.facets && query.facets.length > 0)) {
      const hits: SearchHit[] = [];
      let seen = 0;
      for (const doc of this.recency()) {
        if (!matchesFilter(doc, query.filter)) continue;
        if (seen++ >= query.offset) hits.push(query.withDocuments ? { id: doc.id, score: 1, document: doc } : { id: doc.id, score: 1 });
        if (hits.length >= query.limit) break;
      }
      return { hits, total: query.offset + hits.length, facets: {} };
    }
    let scored: { doc: PostingDocument; score: number }[];
    if (tokens.length === 0) {
      scored = [];
      for (const doc of this.documents.values()) if (matchesFilter(doc, query.filter)) scored.push({ doc, score: 1 });
    } else {
      const weights = new Map<string, number>();
      for (const token of tokens) {
        weights.set(token, 1);
        for (const part of this.synonyms.get(token) ?? []) if (!weights.has(part)) weights.set(part, SYNONYM_WEIGHT);
      }
      // Points per posting: 1 for each word of the query it holds, 0.6 for a synonym (capped at all words).
      // Each candidate is filtered once, when first met.
      const points = new Map<string, number>();
      const refused = new Set<string>();
      const shards = this.shardsFor(query.filter);
      for (const [token, weight] of weights) {
        for (const id of shards.flatMap((shard) => shard.search(token, { limit: PER_TOKEN_LIMIT }) as string[])) {
          const sofar = points.get(id);
          if (sofar !== undefined) {
            points.set(id, sofar + weight);
            continue;
          }
          if (refused.has(id)) continue;
          const doc = this.documents.get(id);
          if (doc && matchesFilter(doc, query.filter)) points.set(id, weight);
          else refused.add(id);
        }
      }
      // Relevance takes few distinct values (sums of 1 and 0.6): bucket by score, and when only a page
      // is wanted, sort just the buckets that reach into it instead of every candidate.
      if (sort === "RELEVANCE" && query.countTotal === false && !(query.facets && query.facets.length > 0)) {
        const buckets = new Map<number, PostingDocument[]>();
        for (const [id, total] of points) {
          const score = Math.min(1, total / tokens.length);
          const bucket = buckets.get(score);
          if (bucket) bucket.push(this.documents.get(id)!);
          else buckets.set(score, [this.documents.get(id)!]);
        }
        const wanted = query.offset + query.limit;
        const page: SearchHit[] = [];
        for (const score of [...buckets.keys()].sort((a, b) => b - a)) {
          const docs = buckets.get(score)!.sort((a, b) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : -1));
          for (const doc of docs) {
            page.push(query.withDocuments ? { id: doc.id, score, document: doc } : { id: doc.id, score });
            if (page.length >= wanted) break;
          }
          if (page.length >= wanted) break;
        }
        return { hits: page.slice(query.offset), total: points.size, facets: {} };
      }
      scored = [];
      for (const [id, total] of points) scored.push({ doc: this.documents.get(id)!, score: Math.min(1, total / tokens.length) });
    }
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
      hits: scored.slice(query.offset, query.offset + query.limit).map(({ doc, score }) => (query.withDocuments ? { id: doc.id, score, document: doc } : { id: doc.id, score })),
      total: scored.length,
      facets,
    };
  }
}
