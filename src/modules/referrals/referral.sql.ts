import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { SERVICE_TIME_ZONE } from "../../dates.js";

/**
 * The counting rule, in one place (every count of referrals toward a minimum uses it): a referral
 * counts in a campaign if it was recommended (a person's own application, source SELF, never counts:
 * the minimum is what was recommended to them), fitted the person when made, was not withdrawn, and was made inside
 * that campaign's window (Fujian's days, start to end inclusive). The same referral counts in every
 * campaign whose window it falls in (a person's minimum in each comes from its own categories).
 * With `asOfEnd`, as things stood at that instant: made before it, not withdrawn before it.
 * `r` is the referrals table's alias in the caller's query.
 */
export function countsTowardMinimum(r: string, campaignId: SQLWrapper, asOfEnd?: SQL): SQL {
  const ref = sql.raw(r);
  const notWithdrawn = asOfEnd
    ? // WITHDRAWN ends a referral (referral-rules): one not withdrawn now was not withdrawn then, and
      // only the few withdrawn since need their event read.
      sql`${ref}.made_at < ${asOfEnd} and (${ref}.status <> 'WITHDRAWN' or not exists (select 1 from referral_events w where w.referral_id = ${ref}.id and w.to_status = 'WITHDRAWN' and w.at < ${asOfEnd}))`
    : sql`${ref}.status <> 'WITHDRAWN'`;
  // The window's bounds are subqueries of the campaign alone: computed once a statement, not once a referral.
  return sql`${ref}.fitted and ${ref}.source <> 'SELF' and ${notWithdrawn}
    and ${ref}.made_at >= (select cw.starts_on::timestamp at time zone ${SERVICE_TIME_ZONE} from campaigns cw where cw.id = ${campaignId})
    and ${ref}.made_at < (select (cw.ends_on + 1)::timestamp at time zone ${SERVICE_TIME_ZONE} from campaigns cw where cw.id = ${campaignId})`;
}

/** SQL: how many of a person's referrals count toward their minimum in a campaign now. */
export function countedReferrals(personId: SQL, campaignId: SQLWrapper): SQL {
  return sql`(select count(*) from referrals r where r.person_id = ${personId} and ${countsTowardMinimum("r", campaignId)})`;
}
