import type { PostingDocument, EngineFilter, SearchEngine, SearchHit, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";
import { emptyScratch, fitScratch, scoreCandidates } from "./embedded-candidates.js";
import { FilterBits, FilterColumns, setBit, wordsFor } from "./embedded-columns.js";
import { countFacets, sortScored, type Scored } from "./embedded-facets.js";
import { relevantPage, type RelevanceScratch, type WordBits } from "./embedded-relevance.js";
import { EmbeddedShards, LISTS_KEPT, newestFirst, recency, slotsWith } from "./embedded-shards.js";
import { queryTokens } from "./segment.js";
import { segmentedSynonyms } from "./synonyms.js";

/**
 * The embedded engine (the default when MEILISEARCH_URL is unset): FlexSearch over the
 * pre-segmented text with exact tokens, the structured filter applied to the stored documents,
 * relevance as the share of the query's words a posting holds (a synonym counting 0.6), ties by
 * recency — close to Meilisearch's "words" rule, so both engines order hits alike.
 *
 * Documents live in numbered slots: FlexSearch indexes the numbers, and a query keeps its points and
 * filter verdicts in typed arrays indexed by slot — a broad query meets a hundred thousand ids, and
 * string-keyed maps made that the cost of the whole search. This class keeps the slots, the recency
 * order and what is remembered between queries; the text index is `EmbeddedShards`, the relevance
 * page over bitsets `embedded-relevance.ts`, the candidate-by-candidate scoring `embedded-candidates.ts`.
 */
export class EmbeddedSearchEngine implements SearchEngine {
  readonly name = "embedded" as const;
  private readonly slots: (PostingDocument | undefined)[] = [];
  private readonly slotById = new Map<string, number>();
  private readonly columns = new FilterColumns();
  /** Remembered filters over slots (searches that test candidate by candidate). */
  private readonly filters = new FilterBits(this.columns);
  /**
   * Every slot, oldest first (publishedAt, then id) — the bit positions of the relevance bitsets, so
   * a score level read from its highest bit down gives its postings newest first and the read stops
   * when the page is full. A posting newer than all the others is appended and an edit that keeps
   * publishedAt keeps its place (what the outbox relay mostly sends); anything else reorders at the
   * next relevance query. A removed posting's position stays, empty (no filter passes an empty slot).
   */
  private order: number[] | null = [];
  private rankOf = new Int32Array(1024);
  /** Remembered filters over recency positions (relevance pages). */
  private readonly rankFilters = new FilterBits(this.columns, (rank) => this.order![rank]!);
  /** Per query word, the positions holding it and those holding only a synonym of it, as bits; forgotten on any write. */
  private readonly wordBits = new Map<string, WordBits>();
  /** Bit-sliced counters of a relevance query (see `relevantPage`), reused. */
  private readonly relevanceScratch: RelevanceScratch = { planes: [] };
  /** A query's points and verdicts per slot (see `scoreCandidates`), reused. */
  private scratch = emptyScratch();
  /** The text index, one FlexSearch index per prefecture. */
  private readonly shards = new EmbeddedShards();
  /**
   * Each word's synonyms, each segmented into a query FlexSearch answers with the postings holding
   * all its tokens (jieba is the costly step; this is done once per settings change).
   */
  private synonyms = new Map<string, string[]>();

  /** The groups as given (see `SearchEngine.synonymGroups`). */
  private groups: string[][] | null = null;

  synonymGroups(): string[][] | null {
    return this.groups;
  }

  async applySettings(settings: SearchSettings): Promise<void> {
    // The rest of the settings are this class; the synonyms are data.
    this.synonyms = segmentedSynonyms(settings.synonyms);
    this.groups = settings.synonyms;
    this.wordBits.clear();
  }

  async upsert(documents: PostingDocument[]): Promise<void> {
    for (const d of documents) {
      let slot = this.slotById.get(d.id);
      if (slot === undefined) {
        slot = this.slots.length;
        this.slotById.set(d.id, slot);
        this.placeNew(slot, d);
      } else {
        if (this.slots[slot]!.publishedAt !== d.publishedAt) this.order = null;
        this.shards.remove(slot, this.slots[slot]!);
      }
      this.slots[slot] = d;
      this.columns.set(slot, d);
      this.shards.add(slot, d);
    }
    if (documents.length > 0) this.forgetBits();
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      const slot = this.slotById.get(id);
      if (slot === undefined) continue;
      this.shards.remove(slot, this.slots[slot]!);
      this.slots[slot] = undefined;
      this.columns.clear(slot);
      this.slotById.delete(id);
      this.forgetBits();
    }
  }

  private forgetBits(): void {
    this.filters.forget();
    this.rankFilters.forget();
    this.wordBits.clear();
  }

  /** A new slot: the newest of all goes last in the recency order; an older one reorders everything later. */
  private placeNew(slot: number, d: PostingDocument): void {
    const order = this.order;
    if (!order) return;
    // The newest live posting: positions of removed ones stay, empty, at the end too.
    let last = order.length - 1;
    while (last >= 0 && this.slots[order[last]!] === undefined) last--;
    const newest = last >= 0 ? this.slots[order[last]!] : undefined;
    if (newest && newestFirst(d, newest) > 0) {
      this.order = null;
      return;
    }
    if (slot >= this.rankOf.length) {
      const wider = new Int32Array(Math.max(slot + 1, this.rankOf.length * 2));
      wider.set(this.rankOf);
      this.rankOf = wider;
    }
    this.rankOf[slot] = order.length;
    order.push(slot);
  }

  /** The recency order, rebuilt if a write left it stale. */
  private ranks(): number[] {
    if (!this.order) {
      const order: number[] = [];
      for (let slot = 0; slot < this.slots.length; slot++) if (this.slots[slot]) order.push(slot);
      order.sort((a, b) => newestFirst(this.slots[b]!, this.slots[a]!));
      this.rankOf = new Int32Array(Math.max(1024, this.slots.length));
      order.forEach((slot, rank) => (this.rankOf[slot] = rank));
      this.order = order;
      this.forgetBits();
    }
    return this.order;
  }

  async allIds(): Promise<string[]> {
    return [...this.slotById.keys()];
  }

  async allDocuments(): Promise<PostingDocument[]> {
    return [...this.slotById.values()].map((slot) => this.slots[slot]!);
  }

  /** The filter over slots: its document-only part judged once per slot and remembered, then the clock and exclusions. */
  private passes(filter: EngineFilter): (slot: number) => boolean {
    const fixed = this.filters.test(filter, this.slots.length);
    const current = this.current(filter);
    return (slot) => fixed(slot) && current(slot);
  }

  /** The recency positions holding `token`, and those holding only one of its synonyms (all its tokens), as bits. */
  private bitsOf(token: string, positions: number): WordBits {
    let bits = this.wordBits.get(token);
    if (!bits) {
      const words = wordsFor(positions);
      const rankOf = this.rankOf;
      const word = new Int32Array(words);
      for (const shard of this.shards.all()) for (const slot of slotsWith(shard, token)) setBit(word, rankOf[slot]!);
      const phrases = this.synonyms.get(token) ?? [];
      let synonym: Int32Array | null = null;
      if (phrases.length > 0) {
        synonym = new Int32Array(words);
        for (const phrase of phrases) for (const shard of this.shards.all()) for (const slot of slotsWith(shard, phrase)) setBit(synonym, rankOf[slot]!);
        for (let i = 0; i < words; i++) synonym[i]! &= ~word[i]!;
      }
      if (this.wordBits.size >= LISTS_KEPT) this.wordBits.clear();
      bits = { word, synonym };
      this.wordBits.set(token, bits);
    }
    return bits;
  }

  /** The first `offset + limit` hits by relevance, then recency, for a query with words: counted on bitsets (see `relevantPage`). */
  private relevantPage(tokens: string[], query: SearchQuery): SearchHit[] {
    const order = this.ranks();
    const positions = order.length;
    const current = this.current(query.filter);
    const bits = tokens.map((t) => this.bitsOf(t, positions));
    let filter = this.rankFilters.all(query.filter, positions);
    if ((query.words ?? "ALL") === "ALL") {
      // Only the positions holding every word (or a synonym of it).
      filter = Int32Array.from(filter);
      for (const { word, synonym } of bits) for (let i = 0; i < filter.length; i++) filter[i]! &= word[i]! | (synonym ? synonym[i]! : 0);
    }
    const page = relevantPage(
      {
        positions,
        filter,
        bits,
        wanted: query.offset + query.limit,
        accepts: (position) => current(order[position]!),
      },
      this.relevanceScratch,
    );
    return page.map(({ position, score }) => this.hit(this.slots[order[position]!]!, score, query.withDocuments));
  }

  /** The part of a filter that changes without a write: still valid now, not excluded, among the only ones asked for. */
  private current(filter: EngineFilter): (slot: number) => boolean {
    const validAt = filter.validAt;
    const slotsOf = (ids: string[]) => new Set(ids.map((id) => this.slotById.get(id)).filter((slot) => slot !== undefined));
    const excluded = slotsOf(filter.excludeIds ?? []);
    const only = filter.onlyIds ? slotsOf(filter.onlyIds) : null;
    const columns = this.columns;
    return (slot) => (validAt === undefined || columns.validAt(slot, validAt)) && (excluded.size === 0 || !excluded.has(slot)) && (only === null || only.has(slot));
  }

  private hit(doc: PostingDocument, score: number, withDocument: boolean | undefined): SearchHit {
    return withDocument ? { id: doc.id, score, document: doc } : { id: doc.id, score };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const tokens = query.text ? queryTokens(query.text, query.words ?? "ALL") : [];
    const sort = query.sort ?? (tokens.length > 0 ? "RELEVANCE" : "NEWEST");
    const pageOnly = query.countTotal === false && !(query.facets && query.facets.length > 0);
    const wanted = query.offset + query.limit;
    // Only a page by relevance (what matching asks): counted on bitsets instead of candidate by candidate.
    if (tokens.length > 0 && sort === "RELEVANCE" && pageOnly) {
      const hits = this.relevantPage(tokens, query);
      // Only a page was asked for: the total is a lower bound.
      return { hits: hits.slice(query.offset), total: hits.length, facets: {} };
    }
    const passes = this.passes(query.filter);

    // Newest first without text, only a page wanted: walk each shard's recency list until it has
    // given a page of matches, then merge the shards' pages.
    if (tokens.length === 0 && sort === "NEWEST" && pageOnly) {
      const merged: PostingDocument[] = [];
      for (const shard of this.shards.for(query.filter)) {
        let taken = 0;
        for (const slot of recency(shard, this.slots)) {
          if (!passes(slot)) continue;
          merged.push(this.slots[slot]!);
          if (++taken >= wanted) break;
        }
      }
      const page = merged.sort(newestFirst).slice(query.offset, wanted);
      return { hits: page.map((d) => this.hit(d, 1, query.withDocuments)), total: query.offset + page.length, facets: {} };
    }

    let scored: Scored[];
    if (tokens.length === 0) {
      scored = [];
      for (const shard of this.shards.for(query.filter)) {
        for (const slot of recency(shard, this.slots)) {
          if (passes(slot)) scored.push({ doc: this.slots[slot]!, score: 1 });
        }
      }
    } else {
      this.scratch = fitScratch(this.scratch, this.slots.length);
      scored = scoreCandidates({ tokens, synonyms: this.synonyms, shards: this.shards.for(query.filter), passes, slots: this.slots, words: query.words ?? "ALL" }, this.scratch);
    }
    sortScored(scored, sort);
    return {
      hits: scored.slice(query.offset, query.offset + query.limit).map(({ doc, score }) => this.hit(doc, score, query.withDocuments)),
      total: scored.length,
      facets: countFacets(scored, query.facets ?? []),
    };
  }
}
