import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { regions } from "../regions/region.table.js";
import { campaigns, personCategories, targetCategories, type CampaignRow, type TargetCategoryRow } from "./category.table.js";

export async function findActiveCampaign(db: Executor): Promise<CampaignRow | null> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.active, true));
  return row ?? null;
}

export function listCategoryVersions(db: Executor): Promise<TargetCategoryRow[]> {
  return db.select().from(targetCategories).orderBy(targetCategories.code, targetCategories.version);
}

export function findCategoriesByIds(db: Executor, ids: readonly string[]): Promise<TargetCategoryRow[]> {
  return db.select().from(targetCategories).where(inArray(targetCategories.id, [...ids]));
}

export async function findPoverty52Codes(db: Executor): Promise<Set<string>> {
  const rows = await db.select({ code: regions.code }).from(regions).where(eq(regions.poverty52, true));
  return new Set(rows.map((r) => r.code));
}

export function findMemberships(db: Executor, personIds: readonly string[]) {
  return db.select().from(personCategories).where(inArray(personCategories.personId, [...personIds]));
}

export async function deleteMemberships(db: Executor, pairs: { personId: string; categoryCode: string }[]): Promise<void> {
  if (pairs.length === 0) return;
  await db.delete(personCategories).where(
    sql`(${personCategories.personId}, ${personCategories.categoryCode}) in (${sql.join(
      pairs.map((p) => sql`(${p.personId}::uuid, ${p.categoryCode})`),
      sql`, `,
    )})`,
  );
}

export async function upsertMemberships(db: Executor, rows: (typeof personCategories.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(personCategories)
    .values(rows)
    .onConflictDoUpdate({
      target: [personCategories.personId, personCategories.categoryCode],
      set: { categoryId: sql`excluded.category_id`, ruleVersion: sql`excluded.rule_version`, decidedAt: sql`now()` },
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
