import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { partners } from "../partners/partner.table.js";

/**
 * URL prefixes an administrator approved for a partner's webhooks (issue 22): an endpoint's URL must
 * start with one of its partner's live prefixes (scheme, host and port, and path).
 */
export const webhookUrlApprovals = pgTable(
  "webhook_url_approvals",
  {
    id: uuid("id").primaryKey(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    urlPrefix: varchar("url_prefix", { length: 500 }).notNull(),
    approvedBy: varchar("approved_by", { length: 100 }).notNull(),
    approvedAt: timestamp("approved_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [index("webhook_url_approvals_partner_idx").on(t.partnerId)],
);

/**
 * A partner's webhook endpoint: the events it wants, and for posting events beyond its own postings
 * a filter (region prefix, kinds, key-group postings). Its signing secret (Standard Webhooks,
 * `whsec_…`) is shown once and stored sealed with the PII cipher. DISABLED after failing for the
 * policy's days, or by the partner.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    url: varchar("url", { length: 500 }).notNull(),
    events: text("events").array().notNull(),
    /** Posting events of the partner's own postings only (true), or also of those matching the filter. */
    ownPostingsOnly: boolean("own_postings_only").notNull().default(true),
    filterRegionPrefix: varchar("filter_region_prefix", { length: 6 }),
    filterKinds: text("filter_kinds").array(),
    filterForKeyGroups: boolean("filter_for_key_groups"),
    secretSealed: text("secret_sealed").notNull(),
    status: varchar("status", { length: 10 }).notNull().default("ACTIVE"),
    /** Since when every attempt has failed (null: the last one succeeded, or none yet). */
    failingSince: timestamp("failing_since", { withTimezone: true, precision: 3 }),
    disabledAt: timestamp("disabled_at", { withTimezone: true, precision: 3 }),
    disabledReason: text("disabled_reason"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    index("webhooks_partner_idx").on(t.partnerId, t.id),
    index("webhooks_active_idx").on(t.id).where(sql`${t.status} = 'ACTIVE'`),
    check("webhooks_status_chk", sql`${t.status} in ('ACTIVE', 'DISABLED')`),
    check("webhooks_events_chk", sql`cardinality(${t.events}) > 0`),
  ],
);

/**
 * The webhook outbox: one row per event and endpoint, written by triggers in the event's own
 * transaction (a posting's change, an application's step). PENDING → SENDING (claimed under a lease;
 * `claims` fences a late writer) → DELIVERED, or back to PENDING with a backoff, or DEAD after the
 * policy's attempts (the partner's dead-letter list; `redeliverWebhook` queues it again).
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id),
    eventType: varchar("event_type", { length: 40 }).notNull(),
    /** The Standard Webhooks body: { type, timestamp, data }, fixed when the event happened (a redelivery sends it again unchanged). */
    payload: jsonb("payload").notNull(),
    status: varchar("status", { length: 10 }).notNull().default("PENDING"),
    /** Attempts since it was queued (or queued again by `redeliverWebhook`): the backoff and the policy's maxAttempts count these. */
    attempts: integer("attempts").notNull().default(0),
    /** Claims ever made of it, +1 on each and never reset: the fencing token a claim's outcome must still match to be written. */
    claims: integer("claims").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true, precision: 3 }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
    deadAt: timestamp("dead_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.webhookId, t.nextAttemptAt).where(sql`${t.status} in ('PENDING', 'SENDING')`),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.id),
    check("webhook_deliveries_status_chk", sql`${t.status} in ('PENDING', 'SENDING', 'DELIVERED', 'DEAD')`),
  ],
);

/** Webhook delivery rules (policy data, versioned by date like every policy). */
export const webhookPolicies = pgTable(
  "webhook_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    /** Attempts before a delivery goes to the dead-letter list. */
    maxAttempts: integer("max_attempts").notNull(),
    /** The first retry's delay; each later one doubles it (±10 %), up to maxBackoffSeconds. */
    baseBackoffSeconds: integer("base_backoff_seconds").notNull(),
    maxBackoffSeconds: integer("max_backoff_seconds").notNull(),
    /** An endpoint failing every attempt for this long is disabled. */
    disableAfterDays: integer("disable_after_days").notNull(),
    /** Requests in flight to one endpoint at once, and how long one may take. */
    perEndpointConcurrency: integer("per_endpoint_concurrency").notNull(),
    timeoutMs: integer("timeout_ms").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    check("webhook_policies_attempts_chk", sql`${t.maxAttempts} between 1 and 100`),
    check("webhook_policies_backoff_chk", sql`${t.baseBackoffSeconds} between 1 and 86400 and ${t.maxBackoffSeconds} between ${t.baseBackoffSeconds} and 604800`),
    check("webhook_policies_disable_chk", sql`${t.disableAfterDays} between 1 and 365`),
    check("webhook_policies_concurrency_chk", sql`${t.perEndpointConcurrency} between 1 and 64`),
    check("webhook_policies_timeout_chk", sql`${t.timeoutMs} between 100 and 60000`),
  ],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookPolicyRow = typeof webhookPolicies.$inferSelect;
