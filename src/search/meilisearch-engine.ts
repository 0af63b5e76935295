import { Meilisearch, MeilisearchApiError, MeilisearchTaskTimeOutError, type EnqueuedTaskPromise, type IndexSwap, type Task } from "meilisearch";
import { searchUnavailable } from "../errors.js";
import { loggableError, type Logger } from "../logger.js";
import { ChangeRejected, TasksStillRunning } from "./change-follower.js";
import { countFacets, sortScored, type Scored } from "./embedded-facets.js";
import { MAX_TOTAL_HITS, meilisearchFilter, meilisearchSearchBody, meilisearchSettings, meilisearchWordQueries } from "./meilisearch-query.js";
import { shareOfWords } from "./relevance.js";
import type { FacetName, PostingDocument, SearchEngine, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";
import { queryTokens } from "./segment.js";
import { segmentedSynonyms } from "./synonyms.js";

/** The oldest Meilisearch this project runs on: 1.16 stopped giving Chinese words typos (会计 → 会议) and has `localizedAttributes`, prefix search off and swap. */
export const MEILISEARCH_MIN_VERSION = [1, 16] as const;

/** A Meilisearch task that ended in anything but `succeeded` (the client resolves failed tasks normally). */
export class SearchTaskError extends Error {
  constructor(
    readonly what: string,
    readonly task: Pick<Task, "uid" | "status"> & { error?: { code?: string; message?: string; type?: string } | null },
  ) {
    super(`Meilisearch task ${task.uid} (${what}) ended ${task.status}${task.error?.code ? `: ${task.error.code} — ${task.error.message}` : ""}`);
    this.name = "SearchTaskError";
  }
}

/** Whether a failed task's error is the document's fault (it will fail however often it is sent). */
function documentsRejected(task: { error?: { code?: string; type?: string } | null }): boolean {
  const code = task.error?.code ?? "";
  return task.error?.type === "invalid_request" && (code.startsWith("invalid_document") || code === "missing_document_id" || code === "invalid_vectors" || code === "payload_too_large");
}

export interface MeilisearchOptions {
  host: string;
  /** The key writes are made with: a scoped key (`cli meilisearch-keys`), never the master key in production. */
  apiKey?: string | undefined;
  /** The key searches are made with: a search-only key; default `apiKey`. */
  searchKey?: string | undefined;
  /** Each HTTP request's time limit (a Meilisearch that hangs fails the request: SEARCH_UNAVAILABLE). */
  timeoutMs?: number;
  /** Where a failed search is told in the engine's own words (the caller gets SEARCH_UNAVAILABLE). */
  log?: Logger;
}

/** "v1.16.0" or "1.16.0-rc.1" as [major, minor]; null when it cannot be read. */
export function parseVersion(text: string): [number, number] | null {
  const m = /^v?(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** The production engine: Meilisearch through its official client. */
/** A Meilisearch this API cannot work with: the server refuses to start on it (an unreachable one is checked again later). */
export class MeilisearchTooOld extends Error {
  override name = "MeilisearchTooOld";
}

export class MeilisearchEngine implements SearchEngine {
  readonly name = "meilisearch" as const;
  private readonly writer: Meilisearch;
  private readonly searcher: Meilisearch;
  private synonyms = new Map<string, string[]>();
  private versionChecked = false;

  constructor(
    private readonly options: MeilisearchOptions,
    readonly indexUid = "postings",
    private readonly waitOptions = { timeout: 30_000, interval: 50 },
  ) {
    const timeout = options.timeoutMs ?? 5_000;
    this.writer = new Meilisearch({ host: options.host, timeout, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
    const searchKey = options.searchKey ?? options.apiKey;
    this.searcher = new Meilisearch({ host: options.host, timeout, ...(searchKey ? { apiKey: searchKey } : {}) });
  }

  private index() {
    return this.writer.index<PostingDocument>(this.indexUid);
  }

  /** Waits for a task: it `succeeded`, or a rejection of the documents (ChangeRejected), or a failure; still running after the wait: TasksStillRunning (polled later, not sent again). */
  private async settled(enqueued: EnqueuedTaskPromise, what: string, tolerate: string[] = []): Promise<Task> {
    let task: Task;
    try {
      task = await enqueued.waitTask(this.waitOptions);
    } catch (error) {
      if (error instanceof MeilisearchTaskTimeOutError) throw new TasksStillRunning([error.cause.taskUid]);
      throw error;
    }
    return this.verdict(task, what, tolerate);
  }

  private verdict(task: Task, what: string, tolerate: string[] = []): Task {
    if (task.status === "succeeded" || (task.error?.code && tolerate.includes(task.error.code))) return task;
    if (documentsRejected(task)) throw new ChangeRejected(new SearchTaskError(what, task).message);
    throw new SearchTaskError(what, task);
  }

  /** A task enqueued earlier (TasksStillRunning): done (true), still running (false), or it failed (throws as `settled` would). */
  async taskDone(taskUid: number): Promise<boolean> {
    const task = await this.writer.tasks.getTask(taskUid);
    if (task.status === "enqueued" || task.status === "processing") return false;
    this.verdict(task, `task ${taskUid}`);
    return true;
  }

  /** Refuses a Meilisearch older than MEILISEARCH_MIN_VERSION, with a message saying what to do. */
  /** The engine's version, refused (MeilisearchTooOld) when older than MEILISEARCH_MIN_VERSION. */
  async checkVersion(): Promise<string> {
    const { pkgVersion } = await this.writer.getVersion();
    const v = parseVersion(pkgVersion);
    const [major, minor] = MEILISEARCH_MIN_VERSION;
    if (!v || v[0] < major || (v[0] === major && v[1] < minor)) {
      throw new MeilisearchTooOld(`Meilisearch ${pkgVersion} is too old: this API needs Meilisearch ${major}.${minor} or later (Chinese words get typos before 1.16). Upgrade it, or unset MEILISEARCH_URL to use the embedded engine.`);
    }
    this.versionChecked = true;
    return pkgVersion;
  }

  /** The longest one call can take: a request's time limit and a task's wait. */
  get longestCallMs(): number {
    return (this.options.timeoutMs ?? 5_000) + this.waitOptions.timeout;
  }

  /** Scores with these settings' synonyms, without writing them (a process that does not relay). */
  useSettings(settings: SearchSettings): void {
    this.synonyms = segmentedSynonyms(settings.synonyms);
    this.groups = settings.synonyms;
  }

  /** The groups as given (see `SearchEngine.synonymGroups`). */
  private groups: string[][] | null = null;

  synonymGroups(): string[][] | null {
    return this.groups;
  }

  async applySettings(settings: SearchSettings): Promise<void> {
    if (!this.versionChecked) await this.checkVersion();
    await this.ensureIndex();
    // Scored with from now (also when the task outlasts the wait and is polled later).
    this.synonyms = segmentedSynonyms(settings.synonyms);
    this.groups = settings.synonyms;
    await this.settled(this.index().updateSettings(meilisearchSettings(settings) as never), "update settings");
  }

  /** Makes the index when it is missing (creating one that exists would leave a failed task at every start). */
  private async ensureIndex(): Promise<void> {
    const exists = await this.index()
      .getRawInfo()
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return false;
          throw error;
        },
      );
    if (!exists) await this.settled(this.writer.createIndex(this.indexUid, { primaryKey: "id" }), "create index", ["index_already_exists"]);
  }

  async upsert(documents: PostingDocument[]): Promise<void> {
    if (documents.length > 0) await this.settled(this.index().addDocuments(documents, { primaryKey: "id" }), "add documents");
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.settled(this.index().deleteDocuments(ids), "delete documents");
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    if (query.filter.onlyIds && query.filter.onlyIds.length === 0) return { hits: [], total: 0, facets: Object.fromEntries((query.facets ?? []).map((f) => [f, {}])) };
    const tokens = query.text ? queryTokens(query.text, query.words ?? "ALL") : [];
    if (query.words === "ANY" && tokens.length > 1) return this.searchAnyWord(query, tokens);
    const { q, ...options } = meilisearchSearchBody(query, tokens);
    const index = this.searcher.index<PostingDocument>(this.indexUid);
    const response = await this.unavailableOnError(() =>
      index.search(q, options).catch((error: unknown) => {
        // Settings that lag this code (a rolling deploy, before the new code holds the relay): `id` not
        // sortable yet. Asked again without the id tie-break, rather than failing every newest-first page.
        if (error instanceof MeilisearchApiError && error.cause?.code === "invalid_search_sort" && options.sort?.includes("id:desc")) {
          this.options.log?.warn("Meilisearch's settings lag this code (id is not sortable yet): sorted without the id tie-break");
          return index.search(q, { ...options, sort: options.sort.filter((s) => s !== "id:desc") });
        }
        throw error;
      }),
    );
    return {
      hits: response.hits.map((h) => {
        const { _rankingScore: _ignored, ...document } = h as PostingDocument & { _rankingScore?: number };
        return { id: String(h.id), score: this.score(tokens, document), ...(query.withDocuments ? { document: document as PostingDocument } : {}) };
      }),
      total: response.estimatedTotalHits ?? (response as { totalHits?: number }).totalHits ?? response.hits.length,
      facets: (response.facetDistribution ?? {}) as Partial<Record<FacetName, Record<string, number>>>,
    };
  }

  /** The share of the query's words a hit holds, from its indexed text (relevance.ts): the embedded engine's score. */
  private score(tokens: readonly string[], document: Partial<PostingDocument>): number {
    return shareOfWords(tokens, this.synonyms, new Set(String(document.searchText ?? "").split(" ")));
  }

  /**
   * ANY of the words (matching): one query per word in one multi-search request, every posting
   * holding the word; the union scored, ordered, counted and paged here as the embedded engine does.
   */
  private async searchAnyWord(query: SearchQuery, tokens: string[]): Promise<SearchResult> {
    // Built first: a query the engine could not be asked (a number past 1e21) is the caller's error, not the engine's.
    const queries = meilisearchWordQueries(query, tokens, this.indexUid);
    const { results } = await this.unavailableOnError(() => this.searcher.multiSearch<{ queries: typeof queries }, PostingDocument>({ queries }));
    const union = new Map<string, Scored>();
    for (const result of results) {
      if (result.hits.length >= MAX_TOTAL_HITS) this.options.log?.warn({ word: result.query, hits: result.estimatedTotalHits }, "a matching word holds more postings than one Meilisearch query returns: the oldest are left out");
      for (const hit of result.hits) {
        const id = String(hit.id);
        if (union.has(id)) continue;
        const { _rankingScore: _ignored, _federation: _f, ...document } = hit as PostingDocument & { _rankingScore?: number; _federation?: unknown };
        const score = this.score(tokens, document);
        // Matched by Meilisearch's own re-segmentation or n-grams but holding none of the words as the embedded engine reads them: not a hit there either.
        if (score > 0) union.set(id, { doc: document as PostingDocument, score });
      }
    }
    const scored = [...union.values()];
    sortScored(scored, query.sort ?? "RELEVANCE");
    const page = scored.slice(query.offset, query.offset + query.limit);
    const documents = query.withDocuments ? await this.documentsById(page.map((s) => String(s.doc.id)), query.filter.statuses ?? ["OPEN"]) : null;
    return {
      hits: page.map(({ doc, score }) => ({ id: String(doc.id), score, ...(documents ? { document: documents.get(String(doc.id))! } : {}) })).filter((h) => !documents || h.document),
      total: scored.length,
      facets: countFacets(scored, query.facets ?? []),
    };
  }

  /** Whole documents of a page, by id (one search filtered to them). */
  private async documentsById(ids: string[], statuses: string[]): Promise<Map<string, PostingDocument>> {
    if (ids.length === 0) return new Map();
    const filter = meilisearchFilter({ statuses, onlyIds: ids });
    const response = await this.unavailableOnError(() => this.searcher.index<PostingDocument>(this.indexUid).search("", { filter, limit: ids.length, attributesToRetrieve: ["*"] }));
    return new Map(response.hits.map((h) => [String(h.id), h as PostingDocument]));
  }

  /**
   * Unreachable, timed out, refusing the key, failing on its side (a 5xx body that is not even
   * JSON), or refusing a request it would take once the settings land (invalid_search_sort, an index
   * not made yet): the caller is told SEARCH_UNAVAILABLE, never the engine's own words — the
   * operator reads them in the log.
   */
  private async unavailableOnError<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      this.options.log?.warn({ err: loggableError(error) }, "Meilisearch search failed");
      throw searchUnavailable();
    }
  }

  /** An engine on another index of the same server (for building a replacement). */
  withIndex(uid: string): MeilisearchEngine {
    const other = new MeilisearchEngine(this.options, uid, this.waitOptions);
    other.versionChecked = this.versionChecked;
    return other;
  }

  /**
   * Atomically puts `other`'s documents under this index's name, then drops the old ones. A live
   * index that does not exist yet (a first reindex) is made first: a swap needs both.
   */
  async swapWith(other: MeilisearchEngine): Promise<void> {
    await this.ensureIndex();
    await this.settled(this.writer.swapIndexes([{ indexes: [this.indexUid, other.indexUid] } as IndexSwap]), "swap indexes");
    await this.settled(this.writer.deleteIndex(other.indexUid), "delete the replaced index");
  }

  async allIds(): Promise<string[]> {
    return (await this.allDocuments(["id"])).map((d) => String(d.id));
  }

  /** Every indexed document (the asked fields), page by page. */
  async allDocuments(fields?: (keyof PostingDocument)[]): Promise<PostingDocument[]> {
    const documents: PostingDocument[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.index().getDocuments({ ...(fields ? { fields } : {}), limit: 1000, offset });
      documents.push(...(page.results as PostingDocument[]));
      if (page.results.length < 1000) return documents;
    }
  }
}

/** What the API's writing key may do, on `postings*` only (the live index and its rebuilds): Meilisearch's documented key actions. */
export const WRITER_KEY_ACTIONS = [
  "search",
  "documents.add",
  "documents.get",
  "documents.delete",
  "indexes.create",
  "indexes.get",
  "indexes.delete",
  "indexes.swap",
  "settings.get",
  "settings.update",
  "tasks.get",
  "version",
] as const;

/**
 * Makes the two keys the API runs with (as the master key, once, by an operator): a writing key
 * scoped to `postings*` for the relay and reindex (MEILISEARCH_API_KEY) and a search-only key for
 * the request path (MEILISEARCH_SEARCH_KEY). The master key stays with the operator.
 */
export async function createScopedKeys(host: string, masterKey: string, indexUid = "postings"): Promise<{ apiKey: string; searchKey: string }> {
  const admin = new Meilisearch({ host, apiKey: masterKey, timeout: 10_000 });
  const writer = await admin.createKey({
    name: "jiuye-bangfu API (writes)",
    description: "The change-log relay and reindex: documents, settings, swaps and tasks of the postings indexes",
    actions: [...WRITER_KEY_ACTIONS],
    indexes: [`${indexUid}*`],
    expiresAt: null,
  });
  const searcher = await admin.createKey({
    name: "jiuye-bangfu API (search)",
    description: "The request path: search only, the live postings index only",
    actions: ["search"],
    indexes: [indexUid],
    expiresAt: null,
  });
  return { apiKey: writer.key, searchKey: searcher.key };
}
