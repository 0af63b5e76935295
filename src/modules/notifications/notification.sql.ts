import { sql, type SQL } from "drizzle-orm";
import { inForceFirst } from "../../db/policy-version.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";

/**
 * SQL: the referral's push — its REFERRAL notification — was delivered to the person (its first
 * delivery on any channel: the app's fetch, an SMS receipt) before every instant of `before`.
 * `referralId` is the referral's id column in the caller's query (notifications_referral_idx).
 */
export function pushDeliveredBefore(referralId: SQL, before: SQL[]): SQL {
  const by = before.map((instant) => sql` and n.delivered_at < ${instant}`);
  return sql`exists (select 1 from notifications n where n.referral_id = ${referralId} and n.kind = 'REFERRAL'${sql.join(by)})`;
}

/**
 * SQL: the days after a campaign's window within which a delivered push still counts for it — the
 * notification policy's `delivery_grace_days` in force on `day` (a date expression; none: 0).
 */
export function deliveryGraceDays(day: SQL): SQL {
  return sql`coalesce((select np.delivery_grace_days from notification_policies np
                       order by ${inForceFirst(sql.raw("np.effective_from"), sql.raw("np.version"), day)} limit 1), 0)`;
}

/**
 * SQL: the instant a DELIVERED campaign's pushes must be delivered by to count — the window's end plus
 * the grace in force on its last day, at Fujian midnight (as the window's own bound).
 */
export function deliveryDeadline(campaignId: unknown): SQL {
  return sql`(select (cw.ends_on + 1 + ${deliveryGraceDays(sql`cw.ends_on`)})::timestamp at time zone ${SERVICE_TIME_ZONE} from campaigns cw where cw.id = ${campaignId})`;
}
