import { writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { formatReport, FULL_EVAL, runMatchingEval } from "./matching-eval.js";

// `npm run eval:matching`: the full labelled set; prints the table and writes eval/matching.json.
it("the ranker beats the text-only baseline on every metric (full labelled set)", async () => {
  // EVAL_SEED=n draws another labelled set of the same design (the README's figures are seed 2020's).
  const report = await runMatchingEval({ ...FULL_EVAL, ...(process.env.EVAL_SEED ? { seed: Number(process.env.EVAL_SEED) } : {}) });
  console.log(`\n${formatReport(report)}\n`);
  writeFileSync("test/eval/matching-report.json", `${JSON.stringify(report, null, 2)}\n`);
  expect(report.ranker.precisionAt3).toBeGreaterThan(report.baseline.precisionAt3);
  expect(report.ranker.ndcgAt10).toBeGreaterThan(report.baseline.ndcgAt10);
  expect(report.ranker.coverage).toBeGreaterThan(report.baseline.coverage);
}, 600_000);
