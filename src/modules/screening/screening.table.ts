import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { postings } from "../postings/posting.table.js";

/**
 * Screening rules (issue 23): discriminatory requirements and fraud signals a posting is checked for
 * before the public sees it — policy data, versioned per code (the highest version of a code is in
 * force; `active: false` retires it), edited by administrators. `matcher` says how the rule reads
 * the posting (see screening-rules.ts: phrases with exceptions, a pattern, a salary check …).
 * HIGH holds a posting PENDING_REVIEW; LOW publishes it with a flag officials see.
 */
export const screeningRules = pgTable(
  "screening_rules",
  {
    id: uuid("id").primaryKey(),
    code: varchar("code", { length: 40 }).notNull(),
    version: integer("version").notNull(),
    /** What the rule catches and why it matters, in Chinese (shown to officials and to the poster). */
    description: text("description").notNull(),
    severity: varchar("severity", { length: 4 }).notNull(),
    matcher: jsonb("matcher").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    unique("screening_rules_code_version_key").on(t.code, t.version),
    check("screening_rules_severity_chk", sql`${t.severity} in ('HIGH', 'LOW')`),
    check("screening_rules_description_chk", sql`length(btrim(${t.description})) > 0`),
    check("screening_rules_code_chk", sql`${t.code} ~ '^[A-Z][A-Z0-9_]{1,39}$'`),
  ],
);

/**
 * What the last screening of a posting found: one row per rule hit (its field and the text span),
 * replaced whenever the posting is screened again. `approved`: an official reviewed this very hit
 * and let it stand — screening the posting again does not hold it for the same words.
 */
export const postingScreenings = pgTable(
  "posting_screenings",
  {
    id: uuid("id").primaryKey(),
    postingId: uuid("posting_id")
      .notNull()
      .references(() => postings.id),
    ruleCode: varchar("rule_code", { length: 40 }).notNull(),
    ruleVersion: integer("rule_version").notNull(),
    severity: varchar("severity", { length: 4 }).notNull(),
    /** The posting field the hit is in (title, description, occupation, skills, salaryMax …). */
    field: varchar("field", { length: 30 }).notNull(),
    /** The span in that field's text (UTF-16 offsets, as JavaScript strings count), and the words. */
    spanStart: integer("span_start"),
    spanEnd: integer("span_end"),
    excerpt: text("excerpt").notNull(),
    approved: boolean("approved").notNull().default(false),
    screenedAt: timestamp("screened_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("posting_screenings_posting_idx").on(t.postingId), check("posting_screenings_severity_chk", sql`${t.severity} in ('HIGH', 'LOW')`)],
);

/**
 * Typical pay by occupation, from the postings the project holds (the 51job data): the salary
 * checks compare a posting's salaryMax with its occupation's. Reference data, loaded by migration.
 */
export const occupationSalaries = pgTable("occupation_salaries", {
  /** A word of the occupation or title (会计, 司机, 软件 …), matched as a substring. */
  keyword: varchar("keyword", { length: 40 }).primaryKey(),
  /** Monthly yuan: the 90th percentile of salaryMax among the postings it matched, and how many. */
  p90Max: integer("p90_max").notNull(),
  sample: integer("sample").notNull(),
});

export type ScreeningRuleRow = typeof screeningRules.$inferSelect;
export type PostingScreeningRow = typeof postingScreenings.$inferSelect;
