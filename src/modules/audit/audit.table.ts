import { index, jsonb, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/**
 * Every unmasked read of personal information (PIPL): who, whose, which fields, why, in which request.
 * Append-only: a trigger (migration) refuses UPDATE and DELETE.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    actor: varchar("actor", { length: 100 }).notNull(),
    actorRole: varchar("actor_role", { length: 20 }).notNull(),
    personId: uuid("person_id").notNull(),
    fields: text("fields").array().notNull(),
    purpose: varchar("purpose", { length: 200 }).notNull(),
    requestId: varchar("request_id", { length: 64 }).notNull(),
  },
  (t) => [index("audit_log_person_idx").on(t.personId, t.at), index("audit_log_actor_idx").on(t.actor, t.at)],
);

export type AuditRow = typeof auditLog.$inferSelect;

/**
 * Decisions that change who may do what, with no person's data read (issue 22): partner–employer
 * links requested, decided and ended, partner-claimed employers taken over (old and new name),
 * held postings released, consents given and revoked. Append-only, like the audit log.
 */
export const decisionAudit = pgTable(
  "decision_audit",
  {
    id: uuid("id").primaryKey(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    actor: varchar("actor", { length: 100 }).notNull(),
    actorRole: varchar("actor_role", { length: 20 }).notNull(),
    /** What was decided: LINK_REQUESTED, LINK_ACTIVATED, LINK_DECLINED, LINK_REVOKED, EMPLOYER_TAKEN_OVER, POSTING_APPROVED, CONSENT_GRANTED, CONSENT_REVOKED. */
    action: varchar("action", { length: 40 }).notNull(),
    partnerId: uuid("partner_id"),
    employerId: uuid("employer_id"),
    postingId: uuid("posting_id"),
    personId: uuid("person_id"),
    /** What changed (statuses, old and new name …); never personal data. */
    detail: jsonb("detail").notNull().default({}),
  },
  (t) => [index("decision_audit_employer_idx").on(t.employerId, t.at), index("decision_audit_partner_idx").on(t.partnerId, t.at)],
);

export type DecisionAuditRow = typeof decisionAudit.$inferSelect;
