import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import type { Config } from "../config.js";
import type { PostingDocument, SearchEngine, SearchSettings } from "../search/search-port.js";

/** How far a runner thread's heap may grow past what its last full collection kept (see `start`). */
const HEAP_GROWING_PERCENT = 20;

/**
 * A runner thread's young generation, MB. A batch's candidates (hits, candidates, scores: ~200 for each
 * of 100 people) live until its referrals are written; with V8's default young generation they
 * outlived two scavenges, were promoted and died old, and the full collections that followed were
 * 12–15 % of a run. Measured on the fulfil benchmark's database, one run each (a noisy machine):
 * default 98.1 and 113.6 s (RSS 1,230–1,256 MB); 64 MB 86.1 and 95.6 s; 96 MB 78.3 s (1,317 MB);
 * 128 MB 75.5 s but 1,461 MB, too near the 1.5 GB the run must stay within.
 */
const YOUNG_GENERATION_MB = 96;

/** What the main thread asks of a runner thread (see runner-thread.ts), in order. */
export type ToRunnerThread =
  | { type: "settings"; settings: SearchSettings }
  | { type: "upsert"; documents: PostingDocument[] }
  | { type: "remove"; ids: string[] }
  | { type: "drain"; batchSize: number; concurrency: number }
  | { type: "close" };

/** What a runner thread tells the main thread. */
export type FromRunnerThread = { type: "batch"; claimed: number } | { type: "drained"; statements: number } | { type: "failed"; error: string };

/**
 * Campaign runs worked on every core, for the CLI's `fulfil` on PostgreSQL: each thread holds its own
 * copy of the embedded index — fed the documents the main thread's build reads and segments
 * (`engine`), so PostgreSQL is read and jieba run once — and its own connections, and works the run
 * (ranking is CPU work: one thread per core). The threads claim batches with SKIP LOCKED as server
 * replicas do, so each person is served once whoever claims them. The thread is the compiled
 * runner-thread.js beside this module: where there is none (the sources run by the test runner),
 * `start` gives null and the main thread works the run alone.
 */
export class RunnerThreads {
  private failure: Error | undefined;
  private closing = false;
  private readonly exited: Promise<void>[];

  private constructor(private readonly workers: Worker[]) {
    this.exited = workers.map((worker) => new Promise<void>((resolve) => worker.once("exit", () => resolve())));
    for (const worker of workers) {
      worker.on("error", (error) => (this.failure ??= error));
      // A thread ends only when closed: any other end (whatever its code) leaves its copy of the index and its share of a run undone.
      worker.on("exit", (code) => !this.closing && (this.failure ??= new Error(`a runner thread exited (code ${code})`)));
      // A write of its index that failed (told whenever it happens, before any drain listens too).
      worker.on("message", (message: FromRunnerThread) => message.type === "failed" && (this.failure ??= new Error(`a runner thread failed: ${message.error}`)));
    }
  }

  /** `threads` runner threads with `database`'s connections (a PostgreSQL server's: PGlite lives in one thread); null when none can run here. */
  static start(threads: number, database: Config["database"], logLevel = "warn"): RunnerThreads | null {
    const script = new URL("./runner-thread.js", import.meta.url);
    if (threads < 1 || database.driver !== "postgres" || !existsSync(fileURLToPath(script))) return null;
    // Each thread's heap holds ~200 MB live at 100,000 postings (its index, filters, candidate sets)
    // and a run allocates fast: left to V8's default growth each heap stood at 500 MB between
    // collections (2 threads: a 1.9 GB process). Growing a heap by a fifth past what a collection
    // kept holds the process near 1.25 GB. A V8 flag is the process's: this CLI command's process
    // does nothing else.
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    return new RunnerThreads(Array.from({ length: threads }, () => new Worker(script, { workerData: { database, logLevel }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } })));
  }

  get count(): number {
    return this.workers.length;
  }

  private post(message: ToRunnerThread): void {
    if (this.failure) throw this.failure;
    for (const worker of this.workers) worker.postMessage(message);
  }

  /**
   * The engine an index build is given: its writes reach every thread's index, in the order written
   * (before any drain), so one read of PostgreSQL and one segmenting fill every copy. This thread
   * keeps no copy: searching it is a mistake.
   */
  engine(): SearchEngine {
    const elsewhere = () => Promise.reject(new Error("the runner threads hold the index: search it there"));
    return {
      name: "embedded",
      applySettings: async (settings) => this.post({ type: "settings", settings }),
      upsert: async (documents) => this.post({ type: "upsert", documents }),
      remove: async (ids) => this.post({ type: "remove", ids }),
      search: elsewhere,
      allIds: elsewhere,
      allDocuments: elsewhere,
      synonymGroups: () => null,
    };
  }

  /**
   * Every thread works pending items until none is left (`batchSize` people a batch, `concurrency`
   * batches at once); `onBatch` hears of each batch done. Resolves with the SQL statements the threads
   * issued; rejects with the first thread's failure once every thread has stopped.
   */
  drain(opts: { batchSize: number; concurrency: number; onBatch?: (claimed: number) => void }): Promise<{ statements: number }> {
    // A thread already ended or failed: none is asked to work (an ended one would never answer, nor end again).
    if (this.failure) return Promise.reject(this.failure);
    const ended = this.workers.map(
      (worker) =>
        new Promise<number>((resolve, reject) => {
          const onMessage = (message: FromRunnerThread) => {
            if (message.type === "batch") opts.onBatch?.(message.claimed);
            else {
              worker.off("message", onMessage);
              worker.off("exit", onExit);
              if (message.type === "drained") resolve(message.statements);
              else reject(new Error(`a runner thread failed: ${message.error}`));
            }
          };
          const onExit = (code: number) => reject(this.failure ?? new Error(`a runner thread exited (code ${code})`));
          worker.on("message", onMessage);
          worker.once("exit", onExit);
        }),
    );
    this.post({ type: "drain", batchSize: opts.batchSize, concurrency: opts.concurrency });
    return Promise.allSettled(ended).then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
      return { statements: results.reduce((sum, r) => sum + (r as PromiseFulfilledResult<number>).value, 0) };
    });
  }

  /** Ends the threads (each closes its connections first). */
  async close(): Promise<void> {
    this.closing = true;
    for (const worker of this.workers) worker.postMessage({ type: "close" } satisfies ToRunnerThread);
    await Promise.race([Promise.all(this.exited), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
