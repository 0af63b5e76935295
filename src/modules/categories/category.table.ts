import { sql } from "drizzle-orm";
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { people } from "../people/person.table.js";

export const population = pgEnum("population", ["KEY_GROUP_GRADUATE", "POVERTY_LABOURER"]);

/**
 * A campaign (专项行动) as policy data: its window and the graduation cohort it serves. Category
 * rules read `campaign.cohortYear` and are evaluated as of a date inside the active campaign.
 */
export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey(),
    code: varchar("code", { length: 40 }).notNull().unique(),
    name: varchar("name", { length: 200 }).notNull(),
    cohortYear: integer("cohort_year").notNull(),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    active: boolean("active").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // At most one active campaign.
  (t) => [uniqueIndex("campaigns_one_active_idx").on(t.active).where(sql`${t.active}`)],
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
