import { sql } from "drizzle-orm";
import { check, index, pgTable, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { people } from "../people/person.table.js";
import { postings } from "../postings/posting.table.js";
import { referrals } from "../referrals/referral.table.js";

/**
 * What a person is told (issue 21): one row for every event that concerns them — a posting
 * recommended to them (by a caseworker, a campaign run, a mentor, a fair), a step of their
 * application or referral, an invitation to interview, a fair booking made for them, an organiser's
 * invitation to a fair, a 红娘 mentor assigned to them — written by triggers in the event's own
 * transaction (migrations 0032, 0033), so no code path that records such an event can forget the person. The in-app inbox reads it; the SMS and webhook channels will deliver from it.
 * The person's own moves (by `seeker:…`) tell them nothing.
 */
export const notifications = pgTable(
  "notifications",
  {
    // Time-ordered (UUID v7, made in SQL by the triggers): newest first is `order by id desc`.
    id: uuid("id").primaryKey(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id),
    kind: varchar("kind", { length: 30 }).notNull(),
    referralId: uuid("referral_id").references(() => referrals.id),
    postingId: uuid("posting_id").references(() => postings.id),
    /** The fair it concerns (FAIR_INVITATION, FAIR_BOOKING). */
    fairId: uuid("fair_id"),
    /** For a referral's step: the status it moved to. */
    status: varchar("status", { length: 20 }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** When the person's client first fetched it (the in-app channel's delivery). */
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
    readAt: timestamp("read_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("notifications_person_idx").on(t.personId, t.id),
    check("notifications_kind_chk", sql`${t.kind} in ('REFERRAL', 'REFERRAL_STATUS', 'INTERVIEW_INVITATION', 'FAIR_BOOKING', 'FAIR_INVITATION', 'MENTOR_ASSIGNED')`),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
