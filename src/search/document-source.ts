import type { Database, Executor } from "../db/client.js";
import type { PostingDocument, SearchSettings } from "./search-port.js";
import type { SegmentMany } from "./segment-pool.js";

/**
 * Where the search layer reads postings from: implemented by the postings module
 * (the postings module's `posting-documents.ts`) and handed in where the app is wired, so that
 * src/search knows no feature module's tables or repositories.
 */
export interface PostingDocumentSource {
  /**
   * Each asked posting as the index should hold it now: its document, or null when it should not be
   * in the index (gone, a draft or blocked, or its employer missing). Every asked id is a key.
   * `segment`: the texts segmented by it (a build's threads) rather than in this thread.
   */
  documentsFor(db: Executor, postingIds: readonly string[], opts?: { segment?: SegmentMany }): Promise<Map<string, PostingDocument | null>>;
  /** The ids of every posting the index should hold, ascending, `pageSize` at a time. */
  publicPostingIds(db: Database, pageSize: number): AsyncIterable<string[]>;
}

/** What the search index needs from the rest of the app: the documents and the engines' settings (the synonym groups). */
export interface SearchSources {
  documents: PostingDocumentSource;
  settings(db: Executor): Promise<SearchSettings>;
}
