import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { segmentedText } from "./segment.js";

/**
 * jieba in a worker thread while a whole index is built at start-up: the main thread reads the next
 * page from the database (and loads its own jieba, which queries need) while the worker segments
 * this one — jieba is most of the build. The same `segmentedText`, so the same tokens; anything the
 * worker cannot do (it failed, or the code runs from its TypeScript sources, as under the tests) is
 * done here instead. Ended once the index is built: the follower's few changes are segmented here.
 */
export class SegmentPool {
  private worker: Worker | null = null;
  private next = 0;
  private readonly waiting = new Map<number, { texts: string[]; resolve: (texts: string[]) => void }>();

  /** Starts the worker (jieba's dictionary loads meanwhile), when the compiled worker is there. */
  start(): this {
    const file = fileURLToPath(new URL("./segment-worker.js", import.meta.url));
    if (!existsSync(file)) return this;
    const worker = new Worker(file);
    worker.on("message", ({ id, texts }: { id: number; texts: string[] }) => {
      const asked = this.waiting.get(id);
      this.waiting.delete(id);
      asked?.resolve(texts);
    });
    const lost = () => {
      if (this.worker === worker) this.worker = null;
      this.segmentWaitingHere();
    };
    worker.on("error", lost);
    worker.on("exit", lost);
    // A worker still segmenting does not keep the process alive.
    worker.unref();
    this.worker = worker;
    return this;
  }

  /** What the worker had not answered is segmented here. */
  private segmentWaitingHere(): void {
    for (const [id, asked] of this.waiting) {
      this.waiting.delete(id);
      asked.resolve(asked.texts.map(segmentedText));
    }
  }

  /** Each text as `segmentedText` makes it, in order. */
  segment(texts: string[]): Promise<string[]> {
    const worker = this.worker;
    if (!worker || texts.length === 0) return Promise.resolve(texts.map(segmentedText));
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, { texts, resolve });
      worker.postMessage({ id, texts });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.segmentWaitingHere();
  }
}
