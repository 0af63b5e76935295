import FlexSearch from "flexsearch";
import type { PostingDocument, EngineFilter } from "./search-port.js";

// Candidates taken per query token before filtering.
const PER_TOKEN_LIMIT = 20_000;

/** Phrases whose answers a shard keeps (a vocabulary's worth); past this it starts again. */
export const LISTS_KEPT = 20_000;

/** Newest first (publishedAt, then id descending): the engine's recency order. */
export const newestFirst = (a: PostingDocument, b: PostingDocument) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export interface Shard {
  index: InstanceType<typeof FlexSearch.Index>;
  members: Set<number>;
  /** Its documents' slots, newest first; rebuilt after a write to the shard. */
  byRecency: number[] | null;
  /** FlexSearch's answer per phrase (the slots holding all its tokens), kept until the shard is written. */
  lists: Map<string, Int32Array>;
}

/**
 * The embedded engine's text index: one FlexSearch index per prefecture over document slots. A
 * query limited to a few prefectures (most matching is) searches only theirs, so candidates arrive
 * already near the person instead of being filtered out of all of Fujian one by one.
 */
export class EmbeddedShards {
  private readonly shards = new Map<string, Shard>();

  /** Every shard. */
  all(): IterableIterator<Shard> {
    return this.shards.values();
  }

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

  /** Indexes a slot's text in its document's prefecture. */
  add(slot: number, d: PostingDocument): void {
    const shard = this.shard(d.regionPath[1]!);
    shard.index.add(slot, d.searchText);
    shard.members.add(slot);
    forgetOrder(shard);
  }

  /** Takes a slot out of the prefecture of the document it held. */
  remove(slot: number, d: PostingDocument): void {
    const shard = this.shard(d.regionPath[1]!);
    shard.index.remove(slot);
    shard.members.delete(slot);
    forgetOrder(shard);
  }

  /** The shards a filter can match: those of its region prefixes, or all. */
  for(filter: EngineFilter): Shard[] {
    const prefixes = filter.regionPrefixes;
    if (!prefixes || prefixes.length === 0) return [...this.shards.values()];
    const keys = new Set<string>();
    for (const prefix of prefixes) {
      if (prefix.length >= 4) keys.add(prefix.slice(0, 4));
      else for (const key of this.shards.keys()) if (key.startsWith(prefix)) keys.add(key);
    }
    return [...keys].map((k) => this.shards.get(k)).filter((s): s is Shard => s !== undefined);
  }
}

/** A write to the shard: its recency order and phrase answers are stale. */
function forgetOrder(shard: Shard): void {
  shard.byRecency = null;
  shard.lists.clear();
}

/** A shard's slots, newest first (`slots` holds each slot's document). */
export function recency(shard: Shard, slots: readonly (PostingDocument | undefined)[]): number[] {
  if (!shard.byRecency) {
    shard.byRecency = [...shard.members].sort((a, b) => newestFirst(slots[a]!, slots[b]!));
  }
  return shard.byRecency;
}

/** The slots of a shard holding every token of `phrase`. */
export function slotsWith(shard: Shard, phrase: string): Int32Array {
  let list = shard.lists.get(phrase);
  if (!list) {
    if (shard.lists.size >= LISTS_KEPT) shard.lists.clear();
    list = Int32Array.from(shard.index.search(phrase, { limit: PER_TOKEN_LIMIT }) as number[]);
    shard.lists.set(phrase, list);
  }
  return list;
}
