import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, text, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { employers } from "../employers/employer.table.js";
import { partners } from "../partners/partner.table.js";
import { regions } from "../regions/region.table.js";
import { EDUCATION_LEVELS } from "./education.js";

/** Ordered: comparisons such as "requirement ≤ the person's level" use the enum order. */
export const educationLevel = pgEnum("education_level", EDUCATION_LEVELS);
export const postingKind = pgEnum("posting_kind", ["REGULAR", "TRAINEESHIP", "GRASSROOTS", "PUBLIC_WELFARE", "HOUSEHOLD_SERVICE"]);
export const postingStatus = pgEnum("posting_status", ["DRAFT", "OPEN", "CLOSED", "EXPIRED", "BLOCKED", "PENDING_REVIEW"]);
/**
 * What the public sees (and the partner feed reports): OPEN, CLOSED, EXPIRED. DRAFT, BLOCKED and
 * PENDING_REVIEW (a partner's posting for an employer not linked to it, issue 22) only those who
 * manage the posting see. The triggers of migration 0037 spell the same list.
 */
export const PUBLIC_POSTING_STATUSES = ["OPEN", "CLOSED", "EXPIRED"] as const;
export const postingSource = pgEnum("posting_source", ["EMPLOYER", "PARTNER"]);

export const postings = pgTable(
  "postings",
  {
    /** UUID v7: time-ordered, so keyset pagination by id is newest-first. */
    id: uuid("id").primaryKey(),
    employerId: uuid("employer_id").notNull().references(() => employers.id),
    title: varchar("title", { length: 100 }).notNull(),
    description: text("description").notNull().default(""),
    occupation: varchar("occupation", { length: 100 }),
    skills: text("skills").array().notNull().default(sql`'{}'::text[]`),
    majors: text("majors").array().notNull().default(sql`'{}'::text[]`),
    minEducation: educationLevel("min_education").notNull().default("NONE"),
    regionCode: varchar("region_code", { length: 6 }).notNull().references(() => regions.code),
    salaryMin: integer("salary_min"),
    salaryMax: integer("salary_max"),
    headcount: integer("headcount").notNull().default(1),
    kind: postingKind("kind").notNull().default("REGULAR"),
    forKeyGroups: boolean("for_key_groups").notNull().default(false),
    status: postingStatus("status").notNull().default("DRAFT"),
    blockedReason: text("blocked_reason"),
    validUntil: timestamp("valid_until", { withTimezone: true, precision: 3 }).notNull(),
    publishedAt: timestamp("published_at", { withTimezone: true, precision: 3 }),
    closedAt: timestamp("closed_at", { withTimezone: true, precision: 3 }),
    /** Who closed it: a posting its employer or an official closed is not reopened by a partner's re-push. */
    closedBy: varchar("closed_by", { length: 100 }),
    source: postingSource("source").notNull().default("EMPLOYER"),
    partnerId: uuid("partner_id").references(() => partners.id),
    externalId: varchar("external_id", { length: 100 }),
    /** Held PENDING_REVIEW because screening found a HIGH rule's words (issue 23), until an official reviews it. */
    heldByScreening: boolean("held_by_screening").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    // One posting per partner listing: a partner's re-push updates instead of duplicating.
    unique("postings_partner_external_id_key").on(t.partnerId, t.externalId),
    index("postings_employer_idx").on(t.employerId, t.id),
    index("postings_status_valid_idx").on(t.status, t.validUntil),
    // The portal's main list: open postings, newest first.
    // The partner's sync list (postings updatedSince, by update time).
    index("postings_updated_idx").on(t.updatedAt, t.id),
    index("postings_open_newest_idx").on(t.id).where(sql`${t.status} = 'OPEN'`),
    // varchar_pattern_ops: region filters are prefix matches (`LIKE '3501%'`).
    index("postings_region_idx").on(t.regionCode.op("varchar_pattern_ops")),
    check("postings_salary_range_chk", sql`${t.salaryMin} IS NULL OR ${t.salaryMax} IS NULL OR ${t.salaryMin} <= ${t.salaryMax}`),
    check("postings_salary_nonnegative_chk", sql`coalesce(${t.salaryMin}, 0) >= 0 AND coalesce(${t.salaryMax}, 0) >= 0`),
    check("postings_headcount_chk", sql`${t.headcount} BETWEEN 1 AND 100000`),
    check(
      "postings_source_chk",
      sql`(${t.source} = 'PARTNER') = (${t.partnerId} IS NOT NULL AND ${t.externalId} IS NOT NULL)`,
    ),
    check("postings_blocked_reason_chk", sql`${t.status} <> 'BLOCKED' OR ${t.blockedReason} IS NOT NULL`),
    // Held by screening (issue 23) means PENDING_REVIEW: a release or a block clears the flag in the same write.
    check("postings_held_by_screening_chk", sql`NOT ${t.heldByScreening} OR ${t.status}::text = 'PENDING_REVIEW'`),
  ],
);

export type PostingRow = typeof postings.$inferSelect;
export type Education = (typeof educationLevel.enumValues)[number];
export type PostingKind = (typeof postingKind.enumValues)[number];
export type PostingStatus = (typeof postingStatus.enumValues)[number];
