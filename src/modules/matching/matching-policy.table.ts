import { date, integer, jsonb, pgTable, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/**
 * The ranker's factor weights as policy data (versioned by date: the version in force on a day applies): how much text relevance,
 * occupation fit, distance, salary, education, key-group and workshop boosts, freshness and
 * headcount count, and how strongly repeats of one employer are damped.
 */
export const matchingPolicies = pgTable(
  "matching_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    weights: jsonb("weights").notNull(),
    /** The first Fujian day this version is in force; the version in force on a day is the latest that began by then. */
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
);
