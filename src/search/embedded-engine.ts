import FlexSearch from "flexsearch";
import type { FacetName, PostingDocument, PostingSearchFilter, SearchEngine, SearchHit, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";
import { FilterColumns } from "./embedded-columns.js";
import { segment } from "./segment.js";
import { synonymMap } from "./synonyms.js";

// A synonym matches, but counts for less than the word the person typed.
const SYNONYM_WEIGHT = 0.6;
// Candidates taken per query token before filtering.
const PER_TOKEN_LIMIT = 20_000;

const facetValue: Record<FacetName, (d: PostingDocument) => string> = {
  regionPrefecture: (d) => d.regionPrefecture,
  kind: (d) => d.kind,
  educationRank: (d) => String(d.educationRank),
  salaryBand: (d) => d.salaryBand,
};

interface Shard {
  index: InstanceType<typeof FlexSearch.Index>;
  members: Set<number>;
  /** Its documents' slots, newest first; rebuilt after a write to the shard. */
  byRecency: number[] | null;
}

const newestFirst = (a: PostingDocument, b: PostingDocument) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The embedded engine (the default when MEILISEARCH_URL is unset): FlexSearch over the
 * pre-segmented text with exact tokens, the structured filter applied to the stored documents,
 * relevance as the share of the query's words a posting holds (a synonym counting 0.6), ties by
 * recency — close to Meilisearch's "words" rule, so both engines order hits alike.
 *
 * Documents live in numbered slots: FlexSearch indexes the numbers, and a query keeps its points and
 * filter verdicts in typed arrays indexed by slot — a broad query meets a hundred thousand ids, and
 * string-keyed maps made that the cost of the whole search.
 */
export class EmbeddedSearchEngine implements SearchEngine {
  readonly name = "embedded" as const;
  private readonly slots: (PostingDocument | undefined)[] = [];
  private readonly slotById = new Map<string, number>();
  private readonly columns = new FilterColumns();
  /**
   * One FlexSearch index per prefecture: a query limited to a few prefectures (most matching is)
   * searches only theirs, so candidates arrive already near the person instead of being filtered
   * out of all of Fujian one by one.
   */
  private readonly shards = new Map<string, Shard>();
  /**
   * Each word's synonyms, each segmented into a query FlexSearch answers with the postings holding
   * all its tokens (jieba is the costly step; this is done once per settings change).
   */
  private synonyms = new Map<string, string[]>();

  private shard(prefecture: string): Shard {
    let shard = this.shards.get(prefecture);
    if (!shard) {
      shard = {
        index: new FlexSearch.Index({
          tokenize: "strict",
          // The text is segmented already: split on spaces, change nothing.
          encoder: new FlexSearch.Encoder({ split: " ", normalize: false, dedupe: false }),
          resolution: 9,
        }),
        members: new Set(),
        byRecency: null,
      };
      this.shards.set(prefecture, shard);
    }
    return shard;
  }

  /** The shards a filter can match: those of its region prefixes, or all. */
  private shardsFor(filter: PostingSearchFilter): Shard[] {
    const prefixes = filter.regionPrefixes;
    if (!prefixes || prefixes.length === 0) return [...this.shards.values()];
    const keys = new Set<string>();
    for (const prefix of prefixes) {
      if (prefix.length >= 4) keys.add(prefix.slice(0, 4));
      else for (const key of this.shards.keys()) if (key.startsWith(prefix)) keys.add(key);
    }
    return [...keys].map((k) => this.shards.get(k)).filter((s): s is Shard => s !== undefined);
  }

  private recency(shard: Shard): number[] {
    if (!shard.byRecency) {
      shard.byRecency = [...shard.members].sort((a, b) => newestFirst(this.slots[a]!, this.slots[b]!));
    }
    return shard.byRecency;
  }

  async applySettings(settings: SearchSettings): Promise<void> {
    // The rest of the settings are this class; the synonyms are data.
    this.synonyms = new Map(
      Object.entries(synonymMap(settings.synonyms)).map(([word, group]) => [word, [...new Set(group.map((s) => segment(s).join(" ")).filter(Boolean))]]),
    );
  }

  async upsert(documents: PostingDocument[]): Promise<void> {
    for (const d of documents) {
      let slot = this.slotById.get(d.id);
      if (slot === undefined) {
        slot = this.slots.length;
        this.slotById.set(d.id, slot);
      } else {
        const before = this.shard(this.slots[slot]!.regionPath[1]!);
        before.index.remove(slot);
        before.members.delete(slot);
        before.byRecency = null;
      }
      this.slots[slot] = d;
      this.columns.set(slot, d);
      const shard = this.shard(d.regionPath[1]!);
      shard.index.add(slot, d.searchText);
      shard.members.add(slot);
      shard.byRecency = null;
    }
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      const slot = this.slotById.get(id);
      if (slot === undefined) continue;
      const shard = this.shard(this.slots[slot]!.regionPath[1]!);
      shard.index.remove(slot);
      shard.members.delete(slot);
      shard.byRecency = null;
      this.slots[slot] = undefined;
      this.columns.clear(slot);
      this.slotById.delete(id);
    }
  }

  async allIds(): Promise<string[]> {
    return [...this.slotById.keys()];
  }

  private hit(doc: PostingDocument, score: number, withDocument: boolean | undefined): SearchHit {
    return withDocument ? { id: doc.id, score, document: doc } : { id: doc.id, score };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const tokens = query.text ? [...new Set(segment(query.text))] : [];
    const sort = query.sort ?? (tokens.length > 0 ? "RELEVANCE" : "NEWEST");
    const pageOnly = query.countTotal === false && !(query.facets && query.facets.length > 0);
    const wanted = query.offset + query.limit;
    const passes = this.columns.compile(query.filter, (id) => this.slotById.get(id));

    // Newest first without text, only a page wanted: walk each shard's recency list until it has
    // given a page of matches, then merge the shards' pages.
    if (tokens.length === 0 && sort === "NEWEST" && pageOnly) {
      const merged: PostingDocument[] = [];
      for (const shard of this.shardsFor(query.filter)) {
        let taken = 0;
        for (const slot of this.recency(shard)) {
          if (!passes(slot)) continue;
          merged.push(this.slots[slot]!);
          if (++taken >= wanted) break;
        }
      }
      const page = merged.sort(newestFirst).slice(query.offset, wanted);
      return { hits: page.map((d) => this.hit(d, 1, query.withDocuments)), total: query.offset + page.length, facets: {} };
    }

    let scored: { doc: PostingDocument; score: number }[];
    if (tokens.length === 0) {
      scored = [];
      for (const shard of this.shardsFor(query.filter)) {
        for (const slot of this.recency(shard)) {
          if (passes(slot)) scored.push({ doc: this.slots[slot]!, score: 1 });
        }
      }
    } else {
      // Points per posting: each word of the query counts once — 1 if the posting holds it, else 0.6
      // if it holds one of the word's synonyms (every token of the synonym, so 开发工程师 is not
      // found by a lone 工程师) — and relevance is the share of the words (an engine's "words" rule).
      // Each candidate is filtered once, when first met: verdict 0 unseen, 1 passed, 2 refused.
      const points = new Float64Array(this.slots.length);
      const verdict = new Uint8Array(this.slots.length);
      const best = new Float64Array(this.slots.length);
      const passed: number[] = [];
      const shards = this.shardsFor(query.filter);
      for (const token of tokens) {
        const credited: number[] = [];
        const ways: [string, number][] = [[token, 1], ...(this.synonyms.get(token) ?? []).map((phrase): [string, number] => [phrase, SYNONYM_WEIGHT])];
        for (const [phrase, weight] of ways) {
          for (const shard of shards) {
            for (const slot of shard.index.search(phrase, { limit: PER_TOKEN_LIMIT }) as number[]) {
              let seen = verdict[slot];
              if (seen === 0) {
                seen = passes(slot) ? 1 : 2;
                verdict[slot] = seen;
                if (seen === 1) passed.push(slot);
              }
              if (seen !== 1) continue;
              if (best[slot] === 0) credited.push(slot);
              if (weight > best[slot]!) best[slot] = weight;
            }
          }
        }
        for (const slot of credited) {
          points[slot]! += best[slot]!;
          best[slot] = 0;
        }
      }
      // Relevance takes few distinct values (sums of 1 and 0.6): bucket by score, and when only a page
      // is wanted, sort just the buckets that reach into it instead of every candidate.
      if (sort === "RELEVANCE" && pageOnly) {
        const buckets = new Map<number, number[]>();
        for (const slot of passed) {
          const score = Math.min(1, points[slot]! / tokens.length);
          const bucket = buckets.get(score);
          if (bucket) bucket.push(slot);
          else buckets.set(score, [slot]);
        }
        const page: SearchHit[] = [];
        for (const score of [...buckets.keys()].sort((a, b) => b - a)) {
          // Only the newest few of a large bucket can reach the page: select them first, then order those.
          const docs = this.columns.newestCandidates(buckets.get(score)!, wanted - page.length).map((slot) => this.slots[slot]!).sort(newestFirst);
          for (const doc of docs) {
            page.push(this.hit(doc, score, query.withDocuments));
            if (page.length >= wanted) break;
          }
          if (page.length >= wanted) break;
        }
        return { hits: page.slice(query.offset), total: passed.length, facets: {} };
      }
      scored = passed.map((slot) => ({ doc: this.slots[slot]!, score: Math.min(1, points[slot]! / tokens.length) }));
    }
    scored.sort((a, b) =>
      sort === "SALARY_DESC"
        ? (b.doc.salaryMax ?? -1) - (a.doc.salaryMax ?? -1) || newestFirst(a.doc, b.doc)
        : sort === "NEWEST"
          ? newestFirst(a.doc, b.doc)
          : b.score - a.score || newestFirst(a.doc, b.doc),
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
      hits: scored.slice(query.offset, query.offset + query.limit).map(({ doc, score }) => this.hit(doc, score, query.withDocuments)),
      total: scored.length,
      facets,
    };
  }
}
