import { sql } from "drizzle-orm";
import { check, date, integer, jsonb, pgTable, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

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
    /** The rules beside the weights (match-rules.ts): commuting radii by population, the boost margin, near-duplicate damping. */
    rules: jsonb("rules").notNull(),
    /** The first Fujian day this version is in force; the version in force on a day is the latest that began by then. */
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    // The service checks each field with its reason; the table refuses what no version may hold.
    check(
      "matching_policies_rules_chk",
      sql`jsonb_typeof(${t.rules}->'commuteRadii') = 'array'
          and not jsonb_path_exists(${t.rules}, '$.commuteRadii[*] ? (!(@.km >= 1 && @.km <= 300))')
          and (${t.rules}->>'boostMargin')::numeric between 0 and 0.2
          and (${t.rules}->>'nearDuplicateDamping')::numeric between 0.05 and 1`,
    ),
  ],
);
