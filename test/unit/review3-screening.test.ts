import { describe, expect, it } from "vitest";
import { SEED_SCREENING_RULES } from "../../seed/screening-rules.js";
import { compileRules, PATTERN_BUDGET_MS, PATTERN_FLAGS, screenPosting, validateRuleInput, type ScreeningInput } from "../../src/modules/screening/screening-rules.js";
import { runPatternWithinBudget } from "../../src/modules/screening/screening-pattern-budget.js";
import { normalisePhrase } from "../../src/modules/screening/screening-text.js";
import type { ScreeningRuleRow } from "../../src/modules/screening/screening.table.js";

const seed = compileRules(
  SEED_SCREENING_RULES.map((r, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, code: r.code, version: 1, description: r.description, severity: r.severity, matcher: r.matcher, active: true, createdAt: new Date(0), createdBy: "t" }) as ScreeningRuleRow),
  [],
);
const posting = (description: string): ScreeningInput => ({ title: "普工", description, occupation: null, skills: [], majors: [], salaryMin: null, salaryMax: null });
const codes = (description: string) => [...new Set(screenPosting(seed, posting(description)).map((h) => h.ruleCode))];

describe("review3: dodging the seed rules", () => {
  it("traditional characters (先交培訓費, 交保證金, 限本地戶口) are caught like the simplified", () => {
    expect(codes("入職先交培訓費")).toContain("FEE_DEPOSIT");
    expect(codes("需交保證金")).toContain("FEE_DEPOSIT");
    expect(codes("限本地戶口")).toContain("HUKOU");
  });
});

describe("review3: the pattern budget", () => {
  it("a pattern accepted when saved still gets through a 5,000-character description within the budget", async () => {
    const pattern = "先.*交.*费";
    await expect(validateRuleInput({ code: "R3_SLOW", description: "测试", severity: "HIGH", matcher: { kind: "PATTERN", pattern } })).resolves.toBeTruthy();
    // A description a poster may send (MAX_DESCRIPTION 5,000): what screening will run the saved pattern over, on the event loop.
    const description = normalisePhrase("先交".repeat(2_500));
    const run = await runPatternWithinBudget(pattern, PATTERN_FLAGS, [description], PATTERN_BUDGET_MS);
    expect(run.ok).toBe(true);
  }, 20_000);
});
