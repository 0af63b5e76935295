import type { Executor } from "../../db/client.js";
import { closeOpenReferrals } from "./referral.repository.js";

/** Reaction to onPostingEnded: a posting that stops being open ends its open referrals (POSTING_CLOSED), so nobody keeps waiting on it. */
export async function closeReferralsOfEndedPostings(tx: Executor, event: { postingIds: readonly string[]; by: string }): Promise<void> {
  await closeOpenReferrals(tx, event.postingIds, event.by);
}
