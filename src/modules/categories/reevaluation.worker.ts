import type { Database } from "../../db/client.js";
import { loggableError, type Logger } from "../../logger.js";
import { reevaluateNextPage } from "./reevaluation.service.js";

/**
 * Works category re-decisions in the background, page after page (reevaluation.service.ts): every
 * server process runs one; an advisory lock lets one page go at a time, and the cursor saved with each
 * page lets any process (or this one after a restart) take the next.
 */
export class ReevaluationWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.drain().catch((err: unknown) => this.log.error({ err: loggableError(err) }, "category re-decision page failed")), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Works until nothing is open (or another process holds the page). */
  drain(): Promise<void> {
    this.running ??= (async () => {
      try {
        let pages = 0;
        for (;;) {
          if (this.stopping) return;
          const page = await reevaluateNextPage(this.db);
          if (page === null) break;
          pages++;
          if (page.done) this.log.info({ reevaluation: page.id, pages }, "categories re-decided for everyone");
        }
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
