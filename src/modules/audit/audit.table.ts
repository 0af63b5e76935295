import { index, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

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
