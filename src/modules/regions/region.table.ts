import { boolean, doublePrecision, index, pgEnum, pgTable, varchar } from "drizzle-orm/pg-core";

export const regionLevel = pgEnum("region_level", ["PROVINCE", "PREFECTURE", "COUNTY"]);

/** GB/T 2260 divisions, loaded by migration from seed/data (reference data, read-only at run time). */
export const regions = pgTable(
  "regions",
  {
    code: varchar("code", { length: 6 }).primaryKey(),
    level: regionLevel("level").notNull(),
    name: varchar("name", { length: 64 }).notNull(),
    parentCode: varchar("parent_code", { length: 6 }),
    lng: doublePrecision("lng"),
    lat: doublePrecision("lat"),
    /** One of the 52 counties not yet lifted out of poverty in 2020 (52个未摘帽贫困县). */
    poverty52: boolean("poverty52").notNull().default(false),
  },
  (t) => [index("regions_parent_code_idx").on(t.parentCode)],
);

export type RegionRow = typeof regions.$inferSelect;
