import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/** A third-party recruitment site that reads and pushes postings through the API. */
export const partners = pgTable("partners", {
  id: uuid("id").primaryKey(),
  name: varchar("name", { length: 100 }).notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  createdBy: varchar("created_by", { length: 100 }).notNull(),
});

/** Keys are shown once and stored as a SHA-256 hash; a revoked key stops working at once. */
export const partnerApiKeys = pgTable(
  "partner_api_keys",
  {
    id: uuid("id").primaryKey(),
    partnerId: uuid("partner_id").notNull().references(() => partners.id),
    keyHash: varchar("key_hash", { length: 64 }).notNull().unique(),
    /** The first characters of the key, to tell keys apart in listings. */
    keyPrefix: varchar("key_prefix", { length: 16 }).notNull(),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, precision: 3 }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [index("partner_api_keys_partner_idx").on(t.partnerId)],
);

export type PartnerRow = typeof partners.$inferSelect;
export type PartnerApiKeyRow = typeof partnerApiKeys.$inferSelect;
