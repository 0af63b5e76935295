import type { Config } from "../config.js";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Database, type DatabaseHandle, type Executor } from "../db/client.js";
import { loggableError, type Logger } from "../logger.js";
import type { PostingDocumentSource, SearchSources } from "./document-source.js";
import { EmbeddedSearchEngine } from "./embedded-engine.js";
import { MeilisearchEngine, MeilisearchTooOld } from "./meilisearch-engine.js";
import { ChangeFollower, LeaseLost, type CatchUp, MemoryPosition, processIdentity, StoredPosition, TasksStillRunning } from "./change-follower.js";
import { CHANGE_CHANNEL, comparePositions, formatPosition, lastChange, logHead, logPostingChanges, relogSince, type LoggedChange, type LogPosition } from "./change-log.js";
import type { PostingDocument, SearchEngine } from "./search-port.js";
import { SwappableEngine } from "./swappable-engine.js";
import { SegmentPool } from "./segment-pool.js";

export function createSearchEngine(config: Config, log?: Logger): SearchEngine {
  return config.search.meilisearchUrl
    ? new MeilisearchEngine({
        host: config.search.meilisearchUrl,
        apiKey: config.search.meilisearchApiKey,
        searchKey: config.search.meilisearchSearchKey,
        timeoutMs: config.search.meilisearchTimeoutMs,
        ...(log ? { log } : {}),
      })
    : new EmbeddedSearchEngine();
}

/** Every public posting, page by page, into an engine. */
export async function indexAllPostings(
  db: Database,
  engine: SearchEngine,
  source: PostingDocumentSource,
  onProgress?: (done: number) => void | Promise<void>,
  /** Collects the ids written. */
  seen?: Set<string>,
): Promise<number> {
  let done = 0;
  // Pages are read (one keyset read each) and segmented (on the other cores, and on this one while
  // it waits) ahead of the one being written, up to AHEAD pages in flight, and written in order. The
  // reads go on while a page is written: reading only between writes left the threads idle a third
  // of a 1,000,000-posting build, waiting for PostgreSQL.
  const pool = SegmentPool.start();
  const pages = readAhead(source.publicPostingDocuments(db, 1000, pool ? { segment: pool.segmentMany } : {}), AHEAD);
  try {
    for await (const page of pages) {
      // Waiting for the page's segmenting, this thread segments too (both cores on the build).
      if (pool) await pool.helpUntil(page.documents);
      const documents = await page.documents;
      if (seen) for (const document of documents) seen.add(document.id);
      await engine.upsert(documents);
      done += page.ids.length;
      await onProgress?.(done);
    }
  } finally {
    await pool?.close();
  }
  return done;
}

/**
 * The items of `source`, asked for up to `ahead` at a time before they are taken (an async
 * generator answers them in order, one after the other), so that its reads go on while the
 * consumer works on an earlier item.
 */
async function* readAhead<T>(source: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const items = source[Symbol.asyncIterator]();
  const asked: Promise<IteratorResult<T>>[] = [];
  try {
    for (;;) {
      while (asked.length < ahead) asked.push(items.next());
      const item = await asked.shift()!;
      if (item.done) return;
      yield item.value;
    }
  } finally {
    // Stopped early (or failed): what was asked is not awaited by anyone.
    for (const pending of asked) pending.catch(() => undefined);
    await items.return?.();
  }
}

const AHEAD = 8;

/**
 * Brings an engine in line with a page of the change log: the settings read again if they changed,
 * each named posting read as it is now — its document written, or removed when it is no longer public.
 */
export async function applyChanges(db: Executor, engine: SearchEngine, sources: SearchSources, changes: readonly LoggedChange[], guard?: () => Promise<void>): Promise<void> {
  // Every write of the page is sent even when an earlier one is still running (the engine applies
  // them in the order sent); the follower then waits for all of them by task uid. Before each, the
  // guard makes sure this process still holds the reader (a durable one's lease).
  const running: number[] = [];
  const send = async (write: () => Promise<void>) => {
    await guard?.();
    try {
      await write();
    } catch (error) {
      if (!(error instanceof TasksStillRunning)) throw error;
      running.push(...error.taskUids);
    }
  };
  if (changes.some((c) => c.kind === "SETTINGS")) {
    const settings = await sources.settings(db);
    await send(() => engine.applySettings(settings));
  }
  const ids = [...new Set(changes.flatMap((c) => (c.postingId ? [c.postingId] : [])))];
  if (ids.length > 0) {
    const found = await sources.documents.documentsFor(db, ids);
    await send(() => engine.upsert([...found.values()].filter((d): d is PostingDocument => d !== null)));
    await send(() => engine.remove(ids.filter((id) => !found.get(id))));
  }
  if (running.length > 0) throw new TasksStillRunning(running);
}

/** Whether an engine task is done (the Meilisearch engine's `taskDone`), for a follower that polls them. */
function taskPolling(engine: SearchEngine): { taskDone?: (uid: number) => Promise<boolean> } {
  return engine instanceof MeilisearchEngine ? { taskDone: (uid: number) => engine.taskDone(uid) } : {};
}

/**
 * Applies the log from `from` up to its head as of the call into `engine` (after a reindex: what
 * changed while it was built), waiting for the engine's tasks. It stops at that head even while
 * writes go on: the index's own follower carries on from there.
 */
export async function replayChanges(db: Database, engine: SearchEngine, sources: SearchSources, from: LogPosition, until?: LogPosition, deadlineMs = Number.POSITIVE_INFINITY): Promise<LogPosition> {
  const end = until ?? (await logHead(db));
  const deadline = Date.now() + deadlineMs;
  const follower = new ChangeFollower(db, (changes, guard) => applyChanges(db, engine, sources, changes, guard), new MemoryPosition(), { backoffMs: () => 0, ...taskPolling(engine) });
  await follower.placeAt(from);
  for (;;) {
    const result = await follower.catchUp();
    if (result.failed) throw new Error("Replaying the change log into the new index failed");
    if (comparePositions(follower.position!, end) >= 0 && !result.awaitingTasks) return follower.position!;
    // Past the deadline (a transaction elsewhere holds the watermark back): the index's follower carries on from here.
    if (Date.now() > deadline && !result.awaitingTasks) return follower.position!;
    await new Promise((r) => setTimeout(r, result.awaitingTasks ? 200 : 50));
  }
}

export interface SearchIndexOptions {
  /** Polling interval of the follower (0: only when `drain` is called — the tests). */
  intervalMs: number;
  /** LISTEN for committed changes (with polling as the fallback). */
  listen?: DatabaseHandle["listen"];
  /** The Meilisearch relay's reader name (two Meilisearch instances are two readers). */
  readerName?: string;
  /** Between polls of engine tasks a rejected page's parts wait for (default 500 ms). */
  taskPollMs?: number;
  /** Who this process is as a lease owner (default: host, pid and a random part; tests run two in one process). */
  owner?: string;
}

/**
 * The search index as the app runs it: settings applied at start-up, then a follower of the change
 * log. With the embedded engine every process keeps its own index: built from PostgreSQL at start
 * (it keeps nothing between runs) as of the log's head, then following the log from there — so every
 * replica sees every change, whichever replica made it. With Meilisearch the index is shared: one
 * process at a time (a lease) relays the log into it from the position stored in PostgreSQL.
 */
export class SearchIndex {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<CatchUp | undefined> | undefined;
  private again = false;
  private stopped = false;
  private unlisten: (() => Promise<void>) | undefined;
  private follower: ChangeFollower | undefined;
  private store: StoredPosition | undefined;
  /** The shared relay's position as last read, when another process holds it. */
  private relayedElsewhere: LogPosition | null = null;
  private leaseRenewedAt = 0;
  private lastSaid = 0;

  /** The engine searches are served from (an embedded index behind a swap, so that it can be rebuilt while it serves). */
  readonly engine: SearchEngine;

  constructor(
    engine: SearchEngine,
    private readonly db: Database,
    private readonly sources: SearchSources,
    private readonly log: Logger,
    private readonly opts: SearchIndexOptions,
  ) {
    this.engine = engine.name === "embedded" ? new SwappableEngine(engine) : engine;
  }

  /**
   * Rebuilds this process's index beside the live one and swaps it in (see `rebuildIndex`): the
   * embedded index here, the shared one with Meilisearch. The follower is held meanwhile, so that
   * it does not write into the old index what the swap would lose (the replay brings the new one up
   * to date, and the follower goes on from where it was: applying again is harmless).
   */
  async reindex(onProgress?: (done: number) => void | Promise<void>): Promise<number> {
    const build = async () => {
      if (this.engine instanceof SwappableEngine) {
        const live = this.engine;
        const fresh = new EmbeddedSearchEngine();
        // Replayed up to the last change committed before the swap — not only to the watermark, which a
        // transaction elsewhere can hold back — for at most 10 s; the follower carries on from there.
        const catchUp = async (from: LogPosition) => {
          const last = await lastChange(this.db);
          return replayChanges(this.db, live, this.sources, from, last && comparePositions(last, from) > 0 ? last : undefined, 10_000);
        };
        return rebuildIndex(this.db, this.sources, { fresh, swapIn: async () => live.swap(fresh), catchUp }, onProgress);
      }
      if (this.engine instanceof MeilisearchEngine) return reindexMeilisearch(this.db, this.engine, this.sources, onProgress);
      throw new Error(`No reindex for the ${this.engine.name} engine`);
    };
    // A shared index's relay goes on meanwhile (what it writes into the old index is logged again after the swap).
    if (!(this.engine instanceof SwappableEngine)) return build();
    // After any run in progress; runs started meanwhile wait for the rebuild, and run once it is done.
    while (this.running) await this.running.catch(() => undefined);
    const rebuilding = build();
    this.running = rebuilding.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await rebuilding;
    } finally {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    }
  }

  /** How far this process's index has applied the log (the shared relay's position with Meilisearch); null until started. */
  get position(): LogPosition | null {
    return this.follower?.position ?? this.relayedElsewhere;
  }

  private newFollower(store: StoredPosition, durable: boolean): ChangeFollower {
    return new ChangeFollower(this.db, (changes, guard) => applyChanges(this.db, this.engine, this.sources, changes, guard), store, {
      log: this.log,
      ...(durable ? { deadLetterAs: store.name, minLeaseMs: this.relayLease().minMs } : {}),
      ...(this.opts.taskPollMs ? { pollMs: this.opts.taskPollMs } : {}),
      ...taskPolling(this.engine),
    });
  }

  /**
   * The relay's lease: renewed before each engine call when less than `minMs` is left — longer than
   * the longest call (a request's timeout and a task's wait, with a margin) — so that it never
   * lapses while a call is under way; and twice that long in all.
   */
  private relayLease(): { ms: number; minMs: number } {
    const minMs = (this.engine instanceof MeilisearchEngine ? this.engine.longestCallMs : 20_000) + 10_000;
    return { ms: Math.max(60_000, 2 * minMs), minMs };
  }

  /** Resolves to the postings indexed (the embedded engine), or null (a shared index, relayed). */
  async start(): Promise<number | null> {
    let indexed: number | null = null;
    if (this.engine.name === "embedded") {
      // Built from PostgreSQL as of the log's head: every change before it is in what is read (the
      // settings included: read after the head is taken), every change after it is read from the
      // log (twice is harmless).
      // Its row only tells pruning how far this process is (and that it lives): written every 10 s at most,
      // not at every read — each write is a transaction of its own, which would move the watermark for everyone.
      this.store = new StoredPosition(this.db, `embedded:${processIdentity}`, false, processIdentity, 60_000, this.opts.intervalMs > 0 ? 10_000 : 0);
      await this.store.acquire();
      const head = await logHead(this.db);
      await this.engine.applySettings(await this.sources.settings(this.db));
      indexed = await indexAllPostings(this.db, this.engine, this.sources.documents);
      this.follower = this.newFollower(this.store, false);
      await this.follower.placeAt(head);
    } else {
      // A Meilisearch too old is refused at start, with what to do; one not reachable yet is checked
      // again before the relay first writes to it (the process starts and answers SEARCH_UNAVAILABLE meanwhile).
      if (this.engine instanceof MeilisearchEngine) {
        await this.engine.checkVersion().catch((err: unknown) => {
          if (err instanceof MeilisearchTooOld) throw err;
          this.log.warn({ err: loggableError(err) }, "could not ask Meilisearch its version at start: checked again before the first write");
        });
      }
      const lease = this.relayLease();
      this.store = new StoredPosition(this.db, this.opts.readerName ?? "meilisearch", true, this.opts.owner ?? processIdentity, lease.ms);
      // Scores are computed with the synonyms on every process; only the relay writes the engine's settings.
      await this.useSettings().catch((err: unknown) => this.log.warn({ err: loggableError(err) }, "could not read the search settings"));
    }
    if (this.opts.intervalMs > 0) {
      this.timer = setInterval(() => this.wake(), this.opts.intervalMs);
      this.timer.unref();
      if (this.opts.listen) {
        this.unlisten = await this.opts
          .listen(CHANGE_CHANNEL, () => this.wake(), () => this.wake())
          .catch((err: unknown) => (this.log.warn({ err: loggableError(err) }, "could not LISTEN for search changes; polling only"), undefined));
      }
    }
    return indexed;
  }

  /** The settings as this process scores with them, without writing them to a shared engine. */
  private async useSettings(): Promise<void> {
    if (this.engine instanceof MeilisearchEngine) this.engine.useSettings(await this.sources.settings(this.db));
  }

  /** Runs the follower in the background; an engine that is down fails every run, said once a minute at most. */
  private wake(): void {
    if (this.stopped) return;
    this.run().catch((err: unknown) => {
      if (Date.now() - this.lastSaid < 60_000) return;
      this.lastSaid = Date.now();
      this.log.error({ err: loggableError(err) }, "search follower failed");
    });
  }

  /**
   * Applies every change committed before the call: runs the follower until its position reaches the
   * last change visible at the call (`lastChange`) — or a run fails or leaves engine tasks running
   * (the back-off and the polling go on in the background). Throws when `timeoutMs` passes first
   * (a transaction older than that change still running holds every reader back). True when this
   * process's index — or the relay, held here — has applied them. What tests, the CLI and anyone
   * needing "my write is searchable now" call.
   */
  async drain(timeoutMs = 20_000): Promise<boolean> {
    const target = await lastChange(this.db);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.run();
      const at = this.follower?.position;
      // Whether this process's index (or the relay, held here) has applied every change up to the call.
      const reached = at !== undefined && at !== null && (!target || comparePositions(at, target) >= 0);
      if (reached || !result || result.failed || this.stopped) return reached;
      if (Date.now() > deadline) {
        throw new Error(
          result.awaitingTasks
            ? `The search engine's tasks were still running after ${timeoutMs} ms`
            : `The search index did not reach ${formatPosition(target!)} within ${timeoutMs} ms (it is at ${formatPosition(at!)}): a transaction older than that change is still running`,
        );
      }
      // Engine tasks still running are polled again; a transaction holding the watermark is waited out.
      await new Promise((r) => setTimeout(r, result.awaitingTasks ? 200 : 20));
    }
  }

  /** Whether this process writes the index now (its own embedded one, or the shared one as the relay's holder). */
  get writing(): boolean {
    return this.follower !== undefined;
  }

  /** One run of the follower at a time: a call during a run makes it run once more (the last run's outcome). */
  private run(): Promise<CatchUp | undefined> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const running = (async () => {
      try {
        let result: CatchUp | undefined;
        do {
          this.again = false;
          result = await this.runOnce();
        } while (this.again && !this.stopped);
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    this.running = running;
    return running;
  }

  private async runOnce(): Promise<CatchUp | undefined> {
    if (!this.store) return undefined;
    if (this.engine.name !== "embedded") {
      // The shared index: only the process holding the relay's lease writes to it.
      if (!(await this.holdsRelay())) return undefined;
    } else if (Date.now() - this.leaseRenewedAt > 20_000) {
      await this.store.acquire(); // an embedded reader's row says it is alive (pruning waits for it)
      this.leaseRenewedAt = Date.now();
    }
    let result;
    try {
      result = await this.follower!.catchUp();
    } catch (error) {
      // Another process took the relay: it goes on from the stored position; this one stops writing.
      if (error instanceof LeaseLost) this.follower = undefined;
      throw error;
    }
    // Changes committed behind a transaction still running, or applied while one ran: looked at again shortly.
    if ((result.pendingBeyond || result.settling || result.failed || result.awaitingTasks) && this.opts.intervalMs > 0 && !this.stopped) {
      clearTimeout(this.soon);
      this.soon = setTimeout(() => this.wake(), result.failed ? result.retryInMs : result.awaitingTasks ? 500 : 50);
      this.soon.unref();
    }
    return result;
  }

  private async holdsRelay(): Promise<boolean> {
    const held = await this.store!.acquire();
    if (!held) {
      this.follower = undefined;
      const position = await storedPosition(this.db, this.store!.name);
      // The relay moved on (it may have applied new synonyms): this process scores with the settings as they are.
      if (!position || !this.relayedElsewhere || comparePositions(position, this.relayedElsewhere) !== 0) await this.useSettings();
      this.relayedElsewhere = position;
      return false;
    }
    if (!this.follower) {
      const follower = this.newFollower(this.store!, true);
      if (held.position) {
        // The settings as they are now (this code's, and the synonyms): a later change to them is in the log.
        await this.writeSettings(follower);
        await follower.placeAt(held.position);
      } else {
        // A relay that never ran (a new Meilisearch, or a database upgraded from the outbox): the
        // index is filled from PostgreSQL as of the log's head — settings read after the head is
        // taken — then follows the log from there. What an earlier relay left in it that is no
        // longer public (a posting closed while the old outbox's rows were carried over) goes.
        const began = performance.now();
        const head = await logHead(this.db);
        await this.writeSettings(follower);
        const seen = new Set<string>();
        const n = await indexAllPostings(this.db, this.engine, this.sources.documents, () => follower.guard(), seen);
        await follower.guard();
        const extra = (await this.engine.allIds()).filter((id) => !seen.has(id));
        for (let i = 0; i < extra.length; i += 1000) {
          await follower.guard();
          await this.engine.remove(extra.slice(i, i + 1000));
        }
        await follower.placeAt(head);
        this.log.info({ postings: n, removed: extra.length, ms: Math.round(performance.now() - began) }, "Meilisearch index filled from PostgreSQL; relaying the change log from here");
      }
      this.follower = follower;
    }
    return true;
  }

  /**
   * The relay's holder writes the settings (under its lease) and waits for them: a change of
   * searchable or sortable attributes makes Meilisearch re-index everything, which outlasts the
   * wait — its task is then polled, not sent again.
   */
  private async writeSettings(follower: ChangeFollower): Promise<void> {
    const settings = await this.sources.settings(this.db);
    await follower.guard();
    try {
      await this.engine.applySettings(settings);
    } catch (error) {
      if (!(error instanceof TasksStillRunning) || !(this.engine instanceof MeilisearchEngine)) throw error;
      const deadline = Date.now() + 600_000;
      for (const uid of error.taskUids) {
        while (!(await this.engine.taskDone(uid))) {
          if (this.stopped) throw new Error("Stopping");
          if (Date.now() > deadline) throw new Error(`Meilisearch's settings task ${uid} still running after 10 minutes; tried again at the next run`);
          await new Promise((r) => setTimeout(r, this.opts.taskPollMs ?? 500));
          await follower.guard();
        }
      }
      this.engine.useSettings(settings);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.follower?.stop();
    if (this.timer) clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.unlisten?.().catch(() => undefined);
    await this.running?.catch(() => undefined);
    await this.store?.release().catch(() => undefined);
  }
}

async function storedPosition(db: Database, name: string): Promise<LogPosition | null> {
  const [row] = await queryRows<{ txid: string; seq: number | string }>(db, sql`select txid::text as txid, seq from change_log_readers where name = ${name}`);
  return row ? { txid: row.txid, seq: Number(row.seq) } : null;
}

/**
 * A new index built beside the live one while it serves, swapped in, then brought up to date: the
 * log's position is recorded before the first page is read (and before the settings are), and every
 * change logged since is applied to the live index after the swap — a posting edited while its page
 * was being read (and written to the old index) is not lost with the old index. `catchUp` does it:
 * the embedded engine replays them itself (the index is this process's own; its follower is held);
 * a shared index has them logged again for its relay.
 */
export async function rebuildIndex(
  db: Database,
  sources: SearchSources,
  parts: { fresh: SearchEngine; swapIn: () => Promise<void>; catchUp: (from: LogPosition) => Promise<unknown> },
  onProgress?: (done: number) => void | Promise<void>,
): Promise<number> {
  const from = await logHead(db);
  await parts.fresh.applySettings(await sources.settings(db));
  const n = await indexAllPostings(db, parts.fresh, sources.documents, onProgress);
  try {
    await parts.swapIn();
  } finally {
    // Also when the swap's wait failed (it may have happened all the same): harmless if it did not.
    await parts.catchUp(from);
  }
  return n;
}

/**
 * The Meilisearch index rebuilt beside the live one (`postings_rebuild_…`) and swapped in (the live
 * one made first if it never was). What changed since the rebuild began is logged again: the relay
 * (whichever process holds it) writes it into the new live index — never a second writer beside it,
 * whose older read of a posting could land after the relay's newer one.
 */
export async function reindexMeilisearch(db: Database, engine: MeilisearchEngine, sources: SearchSources, onProgress?: (done: number) => void | Promise<void>): Promise<number> {
  const fresh = engine.withIndex(`${engine.indexUid}_rebuild_${Date.now()}`);
  return rebuildIndex(db, sources, { fresh, swapIn: () => engine.swapWith(fresh), catchUp: (from) => relogSince(db, from) }, onProgress);
}

/** A document's content as a hash (keys in a fixed order): what reconciling compares. */
export function documentHash(document: PostingDocument): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === "object" ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])])) : value;
  return createHash("sha256").update(JSON.stringify(canonical(document))).digest("base64url");
}

export interface Reconciliation {
  /** Public in PostgreSQL, not in the index. */
  missing: string[];
  /** In the index, not public in PostgreSQL. */
  extra: string[];
  /** In both, with other content in the index than PostgreSQL's now. */
  stale: string[];
  /** With `repair`: the postings logged as changed (the relay brings each in line), and ids removed at once that can be no posting's. */
  repaired?: { logged: number; removed: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Compares the index with PostgreSQL by content (a hash per document), not only by id. With
 * `repair`, every posting that differs is logged as changed, in one transaction: the relay (the one
 * writer of a shared index, in log order) then writes it as it is then, or removes it — a repair
 * written directly could overwrite a newer document the relay has just sent. An id that can be no
 * posting's (not a uuid) is removed at once: nothing will ever write it again.
 */
export async function reconcileIndex(db: Database, engine: SearchEngine, source: PostingDocumentSource, opts: { repair?: boolean } = {}): Promise<Reconciliation> {
  const indexed = new Map((await engine.allDocuments()).map((d) => [String(d.id), documentHash(d)]));
  const missing: string[] = [];
  const stale: string[] = [];
  const seen = new Set<string>();
  for await (const ids of source.publicPostingIds(db, 1000)) {
    const documents = await source.documentsFor(db, ids);
    for (const [id, document] of documents) {
      if (!document) continue;
      seen.add(id);
      const hash = indexed.get(id);
      if (hash === undefined) missing.push(id);
      else if (hash !== documentHash(document)) stale.push(id);
    }
  }
  const extra = [...indexed.keys()].filter((id) => !seen.has(id));
  if (!opts.repair) return { missing, extra, stale };
  const toLog = [...missing, ...stale, ...extra.filter((id) => UUID.test(id))];
  const garbage = extra.filter((id) => !UUID.test(id));
  await db.transaction(async (tx) => {
    for (let i = 0; i < toLog.length; i += 1000) await logPostingChanges(tx, toLog.slice(i, i + 1000));
  });
  for (let i = 0; i < garbage.length; i += 1000) await engine.remove(garbage.slice(i, i + 1000));
  return { missing, extra, stale, repaired: { logged: toLog.length, removed: garbage.length } };
}
