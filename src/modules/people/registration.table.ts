import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { people } from "./person.table.js";

export const registrationStatus = pgEnum("registration_status", ["PENDING", "TRANSFERRED", "REFUSED", "WITHDRAWN"]);

/**
 * A registration that names an ID number the ledger already holds outside the caller's scope
 * (issue 15, finding 5). The caller is told only that it awaits review — never that, or where, the
 * number is held — and an official whose scope holds the person transfers the record to the
 * requested place or refuses, with a reason. The requested record is sealed whole (it is personal
 * data); the requester's place is kept plain so the holder's list can say where the request came from.
 */
export const registrationRequests = pgTable(
  "registration_requests",
  {
    id: uuid("id").primaryKey(),
    idNumberHash: varchar("id_number_hash", { length: 64 }).notNull(),
    draftSealed: text("draft_sealed").notNull(),
    heldPersonId: uuid("held_person_id")
      .notNull()
      .references(() => people.id),
    requestedRegionCode: varchar("requested_region_code", { length: 6 }).notNull(),
    requestedBy: varchar("requested_by", { length: 100 }).notNull(),
    source: varchar("source", { length: 20 }).notNull(),
    status: registrationStatus("status").notNull().default("PENDING"),
    reason: varchar("reason", { length: 500 }),
    resolvedBy: varchar("resolved_by", { length: 100 }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, precision: 3 }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    // One open request per caller and number: a repeated registration or import row answers with it.
    uniqueIndex("registration_requests_open_idx").on(t.requestedBy, t.idNumberHash).where(sql`${t.status} = 'PENDING'`),
    index("registration_requests_held_idx").on(t.heldPersonId, t.status),
    index("registration_requests_requester_idx").on(t.requestedBy, t.status),
    check("registration_requests_source_chk", sql`${t.source} in ('REGISTRATION', 'IMPORT')`),
    check("registration_requests_resolved_chk", sql`(${t.status} = 'PENDING') = (${t.resolvedAt} IS NULL)`),
    check("registration_requests_reason_chk", sql`${t.status} <> 'REFUSED' OR ${t.reason} IS NOT NULL`),
  ],
);

export type RegistrationRequestRow = typeof registrationRequests.$inferSelect;
