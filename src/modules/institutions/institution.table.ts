import { index, pgEnum, pgTable, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { regions } from "../regions/region.table.js";

export const institutionKind = pgEnum("institution_kind", ["UNIVERSITY", "VOCATIONAL_COLLEGE", "TECHNICAL_SCHOOL"]);

/** 高校 and 技工院校: where graduates come from; an education caseworker may be scoped to one. */
export const institutions = pgTable(
  "institutions",
  {
    id: uuid("id").primaryKey(),
    /** The Ministry of Education's 10-digit school code (学校标识码), or a technical school's registry code. */
    code: varchar("code", { length: 20 }).notNull().unique(),
    name: varchar("name", { length: 100 }).notNull().unique(),
    kind: institutionKind("kind").notNull(),
    regionCode: varchar("region_code", { length: 6 }).notNull().references(() => regions.code),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("institutions_region_idx").on(t.regionCode)],
);

export type InstitutionRow = typeof institutions.$inferSelect;
