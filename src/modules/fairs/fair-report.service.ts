import { sql, type SQL } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import { queryRows, type Executor } from "../../db/client.js";
import { badInput, forbidden } from "../../errors.js";
import type { InstitutionRow } from "../institutions/institution.table.js";
import type { RegionRow } from "../regions/region.table.js";
import { activeFairPolicy, mayOrganise } from "./fair.service.js";
import type { JobFairRow } from "./fair.table.js";

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

/**
 * A fair's figures for its organiser: registrations (by the registered people's current target
 * categories — a person in two counts in both), sessions and seats (not called off), bookings,
 * attendance (bookings checked in, people checked in), outcomes as a funnel, and the same per
 * employer (booth postings, sessions, seats, bookings in its sessions, check-ins, outcomes).
 */
export async function fairStats(db: Executor, viewer: Viewer, fair: JobFairRow): Promise<FairStats> {
  if (!mayOrganise(viewer, fair)) throw forbidden("A fair's figures are for its organiser");
  const fairId = fair.id;
  const [registrations] = await queryRows<{ registrations: number; invited: number; without: number }>(
    db,
    sql`select count(*)::int as registrations, count(*) filter (where r.invited)::int as invited,
               count(*) filter (where not exists (select 1 from person_categories pc where pc.person_id = r.person_id))::int as without
        from fair_registrations r where r.fair_id = ${fairId}`,
  );
  const byCategory = await queryRows<{ categoryCode: string; registrations: number }>(
    db,
    sql`select pc.category_code as "categoryCode", count(*)::int as registrations
        from fair_registrations r join person_categories pc on pc.person_id = r.person_id
        where r.fair_id = ${fairId} group by pc.category_code order by pc.category_code`,
  );
  const [sessions] = await queryRows<{ sessions: number; seats: number }>(
    db,
    sql`select count(*)::int as sessions, coalesce(sum(capacity), 0)::int as seats from fair_sessions where fair_id = ${fairId} and status <> 'CANCELLED'`,
  );
  const [bookings] = await queryRows<Omit<OutcomeCounts, never> & { bookings: number; cancelled: number; checkedIn: number; attendees: number }>(
    db,
    sql`select count(*) filter (where b.status <> 'CANCELLED')::int as bookings, count(*) filter (where b.status = 'CANCELLED')::int as cancelled,
               count(*) filter (where b.status = 'CHECKED_IN')::int as "checkedIn",
               count(distinct b.person_id) filter (where b.status = 'CHECKED_IN')::int as attendees, ${OUTCOME_COLUMNS}
        from fair_bookings b where b.fair_id = ${fairId}`,
  );
  // Every employer at the fair: with a booth, or with a session the organiser added.
  const employers = await queryRows<EmployerFairStats>(
    db,
    sql`with at_fair as (
          select employer_id from fair_booths where fair_id = ${fairId}
          union select employer_id from fair_sessions where fair_id = ${fairId} and employer_id is not null
        ),
        postings as (
          select bo.employer_id, count(*)::int as n from fair_booths bo join fair_booth_postings bp on bp.booth_id = bo.id
          where bo.fair_id = ${fairId} group by bo.employer_id
        ),
        sessions as (
          select employer_id, count(*)::int as n, sum(capacity)::int as seats from fair_sessions
          where fair_id = ${fairId} and employer_id is not null and status <> 'CANCELLED' group by employer_id
        ),
        bookings as (
          select s.employer_id, count(*) filter (where b.status <> 'CANCELLED')::int as bookings,
                 count(*) filter (where b.status = 'CHECKED_IN')::int as "checkedIn", ${OUTCOME_COLUMNS}
          from fair_bookings b join fair_sessions s on s.id = b.session_id
          where b.fair_id = ${fairId} and s.employer_id is not null group by s.employer_id
        )
        select a.employer_id as "employerId", coalesce(p.n, 0) as "boothPostings", coalesce(s.n, 0) as sessions, coalesce(s.seats, 0) as seats,
               coalesce(b.bookings, 0) as bookings, coalesce(b."checkedIn", 0) as "checkedIn", coalesce(b.applied, 0) as applied,
               coalesce(b.interviewed, 0) as interviewed, coalesce(b.offered, 0) as offered, coalesce(b.hired, 0) as hired, coalesce(b."noShow", 0) as "noShow"
        from at_fair a left join postings p on p.employer_id = a.employer_id left join sessions s on s.employer_id = a.employer_id
        left join bookings b on b.employer_id = a.employer_id
        order by coalesce(b.hired, 0) desc, coalesce(b.bookings, 0) desc, a.employer_id`,
  );
  return {
    registrations: registrations!.registrations,
    invited: registrations!.invited,
    registrationsByCategory: byCategory,
    registrationsWithoutCategory: registrations!.without,
    sessions: sessions!.sessions,
    seats: sessions!.seats,
    bookings: bookings!.bookings,
    cancelledBookings: bookings!.cancelled,
    checkedIn: bookings!.checkedIn,
    attendees: bookings!.attendees,
    applied: bookings!.applied,
    interviewed: bookings!.interviewed,
    offered: bookings!.offered,
    hired: bookings!.hired,
    noShow: bookings!.noShow,
    byEmployer: employers,
  };
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
 * went LIVE (one closed without going live was called off), and its audience named key-group
 * graduates — the population, or a category of it. HR bureaus are Fujian's province, prefectures
 * and counties. A caseworker sees their own region's or institution's.
 */
export async function fairCoverage(db: Executor, viewer: Viewer, year: number): Promise<FairCoverage> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput("year", "year must be 2000–2100");
  if (viewer.kind !== "user" || (viewer.role !== Role.ADMIN && viewer.role !== Role.CASEWORKER)) throw forbidden("Coverage is for administrators and caseworkers");
  const caseworker = viewer.role === Role.CASEWORKER;
  const regionPrefix = caseworker ? (viewer.regionCode ?? null) : null;
  const institutionId = caseworker ? (viewer.institutionId ?? null) : null;
  // Institutions in the caseworker's region or their own; bureaus within their region (none for an institution's caseworker).
  const institutionScope = !caseworker
    ? sql`true`
    : sql`(${regionPrefix === null ? sql`false` : sql`i.region_code like ${`${regionPrefix}%`}`} or ${institutionId === null ? sql`false` : sql`i.id = ${institutionId}`})`;
  const bureauScope = !caseworker ? sql`true` : regionPrefix === null ? sql`false` : sql`r.code like ${`${regionPrefix}%`}`;
  const { keyGroupFairsPerYear: required } = await activeFairPolicy(db);
  const held = (organiser: SQL) =>
    sql`(select count(*) from job_fairs f where ${organiser} and f.went_live_at is not null
          and f.starts_at >= ${yearStart(year)} and f.starts_at < ${yearStart(year + 1)}
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
