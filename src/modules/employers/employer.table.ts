import { boolean, index, pgTable, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { partners } from "../partners/partner.table.js";
import { regions } from "../regions/region.table.js";

export const employers = pgTable(
  "employers",
  {
    id: uuid("id").primaryKey(),
    name: varchar("name", { length: 200 }).notNull(),
    /** 统一社会信用代码, GB 32100 — one employer per code. */
    creditCode: varchar("credit_code", { length: 18 }).notNull().unique(),
    regionCode: varchar("region_code", { length: 6 }).notNull().references(() => regions.code),
    /** 扶贫车间 / 扶贫基地: hiring poverty labourers here earns subsidies. */
    isPovertyWorkshop: boolean("is_poverty_workshop").notNull().default(false),
    verified: boolean("verified").notNull().default(false),
    /**
     * The partner whose push first named this credit code (issue 22): a claim, not an identity — the
     * real company's registration (a caseworker's, or its own sign-up) takes the record over.
     */
    claimedByPartnerId: uuid("claimed_by_partner_id").references(() => partners.id),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdBy: varchar("created_by", { length: 100 }).notNull(),
  },
  (t) => [index("employers_region_code_idx").on(t.regionCode.op("varchar_pattern_ops"))],
);

export type EmployerRow = typeof employers.$inferSelect;

/**
 * A company user of the identity provider, linked to the employer they signed up (issue 20): their
 * tokens (role EMPLOYER) need not carry `employerId` — the API finds it here by the token's `sub`.
 * One employer per user.
 */
export const employerAccounts = pgTable("employer_accounts", {
  userSub: varchar("user_sub", { length: 200 }).primaryKey(),
  employerId: uuid("employer_id")
    .notNull()
    .references(() => employers.id),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});
