import { describe, expect, it } from "vitest";
import { runMatchingEval } from "../eval/matching-eval.js";

// A smaller draw of the labelled set `npm run eval:matching` scores (see test/eval/matching-eval.ts):
// a change that makes the ranker no better than raw text relevance fails here, not only in the report.
describe("matching quality", () => {
  it("ranks better than the text-only baseline on precision@3, NDCG@10 and coverage", async () => {
    const report = await runMatchingEval({ seed: 2020, postingsPerFamily: 80, people: 200 });
    expect(report.ranker.precisionAt3).toBeGreaterThanOrEqual(report.baseline.precisionAt3);
    expect(report.ranker.ndcgAt10).toBeGreaterThan(report.baseline.ndcgAt10 + 0.03);
    expect(report.ranker.coverage).toBeGreaterThanOrEqual(report.baseline.coverage);
  }, 120_000);
});
