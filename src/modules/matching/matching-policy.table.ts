import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";

/**
 * The ranker's factor weights as policy data (versioned; one active): how much text relevance,
 * occupation fit, distance, salary, education, key-group and workshop boosts, freshness and
 * headcount count, and how strongly repeats of one employer are damped.
 */
export const matchingPolicies = pgTable(
  "matching_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    weights: jsonb("weights").notNull(),
    active: boolean("active").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [uniqueIndex("matching_policies_one_active_idx").on(t.active).where(sql`${t.active}`)],
);
