import type { Executor } from "../../db/client.js";
import { keptPolicyInForce } from "../../db/policy-version.js";
import type { MatchRules } from "./match-rules.js";
import type { MatchWeights } from "./match-score.js";
import { matchingPolicies } from "./matching-policy.table.js";

/** The matching policy's numbers: the ranker's weights and the rules beside them. */
export interface MatchPolicy {
  weights: MatchWeights;
  rules: MatchRules;
}

/** The matching policy in force today (policy data, versioned by date; kept by the process between changes). */
export async function activePolicy(db: Executor): Promise<MatchPolicy> {
  const row = await keptPolicyInForce(db, matchingPolicies);
  if (!row) throw new Error("No matching policy in force: the migrations load one");
  return { weights: row.weights as MatchWeights, rules: row.rules as MatchRules };
}
