import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { people } from "../people/person.table.js";

export const population = pgEnum("population", ["KEY_GROUP_GRADUATE", "POVERTY_LABOURER"]);

export const campaignStatus = pgEnum("campaign_status", ["DRAFT", "ACTIVE", "CLOSED"]);

/** The kind whose ACTIVE campaign key-group categories are decided against (its cohort and window). */
export const KEY_GROUP_KIND = "KEY_GROUP_GRADUATES";

/**
 * What kinds of campaign there are (data, not code): the key-group graduate campaign each autumn,
 * the poverty-labour action, 就业援助月, 春风行动 … A kind may name the population its campaigns
 * serve: only that population's categories can be bound to them.
 */
export const campaignKinds = pgTable("campaign_kinds", {
  code: varchar("code", { length: 40 }).primaryKey(),
  name: varchar("name", { length: 200 }).notNull(),
  population: population("population"),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * A campaign (专项行动) as policy data managed through the API: its kind, window (Fujian calendar
 * days), the graduation cohort it serves, and the category versions bound to it with their minimums
 * (campaign_categories). DRAFT → ACTIVE → CLOSED; one ACTIVE campaign per kind, and two campaigns of
 * one kind never share a day (an exclusion constraint, migration 0023). Campaigns of different kinds
 * run at once: a person's minimum is per campaign. Key-group categories are decided against the
 * ACTIVE campaign of kind KEY_GROUP_GRADUATES (its cohort year and window).
 */
export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey(),
    code: varchar("code", { length: 40 }).notNull().unique(),
    name: varchar("name", { length: 200 }).notNull(),
    kind: varchar("kind", { length: 40 })
      .notNull()
      .default("KEY_GROUP_GRADUATES")
      .references(() => campaignKinds.code),
    cohortYear: integer("cohort_year").notNull(),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    status: campaignStatus("status").notNull().default("DRAFT"),
    /** Whether a push counts toward a minimum when recorded, or only once delivered (the pushes issue builds delivery). */
    pushCountsWhen: varchar("push_counts_when", { length: 20 }).notNull().default("RECORDED"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull().default("migration"),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    activatedAt: timestamp("activated_at", { withTimezone: true, precision: 3 }),
    closedAt: timestamp("closed_at", { withTimezone: true, precision: 3 }),
    closedBy: varchar("closed_by", { length: 100 }),
    /**
     * When its figures were frozen into campaign_results (closing through the API does it). Null on a
     * campaign the migration closed: its reports are computed from the ledger, as they were before.
     */
    figuresFrozenAt: timestamp("figures_frozen_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex("campaigns_one_active_per_kind_idx").on(t.kind).where(sql`${t.status} = 'ACTIVE'`),
    check("campaigns_window_chk", sql`${t.endsOn} >= ${t.startsOn}`),
    check("campaigns_push_counts_chk", sql`${t.pushCountsWhen} in ('RECORDED', 'DELIVERED')`),
    check("campaigns_closed_chk", sql`(${t.status} = 'CLOSED') = (${t.closedAt} IS NOT NULL)`),
    check("campaigns_frozen_chk", sql`${t.figuresFrozenAt} IS NULL OR ${t.status} = 'CLOSED'`),
  ],
);

export const reevaluationStatus = pgEnum("reevaluation_status", ["PENDING", "RUNNING", "DONE", "SUPERSEDED"]);

/**
 * A re-decision of everyone's categories, worked in the background a page of people at a time (each
 * page its own transaction, the cursor saved with it), so it survives restarts and any replica may
 * take the next page. Asked for when what decides categories changes: a key-group campaign activated
 * or closed, a category version published, or an administrator's request. A newer request supersedes
 * the unfinished ones (it re-decides everyone against the newer policy anyway).
 */
export const categoryReevaluations = pgTable(
  "category_reevaluations",
  {
    id: uuid("id").primaryKey(),
    reason: varchar("reason", { length: 40 }).notNull(),
    campaignId: uuid("campaign_id").references(() => campaigns.id),
    requestedBy: varchar("requested_by", { length: 100 }).notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    status: reevaluationStatus("status").notNull().default("PENDING"),
    /** The last person re-decided (id order); the next page starts past it. */
    cursor: uuid("cursor"),
    people: integer("people").notNull().default(0),
    added: integer("added").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    finishedAt: timestamp("finished_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("category_reevaluations_open_idx").on(t.requestedAt).where(sql`${t.status} in ('PENDING', 'RUNNING')`),
    check("category_reevaluations_reason_chk", sql`${t.reason} in ('CAMPAIGN_ACTIVATED', 'CAMPAIGN_CLOSED', 'CATEGORY_PUBLISHED', 'SUBSIDY_PUBLISHED', 'REQUESTED')`),
    check("category_reevaluations_finished_chk", sql`(${t.status} in ('DONE', 'SUPERSEDED')) = (${t.finishedAt} IS NOT NULL)`),
  ],
);
export type CategoryReevaluationRow = typeof categoryReevaluations.$inferSelect;

/** The category versions a campaign binds, each with the referral minimum it carries in that campaign. Memberships match by code. */
export const campaignCategories = pgTable(
  "campaign_categories",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    categoryCode: varchar("category_code", { length: 40 }).notNull(),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => targetCategories.id),
    /** The minimum in this campaign; null: the deciding version's own (how the 2020 campaign counted). */
    minReferrals: integer("min_referrals"),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.categoryCode] }), index("campaign_categories_code_idx").on(t.categoryCode), check("campaign_categories_min_chk", sql`${t.minReferrals} IS NULL OR ${t.minReferrals} between 0 and 50`)],
);

/**
 * The campaign policy (versioned by date like every policy): how long a campaign's window may be.
 */
export const campaignPolicies = pgTable(
  "campaign_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    maxWindowDays: integer("max_window_days").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("campaign_policies_days_chk", sql`${t.maxWindowDays} between 1 and 731`)],
);

/**
 * Target categories (帮扶对象范围) as versioned policy data: a rule over a person's attributes
 * (JSON logic), the referral minimum and mentor eligibility it brings, and when it applies.
 * A change is a new version; memberships record the version that decided them.
 */
export const targetCategories = pgTable(
  "target_categories",
  {
    id: uuid("id").primaryKey(),
    code: varchar("code", { length: 40 }).notNull(),
    version: integer("version").notNull(),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    population: population("population").notNull(),
    rule: jsonb("rule").notNull(),
    minReferrals: integer("min_referrals").notNull(),
    mentorEligible: boolean("mentor_eligible").notNull().default(false),
    validFrom: date("valid_from").notNull(),
    validUntil: date("valid_until"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [unique("target_categories_code_version_key").on(t.code, t.version)],
);

/** Who is in which category, decided by which rule version, when. Recomputed on every relevant change. */
export const personCategories = pgTable(
  "person_categories",
  {
    personId: uuid("person_id").notNull().references(() => people.id),
    categoryCode: varchar("category_code", { length: 40 }).notNull(),
    categoryId: uuid("category_id").notNull().references(() => targetCategories.id),
    ruleVersion: integer("rule_version").notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.categoryCode] }), index("person_categories_code_idx").on(t.categoryCode)],
);

export type CampaignRow = typeof campaigns.$inferSelect;
export type CampaignStatus = (typeof campaignStatus.enumValues)[number];
export type CampaignCategoryRow = typeof campaignCategories.$inferSelect;
export type TargetCategoryRow = typeof targetCategories.$inferSelect;
export type Population = (typeof population.enumValues)[number];

/**
 * When each membership held: opened when a rule admits a person, closed when it no longer does (or a
 * new version re-decides it). campaignProgress by category for a past date reads this.
 */
export const personCategoryHistory = pgTable(
  "person_category_history",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id").notNull().references(() => people.id),
    categoryCode: varchar("category_code", { length: 40 }).notNull(),
    categoryId: uuid("category_id").notNull().references(() => targetCategories.id),
    validFrom: timestamp("valid_from", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    validTo: timestamp("valid_to", { withTimezone: true, precision: 3 }),
  },
  (t) => [index("person_category_history_person_idx").on(t.personId, t.categoryCode), index("person_category_history_code_idx").on(t.categoryCode, t.validFrom)],
);
