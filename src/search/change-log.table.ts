import { sql } from "drizzle-orm";
import { bigint, boolean, check, customType, date, index, integer, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/** PostgreSQL's 64-bit transaction id (never wraps), carried as text in TypeScript. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/**
 * The posting change log: one row per posting changed (or per change of the engines' settings),
 * written in the change's own transaction. Readers (every process's embedded index, the
 * Meilisearch relay, later the partner change feed) read it in (txid, seq) order, and only below
 * the visibility watermark (the oldest transaction still running), so a row whose transaction
 * commits late is never skipped: see change-log.ts.
 */
export const postingChanges = pgTable(
  "posting_changes",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    txid: xid8("txid").notNull().default(sql`pg_current_xact_id()`),
    /** POSTING: the posting's document is to be read again; SETTINGS: the synonym groups changed. */
    kind: text("kind").notNull().default("POSTING"),
    postingId: uuid("posting_id"),
    /**
     * The public event this change is, for the partner change feed (issue 22): CREATED (became public),
     * UPDATED (public fields changed: `fields`), CLOSED, EXPIRED, REMOVED (no longer public: blocked,
     * held, withdrawn). Null: nothing a partner sees changed (a draft's edit; a re-index). Written by
     * the trigger on postings (migration 0037).
     */
    event: varchar("event", { length: 10 }),
    fields: text("fields").array(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("posting_changes_position_idx").on(t.txid, t.seq),
    index("posting_changes_at_idx").on(t.at),
    // The change feed reads only public events, in log order.
    index("posting_changes_feed_idx").on(t.txid, t.seq).where(sql`${t.event} is not null`),
    check("posting_changes_event_chk", sql`${t.event} is null or (${t.kind} = 'POSTING' and ${t.event} in ('CREATED', 'UPDATED', 'CLOSED', 'EXPIRED', 'REMOVED'))`),
    check("posting_changes_kind_chk", sql`(${t.kind} = 'POSTING' and ${t.postingId} is not null) or (${t.kind} = 'SETTINGS' and ${t.postingId} is null)`),
  ],
);

/**
 * Where each reader of the log stands. Durable readers (the Meilisearch relay: its index outlives
 * the process) hold back pruning for ever; a process's embedded index is rebuilt at every start, so
 * it holds rows back only while its lease is alive.
 */
export const changeLogReaders = pgTable("change_log_readers", {
  name: text("name").primaryKey(),
  txid: xid8("txid").notNull().default(sql`'0'::xid8`),
  seq: bigint("seq", { mode: "number" }).notNull().default(0),
  durable: boolean("durable").notNull(),
  /** Which process holds the reader now, and until when (a lease renewed as it reads). */
  leaseOwner: text("lease_owner"),
  leaseUntil: timestamp("lease_until", { withTimezone: true, precision: 3 }),
  updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * How far the log has been pruned (one row): the last position dropped. A change-feed cursor at or
 * before it may have missed events, so its reader is told to resync.
 */
export const changeLogHorizon = pgTable(
  "change_log_horizon",
  {
    id: integer("id").primaryKey().default(1),
    txid: xid8("txid").notNull().default(sql`'0'::xid8`),
    seq: bigint("seq", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [check("change_log_horizon_one_row_chk", sql`${t.id} = 1`)],
);

/** Changes a durable reader gave up on after its tries: kept with the engine's error for an operator. */
export const searchDeadLetters = pgTable("search_dead_letters", {
  id: uuid("id").primaryKey(),
  reader: text("reader").notNull(),
  kind: text("kind").notNull(),
  postingId: uuid("posting_id"),
  attempts: integer("attempts").notNull(),
  error: text("error").notNull(),
  at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * How long the log keeps a row that every reader has passed (policy data, versioned by date like
 * every policy; the partner change feed promises its readers this much history, so never under 30 days).
 */
export const changeLogPolicies = pgTable(
  "change_log_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    retentionDays: integer("retention_days").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("change_log_policies_days_chk", sql`${t.retentionDays} between 30 and 3650`)],
);
