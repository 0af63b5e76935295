import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Search outbox: every posting write adds a row in the same transaction, so the index can never
 * miss a committed change. The relay marks a row done only once the engine confirmed it.
 */
export const searchOutbox = pgTable(
  "search_outbox",
  {
    id: uuid("id").primaryKey(),
    postingId: uuid("posting_id").notNull(),
    enqueuedAt: timestamp("enqueued_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    lastError: text("last_error"),
    doneAt: timestamp("done_at", { withTimezone: true, precision: 3 }),
    deadAt: timestamp("dead_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [index("search_outbox_pending_idx").on(t.nextAttemptAt).where(sql`${t.doneAt} IS NULL AND ${t.deadAt} IS NULL`)],
);
