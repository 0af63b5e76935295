import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import { deliveryDeadline, pushDeliveredBefore } from "../notifications/notification.sql.js";

export interface Counting {
  /**
   * As things stood at this instant: made before it, not withdrawn before it. A DELIVERED campaign's
   * push still counts on the day it was made when it was delivered after this instant, within the
   * grace (the issue's rule: quiet hours never push a recommendation out of its campaign), so a past
   * day's figures may still rise until the campaign's grace has run out — and a DELIVERED campaign is
   * closed (its figures frozen) only then (campaign.service closeCampaign).
   */
  asOfEnd?: SQL | undefined;
  /**
   * CAMPAIGN (the default): a push counts as the campaign says (`push_counts_when`). RECORDED: it
   * counts once recorded, whatever the campaign says — only a campaign run's choice of whom to top
   * up reads it so (campaign-batch.service.ts says why).
   */
  counting?: "CAMPAIGN" | "RECORDED";
}

/**
 * The counting rule, in one place (every count of referrals toward a minimum uses it): a referral
 * counts in a campaign if it was recommended (a person's own application, source SELF, never counts:
 * the minimum is what was recommended to them), fitted the person when made, was not withdrawn, and was made inside
 * that campaign's window (Fujian's days, start to end inclusive). The same referral counts in every
 * campaign whose window it falls in (a person's minimum in each comes from its own categories).
 * A campaign that counts pushes when DELIVERED counts it (still on the day it was made) only once
 * its push reached the person, on any channel, before the window's end plus the notification
 * policy's delivery grace (the version in force on the campaign's last day).
 * With `asOfEnd`, as things stood at that instant: made before it, not withdrawn before it (delivered within the grace).
 * `r` is the referrals table's alias in the caller's query.
 */
export function countsTowardMinimum(r: string, campaignId: SQLWrapper, { asOfEnd, counting = "CAMPAIGN" }: Counting = {}): SQL {
  const ref = sql.raw(r);
  const notWithdrawn = asOfEnd
    ? // WITHDRAWN ends a referral (referral-rules): one not withdrawn now was not withdrawn then, and
      // only the few withdrawn since need their event read.
      sql`${ref}.made_at < ${asOfEnd} and (${ref}.status <> 'WITHDRAWN' or not exists (select 1 from referral_events w where w.referral_id = ${ref}.id and w.to_status = 'WITHDRAWN' and w.at < ${asOfEnd}))`
    : sql`${ref}.status <> 'WITHDRAWN'`;
  // The delivery's deadline: the window's end plus the grace, at Fujian midnight as the window's bound.
  const deliveredBy = deliveryDeadline(campaignId);
  // A CASE, not an OR: its branches are taken in order, so a RECORDED campaign never reads a notification.
  const delivered =
    counting === "RECORDED"
      ? sql``
      : sql` and case when (select cw.push_counts_when from campaigns cw where cw.id = ${campaignId}) = 'DELIVERED'
                  then ${pushDeliveredBefore(sql`${ref}.id`, [deliveredBy])} else true end`;
  // The window's bounds (and the campaign's counting, and the deadline) are subqueries of the campaign
  // alone: computed once a statement, not once a referral.
  return sql`${ref}.fitted and ${ref}.source <> 'SELF' and ${notWithdrawn}
    and ${ref}.made_at >= (select cw.starts_on::timestamp at time zone ${SERVICE_TIME_ZONE} from campaigns cw where cw.id = ${campaignId})
    and ${ref}.made_at < (select (cw.ends_on + 1)::timestamp at time zone ${SERVICE_TIME_ZONE} from campaigns cw where cw.id = ${campaignId})${delivered}`;
}

/** SQL: how many of a person's referrals count toward their minimum in a campaign now (`counting` as in `countsTowardMinimum`). */
export function countedReferrals(personId: SQL, campaignId: SQLWrapper, counting?: Counting["counting"]): SQL {
  return sql`(select count(*) from referrals r where r.person_id = ${personId} and ${countsTowardMinimum("r", campaignId, counting ? { counting } : {})})`;
}
