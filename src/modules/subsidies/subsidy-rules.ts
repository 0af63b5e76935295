import { serviceToday } from "../../dates.js";
import { msg, type Message } from "../../i18n.js";
import { compileRule, personFacts, type PersonFacts, type PersonFactsInput } from "../categories/category.service.js";
import type { EmployerRow } from "../employers/employer.table.js";
import type { SubsidySchemeRow } from "./subsidy.table.js";

/**
 * What a subsidy rule may read (the names rules use with `{"var": …}`). A person scheme reads the
 * person's facts as their categories read them, with the current year (the graduation-year
 * subsidies) and how many trainings they asked for (培训意愿). An employer scheme reads the employer
 * and, under `person`, the person it hired.
 */
export function subsidyPersonFacts(facts: PersonFacts, person: { trainingWishes?: readonly string[] }, today: Date) {
  return { ...facts, year: Number(serviceToday(today).slice(0, 4)), trainingWishes: person.trainingWishes?.length ?? 0 };
}
export type SubsidyPersonFacts = ReturnType<typeof subsidyPersonFacts>;

export function employerFacts(employer: Pick<EmployerRow, "regionCode" | "isPovertyWorkshop" | "verified">, hired: SubsidyPersonFacts) {
  const code = employer.regionCode;
  return { employer: { county: code, prefecture: code.slice(0, 4), province: code.slice(0, 2), povertyWorkshop: employer.isPovertyWorkshop, verified: employer.verified }, person: hired };
}

// A sample person, through the same functions as everyone: the names a rule may use follow the facts as they are.
const SAMPLE_INPUT: PersonFactsInput & { trainingWishes: string[] } = {
  birthDate: "1998-05-17", gender: "FEMALE", householdRegionCode: "350102", originRegionCode: "350102", registeredPoverty: true, minimumLiving: false,
  zeroEmployment: false, disabled: false, institutionId: "sample", graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01", employmentStatus: "UNEMPLOYED",
  employmentStatusSince: "2020-07-01", ableToWork: true, seekingWork: true, intentionRegionCodes: ["350102"], willingToRelocate: false, openToLabourCooperation: false,
  trainingWishes: ["电工"],
};
const SAMPLE_PERSON = subsidyPersonFacts(
  personFacts(SAMPLE_INPUT, { asOf: new Date("2020-10-01T00:00:00Z"), campaign: null, poverty52: new Set(), institutionRegion: () => ({ regionCode: "350121", kind: "UNIVERSITY" }) }),
  SAMPLE_INPUT,
  new Date("2020-10-01T00:00:00Z"),
);
const SAMPLE_EMPLOYER = employerFacts({ regionCode: "350102", isPovertyWorkshop: true, verified: true }, SAMPLE_PERSON);
const SAMPLES = { PERSON: SAMPLE_PERSON, EMPLOYER: SAMPLE_EMPLOYER } as const;

/** Every dotted name in a facts object (`household`, `household.registeredPoverty` …). */
function factNames(value: unknown, prefix = "", into = new Set<string>()): Set<string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return into;
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    into.add(name);
    factNames(v, name, into);
  }
  return into;
}
// Facts that may be null (no institution, no campaign) are objects in some people: their inner names are listed from the sample too.
const KNOWN = { PERSON: factNames(SAMPLE_PERSON), EMPLOYER: factNames(SAMPLE_EMPLOYER) } as const;

/** The fact names a rule reads, or null when one is not a plain name (a computed `var`). */
export function ruleVars(rule: unknown, into: string[] = []): string[] | null {
  if (Array.isArray(rule)) {
    for (const item of rule) if (ruleVars(item, into) === null) return null;
    return into;
  }
  if (rule === null || typeof rule !== "object") return into;
  for (const [op, arg] of Object.entries(rule)) {
    if (op === "var") {
      const name = Array.isArray(arg) ? arg[0] : arg;
      if (typeof name !== "string") return null;
      into.push(name);
    } else if (ruleVars(arg, into) === null) return null;
  }
  return into;
}

type Compiled = (facts: unknown) => unknown;
export type Subject = SubsidySchemeRow["subject"];

/** A scheme's rule compiled, or why it cannot be one: not JSON logic, or a name no fact has. */
export function checkSchemeRule(rule: unknown, subject: Subject): { ok: true; fn: Compiled } | { ok: false; problem: Message } {
  const compiled = compileRule(rule);
  if (!compiled.ok) return compiled;
  const names = ruleVars(rule);
  if (names === null) return { ok: false, problem: msg("规则中的 var 须为事实名称（字符串）", "every var in a rule is a fact's name (a string)") };
  const unknown = names.filter((n) => !KNOWN[subject].has(n));
  if (unknown.length > 0) return { ok: false, problem: msg(`规则引用了未知的事实：${unknown.join("、")}`, `the rule names unknown facts: ${unknown.join(", ")}`) };
  try {
    compiled.fn(SAMPLES[subject]);
  } catch (error) {
    const detail = error instanceof Error ? error.message : "";
    return { ok: false, problem: msg(`规则无法求值：${detail}`, `the rule cannot be evaluated: ${detail}`) };
  }
  return compiled;
}

// Scheme versions never change once written: a version's compiled rule is kept by its id.
const compiledById = new Map<string, Compiled>();

/** Whether the scheme version admits these facts (a stored rule that fails on someone admits nobody rather than stopping the write). */
export function admits(scheme: SubsidySchemeRow, facts: unknown): boolean {
  let fn = compiledById.get(scheme.id);
  if (!fn) {
    const checked = checkSchemeRule(scheme.rule, scheme.subject);
    fn = checked.ok ? checked.fn : () => false;
    compiledById.set(scheme.id, fn);
  }
  try {
    return fn(facts) === true;
  } catch {
    return false;
  }
}

/**
 * Why a scheme does not admit these facts: the facts of the first condition of its rule that fails
 * (a rule that is one `and` of conditions names the one that failed; any other, all it reads), with
 * the values they have.
 */
export function failingFacts(scheme: SubsidySchemeRow, facts: unknown): { fact: string; value: unknown }[] {
  const rule = scheme.rule as Record<string, unknown>;
  const conditions = Array.isArray(rule.and) ? (rule.and as unknown[]) : [rule];
  for (const condition of conditions) {
    const checked = compileRule(condition);
    let passes = false;
    try {
      passes = checked.ok && checked.fn(facts) === true;
    } catch {
      passes = false;
    }
    if (!passes) return [...new Set(ruleVars(condition) ?? [])].map((fact) => ({ fact, value: valueAt(facts, fact) }));
  }
  return [];
}

function valueAt(facts: unknown, name: string): unknown {
  let at: unknown = facts;
  for (const part of name.split(".")) at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined;
  return at === undefined ? null : at;
}

/** The scheme versions in force on a day: per code, the newest version whose window holds it. */
export function schemesInForce(versions: readonly SubsidySchemeRow[], on: Date): SubsidySchemeRow[] {
  const day = serviceToday(on);
  const byCode = new Map<string, SubsidySchemeRow>();
  for (const s of versions) {
    if (s.validFrom > day || (s.validUntil !== null && s.validUntil < day)) continue;
    const current = byCode.get(s.code);
    if (!current || s.version > current.version) byCode.set(s.code, s);
  }
  return [...byCode.values()];
}

/** The most a claim on this version may be approved for: the fixed sum, the sum per person employed (one claim a hired person), or the cap. */
export const maxAmountOf = (scheme: Pick<SubsidySchemeRow, "amountYuan">) => scheme.amountYuan;
