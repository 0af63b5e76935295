// The schema barrel: every feature's tables, for drizzle's relational queries and drizzle-kit.
export * from "../modules/regions/region.table.js";
export * from "../modules/partners/partner.table.js";
export * from "../modules/employers/employer.table.js";
export * from "../modules/postings/posting.table.js";
