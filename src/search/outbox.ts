import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "../db/client.js";
import { newId } from "../db/ids.js";
import { loggableError, type Logger } from "../logger.js";
import type { PostingDocumentSource } from "./document-source.js";
import type { PostingDocument, SearchEngine } from "./search-port.js";

/** Records that these postings changed; call inside the transaction that changed them. */
export async function enqueuePostingSync(db: Executor, postingIds: readonly string[]): Promise<void> {
  if (postingIds.length === 0) return;
  const unique = [...new Set(postingIds)];
  await db.execute(
    sql`insert into search_outbox (id, posting_id) select id, posting_id from unnest(${sql.param(unique.map(() => newId()))}::uuid[], ${sql.param(unique)}::uuid[]) as u(id, posting_id)`,
  );
}

export interface RelayOptions {
  batchSize?: number;
  /** Tries before a row is dead-lettered. */
  maxAttempts?: number;
  log?: Logger;
}

/**
 * Applies one batch of pending outbox rows to the engine: claims them (SKIP LOCKED, so two relays
 * never take the same row), reads the postings' documents as they are now from `source`, upserts
 * the public ones and removes the rest, and marks the rows done only after the engine succeeded. On failure the rows
 * back off exponentially (1 s, 2 s, 4 s … up to 10 min) and are dead-lettered after `maxAttempts`.
 */
export async function relayOutboxBatch(
  db: Database,
  engine: SearchEngine,
  source: PostingDocumentSource,
  opts: RelayOptions = {},
): Promise<{ claimed: number; indexed: number; removed: number; failed: number }> {
  const batchSize = opts.batchSize ?? 500;
  const maxAttempts = opts.maxAttempts ?? 8;
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ id: string; posting_id: string; attempts: number }>(
      tx,
      sql`select id, posting_id, attempts from search_outbox
          where done_at is null and dead_at is null and next_attempt_at <= now()
          order by id limit ${batchSize} for update skip locked`,
    );
    if (rows.length === 0) return { claimed: 0, indexed: 0, removed: 0, failed: 0 };
    const ids = rows.map((r) => r.id);
    const postingIds = [...new Set(rows.map((r) => r.posting_id))];
    const found = await source.documentsFor(tx, postingIds);
    const documents = [...found.values()].filter((d): d is PostingDocument => d !== null);
    const removals = postingIds.filter((id) => !found.get(id));
    try {
      await engine.upsert(documents);
      await engine.remove(removals);
    } catch (error) {
      opts.log?.warn({ err: loggableError(error), rows: rows.length }, "search outbox batch failed; will retry");
      const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
      await tx.execute(
        sql`update search_outbox set attempts = attempts + 1, last_error = ${message},
              next_attempt_at = now() + least(interval '10 minutes', interval '1 second' * power(2, attempts)),
              dead_at = case when attempts + 1 >= ${maxAttempts} then now() end
            where id = any(${sql.param(ids)}::uuid[])`,
      );
      return { claimed: rows.length, indexed: 0, removed: 0, failed: rows.length };
    }
    await tx.execute(sql`update search_outbox set done_at = now() where id = any(${sql.param(ids)}::uuid[])`);
    return { claimed: rows.length, indexed: documents.length, removed: removals.length, failed: 0 };
  });
}
