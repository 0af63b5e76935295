import type { Database } from "../../db/client.js";
import { loggableError, type Logger } from "../../logger.js";
import type { SearchEngine } from "../../search/search-port.js";
import { CandidateCache, finishRuns, processRunBatch } from "./fulfil.js";

/**
 * Works campaign runs in the background: batch after batch of pending people, each batch its own
 * transaction. Any number of runners (server processes) may work at once — items are claimed with
 * SKIP LOCKED — and a runner that dies leaves its uncommitted batch pending for the others or for
 * itself after a restart: runs survive crashes by construction.
 */
export class CampaignRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly engine: SearchEngine,
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly batchSize = 100,
    /** Batches worked at once (each on its own connection): one computes while another waits on PostgreSQL. */
    private readonly concurrency = 1,
  ) {}

  start(): void {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.drain().catch((err: unknown) => this.log.error({ err: loggableError(err) }, "campaign run batch failed")), this.intervalMs);
      this.timer.unref();
    }
  }

  /**
   * Works until nothing is pending (one drain at a time per runner). `beforeCommit` is for tests:
   * throwing there is a crash in the middle of a batch.
   */
  drain(opts: { maxBatches?: number; beforeCommit?: () => void; onBatch?: (claimed: number) => void } = {}): Promise<void> {
    this.running ??= (async () => {
      const cache = new CandidateCache();
      let batches = 0;
      const worker = async () => {
        while (!this.stopping && (opts.maxBatches === undefined || batches < opts.maxBatches)) {
          batches++;
          const { claimed, runIds } = await processRunBatch(this.db, this.engine, cache, { size: this.batchSize, ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}) });
          if (claimed === 0) break;
          await finishRuns(this.db, runIds);
          opts.onBatch?.(claimed);
        }
      };
      try {
        await Promise.all(Array.from({ length: this.concurrency }, worker));
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
