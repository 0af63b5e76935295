/**
 * The screening engine (issue 23): pure functions, no database. Rules come from `screening_rules`
 * rows (policy data); `compileRules` turns them into matchers once per rule-set version, and
 * `screenPosting` runs them over one posting's fields, returning every hit with its span.
 *
 * THE INTERFACE the rest of the module uses (kept stable; the implementation behind it may grow):
 * - `Matcher`: the JSON a rule's `matcher` column holds.
 * - `compileRules(rows, salaries)`: CompiledRuleSet.
 * - `screenPosting(set, input)`: ScreeningHit[].
 * - `validateRuleInput(input)`: throws a DomainError (BAD_USER_INPUT, with `field`) for a rule an
 *   administrator may not save (no description, a pattern that does not compile or runs too long on
 *   the sample texts, an unknown matcher kind …).
 */
import { badInput, type DomainError } from "../../errors.js";
import { msg, type Message } from "../../i18n.js";
import { runPatternWithinBudget } from "./screening-pattern-budget.js";
import { literalRunTexts, patternShapeProblem } from "./screening-pattern-shape.js";
import { patternSampleTexts } from "./screening-samples.js";
import { normaliseForScreening, normalisePhrase, originalSpan, simplifyIdeographs, type NormalisedText } from "./screening-text.js";
import type { ScreeningRuleRow } from "./screening.table.js";

export type Severity = "HIGH" | "LOW";

/** The posting fields screening reads (the same names as the GraphQL fields). */
export const SCREENED_TEXT_FIELDS = ["title", "description", "occupation", "skills", "majors"] as const;
export type ScreenedTextField = (typeof SCREENED_TEXT_FIELDS)[number];

export type Matcher =
  /** Any of `phrases` in the normalised text, unless the hit lies inside one of `unless` (要求男女不限 is not 限男). */
  | { kind: "PHRASES"; phrases: string[]; unless?: string[]; fields?: ScreenedTextField[] }
  /** A regular expression over the normalised text (checked when saved: compiles, and runs within a time budget on the sample). */
  | { kind: "PATTERN"; pattern: string; unless?: string[]; fields?: ScreenedTextField[] }
  /** salaryMax above `factor` × the occupation's typical maximum (occupation_salaries), or above `absoluteMax` when none is known. */
  | { kind: "SALARY_IMPLAUSIBLE"; factor: number; absoluteMax: number };

export interface ScreeningInput {
  title: string;
  description: string;
  occupation: string | null;
  skills: readonly string[];
  majors: readonly string[];
  salaryMin: number | null;
  salaryMax: number | null;
}

export interface ScreeningHit {
  ruleCode: string;
  ruleVersion: number;
  severity: Severity;
  /** A ScreenedTextField, or `salaryMax`. */
  field: string;
  /** The span in the field's text as given (not normalised): UTF-16 offsets; null for numeric checks. */
  start: number | null;
  end: number | null;
  /** The words hit (or the figure, for numeric checks). */
  excerpt: string;
  /** For a list field (skills, majors): which item the span is in (0-based); absent otherwise. */
  item?: number;
}

export interface CompiledRuleSet {
  /** The rules in force (their latest active versions). */
  readonly rules: readonly { code: string; version: number; severity: Severity; description: string }[];
  screen(input: ScreeningInput): ScreeningHit[];
}

/** A typical maximum monthly salary for postings whose occupation or title holds `keyword`. */
export interface OccupationSalary {
  keyword: string;
  p90Max: number;
}

/** Flags every rule pattern runs with: global (every hit), Unicode (`\p{Script=Han}` works). Text is already lower-cased. */
export const PATTERN_FLAGS = "gu";
/** How long a pattern may take over all the sample texts when saved (screening-samples.ts). */
export const PATTERN_BUDGET_MS = 200;
const LIMITS = { phrases: 500, phraseLength: 40, patternLength: 1_000, descriptionLength: 2_000 } as const;
const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

interface TextRule {
  kind: "TEXT";
  code: string;
  version: number;
  severity: Severity;
  fields: ReadonlySet<ScreenedTextField>;
  /** Every [start, end) in the normalised text the rule hits, before its `unless` phrases are applied. */
  find(text: string): [number, number][];
  unless: readonly string[];
}
interface SalaryRule {
  kind: "SALARY";
  code: string;
  version: number;
  severity: Severity;
  factor: number;
  absoluteMax: number;
}
type CompiledRule = TextRule | SalaryRule;

function findPhrases(phrases: readonly string[]): (text: string) => [number, number][] {
  return (text) => {
    const hits: [number, number][] = [];
    for (const phrase of phrases) {
      for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) hits.push([at, at + phrase.length]);
    }
    return hits;
  };
}

function findPattern(pattern: string): (text: string) => [number, number][] {
  // The text reads traditional characters as simplified; so does the pattern (a rule written 戶口 finds 户口).
  const re = new RegExp(simplifyIdeographs(pattern), PATTERN_FLAGS);
  return (text) => {
    const hits: [number, number][] = [];
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      else hits.push([m.index, m.index + m[0].length]);
    }
    return hits;
  };
}

/**
 * Drops hits inside an occurrence of an `unless` phrase (限男 inside 不限男女), then joins hits that overlap
 * or touch into one span ("先交" and "押金" in 先交押金 are one finding to a reader).
 */
function keptHits(text: string, hits: [number, number][], unless: readonly string[]): [number, number][] {
  if (hits.length === 0) return hits;
  const exceptions: [number, number][] = [];
  for (const phrase of unless) {
    for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) exceptions.push([at, at + phrase.length]);
  }
  const kept = hits.filter(([s, e]) => !exceptions.some(([us, ue]) => us <= s && e <= ue));
  kept.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: [number, number][] = [];
  for (const hit of kept) {
    const last = out.at(-1);
    if (last !== undefined && hit[0] <= last[1]) last[1] = Math.max(last[1], hit[1]);
    else out.push([hit[0], hit[1]]);
  }
  return out;
}

/**
 * The rules in force, compiled once (callers keep the set until the rules change): for each code its
 * highest version — a highest version with `active: false` retires the code, older versions never come
 * back by themselves. Rows were checked when saved (validateRuleInput); a row that is not a valid rule
 * anyway is a programming error and throws.
 */
export function compileRules(rows: readonly ScreeningRuleRow[], salaries: readonly OccupationSalary[]): CompiledRuleSet {
  const latest = new Map<string, ScreeningRuleRow>();
  for (const row of rows) {
    const seen = latest.get(row.code);
    if (seen === undefined || row.version > seen.version) latest.set(row.code, row);
  }
  const inForce = [...latest.values()].filter((row) => row.active).sort((a, b) => a.code.localeCompare(b.code));
  const compiled: CompiledRule[] = inForce.map((row) => {
    const matcher = parseMatcher(row.matcher);
    if (typeof matcher === "object" && "field" in matcher) throw new Error(`screening rule ${row.code} v${row.version}: ${matcher.message}`);
    const severity = row.severity === "HIGH" ? "HIGH" : "LOW";
    const base = { code: row.code, version: row.version, severity } as const;
    if (matcher.kind === "SALARY_IMPLAUSIBLE") return { ...base, kind: "SALARY", factor: matcher.factor, absoluteMax: matcher.absoluteMax };
    const fields = new Set(matcher.fields ?? SCREENED_TEXT_FIELDS);
    const unless = (matcher.unless ?? []).map(normalisePhrase).filter((p) => p.length > 0);
    const find = matcher.kind === "PHRASES" ? findPhrases([...new Set(matcher.phrases.map(normalisePhrase))].filter((p) => p.length > 0)) : findPattern(matcher.pattern);
    return { ...base, kind: "TEXT", fields, find, unless };
  });
  const references = salaries
    .map((s) => ({ keyword: normalisePhrase(s.keyword), p90Max: s.p90Max }))
    // A keyword of one character after normalisation ("c++" is "c") would match nearly every title.
    .filter((s) => s.keyword.length >= 2 && s.p90Max > 0);
  const rules = inForce.map((row) => ({ code: row.code, version: row.version, severity: (row.severity === "HIGH" ? "HIGH" : "LOW") as Severity, description: row.description }));
  return { rules, screen: (input) => screen(compiled, references, input) };
}

/** The typical maximum for a posting: the highest p90 among the keywords its occupation or title holds (the lenient reading), or null. */
function typicalMax(references: readonly OccupationSalary[], input: ScreeningInput): { keyword: string; p90Max: number } | null {
  const words = normalisePhrase(`${input.occupation ?? ""} ${input.title}`);
  let best: OccupationSalary | null = null;
  for (const ref of references) if (words.includes(ref.keyword) && (best === null || ref.p90Max > best.p90Max)) best = ref;
  return best;
}

function screen(rules: readonly CompiledRule[], references: readonly OccupationSalary[], input: ScreeningInput): ScreeningHit[] {
  // Each field is normalised once, for every rule (lazily: a rule set may read only some fields).
  const cache = new Map<string, NormalisedText>();
  const normalised = (key: string, text: string) => {
    let n = cache.get(key);
    if (n === undefined) cache.set(key, (n = normaliseForScreening(text)));
    return n;
  };
  const texts: { field: ScreenedTextField; item?: number; text: string }[] = [
    { field: "title", text: input.title },
    { field: "description", text: input.description },
    ...(input.occupation ? [{ field: "occupation" as const, text: input.occupation }] : []),
    ...input.skills.map((text, item) => ({ field: "skills" as const, item, text })),
    ...input.majors.map((text, item) => ({ field: "majors" as const, item, text })),
  ];
  const hits: ScreeningHit[] = [];
  for (const rule of rules) {
    const base = { ruleCode: rule.code, ruleVersion: rule.version, severity: rule.severity };
    if (rule.kind === "SALARY") {
      if (input.salaryMax === null) continue;
      const typical = typicalMax(references, input);
      const limit = typical === null ? rule.absoluteMax : Math.round(rule.factor * typical.p90Max);
      if (input.salaryMax > limit) hits.push({ ...base, field: "salaryMax", start: null, end: null, excerpt: String(input.salaryMax) });
      continue;
    }
    for (const t of texts) {
      if (!rule.fields.has(t.field) || t.text.length === 0) continue;
      const n = normalised(`${t.field}.${t.item ?? ""}`, t.text);
      for (const [s, e] of keptHits(n.text, rule.find(n.text), rule.unless)) {
        const span = originalSpan(n, s, e);
        hits.push({ ...base, field: t.field, ...(t.item === undefined ? {} : { item: t.item }), start: span.start, end: span.end, excerpt: t.text.slice(span.start, span.end) });
      }
    }
  }
  return hits;
}

export function screenPosting(set: CompiledRuleSet, input: ScreeningInput): ScreeningHit[] {
  return set.screen(input);
}

/** What an administrator sends to save a rule (the matcher as JSON, not yet trusted). */
export interface RuleInput {
  code: string;
  description: string;
  severity: string;
  matcher: unknown;
}

type Refusal = { field: string; message: Message };
const refuse = (field: string, message: Message): Refusal => ({ field, message });

function stringList(value: unknown, field: string, { required }: { required: boolean }): string[] | Refusal {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value)) return refuse(field, msg("应为字符串列表", "must be a list of strings"));
  if (value.length > LIMITS.phrases) return refuse(field, msg(`最多 ${LIMITS.phrases} 项`, `at most ${LIMITS.phrases} items`));
  const out: string[] = [];
  for (const [i, item] of value.entries()) {
    if (typeof item !== "string" || normalisePhrase(item).length === 0)
      return refuse(`${field}.${i}`, msg("词语不能为空，也不能只有标点或空格", "a phrase must hold letters or digits, not only spaces or punctuation"));
    if (item.length > LIMITS.phraseLength) return refuse(`${field}.${i}`, msg(`词语最长 ${LIMITS.phraseLength} 个字符`, `a phrase is at most ${LIMITS.phraseLength} characters`));
    out.push(item.trim());
  }
  if (required && out.length === 0) return refuse(field, msg("至少需要一个词语", "needs at least one phrase"));
  return out;
}

/** The matcher JSON as a Matcher, or what is wrong with it (structure only: a pattern's running time is checked by validateRuleInput). */
function parseMatcher(value: unknown): Matcher | Refusal {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return refuse("matcher", msg("匹配规则应为对象", "the matcher must be an object"));
  const m = value as Record<string, unknown>;
  const fields = m.fields === undefined ? undefined : stringList(m.fields, "matcher.fields", { required: true });
  if (fields !== undefined && !Array.isArray(fields)) return fields;
  const unknownField = fields?.findIndex((f) => !(SCREENED_TEXT_FIELDS as readonly string[]).includes(f)) ?? -1;
  if (fields !== undefined && unknownField >= 0)
    return refuse(`matcher.fields.${unknownField}`, msg(`未知字段，可用：${SCREENED_TEXT_FIELDS.join("、")}`, `unknown field; known: ${SCREENED_TEXT_FIELDS.join(", ")}`));
  const scope = fields === undefined ? {} : { fields: fields as ScreenedTextField[] };
  switch (m.kind) {
    case "PHRASES": {
      const phrases = stringList(m.phrases, "matcher.phrases", { required: true });
      if (!Array.isArray(phrases)) return phrases;
      const unless = stringList(m.unless, "matcher.unless", { required: false });
      if (!Array.isArray(unless)) return unless;
      return { kind: "PHRASES", phrases, ...(unless.length > 0 ? { unless } : {}), ...scope };
    }
    case "PATTERN": {
      if (typeof m.pattern !== "string" || m.pattern.trim() === "") return refuse("matcher.pattern", msg("正则表达式不能为空", "the pattern must not be empty"));
      if (m.pattern.length > LIMITS.patternLength) return refuse("matcher.pattern", msg(`正则表达式最长 ${LIMITS.patternLength} 个字符`, `a pattern is at most ${LIMITS.patternLength} characters`));
      let re: RegExp;
      try {
        re = new RegExp(m.pattern, PATTERN_FLAGS);
      } catch (error) {
        return refuse("matcher.pattern", msg(`正则表达式无法编译：${(error as Error).message}`, `the pattern does not compile: ${(error as Error).message}`));
      }
      if (re.test("")) return refuse("matcher.pattern", msg("正则表达式能匹配空文本，会命中每一个岗位", "the pattern matches empty text, so it would hit every posting"));
      const unless = stringList(m.unless, "matcher.unless", { required: false });
      if (!Array.isArray(unless)) return unless;
      return { kind: "PATTERN", pattern: m.pattern, ...(unless.length > 0 ? { unless } : {}), ...scope };
    }
    case "SALARY_IMPLAUSIBLE": {
      const factor = m.factor;
      const absoluteMax = m.absoluteMax;
      if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 1 || factor > 100)
        return refuse("matcher.factor", msg("倍数应为大于 1、不超过 100 的数", "factor must be a number above 1 and at most 100"));
      if (typeof absoluteMax !== "number" || !Number.isInteger(absoluteMax) || absoluteMax <= 0)
        return refuse("matcher.absoluteMax", msg("月薪上限应为正整数（元）", "absoluteMax must be a positive whole number of yuan a month"));
      return { kind: "SALARY_IMPLAUSIBLE", factor, absoluteMax };
    }
    default:
      return refuse("matcher.kind", msg("未知的匹配类型，可用：PHRASES、PATTERN、SALARY_IMPLAUSIBLE", "unknown matcher kind; known: PHRASES, PATTERN, SALARY_IMPLAUSIBLE"));
  }
}

/**
 * Refuses a rule an administrator may not save (BAD_USER_INPUT with the field at fault): a code not
 * of the form `GENDER_RESTRICTION`, a severity other than HIGH/LOW, an empty description, an unknown
 * matcher kind, an empty phrase list, a pattern that does not compile, matches empty text, repeats
 * without a bound (`*`, `+`, `{n,}`), above 100, or nests repeats (screening-pattern-shape.ts), or does
 * not get through the sample texts — and 5,000-character runs of its own literal characters and pairs —
 * within PATTERN_BUDGET_MS (a catastrophic pattern, run in a worker thread and stopped). Returns the matcher as it will be stored (phrases trimmed).
 */
export async function validateRuleInput(input: RuleInput): Promise<Matcher> {
  const fail = (r: Refusal): DomainError => badInput(r.field, r.message);
  if (typeof input.code !== "string" || !CODE.test(input.code))
    throw fail(refuse("code", msg("规则代码应为大写字母开头的大写字母、数字和下划线（2–40 个）", "the code must be 2–40 upper-case letters, digits and underscores, starting with a letter")));
  if (input.severity !== "HIGH" && input.severity !== "LOW") throw fail(refuse("severity", msg("严重程度应为 HIGH 或 LOW", "severity must be HIGH or LOW")));
  if (typeof input.description !== "string" || input.description.trim() === "")
    throw fail(refuse("description", msg("规则说明不能为空：官员和发布者要看到为什么被拦下", "the description must not be empty: officials and posters are shown why a posting was held")));
  if (input.description.length > LIMITS.descriptionLength)
    throw fail(refuse("description", msg(`规则说明最长 ${LIMITS.descriptionLength} 个字符`, `the description is at most ${LIMITS.descriptionLength} characters`)));
  // The matcher may arrive as JSON text (a String argument) or already parsed (a JSON scalar).
  let raw = input.matcher;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      throw fail(refuse("matcher", msg("匹配规则不是有效的 JSON", "the matcher is not valid JSON")));
    }
  }
  const matcher = parseMatcher(raw);
  if ("field" in matcher) throw fail(matcher);
  if (matcher.kind === "PATTERN") {
    const shape = patternShapeProblem(matcher.pattern);
    if (shape !== null) throw badInput("matcher.pattern", shape.message, { reason: shape.reason });
    const texts = [...patternSampleTexts(), ...literalRunTexts(matcher.pattern)];
    const run = await runPatternWithinBudget(matcher.pattern, PATTERN_FLAGS, texts, PATTERN_BUDGET_MS);
    if (!run.ok)
      throw badInput(
        "matcher.pattern",
        msg(
          `正则表达式在样本文本上运行超过 ${PATTERN_BUDGET_MS} 毫秒（可能存在灾难性回溯，如 (a+)+$），不能保存`,
          `the pattern ran longer than ${PATTERN_BUDGET_MS} ms on the sample texts (catastrophic backtracking, like (a+)+$?) and cannot be saved`,
        ),
        { reason: run.reason === "TIMEOUT" ? "TOO_SLOW" : "FAILED" },
      );
  }
  return matcher;
}
