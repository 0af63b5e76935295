import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { segmentedText } from "./segment.js";

/** Segments batches of texts: `segmentedText` of each, in order. */
export type SegmentMany = (texts: string[]) => Promise<string[]>;

/** In this thread (where no worker can run: the sources run uncompiled, as in the tests). */
export const segmentHere: SegmentMany = async (texts) => texts.map(segmentedText);

/**
 * Threads segmenting posting texts for a whole-index build (jieba is most of a build's CPU): one
 * per core beyond the main thread's, the batches handed out in turn and answered in order. The
 * worker is the compiled segment-worker.js beside this module; where there is none (the sources
 * run by the test runner), `start` gives null and the build segments in its own thread.
 */
export class SegmentPool {
  private next = 0;
  private ids = 0;
  private readonly waiting = new Map<number, { resolve: (texts: string[]) => void; reject: (error: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on("message", ({ id, segmented, error }: { id: number; segmented?: string[]; error?: string }) => {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        if (error !== undefined) waiter?.reject(new Error(`segmenting failed: ${error}`));
        else waiter?.resolve(segmented!);
      });
      // A thread that dies fails what it was given (the build fails and says why) rather than hanging it.
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => code !== 0 && this.failAll(new Error(`a segmenting thread exited with ${code}`)));
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
      const id = this.ids++;
      this.waiting.set(id, { resolve, reject });
      this.workers[this.next++ % this.workers.length]!.postMessage({ id, texts });
    });

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
