import { describe, expect, it } from "vitest";
import { runMatchingEval } from "../eval/matching-eval.js";

// A smaller draw of the labelled set `npm run eval:matching` scores (see test/eval/matching-eval.ts),
// without the demo's postings: a change that makes the ranker no better than raw text relevance, or
// lets it break a hard constraint in any case family, fails here, not only in the report.
describe("matching quality", () => {
  it("ranks better than the text-only baseline on precision@3, NDCG@10 and coverage, with no violation", async () => {
    const report = await runMatchingEval({ seed: 2020, postingsPerFamily: 80, people: 200, casePeople: 10, demo: false });
    const run = report.runs[0]!;
    expect(run.people).toBe(200 + 6 * 10);
    expect(run.overall.ranker.precisionAt3).toBeGreaterThanOrEqual(run.overall.baseline.precisionAt3);
    expect(run.overall.ranker.ndcgAt10).toBeGreaterThan(run.overall.baseline.ndcgAt10 + 0.03);
    expect(run.overall.ranker.coverage).toBeGreaterThanOrEqual(run.overall.baseline.coverage);
    expect(run.families.map((f) => [f.family, f.violations.ranker])).toEqual(run.families.map((f) => [f.family, 0]));
  }, 120_000);
});
