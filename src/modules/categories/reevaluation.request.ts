import { inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { categoryReevaluations, type CategoryReevaluationRow } from "./category.table.js";

export type ReevaluationReason = "CAMPAIGN_ACTIVATED" | "CAMPAIGN_CLOSED" | "CATEGORY_PUBLISHED" | "SUBSIDY_PUBLISHED" | "REQUESTED";

export const OPEN_REEVALUATION = ["PENDING", "RUNNING"] as const;

/** Held (exclusively, for its transaction) by whoever works a page, and by a request while it is made. */
export const PAGE_LOCK = 73_202_017;
/**
 * The policy that decides categories: shared by every transaction that decides someone's categories
 * (loadCategoryEvaluator takes it), exclusive while a change of that policy asks for a re-decision.
 */
export const POLICY_LOCK = 73_202_018;

/** Open re-decisions (none: every membership is decided on the policy as it stands). */
export async function openReevaluations(db: Executor): Promise<CategoryReevaluationRow[]> {
  return db.select().from(categoryReevaluations).where(inArray(categoryReevaluations.status, [...OPEN_REEVALUATION]));
}

/**
 * Asks for everyone's categories to be re-decided, in the caller's transaction (so the change that
 * asks for it and the request commit together). Unfinished requests are superseded: the new one
 * re-decides everyone against the policy as it now stands. It waits for a page being worked (so no
 * page carries an older request's cursor past its commit) and for every transaction deciding someone's
 * categories on the policy as it was (those decided after it read the new policy; those before are
 * re-decided by it): requests are made one at a time, and only one is ever open.
 */
export async function requestReevaluation(tx: Executor, reason: ReevaluationReason, by: string, campaignId: string | null = null): Promise<CategoryReevaluationRow> {
  await tx.execute(sql`select pg_advisory_xact_lock(${PAGE_LOCK})`);
  await tx.execute(sql`select pg_advisory_xact_lock(${POLICY_LOCK})`);
  await tx.update(categoryReevaluations).set({ status: "SUPERSEDED", finishedAt: sql`now()` }).where(inArray(categoryReevaluations.status, [...OPEN_REEVALUATION]));
  const [row] = await tx.insert(categoryReevaluations).values({ id: newId(), reason, campaignId, requestedBy: by }).returning();
  return row!;
}

