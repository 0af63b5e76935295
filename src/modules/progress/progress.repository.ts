import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import { scopeCondition, type PersonScope } from "../people/person.access.js";
import { mentorEligible, requiredMinimum } from "../categories/category.sql.js";
import { overdueCondition } from "../mentors/mentor.sql.js";
import { EMPLOYED_STATUSES } from "../people/employment-status.js";
import { countsTowardMinimum } from "../referrals/referral.sql.js";

export type ProgressGrouping = "REGION" | "INSTITUTION" | "CATEGORY";
export type RegionLevelName = "PROVINCE" | "PREFECTURE" | "COUNTY";

export interface ProgressCounts {
  key: string;
  registered: number;
  employed: number;
  unemployed: number;
  furtherStudy: number;
  outOfLabourForce: number;
  /** People with a referral minimum (in a category that has one) as of the day. */
  withMinimum: number;
  atMinimum: number;
  belowMinimum: number;
  /** People hired through a referral by the end of the day. */
  hiredThroughReferral: number;
  /** People the mentoring policy made eligible (a mentorEligible category) as the day ended. */
  mentorEligible: number;
  /** People with a mentor as the day ended. */
  mentored: number;
  /** Of the eligible, with a mentor as the day ended (mentored counts pairings outside the policy too). */
  mentoredEligible: number;
  /** Of those, with no contact for the mentoring policy's days by then. */
  mentorOverdue: number;
}

// Counted as employed (就业): the ledger's one definition.
const EMPLOYED = sql`(${sql.join(EMPLOYED_STATUSES.map((s) => sql.raw(`'${s}'`)), sql`, `)})`;

export interface StandingOptions {
  campaignId: string;
  asOf: string;
  current: boolean;
  followUpDays: number;
}

/**
 * SQL: the CTEs up to `status_at` — each person of `people` (the table, or a CTE of that name)
 * registered by the end of `asOf` and within `scoped`, with their employment status that day, their
 * minimum in the campaign and what counted, hired through a referral, and mentoring.
 */
function standings(opts: StandingOptions, scoped: SQL | undefined): SQL {
  // The scope condition is written against "people", so the CTE reads it unaliased.
  // Registered by the end of `asOf` in Fujian (midnight there, not UTC's).
  const where = sql`people.created_at < ((${opts.asOf}::date + 1)::timestamp at time zone ${SERVICE_TIME_ZONE})${scoped ? sql` and ${scoped}` : sql``}`;
  const endOfDay = sql`((${opts.asOf}::date + 1)::timestamp at time zone ${SERVICE_TIME_ZONE})`;
  const campaign = sql`${opts.campaignId}::uuid`;
  // The current status is the latest in the history: whoever's started on or before the date had it
  // then too. Only people whose status changed after the date need their history read.
  const status = opts.current
    ? sql`s.employment_status`
    : sql`case when s.employment_status_since <= ${opts.asOf}::date then s.employment_status
               else (select h.status from employment_history h where h.person_id = s.id and h.since <= ${opts.asOf}::date order by h.since desc, h.recorded_at desc limit 1) end`;
  // Referral minimums as the day ended: the strictest minimum of the memberships that held, the
  // referrals that counted (fitted, made by then inside the campaign window, not withdrawn by then),
  // and whether a referral had ended in HIRED. Today's memberships for today; for a past day, those
  // that held at its end.
  const held = opts.current ? {} : { asOfEnd: endOfDay };
  // Mentoring as the day ended: pairings that had begun and not ended, and whether each had gone
  // the policy's days without a contact (the current policy's days).
  const mentoredAt = opts.current ? sql`now()` : endOfDay;
  return sql`with scoped as (select people.id, people.household_region_code, people.origin_region_code, people.institution_id, people.employment_status, people.employment_status_since from people where ${where}),
             required as (select q.person_id, q.n from (select s.id as person_id, ${requiredMinimum(sql`s.id`, campaign, held)} as n from scoped s) q where q.n > 0),
             eligible as (select s.id as person_id from scoped s where ${mentorEligible(sql`s.id`, held)}),
             paired as (select ms.person_id, ${overdueCondition("ms", mentoredAt, opts.followUpDays)} as overdue from mentorships ms join scoped s on s.id = ms.person_id
                        where ms.started_at < ${mentoredAt} and (ms.ended_at is null or ms.ended_at >= ${mentoredAt})),
             counted as (select r.person_id, count(*) as n from referrals r join required q on q.person_id = r.person_id
                         where ${countsTowardMinimum("r", campaign, endOfDay)} group by 1),
             hired as (select distinct r.person_id from referrals r join referral_events e on e.referral_id = r.id join scoped s on s.id = r.person_id
                       where e.to_status = 'HIRED' and e.at < ${endOfDay}),
             status_at as (select s.id, s.household_region_code, s.origin_region_code, s.institution_id, ${status} as status,
                                  q.n as required, coalesce(c.n, 0) as counted, h.person_id is not null as hired,
                                  e.person_id is not null as mentor_eligible, p.person_id is not null as mentored, coalesce(p.overdue, false) as mentor_overdue
                           from scoped s left join required q on q.person_id = s.id left join counted c on c.person_id = s.id left join hired h on h.person_id = s.id
                                left join eligible e on e.person_id = s.id left join paired p on p.person_id = s.id)`;
}

/** The memberships a person held at the end of `asOf` (today's for today), as a join `pc` on `person` (an id column). */
function membershipJoin(opts: StandingOptions, person = sql`s.id`): SQL {
  const endOfDay = sql`((${opts.asOf}::date + 1)::timestamp at time zone ${SERVICE_TIME_ZONE})`;
  return opts.current
    ? sql`join person_categories pc on pc.person_id = ${person}`
    : sql`join person_category_history pc on pc.person_id = ${person} and pc.valid_from < ${endOfDay} and (pc.valid_to is null or pc.valid_to >= ${endOfDay})`;
}

/**
 * Freezes a campaign's figures (in the transaction that closes it): every person's standing as its
 * `asOf` ended into campaign_results, with the codes of their memberships then.
 */
export async function freezeStandings(tx: Executor, opts: StandingOptions): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`${standings(opts, undefined)},
        frozen as (insert into campaign_results (campaign_id, person_id, household_region_code, origin_region_code, institution_id, category_codes, status, required, counted, hired, mentor_eligible, mentored, mentor_overdue)
                   select ${opts.campaignId}::uuid, s.id, s.household_region_code, s.origin_region_code, s.institution_id,
                          coalesce((select array_agg(pc.category_code order by pc.category_code) from (select s.id as person_id) me ${membershipJoin(opts, sql`me.person_id`)}), '{}'),
                          s.status, s.required, s.counted, s.hired, s.mentor_eligible, s.mentored, s.mentor_overdue
                   from status_at s returning 1)
        select count(*)::int as n from frozen`,
  );
  return rows[0]!.n;
}

/**
 * Counts of the ledger within a scope as of a day: registered by then, and each person's
 * employment status as it stood that day (from the history). `current` uses the status column
 * instead of the history, for as-of-today reports. `frozen`: the closed campaign's frozen rows instead.
 */
export async function progressCounts(
  db: Executor,
  opts: StandingOptions & { scope: PersonScope; groupBy: ProgressGrouping; regionLevel: RegionLevelName; frozen?: boolean },
): Promise<ProgressCounts[]> {
  const scoped = scopeCondition(opts.scope);
  const width = { PROVINCE: 2, PREFECTURE: 4, COUNTY: 6 }[opts.regionLevel];
  const key: SQL =
    opts.groupBy === "REGION"
      ? sql`rpad(left(s.origin_region_code, ${width}), 6, '0')`
      : opts.groupBy === "INSTITUTION"
        ? sql`coalesce(s.institution_id::text, '')`
        : sql`pc.category_code`;
  const source = opts.frozen
    ? // A CTE named "people" over the frozen rows: the scope condition reads it as it reads the ledger.
      sql`with people as (select f.person_id as id, f.household_region_code, f.origin_region_code, f.institution_id, f.category_codes, f.status, f.required, f.counted,
                                 f.hired, f.mentor_eligible, f.mentored, f.mentor_overdue from campaign_results f where f.campaign_id = ${opts.campaignId}::uuid),
             status_at as (select * from people${scoped ? sql` where ${scoped}` : sql``})`
    : standings(opts, scoped);
  const categoryJoin = opts.groupBy !== "CATEGORY" ? sql`` : opts.frozen ? sql`cross join lateral unnest(s.category_codes) as pc(category_code)` : membershipJoin(opts);
  const rows = await queryRows<
    ProgressCounts & { further_study: number; out_of_labour_force: number; with_minimum: number; at_minimum: number; below_minimum: number; hired: number; mentor_eligible: number; mentored: number; mentored_eligible: number; mentor_overdue: number }
  >(
    db,
    sql`${source}
        select ${key} as key,
               count(*)::int as registered,
               count(*) filter (where s.status in ${EMPLOYED})::int as employed,
               count(*) filter (where s.status = 'UNEMPLOYED' or s.status is null)::int as unemployed,
               count(*) filter (where s.status = 'FURTHER_STUDY')::int as further_study,
               count(*) filter (where s.status = 'OUT_OF_LABOUR_FORCE')::int as out_of_labour_force,
               count(*) filter (where s.required is not null)::int as with_minimum,
               count(*) filter (where s.required is not null and s.counted >= s.required)::int as at_minimum,
               count(*) filter (where s.required is not null and s.counted < s.required)::int as below_minimum,
               count(*) filter (where s.hired)::int as hired,
               count(*) filter (where s.mentor_eligible)::int as mentor_eligible,
               count(*) filter (where s.mentored)::int as mentored,
               count(*) filter (where s.mentored and s.mentor_eligible)::int as mentored_eligible,
               count(*) filter (where s.mentor_overdue)::int as mentor_overdue
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
    withMinimum: Number(r.with_minimum),
    atMinimum: Number(r.at_minimum),
    belowMinimum: Number(r.below_minimum),
    hiredThroughReferral: Number(r.hired),
    mentorEligible: Number(r.mentor_eligible),
    mentored: Number(r.mentored),
    mentoredEligible: Number(r.mentored_eligible),
    mentorOverdue: Number(r.mentor_overdue),
  }));
}

