import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { employers } from "../employers/employer.table.js";
import { institutions } from "../institutions/institution.table.js";
import { people } from "../people/person.table.js";
import { postings } from "../postings/posting.table.js";
import { regions } from "../regions/region.table.js";

export const fairKind = pgEnum("fair_kind", ["CAMPUS", "EMPLOYMENT_AID_MONTH", "SPRING_BREEZE", "LABOUR_COOPERATION", "OTHER"]);
export const fairStatus = pgEnum("fair_status", ["DRAFT", "OPEN", "LIVE", "CLOSED"]);
export const fairSessionKind = pgEnum("fair_session_kind", ["PRESENTATION", "GROUP", "INTERVIEW"]);
export const fairSessionStatus = pgEnum("fair_session_status", ["SCHEDULED", "LIVE", "ENDED", "CANCELLED"]);
export const fairBookingStatus = pgEnum("fair_booking_status", ["BOOKED", "CANCELLED", "CHECKED_IN"]);

/**
 * An online job fair (网络招聘会): held by an institution or a regional HR bureau, over a window,
 * for an audience (categories, populations, region prefixes — empty lists mean anyone), DRAFT →
 * OPEN (registration) → LIVE → CLOSED.
 */
export const jobFairs = pgTable(
  "job_fairs",
  {
    id: uuid("id").primaryKey(),
    title: varchar("title", { length: 200 }).notNull(),
    kind: fairKind("kind").notNull(),
    /** The organiser: an institution, or a regional HR bureau (a region code). */
    organiserInstitutionId: uuid("organiser_institution_id").references(() => institutions.id),
    organiserRegionCode: varchar("organiser_region_code", { length: 6 }).references(() => regions.code),
    startsAt: timestamp("starts_at", { withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true, precision: 3 }).notNull(),
    /** { categoryCodes: string[], populations: string[], regionPrefixes: string[] }. */
    audience: jsonb("audience").notNull(),
    status: fairStatus("status").notNull().default("DRAFT"),
    /** When it went LIVE: a fair closed without going live was called off, not held (fairCoverage). */
    wentLiveAt: timestamp("went_live_at", { withTimezone: true, precision: 3 }),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check("job_fairs_window_check", sql`${t.startsAt} < ${t.endsAt}`),
    check("job_fairs_organiser_check", sql`(${t.organiserInstitutionId} is null) <> (${t.organiserRegionCode} is null)`),
    index("job_fairs_starts_idx").on(t.startsAt),
    index("job_fairs_organiser_institution_idx").on(t.organiserInstitutionId, t.startsAt),
    index("job_fairs_organiser_region_idx").on(t.organiserRegionCode, t.startsAt),
  ],
);

/**
 * A session inside the fair's window: a PRESENTATION (one employer to many), a GROUP session with a
 * capacity, or an INTERVIEW slot (one to one, capacity 1). `booked` moves with every booking under a
 * CHECK against the capacity; one employer's sessions may not overlap (an exclusion constraint, in
 * the migration).
 */
export const fairSessions = pgTable(
  "fair_sessions",
  {
    id: uuid("id").primaryKey(),
    fairId: uuid("fair_id").notNull().references(() => jobFairs.id),
    kind: fairSessionKind("kind").notNull(),
    employerId: uuid("employer_id").references(() => employers.id),
    title: varchar("title", { length: 200 }).notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true, precision: 3 }).notNull(),
    capacity: integer("capacity").notNull(),
    booked: integer("booked").notNull().default(0),
    status: fairSessionStatus("status").notNull().default("SCHEDULED"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check("fair_sessions_window_check", sql`${t.startsAt} < ${t.endsAt}`),
    check("fair_sessions_capacity_check", sql`${t.capacity} > 0 and (${t.kind} <> 'INTERVIEW' or ${t.capacity} = 1)`),
    check("fair_sessions_booked_check", sql`${t.booked} >= 0 and ${t.booked} <= ${t.capacity}`),
    index("fair_sessions_fair_idx").on(t.fairId, t.startsAt),
  ],
);

/** An employer's booth at a fair, with a subset of its OPEN postings (a posting that closes leaves every booth). */
export const fairBooths = pgTable(
  "fair_booths",
  {
    id: uuid("id").primaryKey(),
    fairId: uuid("fair_id").notNull().references(() => jobFairs.id),
    employerId: uuid("employer_id").notNull().references(() => employers.id),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("fair_booths_fair_employer_idx").on(t.fairId, t.employerId)],
);

export const fairBoothPostings = pgTable(
  "fair_booth_postings",
  {
    boothId: uuid("booth_id").notNull().references(() => fairBooths.id),
    postingId: uuid("posting_id").notNull().references(() => postings.id),
  },
  (t) => [primaryKey({ columns: [t.boothId, t.postingId] }), index("fair_booth_postings_posting_idx").on(t.postingId)],
);

/** A seeker registered for a fair (in its audience, or invited by the organiser). */
export const fairRegistrations = pgTable(
  "fair_registrations",
  {
    fairId: uuid("fair_id").notNull().references(() => jobFairs.id),
    personId: uuid("person_id").notNull().references(() => people.id),
    invited: boolean("invited").notNull().default(false),
    registeredBy: varchar("registered_by", { length: 100 }).notNull(),
    registeredAt: timestamp("registered_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.fairId, t.personId] })],
);

/**
 * A seat in a session for a registered person, about a booth posting. The session's times are
 * copied here so the database can refuse a person two overlapping live bookings (an exclusion
 * constraint, in the migration); one live booking per person and session is a partial unique index.
 */
export const fairBookings = pgTable(
  "fair_bookings",
  {
    id: uuid("id").primaryKey(),
    sessionId: uuid("session_id").notNull().references(() => fairSessions.id),
    fairId: uuid("fair_id").notNull().references(() => jobFairs.id),
    personId: uuid("person_id").notNull().references(() => people.id),
    postingId: uuid("posting_id").references(() => postings.id),
    startsAt: timestamp("starts_at", { withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true, precision: 3 }).notNull(),
    status: fairBookingStatus("status").notNull().default("BOOKED"),
    outcome: text("outcome"),
    bookedBy: varchar("booked_by", { length: 100 }).notNull(),
    bookedAt: timestamp("booked_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true, precision: 3 }),
    /** Who cancelled it (`role:user id`): the person themself, a caseworker or organiser, or the fair's closing. */
    cancelledBy: varchar("cancelled_by", { length: 100 }),
    checkedInAt: timestamp("checked_in_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex("fair_bookings_one_per_session_idx").on(t.sessionId, t.personId).where(sql`${t.status} <> 'CANCELLED'`),
    index("fair_bookings_person_idx").on(t.personId),
  ],
);

/** A fair's outcomes, in the order a booking may reach them (NO_SHOW stands alone). */
export const FAIR_OUTCOMES = ["APPLIED", "INTERVIEWED", "OFFERED", "HIRED", "NO_SHOW"] as const;
export type FairOutcomeValue = (typeof FAIR_OUTCOMES)[number];

/**
 * Every outcome recorded for a booking, appended and never changed: who said it and when. Each
 * outcome once per booking (a unique index); `fair_bookings.outcome` is the last one reached.
 */
export const fairOutcomeEvents = pgTable(
  "fair_outcome_events",
  {
    id: uuid("id").primaryKey(),
    bookingId: uuid("booking_id").notNull().references(() => fairBookings.id),
    outcome: text("outcome").notNull(),
    by: varchar("by", { length: 100 }).notNull(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("fair_outcome_events_once_idx").on(t.bookingId, t.outcome),
    check("fair_outcome_events_outcome_check", sql`${t.outcome} in ('APPLIED', 'INTERVIEWED', 'OFFERED', 'HIRED', 'NO_SHOW')`),
  ],
);

/**
 * The fair rules as policy data (versioned by date: the version in force on a day applies): how long a fair may run, and how many online
 * fairs for key groups each institution and HR bureau should hold a year (DOMAIN §5: at least one).
 */
export const fairPolicies = pgTable(
  "fair_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    maxFairDays: integer("max_fair_days").notNull(),
    keyGroupFairsPerYear: integer("key_group_fairs_per_year").notNull(),
    /** The first Fujian day this version is in force; the version in force on a day is the latest that began by then. */
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [
    check("fair_policies_days_check", sql`${t.maxFairDays} between 1 and 366`),
    check("fair_policies_per_year_check", sql`${t.keyGroupFairsPerYear} between 1 and 52`),
  ],
);

export type JobFairRow = typeof jobFairs.$inferSelect;
export type FairSessionRow = typeof fairSessions.$inferSelect;
export type FairBookingRow = typeof fairBookings.$inferSelect;
export type FairBoothRow = typeof fairBooths.$inferSelect;
export type FairKind = (typeof fairKind.enumValues)[number];
export type FairStatus = (typeof fairStatus.enumValues)[number];
export type FairSessionKind = (typeof fairSessionKind.enumValues)[number];
export type FairPolicyRow = typeof fairPolicies.$inferSelect;
