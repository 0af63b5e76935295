import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, primaryKey, text, time, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { people } from "../people/person.table.js";
import { postings } from "../postings/posting.table.js";
import { referrals } from "../referrals/referral.table.js";

/**
 * What a person is told (issue 21): one row for every event that concerns them — a posting
 * recommended to them (by a caseworker, a campaign run, a mentor, a fair), a step of their
 * application or referral, an invitation to interview, a fair booking made for them, an organiser's
 * invitation to a fair, a 红娘 mentor assigned to them — written by triggers in the event's own
 * transaction (migrations 0032, 0033), so no code path that records such an event can forget the person. The in-app inbox reads it; the SMS and webhook channels will deliver from it.
 * The person's own moves (by `seeker:…`) tell them nothing.
 */
export const notifications = pgTable(
  "notifications",
  {
    // Time-ordered (UUID v7, made in SQL by the triggers): newest first is `order by id desc`.
    id: uuid("id").primaryKey(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    kind: varchar("kind", { length: 30 }).notNull(),
    referralId: uuid("referral_id").references(() => referrals.id),
    postingId: uuid("posting_id").references(() => postings.id),
    /** The fair it concerns (FAIR_INVITATION, FAIR_BOOKING). */
    fairId: uuid("fair_id"),
    /** For a referral's step: the status it moved to. */
    status: varchar("status", { length: 20 }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Its first delivery on any channel: the person's client fetched it, or its SMS was reported delivered. */
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
    /** When the person's client first fetched it (the in-app channel's delivery). */
    fetchedAt: timestamp("fetched_at", { withTimezone: true, precision: 3 }),
    /** The day's SMS that carries it (set when the SMS channel takes it up). */
    smsId: uuid("sms_id").references(() => smsMessages.id),
    /** Why no SMS carries it: NOT_SMS (a kind the policy keeps in the app), NO_PHONE, OPTED_OUT, BEFORE_SMS (older than the channel). */
    smsSkipped: varchar("sms_skipped", { length: 12 }),
    readAt: timestamp("read_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("notifications_person_idx").on(t.personId, t.id),
    // The SMS channel's queue: notifications it has not yet taken up, by person.
    index("notifications_sms_pending_idx").on(t.personId, t.id).where(sql`${t.smsId} is null and ${t.smsSkipped} is null`),
    index("notifications_sms_idx").on(t.smsId),
    // Whole, not only REFERRAL rows: a referral's delete checks its notifications through it (the foreign key).
    index("notifications_referral_idx").on(t.referralId),
    check("notifications_kind_chk", sql`${t.kind} in ('REFERRAL', 'REFERRAL_STATUS', 'INTERVIEW_INVITATION', 'FAIR_BOOKING', 'FAIR_BOOKING_CANCELLED', 'FAIR_INVITATION', 'MENTOR_ASSIGNED')`),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;

/**
 * The SMS channel (issue 21): at most one message per person per Fujian day (`day`, unique), listing
 * what their notifications since the last one said. QUEUED → SENDING (claimed under a lease) → SENT
 * (the gateway took it) → DELIVERED / FAILED (its receipt, or the last attempt's reason). A message
 * is the only place a phone number is used, and it holds none: the number is unsealed at send time.
 */
export const smsMessages = pgTable(
  "sms_messages",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    /** The Fujian day it is sent on (one a day). */
    day: date("day").notNull(),
    status: varchar("status", { length: 10 }).notNull().default("QUEUED"),
    /** The text as sent (template and version below); set when it is sent. */
    body: text("body"),
    templateVersion: integer("template_version"),
    attempts: integer("attempts").notNull().default(0),
    /** Not sent before this instant: the gathering delay, quiet hours, a retry's backoff. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, precision: 3 }).notNull(),
    /** While SENDING: the claim's end; another process takes it over only after. */
    leaseUntil: timestamp("lease_until", { withTimezone: true, precision: 3 }),
    /** The gateway's id for it (its receipts name it). */
    providerId: varchar("provider_id", { length: 100 }),
    /** The last failure's reason (a retry's, or the final one). */
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true, precision: 3 }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
    failedAt: timestamp("failed_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex("sms_messages_person_day_idx").on(t.personId, t.day),
    // One open message per person (queued, never tried): what arrives before it goes joins it.
    uniqueIndex("sms_messages_open_idx").on(t.personId).where(sql`${t.status} = 'QUEUED' and ${t.attempts} = 0`),
    index("sms_messages_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('QUEUED', 'SENDING')`),
    index("sms_messages_provider_idx").on(t.providerId),
    check("sms_messages_status_chk", sql`${t.status} in ('QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'FAILED', 'CANCELLED')`),
    check("sms_messages_attempts_chk", sql`${t.attempts} >= 0`),
  ],
);

export type SmsMessageRow = typeof smsMessages.$inferSelect;

/**
 * How notifications are delivered (policy data, versioned by date like the other policies): quiet
 * hours for SMS (Fujian time; in-app is immediate), which kinds go by SMS, the gathering delay before
 * a day's SMS goes, retries with exponential backoff, and the grace after a campaign's window within
 * which a delivered push still counts for it (campaigns that count pushes when delivered).
 */
export const notificationPolicies = pgTable(
  "notification_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    effectiveFrom: date("effective_from").notNull(),
    /** No SMS from `quietFrom` to `quietUntil` (Fujian time, across midnight when from > until); both null: none. */
    quietFrom: time("quiet_from"),
    quietUntil: time("quiet_until"),
    smsKinds: text("sms_kinds").array().notNull(),
    gatherSeconds: integer("gather_seconds").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    retryBaseSeconds: integer("retry_base_seconds").notNull(),
    retryMaxSeconds: integer("retry_max_seconds").notNull(),
    deliveryGraceDays: integer("delivery_grace_days").notNull(),
    /** At most this many postings are named in one SMS (the rest are counted). */
    smsMaxPostings: integer("sms_max_postings").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    check("notification_policies_quiet_chk", sql`(${t.quietFrom} is null) = (${t.quietUntil} is null)`),
    check("notification_policies_gather_chk", sql`${t.gatherSeconds} between 0 and 86400`),
    check("notification_policies_attempts_chk", sql`${t.maxAttempts} between 1 and 20`),
    check("notification_policies_retry_chk", sql`${t.retryBaseSeconds} between 1 and 86400 and ${t.retryMaxSeconds} between ${t.retryBaseSeconds} and 604800`),
    check("notification_policies_grace_chk", sql`${t.deliveryGraceDays} between 0 and 90`),
    check("notification_policies_postings_chk", sql`${t.smsMaxPostings} between 1 and 10`),
  ],
);

export type NotificationPolicyRow = typeof notificationPolicies.$inferSelect;

/**
 * The texts, as Chinese templates held as data (versioned: a change is a new version, the latest in
 * force). `{name}` stands for a variable; which a template may use is fixed by its code, and a
 * template naming one it may not (or leaving out one it must use) is refused when saved.
 */
export const messageTemplates = pgTable(
  "message_templates",
  {
    id: uuid("id").primaryKey(),
    code: varchar("code", { length: 40 }).notNull(),
    version: integer("version").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [uniqueIndex("message_templates_code_version_idx").on(t.code, t.version)],
);

export type MessageTemplateRow = typeof messageTemplates.$inferSelect;

/** A channel the person turned off (the in-app inbox cannot be): honoured from the next send. */
export const notificationOptOuts = pgTable(
  "notification_opt_outs",
  {
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    channel: varchar("channel", { length: 10 }).notNull(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.channel] }), check("notification_opt_outs_channel_chk", sql`${t.channel} in ('SMS')`)],
);
