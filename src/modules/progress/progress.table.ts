import { boolean, index, integer, pgTable, primaryKey, text, uuid, varchar } from "drizzle-orm/pg-core";
import { campaigns } from "../categories/category.table.js";
import { people } from "../people/person.table.js";

/**
 * A closed campaign's figures, frozen when it closed: each person's standing as the campaign's
 * last day (or the closing day, if earlier) ended — where they were placed, their categories of the
 * campaign, employment status, minimum and what counted, hired through a referral, mentoring. Its
 * reports read these rows, so a later edit of a person does not move them.
 */
export const campaignResults = pgTable(
  "campaign_results",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    householdRegionCode: varchar("household_region_code", { length: 6 }).notNull(),
    originRegionCode: varchar("origin_region_code", { length: 6 }).notNull(),
    institutionId: uuid("institution_id"),
    categoryCodes: text("category_codes").array().notNull(),
    status: varchar("status", { length: 30 }),
    required: integer("required"),
    counted: integer("counted").notNull(),
    hired: boolean("hired").notNull(),
    mentorEligible: boolean("mentor_eligible").notNull(),
    mentored: boolean("mentored").notNull(),
    mentorOverdue: boolean("mentor_overdue").notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.personId] }), index("campaign_results_person_idx").on(t.personId)],
);
