import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { campaigns } from "../categories/category.table.js";
import { people } from "../people/person.table.js";

export const campaignRunStatus = pgEnum("campaign_run_status", ["QUEUED", "RUNNING", "DONE"]);
export const campaignRunItemState = pgEnum("campaign_run_item_state", ["PENDING", "DONE", "BELOW"]);
/** What a run does for each of its people: recommend postings up to the minimum, or pair them with a mentor. */
export const campaignRunKind = pgEnum("campaign_run_kind", ["REFERRALS", "MENTORS"]);

/**
 * A campaign run: fulfilReferralMinimums (the people of a scope who were below their referral
 * minimum when it was asked for, each recommended their best matches until the minimum is met) or
 * assignMentorsAutomatically (the eligible people of a scope without a mentor, each paired with the
 * nearest mentor with room). Its work is its items; workers claim them with SKIP LOCKED, so a crash
 * leaves them to be claimed again.
 */
export const campaignRuns = pgTable("campaign_runs", {
  id: uuid("id").primaryKey(),
  kind: campaignRunKind("kind").notNull().default("REFERRALS"),
  /** What was asked: { personId } | { regionCode } | { institutionId } | { categoryCode }. */
  scope: jsonb("scope").notNull(),
  /** The campaign whose minimums a REFERRALS run brings people to (mentor runs have none). */
  campaignId: uuid("campaign_id").references(() => campaigns.id),
  status: campaignRunStatus("status").notNull().default("QUEUED"),
  createdBy: varchar("created_by", { length: 100 }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }),
  finishedAt: timestamp("finished_at", { withTimezone: true, precision: 3 }),
});

/** One person of a run: PENDING until processed, then DONE (at the minimum; paired) or BELOW (with the reason). */
export const campaignRunItems = pgTable(
  "campaign_run_items",
  {
    runId: uuid("run_id").notNull().references(() => campaignRuns.id),
    personId: uuid("person_id").notNull().references(() => people.id),
    state: campaignRunItemState("state").notNull().default("PENDING"),
    created: integer("created").notNull().default(0),
    remaining: integer("remaining"),
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    processedAt: timestamp("processed_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.personId] }), index("campaign_run_items_pending_idx").on(t.runId, t.personId).where(sql`${t.state} = 'PENDING'`)],
);

export type CampaignRunRow = typeof campaignRuns.$inferSelect;
