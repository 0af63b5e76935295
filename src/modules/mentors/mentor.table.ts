import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { institutions } from "../institutions/institution.table.js";
import { people } from "../people/person.table.js";
import { regions } from "../regions/region.table.js";

/**
 * A 红娘 mentor (就业红娘): a caseworker, counsellor or volunteer who takes a few poverty-family
 * graduates one to one. Placed at an institution and/or a region (county or prefecture), with a
 * capacity. `activeMentees` is kept in the same transaction as every mentorship that starts or ends,
 * and the CHECK makes "never more than the capacity" the database's rule, not only the code's: an
 * assignment raises it with a conditional UPDATE, which also row-locks the mentor, so concurrent
 * assignments to one mentor take turns and the last one past the capacity changes nothing.
 */
export const mentors = pgTable(
  "mentors",
  {
    id: uuid("id").primaryKey(),
    /** The MENTOR login (JWT `sub`) that acts as this mentor; one record per login. */
    userId: varchar("user_id", { length: 100 }),
    name: varchar("name", { length: 50 }).notNull(),
    /** A work phone is still personal information: sealed, shown masked. */
    phoneSealed: text("phone_sealed"),
    phoneMasked: varchar("phone_masked", { length: 11 }),
    institutionId: uuid("institution_id").references(() => institutions.id),
    /** County or prefecture (6 digits, GB/T 2260). */
    regionCode: varchar("region_code", { length: 6 }).references(() => regions.code),
    capacity: integer("capacity").notNull(),
    activeMentees: integer("active_mentees").notNull().default(0),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex("mentors_user_idx").on(t.userId),
    index("mentors_region_idx").on(t.regionCode),
    index("mentors_institution_idx").on(t.institutionId),
    check("mentors_capacity_check", sql`${t.capacity} > 0`),
    check("mentors_load_check", sql`${t.activeMentees} >= 0 and ${t.activeMentees} <= ${t.capacity}`),
    check("mentors_placed_check", sql`${t.institutionId} is not null or ${t.regionCode} is not null`),
  ],
);

export const mentorshipEnd = pgEnum("mentorship_end", ["REASSIGNED", "MENTOR_DEACTIVATED", "EMPLOYED", "ENDED_BY_CASEWORKER"]);
export const mentorMatch = pgEnum("mentor_match", ["INSTITUTION", "COUNTY", "PREFECTURE", "CHOSEN"]);

/**
 * Who mentored whom, from when until when and why it ended: the history is kept, and the partial
 * unique index makes "one active mentor per person" the database's rule.
 */
export const mentorships = pgTable(
  "mentorships",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id").notNull().references(() => people.id),
    mentorId: uuid("mentor_id").notNull().references(() => mentors.id),
    /** How the mentor was chosen: by a caseworker, or automatically at this level of nearness. */
    matchedBy: mentorMatch("matched_by").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    startedBy: varchar("started_by", { length: 100 }).notNull(),
    /** An administrator's reason for assigning someone the policy does not make eligible. */
    overrideReason: text("override_reason"),
    endedAt: timestamp("ended_at", { withTimezone: true, precision: 3 }),
    endedBy: varchar("ended_by", { length: 100 }),
    endReason: mentorshipEnd("end_reason"),
  },
  (t) => [
    uniqueIndex("mentorships_one_active_idx").on(t.personId).where(sql`${t.endedAt} is null`),
    index("mentorships_mentor_active_idx").on(t.mentorId).where(sql`${t.endedAt} is null`),
    index("mentorships_person_idx").on(t.personId, t.startedAt),
  ],
);

export const followUpChannel = pgEnum("follow_up_channel", ["PHONE", "WECHAT", "VISIT", "VIDEO"]);
export const followUpOutcome = pgEnum("follow_up_outcome", ["REACHED", "NOT_REACHED", "POSTINGS_SHARED", "INTERVIEW_ARRANGED", "OTHER"]);

/** A mentor's contact with a mentee (跟踪回访): when, how, what came of it. */
export const mentorFollowUps = pgTable(
  "mentor_follow_ups",
  {
    id: uuid("id").primaryKey(),
    mentorshipId: uuid("mentorship_id").notNull().references(() => mentorships.id),
    personId: uuid("person_id").notNull().references(() => people.id),
    mentorId: uuid("mentor_id").notNull().references(() => mentors.id),
    channel: followUpChannel("channel").notNull(),
    outcome: followUpOutcome("outcome").notNull(),
    note: text("note"),
    /** When the contact happened (not when it was logged). */
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull(),
    loggedAt: timestamp("logged_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    loggedBy: varchar("logged_by", { length: 100 }).notNull(),
  },
  (t) => [index("mentor_follow_ups_mentorship_idx").on(t.mentorshipId, t.at)],
);

/**
 * The mentoring policy as data (versioned by date: the version in force on a day applies): how many days without a contact flag a
 * mentee as overdue.
 */
export const mentoringPolicies = pgTable(
  "mentoring_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    followUpDays: integer("follow_up_days").notNull(),
    /** The first Fujian day this version is in force; the version in force on a day is the latest that began by then. */
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("mentoring_policies_days_check", sql`${t.followUpDays} between 1 and 365`)],
);

export type MentorRow = typeof mentors.$inferSelect;
export type MentorshipRow = typeof mentorships.$inferSelect;
export type MentorshipEnd = (typeof mentorshipEnd.enumValues)[number];
export type MentorMatch = (typeof mentorMatch.enumValues)[number];
export type FollowUpRow = typeof mentorFollowUps.$inferSelect;
export type FollowUpChannel = (typeof followUpChannel.enumValues)[number];
export type FollowUpOutcome = (typeof followUpOutcome.enumValues)[number];
export type MentoringPolicyRow = typeof mentoringPolicies.$inferSelect;
