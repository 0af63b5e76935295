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

  async ensureLease(ms: number): Promise<boolean> {
    if (this.heldUntil - Date.now() >= ms) return true;
    return (await this.acquire()) !== null;
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
    return { position: row.txid === "0" && Number(row.seq) === 0 ? null : { txid: row.txid, seq: Number(row.seq) } };
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

export interface FollowerOptions {
  /** Whether an engine task enqueued earlier is done (true), still running (false); throws if it failed. */
  taskDone?: (taskUid: number) => Promise<boolean>;
  /** A durable reader renews its lease before sending when less than this is left (default 20 s: longer than a request and its wait). */
  minLeaseMs?: number;
  /** Changes read and applied at once. */
  batchSize?: number;
  /** Delay before the n-th retry of a failing batch (default 1 s, 2 s, 4 s … at most a minute). */
  backoffMs?: (attempt: number) => number;
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
 */
export class ChangeFollower {
  private at: LogPosition | null = null;
  private attempts = 0;
  private retryAt = 0;
  /** Tasks sent for the page that ends at `next`, not yet done. */
  private awaiting: { taskUids: number[]; next: LogPosition; count: number } | null = null;

  constructor(
    private readonly db: Database,
    private readonly apply: (changes: LoggedChange[]) => Promise<void>,
    private readonly store: PositionStore,
    private readonly opts: FollowerOptions = {},
  ) {}

  /** The last position applied (null before the follower is placed). */
  get position(): LogPosition | null {
    return this.at;
  }

  /** Starts at `position` (an embedded index built from PostgreSQL as of there), recording it. */
  async placeAt(position: LogPosition): Promise<void> {
    this.at = position;
    await this.store.save(position);
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
        // A task that failed after all: the page is read and applied again (a rejected change isolated).
        this.awaiting = null;
        return this.failed(error, awaiting.count, applied, false);
      }
      this.awaiting = null;
      applied += awaiting.count;
      await this.advance(awaiting.next);
    }
    for (;;) {
      const page = await readChanges(this.db, this.at, batchSize);
      if (page.changes.length > 0) {
        if (this.store.ensureLease && !(await this.store.ensureLease(this.opts.minLeaseMs ?? 20_000))) throw new Error("The change-log reader's lease was taken by another process");
        try {
          await this.applyIsolating(page.changes);
        } catch (error) {
          if (error instanceof TasksStillRunning && this.opts.taskDone) {
            this.awaiting = { taskUids: error.taskUids, next: page.next, count: page.changes.length };
            return { applied, awaitingTasks: true, pendingBeyond: page.pendingBeyond, failed: false, retryInMs: 0 };
          }
          return this.failed(error, page.changes.length, applied, page.pendingBeyond);
        }
        this.attempts = 0;
        applied += page.changes.length;
      }
      await this.advance(page.next);
      if (page.changes.length < batchSize) return { applied, awaitingTasks: false, pendingBeyond: page.pendingBeyond, settling: applied > 0 && page.held, failed: false, retryInMs: 0 };
    }
  }

  private async advance(next: LogPosition): Promise<void> {
    if (comparePositions(next, this.at!) <= 0) return;
    this.at = next;
    if (!(await this.store.save(next))) throw new Error("The change-log reader's lease was taken by another process");
  }

  private failed(error: unknown, changes: number, applied: number, pendingBeyond: boolean): CatchUp {
    this.attempts += 1;
    const retryInMs = (this.opts.backoffMs ?? defaultBackoff)(this.attempts);
    this.retryAt = Date.now() + retryInMs;
    this.opts.log?.warn({ err: loggableError(error), changes, attempt: this.attempts, at: formatPosition(this.at!) }, "search index could not apply changes; will retry");
    return { applied, awaitingTasks: false, pendingBeyond, failed: true, retryInMs };
  }

  /** Applies the changes; with dead letters on, a rejected batch is halved until the bad change stands alone. */
  private async applyIsolating(changes: LoggedChange[]): Promise<void> {
    try {
      await this.apply(changes);
    } catch (error) {
      if (!this.opts.deadLetterAs || !(error instanceof ChangeRejected)) throw error;
      if (changes.length === 1) {
        const change = changes[0]!;
        this.opts.log?.error({ postingId: change.postingId, kind: change.kind, reason: error.message }, "search change rejected by the engine: set aside as a dead letter");
        await this.db.execute(
          sql`insert into search_dead_letters (id, reader, kind, posting_id, attempts, error) values (${newId()}, ${this.opts.deadLetterAs}, ${change.kind}, ${change.postingId}, 1, ${error.message.slice(0, 2000)})`,
        );
        return;
      }
      const half = Math.ceil(changes.length / 2);
      await this.applyIsolating(changes.slice(0, half));
      await this.applyIsolating(changes.slice(half));
    }
  }

  async release(): Promise<void> {
    await this.store.release().catch(() => undefined);
  }
}
