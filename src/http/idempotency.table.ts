import { index, integer, pgTable, primaryKey, text, timestamp, varchar } from "drizzle-orm/pg-core";

/**
 * Idempotency-Key (IETF draft): the first request under a caller's key runs and its answer is kept;
 * a retry with the same payload gets that answer again, a different payload is refused. Kept 24 h.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /** Who sent it, by their whole identity (`identityOf`: role, sub, region, institution, employer, person; a partner key): keys are the caller's own. */
    actor: varchar("actor", { length: 100 }).notNull(),
    key: varchar("key", { length: 255 }).notNull(),
    /** SHA-256 of the operation, its name and its variables (keys sorted). */
    requestHash: varchar("request_hash", { length: 64 }).notNull(),
    /** Null while the first request is running. */
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);
