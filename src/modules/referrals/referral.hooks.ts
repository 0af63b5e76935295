import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { finishRuns } from "./campaign-batch.service.js";
import { closeOpenReferrals } from "./referral.repository.js";

/** Reaction to onPostingEnded: a posting that stops being open ends its open referrals (POSTING_CLOSED), so nobody keeps waiting on it. */
export async function closeReferralsOfEndedPostings(tx: Executor, event: { postingIds: readonly string[]; by: string }): Promise<void> {
  await closeOpenReferrals(tx, event.postingIds, event.by);
}

/**
 * Reaction to onCampaignClosing: the campaign's runs stop — their people not yet reached end BELOW
 * with the reason, and the runs are DONE — before its figures are frozen. A batch working some of
 * them holds their items' locks, so the close waits for it and freezes what it wrote.
 */
export async function endRunsOfClosingCampaign(tx: Executor, event: { campaign: { id: string } }): Promise<void> {
  await tx.execute(sql`update campaign_run_items i set state = 'BELOW', reason = '活动已结束：the campaign closed before this person was reached'
    from campaign_runs r where r.id = i.run_id and r.campaign_id = ${event.campaign.id} and i.state = 'PENDING'`);
  await finishRuns(tx);
}
