import { and, eq, inArray, sql } from "drizzle-orm";
import { insertMany } from "../../db/bulk-insert.js";
import { queryRows, type Executor } from "../../db/client.js";
import { preparedStatement } from "../../db/prepared.js";
import { newId } from "../../db/ids.js";
import { campaigns, KEY_GROUP_KIND, personCategories, personCategoryHistory, targetCategories, type CampaignRow, type TargetCategoryRow } from "./category.table.js";

/** The ACTIVE key-group graduate campaign: key-group categories are decided against its cohort and window. */
export async function findActiveCampaign(db: Executor): Promise<CampaignRow | null> {
  const [row] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.status, "ACTIVE"), eq(campaigns.kind, KEY_GROUP_KIND)));
  return row ?? null;
}

export function listCategoryVersions(db: Executor): Promise<TargetCategoryRow[]> {
  return db.select().from(targetCategories).orderBy(targetCategories.code, targetCategories.version);
}

export function findCategoriesByIds(db: Executor, ids: readonly string[]): Promise<TargetCategoryRow[]> {
  return db.select().from(targetCategories).where(inArray(targetCategories.id, [...ids]));
}

/** Per person with any membership: the populations of their categories and the largest referral minimum among them. */
const populationsAndMinimums = preparedStatement("populations_and_minimums", (db) =>
  db
    .select({
      personId: personCategories.personId,
      populations: sql<string[]>`array_agg(distinct ${targetCategories.population}::text)`,
      minimum: sql<number>`max(${targetCategories.minReferrals})::int`,
    })
    .from(personCategories)
    .innerJoin(targetCategories, eq(targetCategories.id, personCategories.categoryId))
    .where(sql`${personCategories.personId} = any(${sql.placeholder("ids")}::uuid[])`)
    .groupBy(personCategories.personId),
);

export function findPopulationsAndMinimums(db: Executor, personIds: readonly string[]) {
  return populationsAndMinimums(db, { ids: [...personIds] });
}

export function findMemberships(db: Executor, personIds: readonly string[]) {
  return db.select().from(personCategories).where(sql`${personCategories.personId} = any(${sql.param([...personIds])}::uuid[])`);
}

export async function deleteMemberships(db: Executor, pairs: { personId: string; categoryCode: string }[]): Promise<void> {
  if (pairs.length === 0) return;
  await db.execute(
    sql`delete from person_categories pc using unnest(${sql.param(pairs.map((p) => p.personId))}::uuid[], ${sql.param(pairs.map((p) => p.categoryCode))}::text[]) as d(person_id, category_code)
        where pc.person_id = d.person_id and pc.category_code = d.category_code`,
  );
}

export async function upsertMemberships(db: Executor, rows: (typeof personCategories.$inferInsert)[]): Promise<void> {
  await insertMany(db, personCategories, rows, {
    onConflict: sql`on conflict (person_id, category_code) do update set category_id = excluded.category_id, rule_version = excluded.rule_version, decided_at = now()`,
  });
}

export async function nextCategoryVersion(db: Executor, code: string): Promise<number> {
  const [row] = await db
    .select({ v: sql<number>`coalesce(max(${targetCategories.version}), 0)::int` })
    .from(targetCategories)
    .where(and(eq(targetCategories.code, code)));
  return Number(row?.v ?? 0) + 1;
}

export async function insertCategoryVersion(db: Executor, row: typeof targetCategories.$inferInsert): Promise<TargetCategoryRow> {
  const [inserted] = await db.insert(targetCategories).values(row).returning();
  return inserted!;
}

/** Each person's employment status on a day, from the history (people without one by then are absent). */
export async function statusesOn(db: Executor, personIds: string[], day: string): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; status: string }>(
    db,
    sql`select distinct on (person_id) person_id, status from employment_history
        where person_id = any(${sql.param(personIds)}::uuid[]) and since <= ${day}::date
        order by person_id, since desc, recorded_at desc`,
  );
  return new Map(rows.map((r) => [r.person_id, r.status]));
}

/**
 * Keeps the membership history in step: memberships that ended (removed, or re-decided by another
 * version) are closed; the ones that began are opened. Two statements, whatever the batch size.
 */
export async function recordMembershipChanges(
  db: Executor,
  ended: { personId: string; categoryCode: string }[],
  begun: { personId: string; categoryCode: string; categoryId: string }[],
): Promise<void> {
  if (ended.length > 0) {
    await db.execute(
      sql`update person_category_history h set valid_to = now()
          from unnest(${sql.param(ended.map((e) => e.personId))}::uuid[], ${sql.param(ended.map((e) => e.categoryCode))}::text[]) as e(person_id, category_code)
          where h.person_id = e.person_id and h.category_code = e.category_code and h.valid_to is null`,
    );
  }
  await insertMany(db, personCategoryHistory, begun.map((b) => ({ id: newId(), personId: b.personId, categoryCode: b.categoryCode, categoryId: b.categoryId })));
}
