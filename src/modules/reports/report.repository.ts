import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { streamRows } from "../../db/stream-rows.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import type { CampaignRow } from "../categories/category.table.js";
import { complianceStanding, lastRunReason } from "../referrals/referral-compliance.js";
import { countsTowardMinimum } from "../referrals/referral.sql.js";

/** One person below their referral minimum, as a report shows them: masked personal data only. */
export interface BelowMinimumRow {
  personId: string;
  name: string;
  phoneMasked: string | null;
  householdRegionCode: string;
  householdRegionName: string | null;
  institutionName: string | null;
  required: number;
  counted: number;
  reason: string | null;
}

/**
 * The days on which the people now at their minimum reached it — the day their `required`-th referral
 * that counts was made (Fujian's calendar) — as counts per day, in one statement. `where` is the
 * viewer's scope, written against "people". For a closed campaign, as things stood when its figures
 * were frozen (`asOfEnd`): the frozen standing, and referrals made and not withdrawn by then.
 */
export async function reachedMinimumByDay(db: Executor, campaign: CampaignRow, where: SQL, asOfEnd: SQL | undefined): Promise<{ day: string; reached: number }[]> {
  const inCampaign = sql`${campaign.id}::uuid`;
  const rows = await queryRows<{ day: string; reached: number }>(
    db,
    sql`${complianceStanding(campaign, where)},
        ranked as (select r.person_id, r.made_at, row_number() over (partition by r.person_id order by r.made_at, r.id) as k
                   from referrals r join standing st on st.person_id = r.person_id and st.counted >= st.required
                   where ${countsTowardMinimum("r", inCampaign, asOfEnd)})
        select to_char((k.made_at at time zone ${SERVICE_TIME_ZONE})::date, 'YYYY-MM-DD') as day, count(*)::int as reached
        from ranked k join standing st on st.person_id = k.person_id and k.k = st.required
        group by 1 order by 1`,
  );
  return rows.map((r) => ({ day: r.day, reached: Number(r.reached) }));
}

/**
 * Everyone in `where` below their minimum in the campaign, by 户籍 region, name and id, streamed in
 * batches (one statement): name, masked phone, 户籍 region, institution, what they need and have,
 * and why the campaign's last run could not help. The standing is a subquery, so the people it names
 * are the ledger's (a closed campaign's standing reads a CTE of that name over its frozen rows).
 */
export function belowMinimumRows(db: Database, campaign: CampaignRow, where: SQL): AsyncGenerator<BelowMinimumRow[]> {
  const inCampaign = sql`${campaign.id}::uuid`;
  return streamRows<BelowMinimumRow>(
    db,
    sql`select b.person_id as "personId", p.name, p.phone_masked as "phoneMasked", p.household_region_code as "householdRegionCode",
               hr.name as "householdRegionName", i.name as "institutionName", b.required, b.counted, b.reason
        from (${complianceStanding(campaign, where)}
              select s.person_id, s.required, s.counted, ${lastRunReason(inCampaign, sql`s.person_id`)} as reason from standing s where s.counted < s.required) b
        join people p on p.id = b.person_id
        left join regions hr on hr.code = p.household_region_code
        left join institutions i on i.id = p.institution_id
        order by p.household_region_code, p.name, p.id`,
  );
}
