import type { PostingDocument, SearchEngine, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";

/**
 * The engine a process serves from, replaceable while it serves: a reindex builds a new embedded
 * index beside the live one and swaps it in at once (every caller holds this wrapper, never the index).
 */
export class SwappableEngine implements SearchEngine {
  constructor(private current: SearchEngine) {}

  get name() {
    return this.current.name;
  }

  /** The index being served now. */
  get inner(): SearchEngine {
    return this.current;
  }

  swap(next: SearchEngine): void {
    this.current = next;
  }

  applySettings(settings: SearchSettings): Promise<void> {
    return this.current.applySettings(settings);
  }
  upsert(documents: PostingDocument[]): Promise<void> {
    return this.current.upsert(documents);
  }
  remove(ids: string[]): Promise<void> {
    return this.current.remove(ids);
  }
  search(query: SearchQuery): Promise<SearchResult> {
    return this.current.search(query);
  }
  allIds(): Promise<string[]> {
    return this.current.allIds();
  }
  allDocuments(): Promise<PostingDocument[]> {
    return this.current.allDocuments();
  }
  synonymGroups(): string[][] | null {
    return this.current.synonymGroups?.() ?? null;
  }
}
