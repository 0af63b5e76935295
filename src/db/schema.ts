// The schema barrel: every feature's tables, for drizzle's relational queries and drizzle-kit.
export * from "../modules/regions/region.table.js";
export * from "../modules/partners/partner.table.js";
export * from "../modules/employers/employer.table.js";
export * from "../modules/postings/posting.table.js";
export * from "../modules/institutions/institution.table.js";
export * from "../modules/people/person.table.js";
export * from "../modules/people/registration.table.js";
export * from "../modules/categories/category.table.js";
export * from "../modules/audit/audit.table.js";
export * from "../search/outbox.table.js";
export * from "../modules/matching/matching-policy.table.js";
export * from "../modules/synonyms/synonym.table.js";
export * from "../modules/referrals/referral.table.js";
export * from "../modules/referrals/campaign-run.table.js";
export * from "../modules/mentors/mentor.table.js";
export * from "../modules/fairs/fair.table.js";
export * from "../http/idempotency.table.js";
