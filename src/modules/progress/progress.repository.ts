import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import { scopeCondition, type PersonScope } from "../people/person.access.js";

export type ProgressGrouping = "REGION" | "INSTITUTION" | "CATEGORY";
export type RegionLevelName = "PROVINCE" | "PREFECTURE" | "COUNTY";

export interface ProgressCounts {
  key: string;
  registered: number;
  employed: number;
  unemployed: number;
  furtherStudy: number;
  outOfLabourForce: number;
}

// Counted as employed (就业): a job, self-employment, a public-welfare post or a grassroots project.
const EMPLOYED = sql`('EMPLOYED', 'SELF_EMPLOYED', 'PUBLIC_WELFARE_POST', 'GRASSROOTS_PROJECT')`;

/**
 * Counts of the ledger within a scope as of a day: registered by then, and each person's
 * employment status as it stood that day (from the history). `current` uses the status column
 * instead of the history, for as-of-today reports.
 */
export async function progressCounts(
  db: Executor,
  opts: { scope: PersonScope; asOf: string; current: boolean; groupBy: ProgressGrouping; regionLevel: RegionLevelName },
): Promise<ProgressCounts[]> {
  const scoped = scopeCondition(opts.scope);
  // The scope condition is written against the table "people", so the CTE reads it unaliased.
  // Registered by the end of `asOf` in Fujian (midnight there, not UTC's).
  const where = sql`people.created_at < ((${opts.asOf}::date + 1)::timestamp at time zone ${SERVICE_TIME_ZONE})${scoped ? sql` and ${scoped}` : sql``}`;
  const width = { PROVINCE: 2, PREFECTURE: 4, COUNTY: 6 }[opts.regionLevel];
  const key: SQL =
    opts.groupBy === "REGION"
      ? sql`rpad(left(s.origin_region_code, ${width}), 6, '0')`
      : opts.groupBy === "INSTITUTION"
        ? sql`coalesce(s.institution_id::text, '')`
        : sql`pc.category_code`;
  // Today's memberships for today; for a past day, the memberships that held at its end.
  const endOfDay = sql`((${opts.asOf}::date + 1)::timestamp at time zone ${SERVICE_TIME_ZONE})`;
  const categoryJoin =
    opts.groupBy !== "CATEGORY"
      ? sql``
      : opts.current
        ? sql`join person_categories pc on pc.person_id = s.id`
        : sql`join person_category_history pc on pc.person_id = s.id and pc.valid_from < ${endOfDay} and (pc.valid_to is null or pc.valid_to >= ${endOfDay})`;
  // The current status is the latest in the history: whoever's started on or before the date had it
  // then too. Only people whose status changed after the date need their history read.
  const status = opts.current
    ? sql`s.employment_status`
    : sql`case when s.employment_status_since <= ${opts.asOf}::date then s.employment_status
               else (select h.status from employment_history h where h.person_id = s.id and h.since <= ${opts.asOf}::date order by h.since desc, h.recorded_at desc limit 1) end`;
  const rows = await queryRows<ProgressCounts & { further_study: number; out_of_labour_force: number }>(
    db,
    sql`with scoped as (select people.id, people.origin_region_code, people.institution_id, people.employment_status, people.employment_status_since from people where ${where}),
             status_at as (select s.id, s.origin_region_code, s.institution_id, ${status} as status from scoped s)
        select ${key} as key,
               count(*)::int as registered,
               count(*) filter (where s.status in ${EMPLOYED})::int as employed,
               count(*) filter (where s.status = 'UNEMPLOYED' or s.status is null)::int as unemployed,
               count(*) filter (where s.status = 'FURTHER_STUDY')::int as further_study,
               count(*) filter (where s.status = 'OUT_OF_LABOUR_FORCE')::int as out_of_labour_force
        from status_at s ${categoryJoin}
        group by 1 order by 1`,
  );
  return rows.map((r) => ({
    key: r.key,
    registered: Number(r.registered),
    employed: Number(r.employed),
    unemployed: Number(r.unemployed),
    furtherStudy: Number(r.further_study),
    outOfLabourForce: Number(r.out_of_labour_force),
  }));
}

