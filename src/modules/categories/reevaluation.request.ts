import { inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { categoryReevaluations, type CategoryReevaluationRow } from "./category.table.js";

export type ReevaluationReason = "CAMPAIGN_ACTIVATED" | "CAMPAIGN_CLOSED" | "CATEGORY_PUBLISHED" | "REQUESTED";

export const OPEN_REEVALUATION = ["PENDING", "RUNNING"] as const;

/**
 * Asks for everyone's categories to be re-decided, in the caller's transaction (so the change that
 * asks for it and the request commit together). Unfinished requests are superseded: the new one
 * re-decides everyone against the policy as it now stands.
 */
export async function requestReevaluation(tx: Executor, reason: ReevaluationReason, by: string, campaignId: string | null = null): Promise<CategoryReevaluationRow> {
  await tx.update(categoryReevaluations).set({ status: "SUPERSEDED", finishedAt: sql`now()` }).where(inArray(categoryReevaluations.status, [...OPEN_REEVALUATION]));
  const [row] = await tx.insert(categoryReevaluations).values({ id: newId(), reason, campaignId, requestedBy: by }).returning();
  return row!;
}

