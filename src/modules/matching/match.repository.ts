import type { Executor } from "../../db/client.js";
import { policyInForce } from "../../db/policy-version.js";
import type { MatchWeights } from "./match-score.js";
import { matchingPolicies } from "./matching-policy.table.js";

/** The ranker's weights in force today (policy data, versioned by date). */
export async function activeWeights(db: Executor): Promise<MatchWeights> {
  const row = await policyInForce(db, matchingPolicies);
  if (!row) throw new Error("No matching policy in force: the migrations load one");
  return row.weights as MatchWeights;
}
