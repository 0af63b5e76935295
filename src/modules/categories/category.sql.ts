import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/**
 * Category policy as SQL fragments, for queries in any module: each rule written here once and
 * called by name. `personId` is the caller's column or expression (`people.id`, `s.id`, a drizzle
 * column). With `asOfEnd`, the rule reads the memberships that held at that instant (from
 * person_category_history) instead of today's.
 */
export interface AsOf {
  /** An instant (SQL timestamptz): the memberships that held then, not today's. */
  asOfEnd?: SQL;
}

// The memberships a person holds (aliases held_pc, held_tc: distinct from any caller's own).
function membershipsHeld(asOfEnd: SQL | undefined): SQL {
  return asOfEnd
    ? sql`person_category_history held_pc join target_categories held_tc on held_tc.id = held_pc.category_id
          and held_pc.valid_from < ${asOfEnd} and (held_pc.valid_to is null or held_pc.valid_to >= ${asOfEnd})`
    : sql`person_categories held_pc join target_categories held_tc on held_tc.id = held_pc.category_id`;
}

/** SQL condition: the mentoring policy makes the person eligible for a 红娘 mentor — a member of any category marked mentorEligible. */
export function mentorEligible(personId: SQLWrapper, opts: AsOf = {}): SQL {
  return sql`exists (select 1 from ${membershipsHeld(opts.asOfEnd)} where held_pc.person_id = ${personId} and held_tc.mentor_eligible)`;
}

/**
 * SQL integer: the person's referral minimum in a campaign — the strictest (largest) minimum of
 * their memberships in the categories the campaign binds (the binding's minimum, or the deciding
 * version's own when the binding leaves it open); 0 when they are in none of them.
 */
export function requiredMinimum(personId: SQLWrapper, campaignId: SQLWrapper, opts: AsOf = {}): SQL {
  return sql`coalesce((select ${STRICTEST} from ${membershipsHeld(opts.asOfEnd)} ${bindingJoin(campaignId)}
                       where held_pc.person_id = ${personId}), 0)`;
}

/**
 * SQL relation (person_id, n): `requiredMinimum` for many people at once — each of `people` (a
 * relation with an `id` column) whose minimum in the campaign is above 0 — in one grouped join
 * rather than a subquery a person.
 */
export function requiredMinimums(people: SQL, campaignId: SQLWrapper, opts: AsOf = {}): SQL {
  return sql`(select held_pc.person_id, ${STRICTEST} as n from ${people} held_p join ${membershipsHeld(opts.asOfEnd)} on held_pc.person_id = held_p.id ${bindingJoin(campaignId)}
              group by held_pc.person_id having ${STRICTEST} > 0)`;
}

// The strictest minimum of a person's memberships the campaign binds: the binding's, or the version's own when the binding leaves it open.
const STRICTEST = sql`max(coalesce(held_cc.min_referrals, held_tc.min_referrals))`;
const bindingJoin = (campaignId: SQLWrapper) => sql`join campaign_categories held_cc on held_cc.category_code = held_pc.category_code and held_cc.campaign_id = ${campaignId}`;

/** SQL condition: the person holds the category with this code (any version). */
export function inCategory(personId: SQLWrapper, categoryCode: string): SQL {
  return sql`exists (select 1 from person_categories held_pc where held_pc.person_id = ${personId} and held_pc.category_code = ${categoryCode})`;
}

/** SQL condition: the person holds a category of this population (key-group graduates, poverty labourers). */
export function inPopulation(personId: SQLWrapper, population: string): SQL {
  return sql`exists (select 1 from ${membershipsHeld(undefined)} where held_pc.person_id = ${personId} and held_tc.population = ${population})`;
}

/** SQL condition: the person holds a category the campaign binds (they are in the campaign). */
export function inCampaign(personId: SQLWrapper, campaignId: SQLWrapper, opts: AsOf = {}): SQL {
  return sql`exists (select 1 from ${membershipsHeld(opts.asOfEnd)} join campaign_categories held_cc on held_cc.category_code = held_pc.category_code
                     where held_pc.person_id = ${personId} and held_cc.campaign_id = ${campaignId})`;
}
