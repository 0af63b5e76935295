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
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
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

/** What an administrator saves as a rule (saveScreeningRule), `matcher` already parsed from its JSON. */
export interface RuleInput {
  code: string;
  description: string;
  severity: string;
  matcher: unknown;
}

// ---------------------------------------------------------------------------------------------
// minimal stand-in, replaced by the engine branch: PHRASES only (plain substring search over the
// text as given, spans, `unless`); PATTERN compiles but is searched without normalisation;
// SALARY_IMPLAUSIBLE uses `absoluteMax` only. Keep the engine branch's version on merge.
// ---------------------------------------------------------------------------------------------

type StandInRule = { code: string; version: number; severity: Severity; description: string; matcher: Matcher };

function fieldTexts(input: ScreeningInput, fields: readonly ScreenedTextField[] | undefined): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = [];
  for (const f of fields ?? SCREENED_TEXT_FIELDS) {
    const v = input[f];
    if (typeof v === "string") out.push({ field: f, text: v });
    else if (Array.isArray(v)) out.push({ field: f, text: (v as readonly string[]).join("，") });
  }
  return out;
}

function insideUnless(text: string, start: number, end: number, unless: readonly string[] | undefined): boolean {
  for (const u of unless ?? []) {
    if (!u) continue;
    for (let at = text.indexOf(u); at >= 0; at = text.indexOf(u, at + 1)) {
      if (at <= start && at + u.length >= end) return true;
    }
  }
  return false;
}

export function compileRules(rows: readonly ScreeningRuleRow[], salaries: readonly OccupationSalary[]): CompiledRuleSet {
  // minimal stand-in, replaced by the engine branch
  void salaries;
  const latest = new Map<string, ScreeningRuleRow>();
  for (const r of rows) if ((latest.get(r.code)?.version ?? 0) < r.version) latest.set(r.code, r);
  const rules: StandInRule[] = [...latest.values()]
    .filter((r) => r.active)
    .map((r) => ({ code: r.code, version: r.version, severity: r.severity as Severity, description: r.description, matcher: r.matcher as Matcher }));
  return {
    rules: rules.map(({ code, version, severity, description }) => ({ code, version, severity, description })),
    screen(input) {
      const hits: ScreeningHit[] = [];
      for (const rule of rules) {
        const base = { ruleCode: rule.code, ruleVersion: rule.version, severity: rule.severity };
        const m = rule.matcher;
        if (m.kind === "SALARY_IMPLAUSIBLE") {
          if (input.salaryMax != null && input.salaryMax > m.absoluteMax) hits.push({ ...base, field: "salaryMax", start: null, end: null, excerpt: String(input.salaryMax) });
          continue;
        }
        for (const { field, text } of fieldTexts(input, m.fields)) {
          if (m.kind === "PHRASES") {
            for (const phrase of m.phrases) {
              if (!phrase) continue;
              for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + phrase.length)) {
                if (!insideUnless(text, at, at + phrase.length, m.unless)) hits.push({ ...base, field, start: at, end: at + phrase.length, excerpt: phrase });
              }
            }
          } else {
            for (const match of text.matchAll(new RegExp(m.pattern, "gu"))) {
              const start = match.index;
              const end = start + match[0].length;
              if (match[0].length > 0 && !insideUnless(text, start, end, m.unless)) hits.push({ ...base, field, start, end, excerpt: match[0] });
            }
          }
        }
      }
      return hits;
    },
  };
}

export function screenPosting(set: CompiledRuleSet, input: ScreeningInput): ScreeningHit[] {
  return set.screen(input);
}

/** Refuses a rule an administrator may not save (BAD_USER_INPUT with `field`). minimal stand-in, replaced by the engine branch. */
export function validateRuleInput(input: RuleInput): void {
  if (!/^[A-Z][A-Z0-9_]{1,39}$/.test(input.code)) throw badInput("input.code", msg("规则代码须为 2–40 个大写字母、数字或下划线，以字母开头", "A rule code is 2–40 capital letters, digits or underscores, starting with a letter"));
  if (input.description.trim().length === 0) throw badInput("input.description", msg("规则须有说明（中文）", "A rule needs a description (in Chinese)"));
  if (input.severity !== "HIGH" && input.severity !== "LOW") throw badInput("input.severity", msg("严重程度须为 HIGH 或 LOW", "Severity is HIGH or LOW"));
  const m = input.matcher as { kind?: unknown; phrases?: unknown; pattern?: unknown; factor?: unknown; absoluteMax?: unknown } | null;
  if (typeof m !== "object" || m === null) throw badInput("input.matcher", msg("matcher 须为 JSON 对象", "matcher must be a JSON object"));
  switch (m.kind) {
    case "PHRASES":
      if (!Array.isArray(m.phrases) || m.phrases.length === 0 || !m.phrases.every((p) => typeof p === "string" && p.trim().length > 0)) {
        throw badInput("input.matcher.phrases", msg("phrases 须为非空的词语列表", "phrases must be a non-empty list of words"));
      }
      return;
    case "PATTERN":
      if (typeof m.pattern !== "string" || m.pattern.length === 0) throw badInput("input.matcher.pattern", msg("pattern 须为正则表达式", "pattern must be a regular expression"));
      try {
        new RegExp(m.pattern, "u");
      } catch {
        throw badInput("input.matcher.pattern", msg("正则表达式无法编译", "The pattern does not compile"));
      }
      return;
    case "SALARY_IMPLAUSIBLE":
      if (typeof m.factor !== "number" || typeof m.absoluteMax !== "number") throw badInput("input.matcher", msg("factor 与 absoluteMax 须为数字", "factor and absoluteMax must be numbers"));
      return;
    default:
      throw badInput("input.matcher.kind", msg("未知的 matcher 类型（PHRASES、PATTERN、SALARY_IMPLAUSIBLE）", "Unknown matcher kind (PHRASES, PATTERN, SALARY_IMPLAUSIBLE)"));
  }
}
