import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { effectiveFromInput, nextPolicyVersion, policyInForce } from "../../db/policy-version.js";
import { badInput, forbidden } from "../../errors.js";
import { msg, say, type Message } from "../../i18n.js";
import type { MatchWeights } from "./match-score.js";
import { DEFAULT_MATCH_RULES, ruleProblems, type MatchRules } from "./match-rules.js";
import { matchingPolicies } from "./matching-policy.table.js";

export type MatchingPolicyRow = typeof matchingPolicies.$inferSelect;

/** The ranker's factors: their weights are shares of the score and sum to 1. */
export const FACTORS = ["text", "occupation", "distance", "salary", "education", "keyGroup", "workshop", "freshness", "headcount"] as const;

/** The weights in force on a day (default today). */
export async function matchingPolicyOn(db: Executor, day?: string | null): Promise<MatchingPolicyRow> {
  const row = await policyInForce(db, matchingPolicies, day ?? undefined);
  if (!row) throw new Error("No matching policy in force: the migrations load one from 2020-01-01");
  return row;
}

/** Every problem with a set of weights, by field: each factor 0–1, the factors summing to 1 (±0.001), the damping in (0, 1]. */
export function weightProblems(weights: MatchWeights): { field: string; message: Message }[] {
  const problems: { field: string; message: Message }[] = [];
  for (const f of FACTORS) {
    const w = weights[f];
    if (!Number.isFinite(w) || w < 0 || w > 1) problems.push({ field: `weights.${f}`, message: msg(`${f} 是其在总分中所占的权重，须在 0 至 1 之间`, `${f} is a share of the score, from 0 to 1`) });
  }
  const sum = FACTORS.reduce((s, f) => s + (Number.isFinite(weights[f]) ? weights[f] : 0), 0);
  if (problems.length === 0 && Math.abs(sum - 1) > 0.001) problems.push({ field: "weights", message: msg(`各项因素的权重之和为 ${sum.toFixed(3)}，须等于 1`, `The factors' weights sum to ${sum.toFixed(3)}; they must sum to 1`) });
  const d = weights.employerRepeatDamping;
  if (!Number.isFinite(d) || d <= 0 || d > 1) problems.push({ field: "weights.employerRepeatDamping", message: msg("employerRepeatDamping 是同一用人单位每多一个岗位所乘的衰减系数：须大于 0 且不超过 1", "employerRepeatDamping multiplies each further posting of one employer: above 0, at most 1") });
  return problems;
}

/**
 * A new version of the matching policy (administrators): the ranker's weights and, when given, its
 * rules (otherwise the rules in force on `effectiveFrom` carry over); in force from `effectiveFrom`
 * (default today, never a past day).
 */
export async function setMatchingPolicy(db: Database, viewer: Viewer, weights: MatchWeights, effectiveFrom?: string | null, rules?: MatchRules | null): Promise<MatchingPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改人岗匹配规则", "Only administrators change the matching policy"));
  const problems = [...weightProblems(weights), ...(rules ? ruleProblems(rules) : [])];
  // The message says the first problem, the details every one, in the caller's language.
  if (problems.length > 0) throw badInput(problems[0]!.field, problems[0]!.message, { problems: problems.map((p) => ({ field: p.field, message: say(p.message) })) });
  const from = effectiveFromInput(effectiveFrom);
  const clean: MatchWeights = { ...Object.fromEntries(FACTORS.map((f) => [f, weights[f]])), employerRepeatDamping: weights.employerRepeatDamping } as MatchWeights;
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "matching_policies");
    // Carried over from the version this one follows on its first day (a change scheduled before it stays), not today's.
    const carried = rules ?? ((await policyInForce(tx, matchingPolicies, from))?.rules as MatchRules | undefined) ?? DEFAULT_MATCH_RULES;
    const cleanRules: MatchRules = {
      commuteRadii: carried.commuteRadii.map((r) => ({ population: r.population, km: r.km })),
      boostMargin: carried.boostMargin,
      nearDuplicateDamping: carried.nearDuplicateDamping,
    };
    const [row] = await tx.insert(matchingPolicies).values({ id: newId(), version, weights: clean, rules: cleanRules, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}
