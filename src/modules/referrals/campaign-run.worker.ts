import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { loggableError, type Logger } from "../../logger.js";
import type { SearchEngine } from "../../search/search-port.js";
import { CandidateCache } from "../matching/recommend.service.js";
import { BatchFailed, finishRuns, processRunBatch, recordFailedAttempt, type ItemKey, type RunKind } from "./campaign-batch.service.js";

/**
 * Works campaign runs in the background: batch after batch of pending people, each batch its own
 * transaction. Any number of runners (server processes) may work at once — items are claimed with
 * SKIP LOCKED — and a runner that dies leaves its uncommitted batch pending for the others or for
 * itself after a restart: runs survive crashes by construction.
 */
/**
 * People processed between statistics refreshes: at most this many, and sooner while the run is
 * young — after 500 people, then whenever the count has doubled — since a table that grew from
 * nothing is the one whose plans go wrong first (its foreign-key checks scan it whole).
 */
const ANALYZE_EVERY = 20_000;
const ANALYZE_FIRST = 500;

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
    /** The kinds of run it works (a process without the search index works only MENTORS runs). */
    private readonly kinds: readonly RunKind[] = ["REFERRALS", "MENTORS"],
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
  drain(opts: { maxBatches?: number; beforeCommit?: () => void | Promise<void>; onBatch?: (claimed: number) => void } = {}): Promise<void> {
    this.running ??= (async () => {
      const cache = new CandidateCache();
      let batches = 0;
      // The workers' shared cursor: claims go forward from the furthest one yet. When nothing is
      // left past it, one pass from the start picks up what was skipped (locked by another process
      // that may since have died).
      let cursor: ItemKey | null = null;
      // Runs are marked DONE once this drain ends (not after every batch: the check reads the
      // pending items' index, which fills with dead entries as a run proceeds).
      let processed = 0;
      let analyzeAt = ANALYZE_FIRST;
      const ahead = (a: ItemKey, b: ItemKey | null) => !b || a.runId > b.runId || (a.runId === b.runId && a.personId > b.personId);
      const worker = async () => {
        let fromStart = false;
        while (!this.stopping && (opts.maxBatches === undefined || batches < opts.maxBatches)) {
          batches++;
          const { claimed, last } = await processRunBatch(this.db, this.engine, cache, {
            size: this.batchSize,
            kinds: this.kinds,
            after: fromStart ? null : cursor,
            ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}),
          }).catch(async (error: unknown) => {
            if (error instanceof BatchFailed) await recordFailedAttempt(this.db, error.items, error.cause).catch(() => undefined);
            throw error instanceof BatchFailed ? error.cause : error;
          });
          if (claimed === 0) {
            if (fromStart || cursor === null) break;
            fromStart = true;
            continue;
          }
          if (last && ahead(last, cursor)) cursor = last;
          fromStart = false;
          opts.onBatch?.(claimed);
          processed += claimed;
          if (processed >= analyzeAt) {
            analyzeAt = processed + Math.min(ANALYZE_EVERY, processed);
            await this.refreshStatistics();
          }
        }
      };
      try {
        await this.refreshStatistics();
        // Every worker ends before the drain does (a failed batch does not leave the others running
        // beside the next drain); the first failure is then reported.
        const ended = await Promise.allSettled(Array.from({ length: this.concurrency }, worker));
        const failed = ended.find((e): e is PromiseRejectedResult => e.status === "rejected");
        if (failed) throw failed.reason;
      } finally {
        // Any run with nothing pending is DONE — those this drain touched, and any a process that
        // died after its last batch left RUNNING.
        await finishRuns(this.db).catch((err: unknown) => this.log.error({ err: loggableError(err) }, "could not mark campaign runs done"));
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * A run grows referrals by hundreds of thousands of rows. Plans made on statistics from when the
   * table was small scan it whole for every person (measured: 4 billion rows read in a run), and
   * autovacuum may be off or behind: the runner refreshes the statistics of the tables it grows.
   */
  private async refreshStatistics(): Promise<void> {
    try {
      await this.db.execute(sql`analyze referrals, referral_events, campaign_run_items, mentorships`);
    } catch (err) {
      this.log.warn({ err: loggableError(err) }, "could not refresh planner statistics (the database role may not own the tables)");
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
