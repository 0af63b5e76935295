import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../db/client.js";
import { newId } from "../db/ids.js";
import { loggableError, type Logger } from "../logger.js";
import { comparePositions, formatPosition, readChanges, type LoggedChange, type LogPosition } from "./change-log.js";

/** This process, as a lease owner and a reader's name: host, pid and a random part (a pid is reused after a restart). */
export const processIdentity = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/** Where a reader keeps its position between reads. */
export interface PositionStore {
  /** Takes the reader (a lease): its stored position (null: never placed), or null when another process holds it now. */
  acquire(): Promise<{ position: LogPosition | null } | null>;
  /** Records the position (renewing the lease); false when the lease was lost to another process. */
  save(position: LogPosition): Promise<boolean>;
  release(): Promise<void>;
  /** Renews the lease when less than `ms` of it is left; false when it was lost. (A durable reader sends nothing on a lease about to lapse: a process that took it over could otherwise see its newer writes overtaken by this one's older.) */
  ensureLease?(ms: number): Promise<boolean>;
}

/** A position held only by this process (tests; nothing outside it reads it). */
export class MemoryPosition implements PositionStore {
  position: LogPosition | null = null;
  async acquire() {
    return { position: this.position };
  }
  async save(position: LogPosition) {
    this.position = position;
    return true;
  }
  async release() {}
}

const samePosition = (a: LogPosition | null, b: LogPosition | null) => (a === null || b === null ? a === b : a.txid === b.txid && a.seq === b.seq);

/**
 * A position in `change_log_readers`, held under a lease so that one process at a time reads for a
 * durable reader (the Meilisearch relay), and so that pruning knows how far every live reader is.
 */
export class StoredPosition implements PositionStore {
  constructor(
    private readonly db: Database,
    readonly name: string,
    private readonly durable: boolean,
    private readonly owner = processIdentity,
    private readonly leaseMs = 60_000,
    /** At most one write of the position per this long (an embedded index's row only tells pruning how far it is; a durable reader's must be exact). */
    private readonly saveEveryMs = 0,
  ) {}

  private savedAt = 0;

  /** Until when (this process's clock) the lease is surely held: counted from before the statement that took it. */
  private heldUntil = 0;

  /** The position this process last read or wrote in the row: `undefined` before it first acquires. */
  private known: LogPosition | null | undefined = undefined;

  /**
   * Renews the lease when less than `ms` is left. A lease that lapsed and is taken again is held only
   * if the stored position is still where this process left it: if another holder moved it meanwhile
   * (this process was frozen past its lease), what this process read before is stale — lost.
   */
  async ensureLease(ms: number): Promise<boolean> {
    if (this.heldUntil - Date.now() >= ms) return true;
    const lapsed = this.heldUntil < Date.now();
    const before = this.known;
    const got = await this.acquire();
    if (!got) return false;
    if (lapsed && before !== undefined && !samePosition(got.position, before)) return false;
    return true;
  }

  async acquire(): Promise<{ position: LogPosition | null } | null> {
    const asked = Date.now();
    const [row] = await queryRows<{ txid: string; seq: number | string }>(
      this.db,
      sql`insert into change_log_readers (name, durable, lease_owner, lease_until)
          values (${this.name}, ${this.durable}, ${this.owner}, now() + ${this.leaseMs} * interval '1 millisecond')
          on conflict (name) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until, updated_at = now()
            where change_log_readers.lease_owner is null or change_log_readers.lease_owner = excluded.lease_owner or change_log_readers.lease_until < now()
          returning txid::text as txid, seq`,
    );
    if (!row) return null;
    this.heldUntil = asked + this.leaseMs;
    // A reader never placed is at 0:0.
    const position = row.txid === "0" && Number(row.seq) === 0 ? null : { txid: row.txid, seq: Number(row.seq) };
    this.known = position;
    return { position };
  }

  async save(position: LogPosition): Promise<boolean> {
    const asked = Date.now();
    if (this.saveEveryMs > 0 && asked - this.savedAt < this.saveEveryMs && this.heldUntil - asked > this.saveEveryMs) return true;
    const rows = await queryRows<{ name: string }>(
      this.db,
      sql`update change_log_readers set txid = ${position.txid}::xid8, seq = ${position.seq}, updated_at = now(),
            lease_until = now() + ${this.leaseMs} * interval '1 millisecond'
          where name = ${this.name} and lease_owner = ${this.owner} returning name`,
    );
    if (rows.length > 0) {
      this.heldUntil = asked + this.leaseMs;
      this.savedAt = asked;
      this.known = position;
    }
    return rows.length > 0;
  }

  async release(): Promise<void> {
    if (this.durable) await this.db.execute(sql`update change_log_readers set lease_owner = null, lease_until = null where name = ${this.name} and lease_owner = ${this.owner}`);
    else await this.db.execute(sql`delete from change_log_readers where name = ${this.name} and lease_owner = ${this.owner}`);
  }
}

/** An engine's verdict that a document itself is bad (it will fail however often it is sent), as opposed to the engine being away. */
export class ChangeRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChangeRejected";
  }
}

/**
 * Writes the engine accepted (its tasks enqueued) but had not finished within the wait: the
 * follower polls them by uid and moves on once they are done, rather than sending them again.
 */
export class TasksStillRunning extends Error {
  constructor(readonly taskUids: number[]) {
    super(`Engine tasks ${taskUids.join(", ")} are still running`);
    this.name = "TasksStillRunning";
  }
}

/** The reader's lease was taken by another process: this one must stop writing to the engine. */
export class LeaseLost extends Error {
  constructor() {
    super("The change-log reader's lease was taken by another process");
    this.name = "LeaseLost";
  }
}

/**
 * Applies a page of changes to an engine. `guard` is called before each engine call: it renews a
 * durable reader's lease when it runs short, and throws LeaseLost when another process has it.
 */
export type ApplyChanges = (changes: LoggedChange[], guard: () => Promise<void>) => Promise<void>;

export interface FollowerOptions {
  /** Whether an engine task enqueued earlier is done (true), still running (false); throws if it failed (ChangeRejected when the engine refused the documents). */
  taskDone?: (taskUid: number) => Promise<boolean>;
  /**
   * A durable reader renews its lease before each engine call when less than this is left: longer
   * than the longest call (a request's timeout and a task's wait), so that a lease never lapses
   * while one is under way (default 20 s).
   */
  minLeaseMs?: number;
  /** Changes read and applied at once. */
  batchSize?: number;
  /** Delay before the n-th retry of a failing batch (default 1 s, 2 s, 4 s … at most a minute). */
  backoffMs?: (attempt: number) => number;
  /** Between polls of tasks a rejected batch's parts wait for (default 500 ms). */
  pollMs?: number;
  /** How long a rejected batch's part waits for its tasks before the run gives up (default 10 minutes). */
  taskWaitMs?: number;
  /**
   * A durable reader sets aside a change its engine rejects (after isolating it by halving the batch)
   * as a dead letter, and goes on; without this, it stops there until the change applies.
   */
  deadLetterAs?: string;
  log?: Logger;
}

export interface CatchUp {
  applied: number;
  /** The engine is still working on tasks this follower sent: asked again later. */
  awaitingTasks: boolean;
  /** Committed changes wait behind a transaction still running: read again soon. */
  pendingBeyond: boolean;
  /** Changes were applied while a transaction was running: reading again shortly moves the position on to the head. */
  settling?: boolean;
  /** The last batch failed; retried after `retryInMs`. */
  failed: boolean;
  retryInMs: number;
}

const defaultBackoff = (attempt: number) => Math.min(60_000, 1000 * 2 ** (attempt - 1));

/**
 * Reads the change log from its position and applies each page (`apply` reads the postings as they
 * are now and writes them to an engine): the position moves only once a page applied, so a failure
 * means the page is read and applied again, never lost. Applying twice is harmless (a document is
 * written as it is now).
 *
 * A page whose engine tasks are still running after the wait is not sent again: their uids are kept
 * and polled at the next run, and the position moves once they are done. A page the engine rejects
 * (at once, or when a task polled later failed) is applied again in halves, each waited for, until
 * the bad change stands alone and is set aside as a dead letter.
 */
export class ChangeFollower {
  private at: LogPosition | null = null;
  private attempts = 0;
  private retryAt = 0;
  /** Tasks sent for the page that ends at `next`, not yet done. */
  private awaiting: { taskUids: number[]; next: LogPosition; count: number } | null = null;
  /** A task of the last page was rejected after the fact: the page is applied again in halves. */
  private isolateNext = false;
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly apply: ApplyChanges,
    private readonly store: PositionStore,
    private readonly opts: FollowerOptions = {},
  ) {}

  /** The last position applied (null before the follower is placed). */
  get position(): LogPosition | null {
    return this.at;
  }

  /** Renews a durable reader's lease when it runs short; throws LeaseLost when another process took it. */
  readonly guard = async (): Promise<void> => {
    if (this.store.ensureLease && !(await this.store.ensureLease(this.opts.minLeaseMs ?? 20_000))) throw new LeaseLost();
  };

  /** Starts at `position` (an index built from PostgreSQL as of there), recording it. */
  async placeAt(position: LogPosition): Promise<void> {
    this.at = position;
    this.awaiting = null;
    if (!(await this.store.save(position))) throw new LeaseLost();
  }

  async catchUp(): Promise<CatchUp> {
    const batchSize = this.opts.batchSize ?? 500;
    const wait = this.retryAt - Date.now();
    if (wait > 0) return { applied: 0, awaitingTasks: false, pendingBeyond: false, failed: true, retryInMs: wait };
    if (!this.at) throw new Error("The follower is not placed in the log yet");
    let applied = 0;
    if (this.awaiting) {
      const awaiting = this.awaiting;
      try {
        const done = await Promise.all(awaiting.taskUids.map((uid) => this.opts.taskDone!(uid)));
        if (done.some((d) => !d)) return { applied, awaitingTasks: true, pendingBeyond: false, failed: false, retryInMs: 0 };
      } catch (error) {
        // A task that failed after all: the page is read and applied again — in halves when the
        // engine refused a document, so that the bad one is isolated.
        this.awaiting = null;
        if (error instanceof ChangeRejected && this.opts.deadLetterAs) this.isolateNext = true;
        return this.failed(error, awaiting.count, applied, false);
      }
      this.awaiting = null;
      this.attempts = 0;
      applied += awaiting.count;
      await this.advance(awaiting.next);
    }
    for (;;) {
      const page = await readChanges(this.db, this.at, batchSize);
      if (page.changes.length > 0) {
        try {
          await this.guard();
          const running = await this.applyPage(page.changes);
          if (running.length > 0) {
            this.awaiting = { taskUids: running, next: page.next, count: page.changes.length };
            return { applied, awaitingTasks: true, pendingBeyond: page.pendingBeyond, failed: false, retryInMs: 0 };
          }
        } catch (error) {
          if (error instanceof LeaseLost) throw error;
          return this.failed(error, page.changes.length, applied, page.pendingBeyond);
        }
        this.attempts = 0;
        applied += page.changes.length;
      }
      await this.advance(page.next);
      if (page.changes.length < batchSize) return { applied, awaitingTasks: false, pendingBeyond: page.pendingBeyond, settling: applied > 0 && page.held, failed: false, retryInMs: 0 };
    }
  }

  /** Applies a page; returns the uids of engine tasks still running (polled at the next run). */
  private async applyPage(changes: LoggedChange[]): Promise<number[]> {
    if (this.isolateNext) {
      await this.isolate(changes);
      this.isolateNext = false;
      return [];
    }
    try {
      await this.apply(changes, this.guard);
      return [];
    } catch (error) {
      if (error instanceof TasksStillRunning && this.opts.taskDone) return error.taskUids;
      if (!(error instanceof ChangeRejected) || !this.opts.deadLetterAs) throw error;
      await this.isolate(changes, error);
      return [];
    }
  }

  private async advance(next: LogPosition): Promise<void> {
    if (comparePositions(next, this.at!) <= 0) return;
    this.at = next;
    if (!(await this.store.save(next))) throw new LeaseLost();
  }

  private failed(error: unknown, changes: number, applied: number, pendingBeyond: boolean): CatchUp {
    this.attempts += 1;
    const retryInMs = (this.opts.backoffMs ?? defaultBackoff)(this.attempts);
    this.retryAt = Date.now() + retryInMs;
    this.opts.log?.warn({ err: loggableError(error), changes, attempt: this.attempts, at: formatPosition(this.at!) }, "search index could not apply changes; will retry");
    return { applied, awaitingTasks: false, pendingBeyond, failed: true, retryInMs };
  }

  /**
   * Applies the changes in parts, each waited for (its tasks polled to the end), halving a part the
   * engine rejects until the bad change stands alone: set aside as a dead letter, with its error.
   */
  private async isolate(changes: LoggedChange[], rejected?: ChangeRejected): Promise<void> {
    try {
      // A part already rejected as a whole is not sent again as a whole.
      if (rejected) throw rejected;
      await this.applyWaited(changes);
    } catch (error) {
      if (!(error instanceof ChangeRejected)) throw error;
      if (changes.length === 1) {
        const change = changes[0]!;
        this.opts.log?.error({ postingId: change.postingId, kind: change.kind, reason: error.message }, "search change rejected by the engine: set aside as a dead letter");
        await this.db.execute(
          sql`insert into search_dead_letters (id, reader, kind, posting_id, attempts, error) values (${newId()}, ${this.opts.deadLetterAs!}, ${change.kind}, ${change.postingId}, 1, ${error.message.slice(0, 2000)})`,
        );
        return;
      }
      const half = Math.ceil(changes.length / 2);
      await this.isolate(changes.slice(0, half));
      await this.isolate(changes.slice(half));
    }
  }

  /** Applies the changes and waits for their tasks to end (a rejection surfaces as ChangeRejected). */
  private async applyWaited(changes: LoggedChange[]): Promise<void> {
    try {
      await this.apply(changes, this.guard);
    } catch (error) {
      if (!(error instanceof TasksStillRunning) || !this.opts.taskDone) throw error;
      let uids = error.taskUids;
      const deadline = Date.now() + (this.opts.taskWaitMs ?? 600_000);
      while (uids.length > 0) {
        if (this.stopping) throw new Error("The follower is stopping");
        // Given up for now: the page is applied again at the next run (the tasks may have ended by then).
        if (Date.now() > deadline) throw new Error(`Engine tasks ${uids.join(", ")} still running after ${this.opts.taskWaitMs ?? 600_000} ms`);
        await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 500));
        await this.guard();
        const done = await Promise.all(uids.map((uid) => this.opts.taskDone!(uid)));
        uids = uids.filter((_, i) => !done[i]);
      }
    }
  }

  /** Makes a run under way give up at its next wait (the process is stopping). */
  stop(): void {
    this.stopping = true;
  }

  async release(): Promise<void> {
    await this.store.release().catch(() => undefined);
  }
}
