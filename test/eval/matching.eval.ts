import { writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { formatReport, FULL_EVAL, runMatchingEval, shortfalls } from "./matching-eval.js";

// `npm run eval:matching`: the full labelled set, alone and with the demo's postings competing; prints
// the tables and writes test/eval/matching-report.json. The acceptance of issue #24, per case family
// and in both runs: no hard-constraint violation, the obvious fit in the top 3 for ≥ 95 % of people,
// the ranker at or above the text-only baseline on precision@3, NDCG@10 and coverage.
it("every case family: no violations, the obvious fit in the top 3 for ≥ 95 %, the ranker at or above the baseline (alone and with the demo's postings)", async () => {
  // EVAL_SEED=n draws another labelled set of the same design (the README's figures are seed 2020's).
  const report = await runMatchingEval({ ...FULL_EVAL, ...(process.env.EVAL_SEED ? { seed: Number(process.env.EVAL_SEED) } : {}) });
  console.log(`\n${formatReport(report)}\n`);
  writeFileSync("test/eval/matching-report.json", `${JSON.stringify(report, null, 2)}\n`);
  expect(report.runs.map((r) => r.people)).toEqual([FULL_EVAL.people + 6 * FULL_EVAL.casePeople, FULL_EVAL.people + 6 * FULL_EVAL.casePeople]);
  expect(report.runs.flatMap(shortfalls)).toEqual([]);
}, 600_000);
