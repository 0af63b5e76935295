/**
 * Writes the `-- [engine]` block of migrations/0038_screening.sql: the seed screening rules
 * (seed/screening-rules.ts) and the occupation salary references computed from the 51job postings
 * (seed/data/postings-51job-2023.csv, parsed with seed/51job/: for each keyword of SALARY_KEYWORDS, the
 * 90th percentile of monthly salaryMax among the postings whose title holds it, when 5 or more do).
 *
 *   npx tsx test/eval/screening-salaries.ts           prints the block and the table of references
 *   npx tsx test/eval/screening-salaries.ts --write   rewrites the block in the migration
 *   npx tsx test/eval/screening-salaries.ts --check   exits 1 when the migration's block differs
 *
 * Only while 0038 is unreleased: afterwards rules change through the API (new versions), never here.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { SEED_SCREENING_RULES } from "../../seed/screening-rules.js";
import { computeOccupationSalaries, load51jobPostings, MIGRATION_FILE, renderEngineBlock, withEngineBlock } from "./screening-data.js";

const salaries = computeOccupationSalaries(load51jobPostings());
const block = renderEngineBlock(SEED_SCREENING_RULES, salaries);
const migration = readFileSync(MIGRATION_FILE, "utf8");
const next = withEngineBlock(migration, block);
if (process.argv.includes("--check")) {
  if (next !== migration) {
    console.error(`${MIGRATION_FILE}: the [engine] block differs from seed/screening-rules.ts and the 51job data; run with --write`);
    process.exit(1);
  }
  console.log("migration block up to date");
} else if (process.argv.includes("--write")) {
  writeFileSync(MIGRATION_FILE, next);
  console.log(`wrote ${SEED_SCREENING_RULES.length} rules and ${salaries.length} salary references to ${MIGRATION_FILE}`);
} else {
  console.table(salaries);
  console.log(block);
}
