import { serviceToday } from "../../dates.js";
import { msg, type Message } from "../../i18n.js";
import { LogicEngine } from "json-logic-engine";
import { sql } from "drizzle-orm";
import { POLICY_LOCK } from "./reevaluation.request.js";
import type { Executor } from "../../db/client.js";
import { institutionPlaces } from "../institutions/institution.service.js";
import { poverty52Codes } from "../regions/region.service.js";
import { findActiveCampaign, listCategoryVersions } from "./category.repository.js";
import type { CampaignRow, TargetCategoryRow } from "./category.table.js";
import { evaluationDate, personFacts, type FactsContext, type PersonFacts, type PersonFactsInput } from "./person-facts.js";

type CompiledRule = (facts: unknown) => unknown;

const engine = new LogicEngine();
// Category versions never change once written, so a version's compiled rule is cached by its id.
const compiled = new Map<string, CompiledRule>();

/** Compiles a rule, or says why it cannot be one (unknown operator, not an object). */
export function compileRule(rule: unknown): { ok: true; fn: CompiledRule } | { ok: false; problem: Message } {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) return { ok: false, problem: msg("规则须为 JSON-logic 对象", "a rule is a JSON-logic object") };
  try {
    const fn = engine.build(rule as Parameters<typeof engine.build>[0]) as CompiledRule;
    // A dry run on sample facts catches rules that compile but fail when run ({"throw": …}, arithmetic on nulls).
    for (const sample of SAMPLE_FACTS) fn(sample);
    return { ok: true, fn };
  } catch (error) {
    // The engine's own words (English) follow in both languages.
    const detail = error instanceof Error && error.message ? error.message : "";
    const zhDetail = detail ? `：${detail}` : "";
    const enDetail = detail ? `: ${detail}` : "";
    return { ok: false, problem: msg(`不是有效的 JSON-logic 规则${zhDetail}`, `not a valid JSON-logic rule${enDetail}`) };
  }
}

const SAMPLE_FACTS = [
  { age: 22, gender: "FEMALE", household: { registeredPoverty: true, minimumLiving: false, zeroEmployment: false, disabled: false, county: "350102", prefecture: "3501", province: "35" },
    origin: { county: "350102", prefecture: "3501", province: "35", poverty52: false }, institution: { county: "350121", prefecture: "3501", province: "35", kind: "UNIVERSITY" },
    isGraduate: true, graduationYear: 2020, leftSchool: true, monthsSinceLeavingSchool: 5, employmentStatus: "UNEMPLOYED", unemployed: true, ableToWork: true, seekingWork: true,
    intention: { provinces: ["35"], fujian: true, willingToRelocate: false, openToLabourCooperation: false }, campaign: { code: "X", cohortYear: 2020 } },
  { age: 45, gender: "MALE", household: { registeredPoverty: false, minimumLiving: false, zeroEmployment: false, disabled: false, county: "640422", prefecture: "6404", province: "64" },
    origin: { county: "640422", prefecture: "6404", province: "64", poverty52: true }, institution: null, isGraduate: false, graduationYear: null, leftSchool: false,
    monthsSinceLeavingSchool: null, employmentStatus: "EMPLOYED", unemployed: false, ableToWork: true, seekingWork: false,
    intention: { provinces: [], fujian: false, willingToRelocate: true, openToLabourCooperation: true }, campaign: null },
];

function compiledRule(category: TargetCategoryRow): CompiledRule {
  let fn = compiled.get(category.id);
  if (!fn) {
    const result = compileRule(category.rule);
    // A stored rule that does not compile matches nobody rather than failing every write.
    fn = result.ok ? result.fn : () => false;
    compiled.set(category.id, fn);
  }
  return fn;
}

/** The category versions in force on a date: per code, the newest version whose window holds it. */
export function categoriesInForce(versions: TargetCategoryRow[], on: Date): TargetCategoryRow[] {
  const day = serviceToday(on);
  const byCode = new Map<string, TargetCategoryRow>();
  for (const c of versions) {
    if (c.validFrom > day || (c.validUntil !== null && c.validUntil < day)) continue;
    const current = byCode.get(c.code);
    if (!current || c.version > current.version) byCode.set(c.code, c);
  }
  return [...byCode.values()];
}

export interface CategoryEvaluator {
  campaign: CampaignRow | null;
  /** Key-group categories are decided as of this day, inside the active campaign. */
  asOf: Date;
  /** Population categories (poverty labourers) are not tied to a campaign: decided as of today. */
  today: Date;
  inForce: TargetCategoryRow[];
  /**
   * The categories a person belongs to, with the version that decided each. `statusAtCampaign` is
   * the employment status the person had on `asOf` (from the history), when it differs from today's.
   */
  decide(person: PersonFactsInput, statusAtCampaign?: string): TargetCategoryRow[];
  /** The person's facts as of today (what other policies decided with the categories, subsidies, read). */
  factsToday(person: PersonFactsInput): PersonFacts;
}

/**
 * Loads what deciding categories needs (policy rows, the active campaign, the 52 counties, where
 * institutions are) in four small queries, once per unit of work (a registration, an import batch),
 * inside its transaction: it takes the policy lock shared for the rest of it.
 */
export async function loadCategoryEvaluator(db: Executor, today = new Date()): Promise<CategoryEvaluator> {
  // One after another: `db` may be a transaction, whose single connection takes one query at a time.
  // The policy cannot change under this transaction's decisions: a change waits for it, and asks for
  // everyone to be re-decided once it commits (reevaluation.request.ts).
  await db.execute(sql`select pg_advisory_xact_lock_shared(${POLICY_LOCK})`);
  const campaign = await findActiveCampaign(db);
  const versions = await listCategoryVersions(db);
  const poverty52 = await poverty52Codes(db);
  const schools = await institutionPlaces(db);
  const asOf = evaluationDate(campaign, today);
  const campaignBound = categoriesInForce(versions, asOf).filter((c) => c.population === "KEY_GROUP_GRADUATE");
  const ongoing = categoriesInForce(versions, today).filter((c) => c.population !== "KEY_GROUP_GRADUATE");
  const schoolById = new Map(schools.map((s) => [s.id, s]));
  const campaignCtx: FactsContext = { asOf, campaign, poverty52, institutionRegion: (id) => schoolById.get(id) };
  const todayCtx: FactsContext = { ...campaignCtx, asOf: today };
  const passes = (category: TargetCategoryRow, facts: unknown) => {
    try {
      return compiledRule(category)(facts) === true;
    } catch {
      // A rule that fails on some person (a division by zero…) decides "no" for them; it must not stop the write.
      return false;
    }
  };
  return {
    campaign,
    asOf,
    today,
    inForce: [...campaignBound, ...ongoing],
    decide: (person, statusAtCampaign) => {
      const campaignFacts = personFacts(statusAtCampaign ? { ...person, employmentStatus: statusAtCampaign } : person, campaignCtx);
      const todayFacts = personFacts(person, todayCtx);
      return [...campaignBound.filter((c) => passes(c, campaignFacts)), ...ongoing.filter((c) => passes(c, todayFacts))];
    },
    factsToday: (person) => personFacts(person, todayCtx),
  };
}
