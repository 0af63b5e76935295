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
  /**
   * Every posting the index should hold, by id ascending, `pageSize` at a time, each page read whole
   * (one keyset read, not its ids and then its rows). A page is given as soon as its rows are read:
   * its documents (its employers read, its texts segmented by `segment`) are finished while the next
   * pages are read. `ids`: the postings the page read, some of which may have no document (as `documentsFor`'s nulls).
   */
  publicPostingDocuments(db: Database, pageSize: number, opts?: { segment?: SegmentMany }): AsyncIterable<PostingDocumentPage>;
}

/** A page of `publicPostingDocuments`. */
export interface PostingDocumentPage {
  ids: string[];
  /** Its documents, in id order (rejected when they could not be finished; handled by the reader). */
  documents: Promise<PostingDocument[]>;
}

/** What the search index needs from the rest of the app: the documents and the engines' settings (the synonym groups). */
export interface SearchSources {
  documents: PostingDocumentSource;
  settings(db: Executor): Promise<SearchSettings>;
}
