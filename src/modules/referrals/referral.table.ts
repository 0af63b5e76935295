import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgEnum, pgTable, text, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { people } from "../people/person.table.js";
import { campaignRuns } from "./campaign-run.table.js";
import { postings } from "../postings/posting.table.js";
import { partners } from "../partners/partner.table.js";
import { partnerConsents } from "../partners/partner-link.table.js";

// SELF: the person applied on their own (the portal), not recommended: never counts toward a minimum.
export const referralSource = pgEnum("referral_source", ["SYSTEM", "CASEWORKER", "MENTOR", "JOB_FAIR", "PARTNER", "SELF"]);
export const referralStatus = pgEnum("referral_status", [
  "RECOMMENDED",
  "VIEWED",
  "APPLIED",
  "INTERVIEWED",
  "OFFERED",
  "HIRED",
  "DECLINED",
  "WITHDRAWN",
  "POSTING_CLOSED",
]);

/**
 * A referral (就业推荐 / 岗位推送): one posting recommended to one person, once — the unique
 * (person, posting) pair is what keeps two recommenders, or two campaign runs, from sending the same
 * posting twice. `fitted` records whether the posting was open and within the person's hard
 * constraints when it was made: only such referrals count toward the person's minimum.
 */
export const referrals = pgTable(
  "referrals",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id").notNull().references(() => people.id),
    postingId: uuid("posting_id").notNull().references(() => postings.id),
    source: referralSource("source").notNull(),
    madeBy: varchar("made_by", { length: 100 }).notNull(),
    madeAt: timestamp("made_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    status: referralStatus("status").notNull().default("RECOMMENDED"),
    statusAt: timestamp("status_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    fitted: boolean("fitted").notNull(),
    note: text("note"),
    /** The campaign run that made it (source SYSTEM). */
    campaignRunId: uuid("campaign_run_id").references(() => campaignRuns.id),
    /** A partner site applied for the person (issue 22), under this consent of theirs. */
    viaPartnerId: uuid("via_partner_id").references(() => partners.id),
    partnerConsentId: uuid("partner_consent_id").references(() => partnerConsents.id),
  },
  (t) => [
    unique("referrals_person_posting_key").on(t.personId, t.postingId),
    index("referrals_posting_open_idx").on(t.postingId).where(sql`${t.status} in ('RECOMMENDED', 'VIEWED', 'APPLIED', 'INTERVIEWED')`),
    // A posting's applicants (and an employer's, through its postings), a page at a time, whatever their status.
    index("referrals_posting_id_idx").on(t.postingId, t.id),
    // A partner's applications, a page at a time.
    index("referrals_via_partner_idx").on(t.viaPartnerId, t.id).where(sql`${t.viaPartnerId} is not null`),
    check("referrals_via_partner_chk", sql`(${t.viaPartnerId} is null) = (${t.partnerConsentId} is null)`),
  ],
);

/** Every status change of a referral: when, by whom, from what to what (the first row is its creation). */
export const referralEvents = pgTable(
  "referral_events",
  {
    id: uuid("id").primaryKey(),
    referralId: uuid("referral_id").notNull().references(() => referrals.id),
    fromStatus: referralStatus("from_status"),
    toStatus: referralStatus("to_status").notNull(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    by: varchar("by", { length: 100 }).notNull(),
    note: text("note"),
  },
  (t) => [index("referral_events_referral_idx").on(t.referralId)],
);

export type ReferralRow = typeof referrals.$inferSelect;
export type ReferralStatus = (typeof referralStatus.enumValues)[number];
export type ReferralSource = (typeof referralSource.enumValues)[number];

/**
 * How many applications one person may make in a Fujian day (policy data, versioned by date like the
 * other policies): a seeker's own applications through the portal, and their moves of a referral to
 * APPLIED, counted together.
 */
export const applicationPolicies = pgTable(
  "application_policies",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull().unique(),
    maxPerDay: integer("max_per_day").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [check("application_policies_max_chk", sql`${t.maxPerDay} between 1 and 1000`)],
);

/**
 * An employer's invitation to interview an applicant, and the person's answer (issue 20). Accepting is
 * the person's consent to hand their phone to that employer for the interview: only then does the
 * employer see it (each read audited). One invitation per application.
 */
export const interviewInvitations = pgTable(
  "interview_invitations",
  {
    referralId: uuid("referral_id")
      .primaryKey()
      .references(() => referrals.id),
    invitedAt: timestamp("invited_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    invitedBy: varchar("invited_by", { length: 100 }).notNull(),
    note: text("note"),
    response: varchar("response", { length: 10 }),
    respondedAt: timestamp("responded_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [check("interview_invitations_response_chk", sql`(${t.response} in ('ACCEPTED', 'DECLINED') and ${t.respondedAt} is not null) or (${t.response} is null and ${t.respondedAt} is null)`)],
);

export type InterviewInvitationRow = typeof interviewInvitations.$inferSelect;
