import { describe, expect, it } from "vitest";
import { SEED_SCREENING_RULES } from "../../seed/screening-rules.js";
import { DomainError } from "../../src/errors.js";
import {
  compileRules,
  screenPosting,
  validateRuleInput,
  type Matcher,
  type ScreeningInput,
} from "../../src/modules/screening/screening-rules.js";
import { normaliseForScreening } from "../../src/modules/screening/screening-text.js";
import type { ScreeningRuleRow } from "../../src/modules/screening/screening.table.js";

let ids = 0;
const row = (code: string, matcher: Matcher, overrides: Partial<ScreeningRuleRow> = {}): ScreeningRuleRow => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
  code,
  version: 1,
  description: `${code} 说明`,
  severity: "HIGH",
  matcher,
  active: true,
  createdAt: new Date(0),
  createdBy: "test",
  ...overrides,
});
const posting = (description: string, overrides: Partial<ScreeningInput> = {}): ScreeningInput => ({
  title: "普工",
  description,
  occupation: null,
  skills: [],
  majors: [],
  salaryMin: null,
  salaryMax: null,
  ...overrides,
});
const seedRows = SEED_SCREENING_RULES.map((r) => row(r.code, r.matcher, { severity: r.severity, description: r.description }));
const seed = compileRules(seedRows, [{ keyword: "会计", p90Max: 8_000 }]);
const codes = (input: ScreeningInput) => [...new Set(screenPosting(seed, input).map((h) => h.ruleCode))].sort();

/** Expects a BAD_USER_INPUT naming `field`. */
async function refused(promise: Promise<unknown>, field: string): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe("BAD_USER_INPUT");
  expect((error as DomainError).details.field).toBe(field);
  return error as DomainError;
}

describe("normaliseForScreening", () => {
  it("folds full-width forms, lower-cases Latin and drops spaces, punctuation, zero-width characters and emoji", () => {
    expect(normaliseForScreening("限 男 性").text).toBe("限男性");
    expect(normaliseForScreening("限·男，ＱＱ：１２３\u200b4😀5").text).toBe("限男qq12345");
    expect(normaliseForScreening("18～35岁, 16 - 20 岁").text).toBe("18-35岁16-20岁");
  });
});

describe("screenPosting", () => {
  it("reports the span in the text as the poster wrote it, not in the normalised text", () => {
    const description = "包吃住。限 男·性，能吃苦";
    const [hit] = screenPosting(seed, posting(description)).filter((h) => h.ruleCode === "GENDER_RESTRICTION");
    expect(hit).toMatchObject({ field: "description", severity: "HIGH", ruleVersion: 1 });
    expect(description.slice(hit!.start!, hit!.end!)).toBe(hit!.excerpt);
    expect(hit!.excerpt).toBe("限 男");
    expect(hit!.start).toBe(4);
  });

  it("keeps UTF-16 offsets right past characters outside the BMP (emoji count two units)", () => {
    const description = "😀😀 先交培训费，另收押金";
    const hits = screenPosting(seed, posting(description)).filter((h) => h.ruleCode === "FEE_DEPOSIT");
    for (const hit of hits) expect(description.slice(hit.start!, hit.end!)).toBe(hit.excerpt);
    // 先交 and 培训费 touch: one span; 押金 is another.
    expect(hits.map((h) => [h.excerpt, h.start])).toEqual([["先交培训费", 5], ["押金", 13]]);
  });

  it("catches evasions: spaces, full-width spaces, middle dots, zero-width characters, emoji, full-width digits", () => {
    expect(codes(posting("限 男 性"))).toContain("GENDER_RESTRICTION");
    expect(codes(posting("限　女　性"))).toContain("GENDER_RESTRICTION");
    expect(codes(posting("限·男"))).toContain("GENDER_RESTRICTION");
    expect(codes(posting("只招\u200b女生"))).toContain("GENDER_RESTRICTION");
    expect(codes(posting("押🙂金200元"))).toContain("FEE_DEPOSIT");
    expect(codes(posting("年满１５岁"))).toContain("CHILD_LABOUR");
    expect(codes(posting("乙 肝 携带者 不要"))).toContain("HEALTH_STATUS");
  });

  it("drops a hit inside an unless phrase (要求男女不限 is not 限男; 无需押金 is not a deposit)", () => {
    expect(codes(posting("要求男女不限，免费培训，无需押金，不收取任何费用，包住宿"))).toEqual([]);
    expect(codes(posting("不限男女，培训费用由公司承担，乙肝疫苗免费接种"))).toEqual([]);
    // …but the same words outside the exception still count.
    expect(codes(posting("无需押金，但需交保证金500元"))).toEqual(["FEE_DEPOSIT"]);
  });

  it("applies unless phrases given in a rule's own spelling (normalised like the text)", () => {
    const set = compileRules([row("DEPOSIT", { kind: "PHRASES", phrases: ["押 金"], unless: ["无·押金"] })], []);
    expect(screenPosting(set, posting("无 押 金"))).toEqual([]);
    expect(screenPosting(set, posting("押金100"))).toHaveLength(1);
  });

  it("reads list fields item by item and says which item", () => {
    const [hit] = screenPosting(seed, posting("", { skills: ["Java", "限男性"] }));
    expect(hit).toMatchObject({ ruleCode: "GENDER_RESTRICTION", field: "skills", item: 1, start: 0, end: 2, excerpt: "限男" });
  });

  it("checks salaryMax against the occupation's p90 × factor, or absoluteMax when the occupation is unknown", () => {
    expect(codes(posting("", { title: "会计", salaryMax: 24_000 }))).toEqual([]);
    expect(codes(posting("", { title: "会计", salaryMax: 24_001 }))).toEqual(["SALARY_IMPLAUSIBLE"]);
    expect(codes(posting("", { title: "普工", salaryMax: 50_000 }))).toEqual([]);
    const [hit] = screenPosting(seed, posting("", { title: "普工", salaryMax: 80_000 }));
    expect(hit).toMatchObject({ field: "salaryMax", start: null, end: null, excerpt: "80000", severity: "LOW" });
  });

  it("uses each code's highest version; a highest version that is inactive retires the code", () => {
    const v1 = row("GENDER", { kind: "PHRASES", phrases: ["限男"] });
    const v2 = row("GENDER", { kind: "PHRASES", phrases: ["限女"] }, { version: 2, severity: "LOW" });
    const set = compileRules([v2, v1], []);
    expect(set.rules).toEqual([{ code: "GENDER", version: 2, severity: "LOW", description: "GENDER 说明" }]);
    expect(screenPosting(set, posting("限男"))).toEqual([]);
    expect(screenPosting(set, posting("限女"))[0]).toMatchObject({ ruleVersion: 2, severity: "LOW" });
    const retired = compileRules([v1, v2, row("GENDER", v2.matcher as Matcher, { version: 3, active: false })], []);
    expect(retired.rules).toEqual([]);
  });
});

describe("validateRuleInput", () => {
  const good = { code: "DEPOSIT", description: "收取押金", severity: "HIGH", matcher: { kind: "PHRASES", phrases: [" 押金 "] } };

  it("accepts a valid rule and returns its matcher as stored (phrases trimmed)", async () => {
    await expect(validateRuleInput(good)).resolves.toEqual({ kind: "PHRASES", phrases: ["押金"] });
    await expect(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "(?:限|仅限)(?:男|女)" } })).resolves.toMatchObject({ kind: "PATTERN" });
  });

  it("accepts every seed rule (the migration's rules could be saved through the API)", async () => {
    for (const rule of SEED_SCREENING_RULES) await expect(validateRuleInput(rule)).resolves.toEqual(rule.matcher);
  }, 30_000);

  it("refuses a blank description", async () => {
    await refused(validateRuleInput({ ...good, description: "  \n " }), "description");
  });

  it("refuses an unknown matcher kind, an empty phrase list and a phrase of punctuation only", async () => {
    await refused(validateRuleInput({ ...good, matcher: { kind: "EMBEDDING", phrases: ["押金"] } }), "matcher.kind");
    await refused(validateRuleInput({ ...good, matcher: { kind: "PHRASES", phrases: [] } }), "matcher.phrases");
    await refused(validateRuleInput({ ...good, matcher: { kind: "PHRASES", phrases: ["押金", "，。"] } }), "matcher.phrases.1");
    await refused(validateRuleInput({ ...good, matcher: "押金" }), "matcher");
    await refused(validateRuleInput({ ...good, matcher: 42 }), "matcher");
    await expect(validateRuleInput({ ...good, matcher: JSON.stringify(good.matcher) })).resolves.toEqual({ kind: "PHRASES", phrases: ["押金"] });
  });

  it("refuses a code, severity or field list the database would not take", async () => {
    await refused(validateRuleInput({ ...good, code: "deposit" }), "code");
    await refused(validateRuleInput({ ...good, severity: "MEDIUM" }), "severity");
    await refused(validateRuleInput({ ...good, matcher: { kind: "PHRASES", phrases: ["押金"], fields: ["salary"] } }), "matcher.fields.0");
  });

  it("refuses a pattern that does not compile, and one that matches empty text", async () => {
    const error = await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "(限男" } }), "matcher.pattern");
    expect(error.message).toMatch(/does not compile/);
    await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "男*" } }), "matcher.pattern");
  });

  it("refuses a catastrophic pattern within the time budget (the worker is stopped, not waited for)", async () => {
    const started = performance.now();
    // Bounded and not nested, so only the budget can tell: overlapping alternatives, exponential on 男男男…
    const error = await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "(?:男|男男){1,40}岁" } }), "matcher.pattern");
    expect(error.details.reason).toBe("TOO_SLOW");
    // Not a timing assertion on the budget itself: only that the check did not run the pattern to its end.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("refuses an unbounded repeat (*, +, {n,}) outside a class and not escaped, suggesting a bounded form", async () => {
    for (const pattern of ["先.*交.*费", "押金+", "\\d{5,}号", "(a+)+$", "加(?:微信){1,}"]) {
      const error = await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern } }), "matcher.pattern");
      expect(error.details.reason).toBe("UNBOUNDED_QUANTIFIER");
      expect(error.message).toMatch(/\.\{0,20\}/);
    }
    // Escaped, or inside a class, * and + are characters; \p{…} braces are not quantifiers.
    for (const pattern of ["c\\+\\+工程师", "[*+]押金", "\\p{Script=Han}{2,4}户口", "qq号?\\d{5,15}"])
      await expect(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern } })).resolves.toMatchObject({ kind: "PATTERN" });
  });

  it("refuses a bound above 100 (.{0,5000} is .* by another name)", async () => {
    const error = await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "先.{0,5000}费" } }), "matcher.pattern");
    expect(error.details.reason).toBe("BOUND_TOO_LARGE");
  });

  it("refuses a nested repeat: a group repeated more than once that holds a quantifier", async () => {
    for (const pattern of ["(?:a{1,3}){1,9}$", "(男?){2,30}岁", "(?:(?:限|仅)男{1,2})?{0,3}x".replace("?{0,3}", "{0,3}")]) {
      const error = await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern } }), "matcher.pattern");
      expect(error.details.reason).toBe("NESTED_QUANTIFIER");
    }
    // A group made optional (at most once) may hold a repeat.
    await expect(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "限(?:\\d{1,2}岁)?以下" } })).resolves.toMatchObject({ kind: "PATTERN" });
  });

  it("times a pattern on 5,000-character runs of its own literal characters and pairs", async () => {
    // Bounded, not nested, fast on the generic samples; slow only on 交 repeated (its own literal).
    const error = await refused(validateRuleInput({ ...good, matcher: { kind: "PATTERN", pattern: "(?:交|交交|交交交){1,60}费" } }), "matcher.pattern");
    expect(error.details.reason).toBe("TOO_SLOW");
  });

  it("refuses a salary check with a factor of 1 or less, or no absolute maximum", async () => {
    await refused(validateRuleInput({ ...good, matcher: { kind: "SALARY_IMPLAUSIBLE", factor: 1, absoluteMax: 50_000 } }), "matcher.factor");
    await refused(validateRuleInput({ ...good, matcher: { kind: "SALARY_IMPLAUSIBLE", factor: 3 } }), "matcher.absoluteMax");
  });
});
