import { describe, expect, it } from "vitest";
import { SEED_SCREENING_RULES } from "../../seed/screening-rules.js";
import { DomainError } from "../../src/errors.js";
import { compileRules, PATTERN_BUDGET_MS, PATTERN_FLAGS, screenPosting, validateRuleInput, type ScreeningInput } from "../../src/modules/screening/screening-rules.js";
import { runPatternWithinBudget } from "../../src/modules/screening/screening-pattern-budget.js";
import { normaliseForScreening, normalisePhrase } from "../../src/modules/screening/screening-text.js";
import type { ScreeningRuleRow } from "../../src/modules/screening/screening.table.js";

// Review 3: ways a poster or an administrator got past the screening engine.

const seed = compileRules(
  SEED_SCREENING_RULES.map((r, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, code: r.code, version: 1, description: r.description, severity: r.severity, matcher: r.matcher, active: true, createdAt: new Date(0), createdBy: "t" }) as ScreeningRuleRow),
  [],
);
const posting = (description: string): ScreeningInput => ({ title: "普工", description, occupation: null, skills: [], majors: [], salaryMin: null, salaryMax: null });
const codes = (description: string) => [...new Set(screenPosting(seed, posting(description)).map((h) => h.ruleCode))];

describe("traditional characters are read as simplified", () => {
  it("先交培訓費, 需交保證金, 限本地戶口 are caught like the simplified", () => {
    expect(codes("入職先交培訓費")).toContain("FEE_DEPOSIT");
    expect(codes("需交保證金")).toContain("FEE_DEPOSIT");
    expect(codes("限本地戶口")).toContain("HUKOU");
  });

  it("converts character by character, so a hit's span is still in the text as written", () => {
    expect(normaliseForScreening("限 本地戶口！").text).toBe("限本地户口");
    const [hit] = screenPosting(seed, posting("誠聘：需先交 保證金 500元"));
    expect(hit).toMatchObject({ ruleCode: "FEE_DEPOSIT", excerpt: "先交 保證金" });
  });

  it("a rule's pattern or phrase written in traditional characters finds either form", () => {
    const set = compileRules(
      [{ id: "00000000-0000-4000-8000-000000000099", code: "HK", version: 1, description: "戶口", severity: "HIGH", matcher: { kind: "PATTERN", pattern: "限本地戶口" }, active: true, createdAt: new Date(0), createdBy: "t" } as ScreeningRuleRow],
      [],
    );
    expect(screenPosting(set, posting("限本地户口"))).toHaveLength(1);
    expect(screenPosting(set, posting("限本地戶口"))).toHaveLength(1);
  });
});

describe("a saved pattern cannot run unbounded on a long description", () => {
  it("先.*交.*费 is refused when saved (an unbounded repeat), and its bounded form gets through 5,000 characters of 先交", async () => {
    const error = await validateRuleInput({ code: "R3_SLOW", description: "测试", severity: "HIGH", matcher: { kind: "PATTERN", pattern: "先.*交.*费" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("BAD_USER_INPUT");
    expect((error as DomainError).details).toMatchObject({ field: "matcher.pattern", reason: "UNBOUNDED_QUANTIFIER" });
    expect((error as DomainError).message).toMatch(/\.\{0,20\}/);

    const pattern = "先.{0,20}交.{0,20}费";
    await expect(validateRuleInput({ code: "R3_BOUNDED", description: "测试", severity: "HIGH", matcher: { kind: "PATTERN", pattern } })).resolves.toBeTruthy();
    // A description a poster may send (MAX_DESCRIPTION 5,000): what screening will run the saved pattern over, on the event loop.
    const description = normalisePhrase("先交".repeat(2_500));
    const run = await runPatternWithinBudget(pattern, PATTERN_FLAGS, [description], PATTERN_BUDGET_MS);
    expect(run.ok).toBe(true);
  }, 20_000);
});
