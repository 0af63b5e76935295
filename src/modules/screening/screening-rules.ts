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

export function compileRules(rows: readonly ScreeningRuleRow[], salaries: readonly OccupationSalary[]): CompiledRuleSet {
  void rows;
  void salaries;
  throw new Error("screening engine: not yet implemented");
}

export function screenPosting(set: CompiledRuleSet, input: ScreeningInput): ScreeningHit[] {
  return set.screen(input);
}
