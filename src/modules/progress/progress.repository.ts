import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import { scopeCondition, type PersonScope } from "../people/person.access.js";
import { mentorEligible, requiredMinimums } from "../categories/category.sql.js";
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
  // referrals that counted (fitted, made by then inside the campaign window, not withdrawn by then,
  // and for a campaign that counts pushes when delivered, delivered by then),
  // and whether a referral had ended in HIRED. Today's memberships for today; for a past day, those
  // that held at its end.
  const held = opts.current ? {} : { asOfEnd: endOfDay };
  // Mentoring as the day ended: pairings that had begun and not ended, and whether each had gone
  // the policy's days without a contact (the current policy's days).
  const mentoredAt = opts.current ? sql`now()` : endOfDay;
  // One pass over the people's referrals: how many counted, when the required-th that counted was made
  // (the day they reached their minimum), and whether one had ended in HIRED by then. HIRED and
  // WITHDRAWN end a referral, and a status is only ever written with its event (referral-rules.ts,
  // held by a test): only those HIRED now need their event read, and only those WITHDRAWN now can
  // have been withdrawn by then.
  const counts = countsTowardMinimum("r", campaign, { asOfEnd: endOfDay });
  return sql`with scoped as (select people.id, people.household_region_code, people.origin_region_code, people.institution_id, people.employment_status, people.employment_status_since from people where ${where}),
             required as ${requiredMinimums(sql`scoped`, campaign, held)},
             eligible as (select s.id as person_id from scoped s where ${mentorEligible(sql`s.id`, held)}),
             paired as (select ms.person_id, ${overdueCondition("ms", mentoredAt, opts.followUpDays)} as overdue from mentorships ms join scoped s on s.id = ms.person_id
                        where ms.started_at < ${mentoredAt} and (ms.ended_at is null or ms.ended_at >= ${mentoredAt})),
             refs as (select x.person_id, count(*) filter (where x.counts) as counted, max(x.made_at) filter (where x.counts and x.k = x.required) as reached_at, bool_or(x.hired) as hired
                      from (select c.*, row_number() over (partition by c.person_id, c.counts order by c.made_at, c.id) as k
                            from (select r.id, r.person_id, r.made_at, q.n as required, ${counts} as counts,
                                         r.status = 'HIRED' and exists (select 1 from referral_events e where e.referral_id = r.id and e.to_status = 'HIRED' and e.at < ${endOfDay}) as hired
                                  from referrals r join scoped s on s.id = r.person_id left join required q on q.person_id = r.person_id) c) x
                      group by x.person_id),
             status_at as (select s.id, s.household_region_code, s.origin_region_code, s.institution_id, ${status} as status,
                                  q.n as required, case when q.n is null then 0 else coalesce(f.counted, 0) end as counted,
                                  f.reached_at, coalesce(f.hired, false) as hired,
                                  e.person_id is not null as mentor_eligible, p.person_id is not null as mentored, coalesce(p.overdue, false) as mentor_overdue
                           from scoped s left join required q on q.person_id = s.id left join refs f on f.person_id = s.id
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
  const categoryJoin = opts.groupBy === "CATEGORY" ? categoriesOf(opts) : sql``;
  const rows = await queryRows<CountRow>(
    db,
    sql`${standingSource(opts, scoped)}
        select ${key} as key, ${COUNT_COLUMNS}
        from status_at s ${categoryJoin}
        group by 1 order by 1`,
  );
  return rows.map(toCounts);
}

/** The CTEs up to `status_at`: the standings computed from the ledger, or a closed campaign's frozen rows. */
function standingSource(opts: StandingOptions & { frozen?: boolean }, scoped: SQL | undefined): SQL {
  return opts.frozen
    ? // A CTE named "people" over the frozen rows: the scope condition reads it as it reads the ledger.
      sql`with people as (select f.person_id as id, f.household_region_code, f.origin_region_code, f.institution_id, f.category_codes, f.status, f.required, f.counted,
                                 f.hired, f.mentor_eligible, f.mentored, f.mentor_overdue from campaign_results f where f.campaign_id = ${opts.campaignId}::uuid),
             status_at as (select people.*, ${frozenReachedAt(opts)} as reached_at from people${scoped ? sql` where ${scoped}` : sql``})`
    : standings(opts, scoped);
}

/**
 * SQL: for a frozen row at its minimum, when its required-th referral that counted was made — counting
 * as the figures were frozen: as the frozen day ended, or at the freeze itself if that came first (a
 * campaign closed mid-day froze what had counted by then).
 */
function frozenReachedAt(opts: StandingOptions): SQL {
  const campaign = sql`${opts.campaignId}::uuid`;
  const cut = sql`least(((${opts.asOf}::date + 1)::timestamp at time zone ${SERVICE_TIME_ZONE}), (select c.figures_frozen_at from campaigns c where c.id = ${campaign}))`;
  return sql`case when people.counted >= people.required then
               (select r.made_at from referrals r where r.person_id = people.id and ${countsTowardMinimum("r", campaign, { asOfEnd: cut })}
                order by r.made_at, r.id offset people.required - 1 limit 1) end`;
}

/** A join `pc` (with a category_code) on each standing `s`: its memberships as the day ended. */
function categoriesOf(opts: StandingOptions & { frozen?: boolean }): SQL {
  return opts.frozen ? sql`cross join lateral unnest(s.category_codes) as pc(category_code)` : membershipJoin(opts);
}

export interface ProgressBreakdown {
  prefectures: ProgressCounts[];
  counties: ProgressCounts[];
  institutions: ProgressCounts[];
  categories: ProgressCounts[];
  /** Everyone once. */
  total: ProgressCounts;
  /** The days on which the people at their minimum reached it (their `required`-th referral that counts was made), as counts per day. */
  reachedByDay: { day: string; reached: number }[];
}

/**
 * Everything a campaign report counts, from one computation of the standings in one statement: the
 * counts by 生源地 prefecture and county, institution and category, the total, and the days on which
 * people reached their minimum — so the report's figures agree with each other and with
 * `progressCounts` (the same standings, the same count columns).
 */
export async function progressBreakdown(db: Executor, opts: StandingOptions & { scope: PersonScope; frozen?: boolean; prefecturesOnly?: boolean }): Promise<ProgressBreakdown> {
  // Prefectures only (a page of charts): no county, institution or category rows to count.
  // Which grouping set a row is of: grouping() has a bit a column, set when the row is not grouped by it.
  const sets = opts.prefecturesOnly ? sql`(s.prefecture), ()` : sql`(s.prefecture), (s.county), (s.institution), ()`;
  const keys = opts.prefecturesOnly ? sql`s.prefecture` : sql`s.prefecture, s.county, s.institution`;
  const kind = opts.prefecturesOnly
    ? sql`case grouping(s.prefecture) when 0 then 'PREFECTURE' else 'TOTAL' end`
    : sql`case grouping(s.prefecture, s.county, s.institution) when 3 then 'PREFECTURE' when 5 then 'COUNTY' when 6 then 'INSTITUTION' else 'TOTAL' end`;
  const categories = opts.prefecturesOnly
    ? sql``
    : sql`union all
        select 'CATEGORY', pc.category_code, ${COUNT_COLUMNS}, null from status_at s ${categoriesOf(opts)} group by pc.category_code`;
  // The curve's rows ride in the same result: kind DAY, the day as the key, the count in `reached`.
  const rows = await queryRows<CountRow & { kind: "PREFECTURE" | "COUNTY" | "INSTITUTION" | "TOTAL" | "CATEGORY" | "DAY"; reached: number | null }>(
    db,
    sql`${standingSource(opts, scopeCondition(opts.scope))}
        select ${kind} as kind, coalesce(${keys}, 'TOTAL') as key, ${COUNT_COLUMNS}, null::int as reached
        from (select s.*, rpad(left(s.origin_region_code, 4), 6, '0') as prefecture, rpad(left(s.origin_region_code, 6), 6, '0') as county,
                     coalesce(s.institution_id::text, '') as institution from status_at s) s
        group by grouping sets (${sets})
        ${categories}
        union all
        select 'DAY', to_char((s.reached_at at time zone ${SERVICE_TIME_ZONE})::date, 'YYYY-MM-DD'), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*)::int
        from status_at s where s.reached_at is not null group by 2
        order by 1, 2`,
  );
  const of = (kind: string) => rows.filter((r) => r.kind === kind).map(toCounts);
  return {
    prefectures: of("PREFECTURE"),
    counties: of("COUNTY"),
    institutions: of("INSTITUTION"),
    categories: of("CATEGORY"),
    total: of("TOTAL")[0] ?? toCounts({ key: "TOTAL", registered: 0, employed: 0, unemployed: 0, further_study: 0, out_of_labour_force: 0, with_minimum: 0, at_minimum: 0, below_minimum: 0, hired: 0, mentor_eligible: 0, mentored: 0, mentored_eligible: 0, mentor_overdue: 0 }),
    reachedByDay: rows.filter((r) => r.kind === "DAY").map((r) => ({ day: r.key, reached: Number(r.reached) })),
  };
}

/** The counts of a group of people's standings (a `status_at` alias `s`), as SQL select columns. */
const COUNT_COLUMNS = sql`count(*)::int as registered,
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
               count(*) filter (where s.mentor_overdue)::int as mentor_overdue`;

type CountRow = { key: string; registered: number; employed: number; unemployed: number; further_study: number; out_of_labour_force: number; with_minimum: number; at_minimum: number; below_minimum: number; hired: number; mentor_eligible: number; mentored: number; mentored_eligible: number; mentor_overdue: number };

function toCounts(r: CountRow): ProgressCounts {
  return {
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
  };
}

