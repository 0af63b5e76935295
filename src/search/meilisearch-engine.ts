import { Meilisearch, MeilisearchApiError, MeilisearchRequestError, MeilisearchRequestTimeOutError, type EnqueuedTaskPromise, type IndexSwap, type Task } from "meilisearch";
import { searchUnavailable } from "../errors.js";
import { meilisearchSearchBody, meilisearchSettings } from "./meilisearch-query.js";
import type { FacetName, PostingDocument, SearchEngine, SearchQuery, SearchResult, SearchSettings } from "./search-port.js";
import { segmentedText } from "./segment.js";

/** A Meilisearch task that ended in anything but `succeeded` (the client resolves failed tasks normally). */
export class SearchTaskError extends Error {
  constructor(
    readonly what: string,
    readonly task: Pick<Task, "uid" | "status"> & { error?: { code?: string; message?: string } | null },
  ) {
    super(`Meilisearch task ${task.uid} (${what}) ended ${task.status}${task.error?.code ? `: ${task.error.code} — ${task.error.message}` : ""}`);
    this.name = "SearchTaskError";
  }
}

/** The production engine: Meilisearch through its official client. */
export class MeilisearchEngine implements SearchEngine {
  readonly name = "meilisearch" as const;
  private readonly client: Meilisearch;

  constructor(
    private readonly options: { host: string; apiKey?: string | undefined },
    readonly indexUid = "postings",
    private readonly waitOptions = { timeout: 60_000, interval: 50 },
  ) {
    this.client = new Meilisearch({ host: options.host, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
  }

  private index() {
    return this.client.index<PostingDocument>(this.indexUid);
  }

  /** Waits for a task and fails unless it `succeeded`. */
  private async settled(enqueued: EnqueuedTaskPromise, what: string, tolerate: string[] = []): Promise<Task> {
    const task = await enqueued.waitTask(this.waitOptions);
    if (task.status !== "succeeded" && !(task.error?.code && tolerate.includes(task.error.code))) throw new SearchTaskError(what, task);
    return task;
  }

  async applySettings(settings: SearchSettings): Promise<void> {
    // Creating an index that exists fails its task with index_already_exists: that is fine here.
    await this.settled(this.client.createIndex(this.indexUid, { primaryKey: "id" }), "create index", ["index_already_exists"]);
    await this.settled(this.index().updateSettings(meilisearchSettings(settings) as never), "update settings");
  }

  async upsert(documents: PostingDocument[]): Promise<void> {
    if (documents.length > 0) await this.settled(this.index().addDocuments(documents, { primaryKey: "id" }), "add documents");
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.settled(this.index().deleteDocuments(ids), "delete documents");
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    if (query.filter.onlyIds && query.filter.onlyIds.length === 0) return { hits: [], total: 0, facets: Object.fromEntries((query.facets ?? []).map((f) => [f, {}])) };
    const { q, ...options } = meilisearchSearchBody(query, query.text ? segmentedText(query.text) : "");
    const response = await this.index()
      .search(q, options)
      .catch((error: unknown) => {
        // Unreachable, timed out, or failing on its side: the caller is told SEARCH_UNAVAILABLE.
        // An index not made yet (Meilisearch was down at start-up) is unavailable too, until the relay makes it.
        const down =
          error instanceof MeilisearchRequestError ||
          error instanceof MeilisearchRequestTimeOutError ||
          (error instanceof MeilisearchApiError && (error.response.status >= 500 || error.cause?.code === "index_not_found"));
        throw down ? searchUnavailable() : error;
      });
    return {
      hits: response.hits.map((h) => {
        const { _rankingScore, ...document } = h as PostingDocument & { _rankingScore?: number };
        return { id: String(h.id), score: Number(_rankingScore ?? 0), ...(query.withDocuments ? { document: document as PostingDocument } : {}) };
      }),
      total: response.estimatedTotalHits ?? (response as { totalHits?: number }).totalHits ?? response.hits.length,
      facets: (response.facetDistribution ?? {}) as Partial<Record<FacetName, Record<string, number>>>,
    };
  }

  /** An engine on another index of the same server (for building a replacement). */
  withIndex(uid: string): MeilisearchEngine {
    return new MeilisearchEngine(this.options, uid, this.waitOptions);
  }

  /** Atomically puts `other`'s documents under this index's name (swapIndexes), then drops the old ones. */
  async swapWith(other: MeilisearchEngine): Promise<void> {
    // `rename` is left out: servers before v1.18 refuse unknown fields, later ones default it to false.
    await this.settled(this.client.swapIndexes([{ indexes: [this.indexUid, other.indexUid] } as IndexSwap]), "swap indexes");
    await this.settled(this.client.deleteIndex(other.indexUid), "delete the replaced index");
  }

  async allIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.index().getDocuments({ fields: ["id"], limit: 1000, offset });
      ids.push(...page.results.map((d) => String(d.id)));
      if (page.results.length < 1000) return ids;
    }
  }
}
