import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgEnum, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { educationLevel } from "../postings/posting.table.js";
import { institutions } from "../institutions/institution.table.js";
import { regions } from "../regions/region.table.js";

export const gender = pgEnum("gender", ["MALE", "FEMALE"]);
export const employmentStatus = pgEnum("employment_status", [
  "UNEMPLOYED",
  "EMPLOYED",
  "SELF_EMPLOYED",
  "FURTHER_STUDY",
  "PUBLIC_WELFARE_POST",
  "GRASSROOTS_PROJECT",
  "OUT_OF_LABOUR_FORCE",
]);
// Counted as employed: one definition, in employment-status.ts (other modules import it from there).
export { EMPLOYED_STATUSES } from "./employment-status.js";
export const statusSource = pgEnum("status_source", ["REGISTRATION", "UPDATE", "IMPORT", "REFERRAL"]);

/**
 * The real-name ledger (实名台账): one row per resident ID number. The number and the phone are
 * stored encrypted, found by keyed hash, and shown masked; birth date and gender come from the ID.
 * No plain column holds any digit of the ID's sequence or check part, so the birth date and region
 * stored here cannot rebuild it (the mask is computed from the sealed value when shown).
 */
export const people = pgTable(
  "people",
  {
    id: uuid("id").primaryKey(),
    name: varchar("name", { length: 50 }).notNull(),
    idNumberSealed: text("id_number_sealed").notNull(),
    idNumberHash: varchar("id_number_hash", { length: 64 }).notNull().unique(),
    birthDate: date("birth_date").notNull(),
    gender: gender("gender").notNull(),
    phoneSealed: text("phone_sealed"),
    phoneHash: varchar("phone_hash", { length: 64 }),
    phoneMasked: varchar("phone_masked", { length: 11 }),
    /** 户籍 */
    householdRegionCode: varchar("household_region_code", { length: 6 }).notNull().references(() => regions.code),
    /** 生源地 */
    originRegionCode: varchar("origin_region_code", { length: 6 }).notNull().references(() => regions.code),
    /** 建档立卡 */
    registeredPoverty: boolean("registered_poverty").notNull().default(false),
    povertyHouseholdNo: varchar("poverty_household_no", { length: 40 }),
    /** 低保 */
    minimumLiving: boolean("minimum_living").notNull().default(false),
    /** 零就业家庭 */
    zeroEmployment: boolean("zero_employment").notNull().default(false),
    disabled: boolean("disabled").notNull().default(false),
    institutionId: uuid("institution_id").references(() => institutions.id),
    major: varchar("major", { length: 100 }),
    degreeLevel: educationLevel("degree_level"),
    graduationDate: date("graduation_date"),
    leaveSchoolDate: date("leave_school_date"),
    employmentStatus: employmentStatus("employment_status").notNull().default("UNEMPLOYED"),
    employmentStatusSince: date("employment_status_since").notNull(),
    /** 有就业能力 / 有就业需求 — with working age, what makes a poverty-household member a poverty labourer. */
    ableToWork: boolean("able_to_work").notNull().default(true),
    seekingWork: boolean("seeking_work").notNull().default(true),
    intentionKeywords: text("intention_keywords").array().notNull().default(sql`'{}'::text[]`),
    intentionRegionCodes: text("intention_region_codes").array().notNull().default(sql`'{}'::text[]`),
    intentionMinSalary: integer("intention_min_salary"),
    /** 转移就业意愿 */
    willingToRelocate: boolean("willing_to_relocate").notNull().default(false),
    openToLabourCooperation: boolean("open_to_labour_cooperation").notNull().default(false),
    skills: text("skills").array().notNull().default(sql`'{}'::text[]`),
    trainingWishes: text("training_wishes").array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    // varchar_pattern_ops: region scopes and filters are prefix matches (`LIKE '3501%'`).
    index("people_household_region_idx").on(t.householdRegionCode.op("varchar_pattern_ops")),
    index("people_origin_region_idx").on(t.originRegionCode.op("varchar_pattern_ops")),
    index("people_institution_idx").on(t.institutionId),
    index("people_created_at_idx").on(t.createdAt),
    check("people_graduation_after_birth_chk", sql`${t.graduationDate} IS NULL OR ${t.graduationDate} > ${t.birthDate}`),
    check("people_poverty_household_chk", sql`${t.povertyHouseholdNo} IS NULL OR ${t.registeredPoverty}`),
    check("people_min_salary_chk", sql`${t.intentionMinSalary} IS NULL OR ${t.intentionMinSalary} >= 0`),
  ],
);

/** Every change of employment status, dated and attributed: the ledger's history (动态管理). */
export const employmentHistory = pgTable(
  "employment_history",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id").notNull().references(() => people.id),
    status: employmentStatus("status").notNull(),
    since: date("since").notNull(),
    source: statusSource("source").notNull(),
    note: varchar("note", { length: 500 }),
    recordedAt: timestamp("recorded_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    recordedBy: varchar("recorded_by", { length: 100 }).notNull(),
  },
  (t) => [index("employment_history_person_idx").on(t.personId, t.since)],
);

export type PersonRow = typeof people.$inferSelect;
export type EmploymentHistoryRow = typeof employmentHistory.$inferSelect;
export type EmploymentStatus = (typeof employmentStatus.enumValues)[number];
