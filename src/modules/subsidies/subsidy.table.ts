import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, unique, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { employers } from "../employers/employer.table.js";
import { campaigns } from "../categories/category.table.js";
import { people } from "../people/person.table.js";
import { postings } from "../postings/posting.table.js";

export const SUBSIDY_SUBJECTS = ["PERSON", "EMPLOYER"] as const;
export const AMOUNT_KINDS = ["FIXED", "PER_PERSON", "CAPPED"] as const;
export const ISSUING_LEVELS = ["NATIONAL", "PROVINCE", "PREFECTURE", "COUNTY"] as const;
export const CLAIM_STATES = ["ELIGIBLE", "APPLIED", "APPROVED", "REJECTED", "PAID_RECORDED"] as const;

/**
 * Subsidy schemes (就业扶贫补贴) as versioned policy data, like target categories: who may receive
 * it (a JSON-logic rule over a person's facts, or over an employer's and the hired person's), how
 * much (a fixed sum, a sum per person employed, or up to a cap), when it applies, the documents an
 * application needs and the level of government that issues it. A change is a new version; claims
 * record the version that decided them. Amounts the policy texts do not give are `amountReconstructed`.
 */
export const subsidySchemes = pgTable(
  "subsidy_schemes",
  {
    id: uuid("id").primaryKey(),
    code: varchar("code", { length: 40 }).notNull(),
    version: integer("version").notNull(),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    subject: varchar("subject", { length: 10 }).notNull().$type<(typeof SUBSIDY_SUBJECTS)[number]>(),
    rule: jsonb("rule").notNull(),
    amountKind: varchar("amount_kind", { length: 12 }).notNull().$type<(typeof AMOUNT_KINDS)[number]>(),
    /** Yuan: the fixed sum (FIXED), the sum per person employed (PER_PERSON), the most that may be approved (CAPPED). */
    amountYuan: integer("amount_yuan").notNull(),
    /** The policy texts do not give this amount: it is a reconstruction of the period's practice. */
    amountReconstructed: boolean("amount_reconstructed").notNull().default(false),
    /** Where the scheme comes from (the plan's section), for officials. */
    source: varchar("source", { length: 500 }).notNull().default(""),
    documents: text("documents").array().notNull().default(sql`'{}'::text[]`),
    issuingLevel: varchar("issuing_level", { length: 12 }).notNull().$type<(typeof ISSUING_LEVELS)[number]>(),
    validFrom: date("valid_from").notNull(),
    validUntil: date("valid_until"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    unique("subsidy_schemes_code_version_key").on(t.code, t.version),
    check("subsidy_schemes_subject_chk", sql`${t.subject} in ('PERSON', 'EMPLOYER')`),
    check("subsidy_schemes_amount_kind_chk", sql`${t.amountKind} in ('FIXED', 'PER_PERSON', 'CAPPED')`),
    check("subsidy_schemes_per_person_chk", sql`${t.amountKind} <> 'PER_PERSON' or ${t.subject} = 'EMPLOYER'`),
    check("subsidy_schemes_amount_chk", sql`${t.amountYuan} between 0 and 10000000`),
    check("subsidy_schemes_level_chk", sql`${t.issuingLevel} in ('NATIONAL', 'PROVINCE', 'PREFECTURE', 'COUNTY')`),
    check("subsidy_schemes_window_chk", sql`${t.validUntil} is null or ${t.validUntil} >= ${t.validFrom}`),
  ],
);

/**
 * A claim on a scheme: born ELIGIBLE when the scheme's rule admits its subject (decided, never
 * typed, with the deciding version), then APPLIED (with the documents listed) → APPROVED or REJECTED
 * (with a reason) → PAID_RECORDED (a reference to the payment made elsewhere: nothing is paid
 * here). One claim per person and scheme, or per employer, scheme and hired person. An ELIGIBLE
 * claim follows the rules (re-decided, or removed when the person no longer qualifies); once applied
 * for, it keeps the version it was applied under.
 */
export const subsidyClaims = pgTable(
  "subsidy_claims",
  {
    id: uuid("id").primaryKey(),
    schemeCode: varchar("scheme_code", { length: 40 }).notNull(),
    schemeId: uuid("scheme_id").notNull().references(() => subsidySchemes.id),
    schemeVersion: integer("scheme_version").notNull(),
    /** The person it is for — for an employer's claim, the person it hired. */
    personId: uuid("person_id").notNull().references(() => people.id),
    employerId: uuid("employer_id").references(() => employers.id),
    /** Whose claim by place (the person's 户籍 county, or the employer's): reports group and scopes read it. */
    regionCode: varchar("region_code", { length: 6 }).notNull(),
    state: varchar("state", { length: 14 }).notNull().default("ELIGIBLE").$type<(typeof CLAIM_STATES)[number]>(),
    /** The most that may be approved, from the deciding version. */
    maxAmountYuan: integer("max_amount_yuan").notNull(),
    approvedAmountYuan: integer("approved_amount_yuan"),
    documents: text("documents").array().notNull().default(sql`'{}'::text[]`),
    rejectionReason: varchar("rejection_reason", { length: 500 }),
    paymentReference: varchar("payment_reference", { length: 100 }),
    /** An employer's claim names the hired person to the employer only once that person consented (it reveals their poverty status). */
    personConsentedAt: timestamp("person_consented_at", { withTimezone: true, precision: 3 }),
    decidedAt: timestamp("decided_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    appliedAt: timestamp("applied_at", { withTimezone: true, precision: 3 }),
    appliedBy: varchar("applied_by", { length: 100 }),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true, precision: 3 }),
    reviewedBy: varchar("reviewed_by", { length: 100 }),
    paidRecordedAt: timestamp("paid_recorded_at", { withTimezone: true, precision: 3 }),
    paidRecordedBy: varchar("paid_recorded_by", { length: 100 }),
  },
  (t) => [
    uniqueIndex("subsidy_claims_person_scheme_idx").on(t.schemeCode, t.personId).where(sql`${t.employerId} is null`),
    uniqueIndex("subsidy_claims_employer_scheme_person_idx").on(t.schemeCode, t.employerId, t.personId).where(sql`${t.employerId} is not null`),
    index("subsidy_claims_person_idx").on(t.personId),
    index("subsidy_claims_employer_idx").on(t.employerId).where(sql`${t.employerId} is not null`),
    index("subsidy_claims_region_idx").on(t.regionCode.op("varchar_pattern_ops")),
    check("subsidy_claims_state_chk", sql`${t.state} in ('ELIGIBLE', 'APPLIED', 'APPROVED', 'REJECTED', 'PAID_RECORDED')`),
    check("subsidy_claims_applied_chk", sql`(${t.state} = 'ELIGIBLE') = (${t.appliedAt} is null)`),
    check("subsidy_claims_reviewed_chk", sql`(${t.state} in ('APPROVED', 'REJECTED', 'PAID_RECORDED')) = (${t.reviewedAt} is not null)`),
    check("subsidy_claims_rejected_chk", sql`(${t.state} = 'REJECTED') = (${t.rejectionReason} is not null)`),
    check("subsidy_claims_paid_chk", sql`(${t.state} = 'PAID_RECORDED') = (${t.paymentReference} is not null)`),
    check("subsidy_claims_approved_chk", sql`(${t.state} in ('APPROVED', 'PAID_RECORDED')) = (${t.approvedAmountYuan} is not null)`),
    check("subsidy_claims_cap_chk", sql`${t.approvedAmountYuan} is null or ${t.approvedAmountYuan} between 0 and ${t.maxAmountYuan}`),
  ],
);

/**
 * Who each employer hired (through a HIRED referral or fair outcome) — what employer schemes are
 * decided on, kept so a new version of one can re-decide every hire.
 */
export const subsidyHires = pgTable(
  "subsidy_hires",
  {
    employerId: uuid("employer_id").notNull().references(() => employers.id),
    personId: uuid("person_id").notNull().references(() => people.id),
    hiredOn: date("hired_on").notNull(),
    recordedBy: varchar("recorded_by", { length: 100 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.employerId, t.personId] }), index("subsidy_hires_person_idx").on(t.personId)],
);

export type SubsidySchemeRow = typeof subsidySchemes.$inferSelect;
export type SubsidyClaimRow = typeof subsidyClaims.$inferSelect;
export type ClaimState = (typeof CLAIM_STATES)[number];

/**
 * When a person still out of work becomes a fallback candidate (托底安置): this many days before
 * the campaign's last day (30: its last month). Versioned by date like every policy (policy-version.ts).
 */
export const fallbackPolicies = pgTable(
  "fallback_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    daysBeforeCampaignEnd: integer("days_before_campaign_end").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("fallback_policies_days_chk", sql`${t.daysBeforeCampaignEnd} between 0 and 366`)],
);

/** A fallback placement: a person placed in a public-welfare post, by whom and when (the post's subsidies follow from the status it records). */
export const fallbackPlacements = pgTable(
  "fallback_placements",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id").notNull().references(() => people.id),
    postingId: uuid("posting_id").notNull().references(() => postings.id),
    campaignId: uuid("campaign_id").references(() => campaigns.id),
    placedAt: timestamp("placed_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    placedBy: varchar("placed_by", { length: 100 }).notNull(),
  },
  (t) => [unique("fallback_placements_person_posting_key").on(t.personId, t.postingId), index("fallback_placements_campaign_idx").on(t.campaignId)],
);

export type FallbackPolicyRow = typeof fallbackPolicies.$inferSelect;
export type FallbackPlacementRow = typeof fallbackPlacements.$inferSelect;

/**
 * What eligibility was last decided against: the year and the scheme versions in force
 * (subsidy-calendar.ts). One row; its lock makes one replica queue the re-decision when the day turns it.
 */
export const subsidyCalendar = pgTable(
  "subsidy_calendar",
  {
    id: smallint("id").primaryKey().default(1),
    decidedFor: text("decided_for").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [check("subsidy_calendar_one_row", sql`${t.id} = 1`)],
);

/**
 * How an employer sees the claims whose hired people did not consent to be named (versioned policy
 * data): counted by scheme and state only where a count reaches `minCount` — a smaller one would point
 * at the few people it hired (a claim reveals their household's poverty status).
 */
export const subsidyDisclosurePolicies = pgTable(
  "subsidy_disclosure_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    minCount: integer("min_count").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("subsidy_disclosure_policies_min_chk", sql`${t.minCount} between 1 and 1000`)],
);
export type SubsidyDisclosurePolicyRow = typeof subsidyDisclosurePolicies.$inferSelect;

/**
 * A closed campaign's subsidy claims as they stood when it closed (onCampaignClosing): the report's
 * subsidy sheet of a closed campaign reads these, so a later step on a claim does not move it. Each
 * row carries its person's places as they were, for the reader's scope.
 */
export const campaignSubsidyResults = pgTable(
  "campaign_subsidy_results",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    claimId: uuid("claim_id").notNull(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    householdRegionCode: varchar("household_region_code", { length: 6 }).notNull(),
    originRegionCode: varchar("origin_region_code", { length: 6 }).notNull(),
    institutionId: uuid("institution_id"),
    schemeCode: varchar("scheme_code", { length: 40 }).notNull(),
    employerId: uuid("employer_id"),
    state: varchar("state", { length: 14 }).notNull(),
    maxAmountYuan: integer("max_amount_yuan").notNull(),
    approvedAmountYuan: integer("approved_amount_yuan"),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.claimId] })],
);
