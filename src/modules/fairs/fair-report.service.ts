import { serviceToday } from "../../dates.js";
import { sql, type SQL } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import { queryRows, type Executor } from "../../db/client.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { InstitutionRow } from "../institutions/institution.table.js";
import type { RegionRow } from "../regions/region.table.js";
import { activeFairPolicy } from "./fair-policy.service.js";

/** A funnel: each count holds the bookings whose outcome reached that step (a booking's outcome only moves on). */
export interface OutcomeCounts {
  applied: number;
  interviewed: number;
  offered: number;
  hired: number;
  noShow: number;
}

export interface EmployerFairStats extends OutcomeCounts {
  employerId: string;
  boothPostings: number;
  sessions: number;
  seats: number;
  bookings: number;
  checkedIn: number;
}

export interface FairStats extends OutcomeCounts {
  registrations: number;
  invited: number;
  registrationsByCategory: { categoryCode: string; registrations: number }[];
  registrationsWithoutCategory: number;
  sessions: number;
  seats: number;
  bookings: number;
  cancelledBookings: number;
  checkedIn: number;
  attendees: number;
  byEmployer: EmployerFairStats[];
}

const OUTCOME_COLUMNS = sql`
  count(*) filter (where b.outcome in ('APPLIED', 'INTERVIEWED', 'OFFERED', 'HIRED'))::int as applied,
  count(*) filter (where b.outcome in ('INTERVIEWED', 'OFFERED', 'HIRED'))::int as interviewed,
  count(*) filter (where b.outcome in ('OFFERED', 'HIRED'))::int as offered,
  count(*) filter (where b.outcome = 'HIRED')::int as hired,
  count(*) filter (where b.outcome = 'NO_SHOW')::int as "noShow"`;

const fairIn = (column: SQL, fairIds: readonly string[]) => sql`${column} = any(${sql.param([...fairIds])}::uuid[])`;

/**
 * The figures of these fairs, for their organiser (the caller checks who asks: `mayOrganise`), in
 * five statements however many fairs: registrations (by the registered people's current target
 * categories — a person in two counts in both), sessions and seats (not called off), bookings,
 * attendance (bookings checked in, people checked in), outcomes as a funnel, and the same per
 * employer (booth postings, sessions, seats, bookings in its sessions, check-ins, outcomes).
 */
export async function fairStatsForFairs(db: Executor, fairIds: readonly string[]): Promise<Map<string, FairStats>> {
  if (fairIds.length === 0) return new Map();
  const registrations = await queryRows<{ fairId: string; registrations: number; invited: number; without: number }>(
    db,
    sql`select r.fair_id as "fairId", count(*)::int as registrations, count(*) filter (where r.invited)::int as invited,
               count(*) filter (where not exists (select 1 from person_categories pc where pc.person_id = r.person_id))::int as without
        from fair_registrations r where ${fairIn(sql`r.fair_id`, fairIds)} group by r.fair_id`,
  );
  const byCategory = await queryRows<{ fairId: string; categoryCode: string; registrations: number }>(
    db,
    sql`select r.fair_id as "fairId", pc.category_code as "categoryCode", count(*)::int as registrations
        from fair_registrations r join person_categories pc on pc.person_id = r.person_id
        where ${fairIn(sql`r.fair_id`, fairIds)} group by r.fair_id, pc.category_code order by pc.category_code`,
  );
  const sessions = await queryRows<{ fairId: string; sessions: number; seats: number }>(
    db,
    sql`select fair_id as "fairId", count(*)::int as sessions, coalesce(sum(capacity), 0)::int as seats from fair_sessions
        where ${fairIn(sql`fair_id`, fairIds)} and status <> 'CANCELLED' group by fair_id`,
  );
  const bookings = await queryRows<OutcomeCounts & { fairId: string; bookings: number; cancelled: number; checkedIn: number; attendees: number }>(
    db,
    sql`select b.fair_id as "fairId", count(*) filter (where b.status <> 'CANCELLED')::int as bookings, count(*) filter (where b.status = 'CANCELLED')::int as cancelled,
               count(*) filter (where b.status = 'CHECKED_IN')::int as "checkedIn",
               count(distinct b.person_id) filter (where b.status = 'CHECKED_IN')::int as attendees, ${OUTCOME_COLUMNS}
        from fair_bookings b where ${fairIn(sql`b.fair_id`, fairIds)} group by b.fair_id`,
  );
  // Every employer at each fair: with a booth, or with a session the organiser added.
  const employers = await queryRows<EmployerFairStats & { fairId: string }>(
    db,
    sql`with at_fair as (
          select fair_id, employer_id from fair_booths where ${fairIn(sql`fair_id`, fairIds)}
          union select fair_id, employer_id from fair_sessions where ${fairIn(sql`fair_id`, fairIds)} and employer_id is not null
        ),
        postings as (
          select bo.fair_id, bo.employer_id, count(*)::int as n from fair_booths bo join fair_booth_postings bp on bp.booth_id = bo.id
          where ${fairIn(sql`bo.fair_id`, fairIds)} group by bo.fair_id, bo.employer_id
        ),
        sessions as (
          select fair_id, employer_id, count(*)::int as n, sum(capacity)::int as seats from fair_sessions
          where ${fairIn(sql`fair_id`, fairIds)} and employer_id is not null and status <> 'CANCELLED' group by fair_id, employer_id
        ),
        bookings as (
          select b.fair_id, s.employer_id, count(*) filter (where b.status <> 'CANCELLED')::int as bookings,
                 count(*) filter (where b.status = 'CHECKED_IN')::int as "checkedIn", ${OUTCOME_COLUMNS}
          from fair_bookings b join fair_sessions s on s.id = b.session_id
          where ${fairIn(sql`b.fair_id`, fairIds)} and s.employer_id is not null group by b.fair_id, s.employer_id
        )
        select a.fair_id as "fairId", a.employer_id as "employerId", coalesce(p.n, 0) as "boothPostings", coalesce(s.n, 0) as sessions, coalesce(s.seats, 0) as seats,
               coalesce(b.bookings, 0) as bookings, coalesce(b."checkedIn", 0) as "checkedIn", coalesce(b.applied, 0) as applied,
               coalesce(b.interviewed, 0) as interviewed, coalesce(b.offered, 0) as offered, coalesce(b.hired, 0) as hired, coalesce(b."noShow", 0) as "noShow"
        from at_fair a left join postings p on p.fair_id = a.fair_id and p.employer_id = a.employer_id
        left join sessions s on s.fair_id = a.fair_id and s.employer_id = a.employer_id
        left join bookings b on b.fair_id = a.fair_id and b.employer_id = a.employer_id
        order by coalesce(b.hired, 0) desc, coalesce(b.bookings, 0) desc, a.employer_id`,
  );
  const stats = new Map<string, FairStats>();
  for (const fairId of fairIds) {
    const r = registrations.find((row) => row.fairId === fairId);
    const s = sessions.find((row) => row.fairId === fairId);
    const b = bookings.find((row) => row.fairId === fairId);
    stats.set(fairId, {
      registrations: r?.registrations ?? 0,
      invited: r?.invited ?? 0,
      registrationsByCategory: byCategory.filter((row) => row.fairId === fairId).map(({ categoryCode, registrations }) => ({ categoryCode, registrations })),
      registrationsWithoutCategory: r?.without ?? 0,
      sessions: s?.sessions ?? 0,
      seats: s?.seats ?? 0,
      bookings: b?.bookings ?? 0,
      cancelledBookings: b?.cancelled ?? 0,
      checkedIn: b?.checkedIn ?? 0,
      attendees: b?.attendees ?? 0,
      applied: b?.applied ?? 0,
      interviewed: b?.interviewed ?? 0,
      offered: b?.offered ?? 0,
      hired: b?.hired ?? 0,
      noShow: b?.noShow ?? 0,
      byEmployer: employers.filter((row) => row.fairId === fairId).map(({ fairId: _, ...row }) => row),
    });
  }
  return stats;
}

export interface FairCoverage {
  year: number;
  /** Key-group fairs each should hold a year (policy data). */
  required: number;
  institutions: number;
  institutionsWithout: InstitutionRow[];
  bureaus: number;
  bureausWithout: RegionRow[];
}

/** The first instant of a year on Fujian's calendar (UTC+8 all year: mainland China keeps no summer time). */
const yearStart = (year: number) => new Date(`${String(year).padStart(4, "0")}-01-01T00:00:00+08:00`);

/**
 * Who held fewer online fairs for key groups in a year than the policy asks (DOMAIN §5: every
 * institution and HR bureau at least one a year; `fair_policies.key_group_fairs_per_year`). A fair counts for its organiser when it began that year (Fujian's calendar),
 * went LIVE inside its own window (one closed without going live was called off; one that went
 * live outside its dates — a January fair opened and closed in December — was not held as
 * announced), and its audience named key-group graduates — the population, or a category of it. HR bureaus are Fujian's province, prefectures
 * and counties. A caseworker sees their own region's or institution's.
 */
export async function fairCoverage(db: Executor, viewer: Viewer, year: number): Promise<FairCoverage> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput("year", msg("year 须在 2000 至 2100 之间", "year must be 2000–2100"));
  if (viewer.kind !== "user" || (viewer.role !== Role.ADMIN && viewer.role !== Role.CASEWORKER)) throw forbidden(msg("招聘会覆盖情况仅供管理员和经办人员查看", "Coverage is for administrators and caseworkers"));
  const caseworker = viewer.role === Role.CASEWORKER;
  const regionPrefix = caseworker ? (viewer.regionCode ?? null) : null;
  const institutionId = caseworker ? (viewer.institutionId ?? null) : null;
  // Institutions in the caseworker's region or their own; bureaus within their region (none for an institution's caseworker).
  const institutionScope = !caseworker
    ? sql`true`
    : sql`(${regionPrefix === null ? sql`false` : sql`i.region_code like ${`${regionPrefix}%`}`} or ${institutionId === null ? sql`false` : sql`i.id = ${institutionId}`})`;
  const bureauScope = !caseworker ? sql`true` : regionPrefix === null ? sql`false` : sql`r.code like ${`${regionPrefix}%`}`;
  // The rule in force as the year ended (or today, for the current year).
  const today = serviceToday();
  const { keyGroupFairsPerYear: required } = await activeFairPolicy(db, `${year}-12-31` < today ? `${year}-12-31` : today);
  const held = (organiser: SQL) =>
    // A fair counts in the year it went live (Fujian's calendar), and only if it went live within its own
    // window (a day's grace before the start for opening early): a fair cannot be dated into a past year.
    sql`(select count(*) from job_fairs f where ${organiser}
          and f.went_live_at >= f.starts_at - interval '1 day' and f.went_live_at <= f.ends_at
          and f.went_live_at >= ${yearStart(year)} and f.went_live_at < ${yearStart(year + 1)}
          and (f.audience -> 'populations' ? 'KEY_GROUP_GRADUATE'
               or exists (select 1 from jsonb_array_elements_text(f.audience -> 'categoryCodes') c(code)
                          join target_categories tc on tc.code = c.code where tc.population = 'KEY_GROUP_GRADUATE'))) >= ${required}`;
  const institutions = await queryRows<InstitutionRow & { held: boolean }>(
    db,
    sql`select i.id, i.code, i.name, i.kind, i.region_code as "regionCode", i.created_at as "createdAt", ${held(sql`f.organiser_institution_id = i.id`)} as held
        from institutions i where ${institutionScope} order by i.region_code, i.name`,
  );
  const bureaus = await queryRows<RegionRow & { held: boolean }>(
    db,
    sql`select r.code, r.level, r.name, r.parent_code as "parentCode", r.lng, r.lat, r.poverty52, ${held(sql`f.organiser_region_code = r.code`)} as held
        from regions r where r.code like '35%' and ${bureauScope} order by r.code`,
  );
  const strip = <T extends { held: boolean }>({ held: _, ...row }: T) => row;
  return {
    year,
    required,
    institutions: institutions.length,
    institutionsWithout: institutions.filter((i) => !i.held).map(strip),
    bureaus: bureaus.length,
    bureausWithout: bureaus.filter((b) => !b.held).map(strip),
  };
}
