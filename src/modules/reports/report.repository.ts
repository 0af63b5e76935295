import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { streamRows } from "../../db/stream-rows.js";
import type { CampaignRow } from "../categories/category.table.js";
import { complianceStanding, lastRunReason } from "../referrals/referral-compliance.js";

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
