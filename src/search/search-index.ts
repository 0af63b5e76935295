import { sql } from "drizzle-orm";
import type { Config } from "../config.js";
import { queryRows, type Database } from "../db/client.js";
import { loggableError, type Logger } from "../logger.js";
import type { PostingDocumentSource, SearchSources } from "./document-source.js";
import { EmbeddedSearchEngine } from "./embedded-engine.js";
import { MeilisearchEngine } from "./meilisearch-engine.js";
import { relayOutboxBatch } from "./outbox.js";
import type { PostingDocument, SearchEngine } from "./search-port.js";

export function createSearchEngine(config: Config): SearchEngine {
  return config.search.meilisearchUrl
    ? new MeilisearchEngine({ host: config.search.meilisearchUrl, apiKey: config.search.meilisearchApiKey })
    : new EmbeddedSearchEngine();
}

/** Every public posting, page by page, into an engine. */
export async function indexAllPostings(db: Database, engine: SearchEngine, source: PostingDocumentSource, onProgress?: (done: number) => void): Promise<number> {
  let done = 0;
  for await (const ids of source.publicPostingIds(db, 1000)) {
    const documents = await source.documentsFor(db, ids);
    await engine.upsert([...documents.values()].filter((d): d is PostingDocument => d !== null));
    done += ids.length;
    onProgress?.(done);
  }
  return done;
}

/**
 * The search index as the app runs it: settings applied at start-up, the embedded engine built from
 * PostgreSQL (it keeps nothing between runs), and a relay that follows the outbox.
 */
export class SearchIndex {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    readonly engine: SearchEngine,
    private readonly db: Database,
    private readonly sources: SearchSources,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  private settingsApplied = false;

  /** Applies the settings once the engine answers; until then writes queue in the outbox (and an index not yet made answers SEARCH_UNAVAILABLE). */
  private async ensureSettings(): Promise<void> {
    if (this.settingsApplied) return;
    await this.engine.applySettings(await this.sources.settings(this.db));
    this.settingsApplied = true;
  }

  async start(): Promise<void> {
    // A search engine that is down does not keep the server from starting (the relay tries again).
    await this.ensureSettings().catch((err: unknown) => this.log.warn({ err: loggableError(err) }, "search engine unavailable at start-up; settings applied once it answers"));
    if (this.engine.name === "embedded") {
      // Built from PostgreSQL as it is now: what the outbox held before the build is in it already.
      const began = performance.now();
      const [row] = await queryRows<{ started: Date | string }>(this.db, sql`select now() as started`);
      const started = new Date(row!.started);
      const n = await indexAllPostings(this.db, this.engine, this.sources.documents);
      await this.db.execute(sql`update search_outbox set done_at = now() where done_at is null and dead_at is null and enqueued_at < ${started}`);
      this.log.info({ postings: n, ms: Math.round(performance.now() - began) }, "embedded search index built");
    }
    if (this.intervalMs > 0) {
      // An engine that is down fails every tick: said once a minute at most.
      let lastSaid = 0;
      this.timer = setInterval(
        () =>
          void this.drain().catch((err: unknown) => {
            if (Date.now() - lastSaid < 60_000) return;
            lastSaid = Date.now();
            this.log.error({ err: loggableError(err) }, "search relay failed");
          }),
        this.intervalMs,
      );
      this.timer.unref();
    }
  }

  /** Applies every pending outbox row now (one run at a time). */
  drain(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.ensureSettings();
        while ((await relayOutboxBatch(this.db, this.engine, this.sources.documents, { log: this.log })).claimed > 0);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/**
 * Rebuilds the Meilisearch index from PostgreSQL beside the live one and swaps it in atomically:
 * searches never see a half-built index. (The embedded engine is rebuilt at every start instead.)
 */
export async function reindexMeilisearch(db: Database, engine: MeilisearchEngine, sources: SearchSources, onProgress?: (done: number) => void): Promise<number> {
  const fresh = engine.withIndex(`${engine.indexUid}_rebuild_${Date.now()}`);
  await fresh.applySettings(await sources.settings(db));
  const n = await indexAllPostings(db, fresh, sources.documents, onProgress);
  await engine.swapWith(fresh);
  return n;
}

/** Ids that differ between PostgreSQL's public postings and the index. */
export async function reconcileIndex(db: Database, engine: SearchEngine, source: PostingDocumentSource): Promise<{ missing: string[]; extra: string[] }> {
  const inDatabase = new Set<string>();
  for await (const ids of source.publicPostingIds(db, 5000)) for (const id of ids) inDatabase.add(id);
  const indexed = new Set(await engine.allIds());
  return { missing: [...inDatabase].filter((id) => !indexed.has(id)), extra: [...indexed].filter((id) => !inDatabase.has(id)) };
}
