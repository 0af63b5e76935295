import { LogicEngine } from "json-logic-engine";
import type { Executor } from "../../db/client.js";
import { institutions } from "../institutions/institution.table.js";
import { findActiveCampaign, findPoverty52Codes, listCategoryVersions } from "./category.repository.js";
import type { CampaignRow, TargetCategoryRow } from "./category.table.js";
import { evaluationDate, personFacts, type FactsContext, type PersonFactsInput } from "./person-facts.js";

type CompiledRule = (facts: unknown) => unknown;

const engine = new LogicEngine();
// Category versions never change once written, so a version's compiled rule is cached by its id.
const compiled = new Map<string, CompiledRule>();

/** Compiles a rule, or says why it cannot be one (unknown operator, not an object). */
export function compileRule(rule: unknown): { ok: true; fn: CompiledRule } | { ok: false; problem: string } {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) return { ok: false, problem: "a rule is a JSON-logic object" };
  try {
    const fn = engine.build(rule as Parameters<typeof engine.build>[0]) as CompiledRule;
    return { ok: true, fn };
  } catch (error) {
    return { ok: false, problem: `not a valid JSON-logic rule${error instanceof Error && error.message ? `: ${error.message}` : ""}` };
  }
}

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
  const day = on.toISOString().slice(0, 10);
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
  asOf: Date;
  inForce: TargetCategoryRow[];
  /** The categories a person belongs to, with the version that decided each. */
  decide(person: PersonFactsInput): TargetCategoryRow[];
}

/**
 * Loads what deciding categories needs (policy rows, the active campaign, the 52 counties, where
 * institutions are) in four small queries, once per unit of work (a registration, an import batch).
 */
export async function loadCategoryEvaluator(db: Executor, today = new Date()): Promise<CategoryEvaluator> {
  const [campaign, versions, poverty52, schools] = await Promise.all([
    findActiveCampaign(db),
    listCategoryVersions(db),
    findPoverty52Codes(db),
    db.select({ id: institutions.id, regionCode: institutions.regionCode, kind: institutions.kind }).from(institutions),
  ]);
  const asOf = evaluationDate(campaign, today);
  const inForce = categoriesInForce(versions, asOf);
  const schoolById = new Map(schools.map((s) => [s.id, s]));
  const ctx: FactsContext = { asOf, campaign, poverty52, institutionRegion: (id) => schoolById.get(id) };
  return {
    campaign,
    asOf,
    inForce,
    decide: (person) => {
      const facts = personFacts(person, ctx);
      return inForce.filter((c) => compiledRule(c)(facts) === true);
    },
  };
}
