import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { segmentedText } from "./segment.js";

/** Segments batches of texts: `segmentedText` of each, in order. */
export type SegmentMany = (texts: string[]) => Promise<string[]>;

/** In this thread (where no worker can run: the sources run uncompiled, as in the tests). */
export const segmentHere: SegmentMany = async (texts) => texts.map(segmentedText);

/** A batch being segmented: its texts, what is done of them, and who waits for it. */
interface Batch {
  texts: string[];
  out: string[];
  left: number;
  resolve: (texts: string[]) => void;
  reject: (error: Error) => void;
}

/** A run of a batch's texts, segmented in one go (by a thread, or by this one between its other work). */
interface Chunk {
  batch: Batch;
  from: number;
  to: number;
}

/** Texts a chunk holds: a few milliseconds of jieba, so this thread's share never holds it long. */
const CHUNK = 50;
/**
 * Chunks each thread holds at once: enough to outlast this thread's longest stretch without a turn
 * of its event loop (writing a page of 1,000 documents into the engine, a garbage collection) —
 * a thread's next chunks are handed over only on this thread's turns. Holding 2, the threads sat
 * idle 40% of a 1,000,000-posting build, each time a page was written.
 */
const PER_THREAD = 24;

/**
 * Threads segmenting posting texts for a whole-index build (jieba is most of a build's CPU): one per
 * core beyond the main thread's. Batches are cut into chunks of CHUNK texts, handed to the threads
 * as they finish; a caller with nothing else to do lends its own thread (`helpUntil`). Each batch is answered in order when its last chunk
 * is done. The worker is the compiled segment-worker.js beside this module; where there is none (the
 * sources run by the test runner), `start` gives null and the build segments in its own thread.
 */
export class SegmentPool {
  private readonly queue: Chunk[] = [];
  private readonly held = new Map<Worker, Map<number, Chunk>>();
  private ids = 0;
  private closed = false;
  private broken: Error | undefined;
  /** How many texts this thread segmented itself (the rest went to the threads). */
  segmentedHere = 0;
  /** Helpers waiting for chunks (woken when a batch is queued). */
  private readonly wakers: (() => void)[] = [];

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      const chunks = new Map<number, Chunk>();
      this.held.set(worker, chunks);
      worker.on("message", ({ id, segmented, error }: { id: number; segmented?: string[]; error?: string }) => {
        const chunk = chunks.get(id);
        chunks.delete(id);
        if (!chunk) return;
        if (error !== undefined) this.fail(chunk.batch, new Error(`segmenting failed: ${error}`));
        else this.done(chunk, segmented!);
        this.pump();
      });
      // A thread that dies fails what it was given (the build fails and says why) rather than hanging it.
      worker.on("error", (error) => this.failAll(error));
      // A thread never ends on its own while the pool is open: any end is a failure (terminated from outside it is code 0).
      worker.on("exit", (code) => !this.closed && this.failAll(new Error(`a segmenting thread exited (code ${code})`)));
    }
  }

  /** `threads`: how many (default: the cores beyond this one, at least 1); null when no worker can run here. */
  static start(threads = Math.max(1, availableParallelism() - 1)): SegmentPool | null {
    const script = new URL("./segment-worker.js", import.meta.url);
    if (!existsSync(fileURLToPath(script))) return null;
    return new SegmentPool(Array.from({ length: threads }, () => new Worker(script)));
  }

  readonly segmentMany: SegmentMany = (texts) =>
    new Promise((resolve, reject) => {
      // A thread died: nothing more is asked of the pool (a chunk given to it would never be answered).
      if (this.broken) return reject(this.broken);
      if (texts.length === 0) return resolve([]);
      const batch: Batch = { texts, out: new Array<string>(texts.length), left: texts.length, resolve, reject };
      for (let from = 0; from < texts.length; from += CHUNK) this.queue.push({ batch, from, to: Math.min(texts.length, from + CHUNK) });
      this.pump();
      if (this.queue.length > 0) for (const wake of this.wakers.splice(0)) wake();
    });

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Chunks to the threads with room; then, if chunks still wait, this thread takes one on its next turn. */
  private pump(): void {
    for (const [worker, chunks] of this.held) {
      while (chunks.size < PER_THREAD && this.queue.length > 0) {
        const chunk = this.queue.shift()!;
        const id = this.ids++;
        chunks.set(id, chunk);
        worker.postMessage({ id, texts: chunk.batch.texts.slice(chunk.from, chunk.to) });
      }
    }
  }

  /**
   * Lends this thread to the segmenting until `done` settles: the caller has nothing else to do until
   * then (a build waiting for the page it writes next). While chunks wait for a thread, this thread
   * segments them (the oldest first), a chunk per turn of the event loop; otherwise it waits. A build
   * whose main thread waited on one segmenting thread used both cores for only part of it (issue 25:
   * 1,000,000 postings); taking chunks whenever this thread was free instead left the threads idle,
   * waiting for pages this thread had not yet read.
   */
  async helpUntil(done: Promise<unknown>): Promise<void> {
    let settled = false;
    void done.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.segmentHere(chunk);
        // A turn of the event loop between chunks: the threads' answers, the database's pages.
        await new Promise((r) => setImmediate(r));
      } else {
        // Nothing waiting: until more is asked for, or `done` settles (never a busy wait: the
        // other core is the threads' and the database's).
        await Promise.race([done.catch(() => undefined), new Promise<void>((r) => this.wakers.push(r))]);
      }
    }
    this.wakers.length = 0;
  }

  private segmentHere(chunk: Chunk): void {
    try {
      this.done(chunk, chunk.batch.texts.slice(chunk.from, chunk.to).map(segmentedText));
      this.segmentedHere += chunk.to - chunk.from;
    } catch (error) {
      this.fail(chunk.batch, error instanceof Error ? error : new Error(String(error)));
    }
    this.pump();
  }

  private done(chunk: Chunk, segmented: string[]): void {
    const { batch } = chunk;
    for (let i = 0; i < segmented.length; i++) batch.out[chunk.from + i] = segmented[i]!;
    batch.left -= segmented.length;
    if (batch.left === 0) batch.resolve(batch.out);
  }

  /** A batch that cannot be finished: its waiter told, its chunks still queued dropped. */
  private fail(batch: Batch, error: Error): void {
    batch.left = -1;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.batch === batch) this.queue.splice(i, 1);
    batch.reject(error);
  }

  private failAll(error: Error): void {
    this.broken ??= error;
    for (const wake of this.wakers.splice(0)) wake();
    const batches = new Set([...this.queue.map((c) => c.batch), ...[...this.held.values()].flatMap((chunks) => [...chunks.values()].map((c) => c.batch))]);
    this.queue.length = 0;
    for (const chunks of this.held.values()) chunks.clear();
    for (const batch of batches) batch.reject(error);
  }
}
