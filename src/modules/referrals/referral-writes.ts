import { and, eq } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { insertReferralIfAbsent, moveReferral } from "./referral.repository.js";
import { referrals, type ReferralRow, type ReferralStatus } from "./referral.table.js";

/**
 * Referral writes other modules make inside their own transactions (a fair's outcomes), so they
 * need not reach into this module's tables or repository. Callers hold the person's lock
 * (people/person.lock.ts) and the posting's share lock before calling: the lock order.
 */

/** The person's referral to the posting, locked for update; undefined when there is none. */
export async function lockReferralOf(tx: Executor, personId: string, postingId: string): Promise<ReferralRow | undefined> {
  const [referral] = await tx.select().from(referrals).where(and(eq(referrals.personId, personId), eq(referrals.postingId, postingId))).for("update");
  return referral;
}

/** A referral made at a job fair (source JOB_FAIR) unless the person has one to the posting; returns theirs, locked. */
export async function recordFairReferral(tx: Executor, row: { personId: string; postingId: string; madeBy: string; fitted: boolean; note: string | null }): Promise<ReferralRow> {
  await insertReferralIfAbsent(tx, { ...row, source: "JOB_FAIR" });
  return (await lockReferralOf(tx, row.personId, row.postingId))!;
}

/** Moves a referral on after a fair's outcome, with its event (the caller checks `mayMove`). */
export function moveReferralForFair(tx: Executor, referral: ReferralRow, to: ReferralStatus, by: string, note: string | null): Promise<ReferralRow> {
  return moveReferral(tx, referral, to, by, note);
}
