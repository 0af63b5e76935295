import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { effectiveFromInput, nextPolicyVersion, policyInForce } from "../../db/policy-version.js";
import { badInput, forbidden } from "../../errors.js";
import type { MatchWeights } from "./match-score.js";
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
export function weightProblems(weights: MatchWeights): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const f of FACTORS) {
    const w = weights[f];
    if (!Number.isFinite(w) || w < 0 || w > 1) problems.push({ field: `weights.${f}`, message: `${f} is a share of the score, from 0 to 1` });
  }
  const sum = FACTORS.reduce((s, f) => s + (Number.isFinite(weights[f]) ? weights[f] : 0), 0);
  if (problems.length === 0 && Math.abs(sum - 1) > 0.001) problems.push({ field: "weights", message: `The factors' weights sum to ${sum.toFixed(3)}; they must sum to 1` });
  const d = weights.employerRepeatDamping;
  if (!Number.isFinite(d) || d <= 0 || d > 1) problems.push({ field: "weights.employerRepeatDamping", message: "employerRepeatDamping multiplies each further posting of one employer: above 0, at most 1" });
  return problems;
}

/** A new version of the ranker's weights (administrators), in force from `effectiveFrom` (default today, never a past day). */
export async function setMatchingPolicy(db: Database, viewer: Viewer, weights: MatchWeights, effectiveFrom?: string | null): Promise<MatchingPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden("Only administrators change the matching policy");
  const problems = weightProblems(weights);
  if (problems.length > 0) throw badInput(problems[0]!.field, problems[0]!.message, { problems });
  const from = effectiveFromInput(effectiveFrom);
  const clean: MatchWeights = { ...Object.fromEntries(FACTORS.map((f) => [f, weights[f]])), employerRepeatDamping: weights.employerRepeatDamping } as MatchWeights;
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "matching_policies");
    const [row] = await tx.insert(matchingPolicies).values({ id: newId(), version, weights: clean, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}
