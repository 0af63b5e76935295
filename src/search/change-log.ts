import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "../db/client.js";

/**
 * The posting change log (the `posting_changes` table): every posting write adds a row for each
 * posting it changed, in the same transaction, so no reader can miss a committed change.
 *
 * **Order.** A plain sequence numbers rows in insert order, not commit order: a reader that asked for
 * "seq > the last I saw" would skip for ever a row whose transaction took seq 41 and committed after
 * the row with seq 42 was read. So every row also records its transaction id (`xid8`, 64 bits, never
 * wraps), readers read in (txid, seq) order, and only rows whose transaction is below the visibility
 * watermark — `pg_snapshot_xmin`, the oldest transaction still running. Every transaction below it
 * has ended, so no row can later appear behind a reader's position. The cost: a long-running writing
 * transaction (read-only ones hold no id and do not count) holds the readers back until it ends —
 * a delay, never a loss. One serialised writer (a lock on every posting write) was the other way;
 * it would make every posting write in the province wait on one lock, and still need the readers
 * to wait for commits.
 */

/** NOTIFY channel: a change was committed (readers wake up; polling covers a missed one). */
export const CHANGE_CHANNEL = "posting_changes";

/** A reader's place in the log: every row at or before it has been applied. */
export interface LogPosition {
  /** A transaction id (xid8) as a decimal string. */
  txid: string;
  seq: number;
}

export const LOG_START: LogPosition = { txid: "0", seq: 0 };

export function formatPosition(p: LogPosition): string {
  return `${p.txid}:${p.seq}`;
}

export function parsePosition(text: string): LogPosition | null {
  const m = /^(\d{1,20}):(\d{1,19})$/.exec(text);
  return m ? { txid: BigInt(m[1]!).toString(), seq: Number(m[2]) } : null;
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  const ta = BigInt(a.txid);
  const tb = BigInt(b.txid);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.seq - b.seq;
}

export function laterOf(a: LogPosition, b: LogPosition): LogPosition {
  return comparePositions(a, b) >= 0 ? a : b;
}

/**
 * Records that these postings' documents are to be read again (a re-index, a repair), with no public
 * event; call inside the transaction that changed them. Writes of postings themselves are logged by
 * triggers (migration 0037).
 */
export async function logPostingChanges(db: Executor, postingIds: readonly string[]): Promise<void> {
  if (postingIds.length === 0) return;
  const unique = [...new Set(postingIds)];
  await db.execute(sql`insert into posting_changes (kind, posting_id) select 'POSTING', id from unnest(${sql.param(unique)}::uuid[]) as u(id)`);
  await db.execute(sql`select pg_notify(${CHANGE_CHANNEL}, '')`);
}

/**
 * Records that something a partner sees of some postings changed while no column of theirs did —
 * their employer's name or verification (`employer`), or whether a partner's copy may show that
 * verification (`employerVerified`, a link decided): `updated_at` moves, so a sync by
 * `postings(updatedSince)` lists them (the update is logged for the search readers by the trigger),
 * and the public ones get an UPDATED event naming `field` for the change feed and webhooks.
 */
export async function logDerivedChange(db: Executor, postings: { employerId: string } | { postingIds: readonly string[] }, field: "employer" | "employerVerified"): Promise<void> {
  const which = "employerId" in postings ? sql`employer_id = ${postings.employerId}` : sql`id = any(${sql.param([...postings.postingIds])}::uuid[])`;
  if ("postingIds" in postings && postings.postingIds.length === 0) return;
  await db.execute(sql`update postings set updated_at = now() where ${which}`);
  await db.execute(
    sql`insert into posting_changes (kind, posting_id, event, fields)
        select 'POSTING', id, 'UPDATED', array[${field}]::text[] from postings
        where ${which} and status::text in ('OPEN', 'CLOSED', 'EXPIRED') order by id`,
  );
  await db.execute(sql`select pg_notify(${CHANGE_CHANNEL}, '')`);
}

/**
 * Logs again every posting (and the settings) changed after `from`, in one transaction: a shared
 * index swapped for a rebuilt one gets them from its relay — the one writer, in log order — rather
 * than from a replay written beside it. Returns the changes logged.
 */
export async function relogSince(db: Database, from: LogPosition): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ n: number }>(
      tx,
      sql`with again as (
            insert into posting_changes (kind, posting_id)
            select 'POSTING', posting_id from posting_changes where (txid, seq) > (${from.txid}::xid8, ${from.seq}::bigint) and kind = 'POSTING' group by posting_id
            union all
            select 'SETTINGS', null where exists (select 1 from posting_changes where (txid, seq) > (${from.txid}::xid8, ${from.seq}::bigint) and kind = 'SETTINGS')
            returning 1
          )
          select count(*)::int as n from again`,
    );
    await tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, '')`);
    return row!.n;
  });
}

/** Records that the engines' settings (the synonym groups) changed; inside the transaction that changed them. */
export async function logSettingsChange(db: Executor): Promise<void> {
  await db.execute(sql`insert into posting_changes (kind) values ('SETTINGS')`);
  await db.execute(sql`select pg_notify(${CHANGE_CHANNEL}, '')`);
}

/**
 * The log's head as a position: the watermark (the oldest transaction still running). Every change
 * logged below it is committed and readable; a change committed before this call by a transaction
 * younger than one still running is past it (`lastChange` is the position to reach for those too).
 */
export async function logHead(db: Executor): Promise<LogPosition> {
  const [row] = await queryRows<{ xmin: string }>(db, sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
  return { txid: row!.xmin, seq: 0 };
}

/**
 * The last change visible to this call (null: none): a reader at or past it has applied every change
 * committed before the call — without waiting for transactions that logged nothing.
 */
export async function lastChange(db: Executor): Promise<LogPosition | null> {
  const [row] = await queryRows<{ txid: string; seq: number | string }>(db, sql`select txid::text as txid, seq from posting_changes order by txid desc, seq desc limit 1`);
  return row ? { txid: row.txid, seq: Number(row.seq) } : null;
}

export interface LoggedChange {
  seq: number;
  txid: string;
  kind: "POSTING" | "SETTINGS";
  postingId: string | null;
}

export interface ChangePage {
  changes: LoggedChange[];
  /** Where a reader stands once it has applied `changes`: past the last, or at the watermark when the page was not full. */
  next: LogPosition;
  /** Committed rows wait beyond the watermark (a transaction still running holds it back): read again soon. */
  pendingBeyond: boolean;
  /** Some transaction was still running: the watermark (and a reader's position) will move on without a new change. */
  held: boolean;
}

/**
 * The next changes after `after`, in (txid, seq) order, up to `limit`, all below the watermark — in
 * one statement, so the watermark and the rows come from one snapshot.
 */
export async function readChanges(db: Executor, after: LogPosition, limit: number): Promise<ChangePage> {
  const [row] = await queryRows<{ xmin: string; held: boolean; beyond: boolean; rows: LoggedChange[] | string }>(
    db,
    sql`with w as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin, pg_snapshot_xmax(pg_current_snapshot()) as xmax),
         page as (
           select c.seq, c.txid, c.kind, c.posting_id from posting_changes c, w
           where (c.txid, c.seq) > (${after.txid}::xid8, ${after.seq}::bigint) and c.txid < w.xmin
           order by c.txid, c.seq limit ${limit}
         )
         select (select xmin::text from w) as xmin, (select xmin < xmax from w) as held,
                exists (select 1 from posting_changes c, w where c.txid >= w.xmin) as beyond,
                coalesce((select json_agg(json_build_object('seq', seq, 'txid', txid::text, 'kind', kind, 'postingId', posting_id) order by txid, seq) from page), '[]'::json) as rows`,
  );
  const changes = (typeof row!.rows === "string" ? JSON.parse(row!.rows) : row!.rows) as LoggedChange[];
  const last = changes.at(-1);
  const watermark: LogPosition = { txid: row!.xmin, seq: 0 };
  const next = changes.length < limit ? laterOf(last ? { txid: last.txid, seq: last.seq } : after, laterOf(after, watermark)) : { txid: last!.txid, seq: last!.seq };
  return { changes, next, pendingBeyond: row!.beyond, held: row!.held };
}

/**
 * Drops rows older than `retentionDays` that every reader has passed: every durable reader (the
 * Meilisearch relay, whose index outlives processes) and every live process's embedded index (its
 * lease renewed as it reads). A process gone without a goodbye stops holding rows back once its
 * lease has lapsed (it rebuilds from PostgreSQL when it starts again), and its row is dropped a day
 * later. The last position dropped becomes the log's horizon (`change_log_horizon`): a change-feed
 * cursor before it may have missed events. Returns the rows dropped.
 */
export async function pruneChangeLog(db: Executor, retentionDays: number, batch = 10_000): Promise<number> {
  await db.execute(sql`delete from change_log_readers where not durable and lease_until < now() - interval '1 day'`);
  let dropped = 0;
  // In batches, so no one statement holds many row locks or runs for long.
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`with slowest as (
            select txid, seq from change_log_readers where durable or lease_until > now() order by txid, seq limit 1
          ),
          gone as (
            delete from posting_changes where seq in (
              select c.seq from posting_changes c
              where c.at < now() - ${retentionDays} * interval '1 day'
                and not exists (select 1 from slowest s where (c.txid, c.seq) > (s.txid, s.seq))
              limit ${batch}
            )
            returning txid, seq
          ),
          -- The horizon moves in the same statement: no feed reader sees rows gone and the horizon still behind them.
          last_gone as (select txid, seq from gone order by txid desc, seq desc limit 1),
          horizon as (
            update change_log_horizon h set txid = l.txid, seq = l.seq, updated_at = now()
            from last_gone l where h.id = 1 and (l.txid, l.seq) > (h.txid, h.seq)
            returning 1
          )
          select count(*)::int as n from gone`,
    );
    dropped += row!.n;
    if (row!.n < batch) return dropped;
  }
}
