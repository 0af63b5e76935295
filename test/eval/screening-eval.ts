/**
 * `npm run eval:screening`: the seed screening rules, exactly as migrations/0038_screening.sql inserts
 * them, measured on the labelled set (test/eval/screening-set.ts). Prints precision and recall per rule
 * and overall for the HIGH rules (micro-averaged over posting × rule), and how many clean 51job postings
 * would be held. Exits 1 unless HIGH precision ≥ 0.95, HIGH recall ≥ 0.9, no clean 51job posting is held,
 * and the migration's rules are those of seed/screening-rules.ts. Writes test/eval/screening-report.json.
 *
 * `--show` also lists every miss and false hit with its text.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { compileRules, type ScreeningHit } from "../../src/modules/screening/screening-rules.js";
import { currentEngineBlock, load51jobPostings, MIGRATION_FILE, readMigrationScreeningData } from "./screening-data.js";
import { buildScreeningSet } from "./screening-set.js";

const THRESHOLDS = { highPrecision: 0.95, highRecall: 0.9 } as const;

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
const precision = (c: Counts) => ratio(c.tp, c.tp + c.fp);
const recall = (c: Counts) => ratio(c.tp, c.tp + c.fn);

const migrationSql = readFileSync(MIGRATION_FILE, "utf8");
const drifted = !migrationSql.includes(currentEngineBlock());
const { rules, salaries } = readMigrationScreeningData(migrationSql);
const set = compileRules(rules, salaries);
const severity = new Map(set.rules.map((r) => [r.code, r.severity]));
const items = buildScreeningSet(load51jobPostings());

const perRule = new Map<string, Counts>(set.rules.map((r) => [r.code, { tp: 0, fp: 0, fn: 0 }]));
const mistakes: string[] = [];
let cleanHeld = 0;
let cleanCount = 0;
const held = { tp: 0, fp: 0, fn: 0 };
for (const item of items) {
  const hits: ScreeningHit[] = set.screen(item.input);
  const found = new Set(hits.map((h) => h.ruleCode));
  const expected = new Set(item.expected);
  for (const [code, counts] of perRule) {
    if (found.has(code) && expected.has(code)) counts.tp++;
    else if (found.has(code)) {
      counts.fp++;
      const hit = hits.find((h) => h.ruleCode === code)!;
      mistakes.push(`FALSE HIT ${code} ${item.id}: 「${hit.excerpt}」 in ${item.input.title} | ${item.input.description.slice(0, 80)}`);
    } else if (expected.has(code)) {
      counts.fn++;
      mistakes.push(`MISS      ${code} ${item.id}: ${item.input.title} | ${item.input.description}`);
    }
  }
  const isHeld = hits.some((h) => h.severity === "HIGH");
  const shouldHold = item.expected.some((c) => severity.get(c) === "HIGH");
  if (isHeld && shouldHold) held.tp++;
  else if (isHeld) held.fp++;
  else if (shouldHold) held.fn++;
  if (item.part === "clean-51job" && item.expected.length === 0) {
    cleanCount++;
    if (isHeld) cleanHeld++;
  }
}

const high = [...perRule].filter(([code]) => severity.get(code) === "HIGH").reduce((sum, [, c]) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
const low = [...perRule].filter(([code]) => severity.get(code) === "LOW").reduce((sum, [, c]) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
const f = (x: number) => x.toFixed(3);
const parts = (part: string) => items.filter((i) => i.part === part).length;
console.log(`\nScreening eval: ${items.length} postings (${parts("clean-51job")} real 51job, ${parts("violation")} written violations, ${parts("hard-negative")} hard negatives); rules from ${MIGRATION_FILE.replace(/.*\/migrations/, "migrations")}\n`);
console.table(
  Object.fromEntries(
    [...perRule].map(([code, c]) => [code, { severity: severity.get(code), tp: c.tp, fp: c.fp, fn: c.fn, precision: f(precision(c)), recall: f(recall(c)) }]),
  ),
);
console.log(`HIGH rules overall: precision ${f(precision(high))}, recall ${f(recall(high))} (tp ${high.tp}, fp ${high.fp}, fn ${high.fn})`);
console.log(`LOW rules overall:  precision ${f(precision(low))}, recall ${f(recall(low))} (tp ${low.tp}, fp ${low.fp}, fn ${low.fn})`);
console.log(`Postings held (any HIGH hit): precision ${f(precision(held))}, recall ${f(recall(held))}`);
console.log(`Clean 51job postings held: ${cleanHeld} of ${cleanCount}`);
if (process.argv.includes("--show") || mistakes.length <= 30) console.log(`\n${mistakes.join("\n")}`);

writeFileSync(
  "test/eval/screening-report.json",
  `${JSON.stringify({ postings: items.length, perRule: Object.fromEntries(perRule), high, low, held, cleanHeld, cleanCount }, null, 2)}\n`,
);

const failures = [
  drifted ? "the migration's [engine] block differs from seed/screening-rules.ts (npx tsx test/eval/screening-salaries.ts --write)" : null,
  precision(high) < THRESHOLDS.highPrecision ? `HIGH precision ${f(precision(high))} < ${THRESHOLDS.highPrecision}` : null,
  recall(high) < THRESHOLDS.highRecall ? `HIGH recall ${f(recall(high))} < ${THRESHOLDS.highRecall}` : null,
  cleanHeld > 0 ? `${cleanHeld} clean 51job postings held` : null,
].filter((x): x is string => x !== null);
if (failures.length > 0) {
  console.error(`\nFAILED: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("\nPASSED");
