import { sql } from "drizzle-orm";
import { check, date, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { employers } from "../employers/employer.table.js";
import { people } from "../people/person.table.js";
import { partners } from "./partner.table.js";

/**
 * Which employers a partner site may post for (issue 22). ACTIVE: linked by a caseworker or admin in
 * the employer's scope, or accepted by the (verified) employer; REQUESTED: the partner asked and the
 * employer has not answered; REVOKED: ended by either side. A partner's posting for an employer not
 * ACTIVE-linked is held PENDING_REVIEW.
 */
export const partnerEmployerLinks = pgTable(
  "partner_employer_links",
  {
    /** The link's own id: what the lists page by and what the API names it by. */
    id: uuid("id").notNull(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    employerId: uuid("employer_id")
      .notNull()
      .references(() => employers.id),
    status: varchar("status", { length: 10 }).notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true, precision: 3 }),
    requestedBy: varchar("requested_by", { length: 100 }),
    decidedAt: timestamp("decided_at", { withTimezone: true, precision: 3 }),
    decidedBy: varchar("decided_by", { length: 100 }),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "partner_employer_links_pkey", columns: [t.partnerId, t.employerId] }),
    index("partner_employer_links_employer_idx").on(t.employerId),
    uniqueIndex("partner_employer_links_id_key").on(t.id),
    check("partner_employer_links_status_chk", sql`${t.status} in ('REQUESTED', 'ACTIVE', 'REVOKED')`),
    check("partner_employer_links_decided_chk", sql`${t.status} = 'REQUESTED' or (${t.decidedAt} is not null and ${t.decidedBy} is not null)`),
  ],
);

/**
 * A seeker's consent, given on the portal, that a partner site may act for them (issue 22): APPLY —
 * apply to postings in their name. At most one live consent per person and partner; revoking ends it
 * at once; it lapses after `expiresOn` (a Fujian date, inclusive).
 */
export const partnerConsents = pgTable(
  "partner_consents",
  {
    id: uuid("id").primaryKey(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    scopes: text("scopes").array().notNull(),
    expiresOn: date("expires_on").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex("partner_consents_live_key").on(t.personId, t.partnerId).where(sql`${t.revokedAt} is null`),
    index("partner_consents_person_idx").on(t.personId, t.id),
    check("partner_consents_scopes_chk", sql`cardinality(${t.scopes}) > 0 and ${t.scopes} <@ array['APPLY']::text[]`),
  ],
);

export type PartnerEmployerLinkRow = typeof partnerEmployerLinks.$inferSelect;
export type PartnerConsentRow = typeof partnerConsents.$inferSelect;
