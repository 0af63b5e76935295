import FlexSearch from "flexsearch";
import type { FacetName, PostingDocument, PostingSearchFilter, SearchEngine, SearchHit, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";
import { FilterBits, FilterColumns, setBit, wordsFor } from "./embedded-columns.js";
import { segment } from "./segment.js";
import { synonymMap } from "./synonyms.js";

// A synonym matches, but counts for less than the word the person typed: 0.6 of it. Points are
// whole units (a word 5, a synonym 3) so that equal scores are equal numbers however they were summed.
const WORD_UNITS = 5;
const SYNONYM_UNITS = 3;
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
  /** FlexSearch's answer per phrase (the slots holding all its tokens), kept until the shard is written. */
  lists: Map<string, Int32Array>;
}

/** Phrases whose answers a shard keeps (a vocabulary's worth); past this it starts again. */
const LISTS_KEPT = 20_000;

/** The highest of 32 four-bit counters given as bit planes (p0 the lowest), among the lanes set in `lanes`. */
function highest4(lanes: number, p0: number, p1: number, p2: number, p3: number): number {
  let count = 0;
  if ((lanes & p3) !== 0) {
    lanes &= p3;
    count |= 8;
  }
  if ((lanes & p2) !== 0) {
    lanes &= p2;
    count |= 4;
  }
  if ((lanes & p1) !== 0) {
    lanes &= p1;
    count |= 2;
  }
  if ((lanes & p0) !== 0) count |= 1;
  return count;
}

/** Two ascending lists as one. */
function mergeAscending(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  const merged = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) merged[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) merged[k++] = a[i++]!;
  while (j < b.length) merged[k++] = b[j++]!;
  return merged;
}

/** A write to the shard: its recency order and phrase answers are stale. */
function forgetOrder(shard: Shard): void {
  shard.byRecency = null;
  shard.lists.clear();
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
  private readonly wordBits = new Map<string, { word: Int32Array; synonym: Int32Array | null }>();
  /** Bit-sliced counters of a relevance query (see `relevantPage`), reused. */
  private planes: Int32Array[] = [];
  /**
   * A query's points and verdicts per slot, reused: allocating (and zeroing) arrays the size of the
   * whole index for every query was a large share of its time. Each query resets the slots it touched.
   */
  private scratch = { points: new Float64Array(0), verdict: new Uint8Array(0), best: new Float64Array(0) };
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
        lists: new Map(),
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
        const before = this.shard(this.slots[slot]!.regionPath[1]!);
        before.index.remove(slot);
        before.members.delete(slot);
        forgetOrder(before);
      }
      this.slots[slot] = d;
      this.columns.set(slot, d);
      const shard = this.shard(d.regionPath[1]!);
      shard.index.add(slot, d.searchText);
      shard.members.add(slot);
      forgetOrder(shard);
    }
    if (documents.length > 0) this.forgetBits();
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      const slot = this.slotById.get(id);
      if (slot === undefined) continue;
      const shard = this.shard(this.slots[slot]!.regionPath[1]!);
      shard.index.remove(slot);
      shard.members.delete(slot);
      forgetOrder(shard);
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

  /** The slots of a shard holding every token of `phrase`. */
  private list(shard: Shard, phrase: string): Int32Array {
    let list = shard.lists.get(phrase);
    if (!list) {
      if (shard.lists.size >= LISTS_KEPT) shard.lists.clear();
      list = Int32Array.from(shard.index.search(phrase, { limit: PER_TOKEN_LIMIT }) as number[]);
      shard.lists.set(phrase, list);
    }
    return list;
  }

  /** The filter over slots: its document-only part judged once per slot and remembered, then the clock and exclusions. */
  private passes(filter: PostingSearchFilter): (slot: number) => boolean {
    const fixed = this.filters.test(filter, this.slots.length);
    const current = this.current(filter);
    return (slot) => fixed(slot) && current(slot);
  }

  /** The recency positions holding `token`, and those holding only one of its synonyms (all its tokens), as bits. */
  private bitsOf(token: string, positions: number): { word: Int32Array; synonym: Int32Array | null } {
    let bits = this.wordBits.get(token);
    if (!bits) {
      const words = wordsFor(positions);
      const rankOf = this.rankOf;
      const word = new Int32Array(words);
      for (const shard of this.shards.values()) for (const slot of this.list(shard, token)) setBit(word, rankOf[slot]!);
      const phrases = this.synonyms.get(token) ?? [];
      let synonym: Int32Array | null = null;
      if (phrases.length > 0) {
        synonym = new Int32Array(words);
        for (const phrase of phrases) for (const shard of this.shards.values()) for (const slot of this.list(shard, phrase)) setBit(synonym, rankOf[slot]!);
        for (let i = 0; i < words; i++) synonym[i]! &= ~word[i]!;
      }
      if (this.wordBits.size >= LISTS_KEPT) this.wordBits.clear();
      bits = { word, synonym };
      this.wordBits.set(token, bits);
    }
    return bits;
  }

  /**
   * The first `offset + limit` hits by relevance, then recency — the same order as a full sort — for
   * a query with words. Relevance counts the query's words a posting holds (a synonym 0.6); a word is
   * a bitset over the postings in recency order, so the counts are added 32 postings at a time:
   * bit-sliced counters (plane p holds bit p of every posting's count) for whole words and for
   * synonyms, only where the filter's bitset has postings. Then the score levels are read from the
   * top down, each from its newest posting down, until the page is full: a broad word met by twenty
   * thousand postings costs a few thousand word operations, not twenty thousand steps, and the last
   * level is read only as far as the page needs.
   */
  private relevantPage(tokens: string[], query: SearchQuery): SearchHit[] {
    const order = this.ranks();
    const positions = order.length;
    const words = wordsFor(positions);
    const filter = this.rankFilters.all(query.filter, positions);
    const bits = tokens.map((t) => this.bitsOf(t, positions));
    const current = this.current(query.filter);
    const withSynonyms = bits.some((b) => b.synonym !== null);
    // Planes for counts up to the number of words: 4 (to 15) or more.
    const depth = Math.max(4, 32 - Math.clz32(tokens.length));
    if (this.planes.length < 2 * depth || this.planes[0]!.length < words) {
      this.planes = Array.from({ length: 2 * depth }, () => new Int32Array(Math.max(words, 1024)));
    }
    const whole = this.planes.slice(0, depth);
    const near = this.planes.slice(depth, 2 * depth);
    // The words with any posting counted, and in each the highest count of whole words and of
    // synonyms among its 32 postings (a level needing more is not looked for there).
    const met: number[] = [];
    const wholeMost: number[] = [];
    const nearMost: number[] = [];
    const highest = (planes: Int32Array[], i: number, any: number) => {
      let lanes = any;
      let count = 0;
      for (let p = depth - 1; p >= 0; p--) {
        const set = lanes & planes[p]![i]!;
        if (set !== 0) {
          lanes = set;
          count |= 1 << p;
        }
      }
      return count;
    };
    const wordSets = bits.map((b) => b.word);
    const synonymSets = bits.flatMap((b) => (b.synonym ? [b.synonym] : []));
    if (depth === 4) {
      // Up to 15 words (nearly every query): the counters of a word's 32 postings live in locals.
      const [w0, w1, w2, w3] = whole as [Int32Array, Int32Array, Int32Array, Int32Array];
      const [n0, n1, n2, n3] = near as [Int32Array, Int32Array, Int32Array, Int32Array];
      for (let i = 0; i < words; i++) {
        const f = filter[i]!;
        if (f === 0) continue;
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (const set of wordSets) {
          let c = set[i]! & f;
          if (c === 0) continue;
          let t = a0 & c;
          a0 ^= c;
          if (t === 0) continue;
          c = a1 & t;
          a1 ^= t;
          if (c === 0) continue;
          t = a2 & c;
          a2 ^= c;
          a3 ^= t;
        }
        let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        for (const set of synonymSets) {
          let c = set[i]! & f;
          if (c === 0) continue;
          let t = b0 & c;
          b0 ^= c;
          if (t === 0) continue;
          c = b1 & t;
          b1 ^= t;
          if (c === 0) continue;
          t = b2 & c;
          b2 ^= c;
          b3 ^= t;
        }
        const any = a0 | a1 | a2 | a3 | b0 | b1 | b2 | b3;
        if (any === 0) continue;
        w0[i] = a0;
        w1[i] = a1;
        w2[i] = a2;
        w3[i] = a3;
        n0[i] = b0;
        n1[i] = b1;
        n2[i] = b2;
        n3[i] = b3;
        met.push(i);
        wholeMost.push(highest4(any, a0, a1, a2, a3));
        nearMost.push(withSynonyms ? highest4(any, b0, b1, b2, b3) : 0);
      }
    } else {
      for (let i = 0; i < words; i++) {
        const f = filter[i]!;
        if (f === 0) continue;
        for (let p = 0; p < depth; p++) whole[p]![i] = near[p]![i] = 0;
        let any = 0;
        for (const [sets, planes] of [[wordSets, whole], [synonymSets, near]] as const) {
          for (const set of sets) {
            let carry = set[i]! & f;
            any |= carry;
            for (let p = 0; carry !== 0 && p < depth; p++) {
              const plane = planes[p]!;
              const had = plane[i]!;
              plane[i] = had ^ carry;
              carry = had & carry;
            }
          }
        }
        if (any === 0) continue;
        met.push(i);
        wholeMost.push(highest(whole, i, any));
        nearMost.push(withSynonyms ? highest(near, i, any) : 0);
      }
    }
    // Score levels in points (a word 5, a synonym 3), highest first; a level may be reached two ways.
    const levels = new Map<number, [number, number][]>();
    for (let w = 0; w <= tokens.length; w++) {
      for (let n = 0; w + n <= tokens.length && (n === 0 || withSynonyms); n++) {
        if (w + n === 0) continue;
        const points = w * WORD_UNITS + n * SYNONYM_UNITS;
        (levels.get(points) ?? levels.set(points, []).get(points)!).push([w, n]);
      }
    }
    const equals = (planes: Int32Array[], i: number, count: number) => {
      let mask = -1;
      for (let p = 0; p < depth && mask !== 0; p++) mask &= (count >>> p) & 1 ? planes[p]![i]! : ~planes[p]![i]!;
      return mask;
    };
    // Words by the most points any of their postings can have: a level is looked for only in the
    // words that can reach it (the high levels are sparse), kept in recency order as levels descend.
    const byBound: number[][] = Array.from({ length: WORD_UNITS * tokens.length + 1 }, () => []);
    for (let j = 0; j < met.length; j++) byBound[Math.min(wholeMost[j]! * WORD_UNITS + nearMost[j]! * SYNONYM_UNITS, WORD_UNITS * tokens.length)]!.push(j);
    let reaching: number[] = [];
    let bound = byBound.length - 1;
    const wanted = query.offset + query.limit;
    const hits: SearchHit[] = [];
    for (const points of [...levels.keys()].sort((a, b) => b - a)) {
      for (; bound >= points; bound--) if (byBound[bound]!.length > 0) reaching = mergeAscending(reaching, byBound[bound]!);
      const pairs = levels.get(points)!;
      const score = Math.min(1, points / (WORD_UNITS * tokens.length));
      // Newest first: words from the last down, bits from the highest down.
      for (let k = reaching.length - 1; k >= 0 && hits.length < wanted; k--) {
        const j = reaching[k]!;
        const i = met[j]!;
        let mask = 0;
        for (const [w, n] of pairs) {
          if (w > wholeMost[j]! || n > nearMost[j]!) continue;
          const m = equals(whole, i, w);
          mask |= m === 0 ? 0 : m & equals(near, i, n);
        }
        while (mask !== 0 && hits.length < wanted) {
          const bit = 31 - Math.clz32(mask);
          mask ^= 1 << bit;
          const slot = order[(i << 5) | bit]!;
          if (current(slot)) hits.push(this.hit(this.slots[slot]!, score, query.withDocuments));
        }
      }
      if (hits.length >= wanted) break;
    }
    return hits;
  }

  /** The part of a filter that changes without a write: still valid now, not excluded, among the only ones asked for. */
  private current(filter: PostingSearchFilter): (slot: number) => boolean {
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
    const tokens = query.text ? [...new Set(segment(query.text))] : [];
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
      if (this.scratch.points.length < this.slots.length) {
        const size = Math.max(1024, this.slots.length * 2);
        this.scratch = { points: new Float64Array(size), verdict: new Uint8Array(size), best: new Float64Array(size) };
      }
      const { points, verdict, best } = this.scratch;
      const judged: number[] = [];
      const passed: number[] = [];
      try {
        const shards = this.shardsFor(query.filter);
        for (const token of tokens) {
          const credited: number[] = [];
          const ways: [string, number][] = [[token, WORD_UNITS], ...(this.synonyms.get(token) ?? []).map((phrase): [string, number] => [phrase, SYNONYM_UNITS])];
          for (const [phrase, weight] of ways) {
            for (const shard of shards) {
              for (const slot of this.list(shard, phrase)) {
                let seen = verdict[slot];
                if (seen === 0) {
                  seen = passes(slot) ? 1 : 2;
                  verdict[slot] = seen;
                  judged.push(slot);
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
        const relevance = (slot: number) => Math.min(1, points[slot]! / (WORD_UNITS * tokens.length));
        scored = passed.map((slot) => ({ doc: this.slots[slot]!, score: relevance(slot) }));
      } finally {
        // Leave the scratch arrays zeroed for the next query.
        for (const slot of judged) {
          verdict[slot] = 0;
          points[slot] = 0;
          best[slot] = 0;
        }
      }
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
