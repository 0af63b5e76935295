import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/**
 * Synonym groups for job terms (会计/财务, 程序员/开发工程师 …) as data: a search for any word of a
 * group also finds the others. Both engines are given the same groups (Meilisearch as its
 * `synonyms` setting, the embedded engine by expanding the query). Replaced as a whole by an admin.
 */
export const searchSynonymGroups = pgTable(
  "search_synonym_groups",
  {
    id: uuid("id").primaryKey(),
    terms: text("terms").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("search_synonym_groups_two_terms", sql`cardinality(${t.terms}) >= 2`)],
);
