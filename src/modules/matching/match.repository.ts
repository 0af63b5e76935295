import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import type { MatchWeights } from "./match-score.js";
import { matchingPolicies } from "./matching-policy.table.js";

/** The ranker's weights in force (policy data: one active version). */
export async function activeWeights(db: Executor): Promise<MatchWeights> {
  const [row] = await db.select().from(matchingPolicies).where(eq(matchingPolicies.active, true));
  if (!row) throw new Error("No active matching policy: the migrations load one");
  return row.weights as MatchWeights;
}
