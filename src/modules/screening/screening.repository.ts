import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { occupationSalaries, postingScreenings, screeningRules, type PostingScreeningRow, type ScreeningRuleRow } from "./screening.table.js";

/** What changes whenever a rule is saved (rows are only ever added): the cache's key. */
export async function ruleSetStamp(db: Executor): Promise<string> {
  const [row] = await queryRows<{ n: number; at: string | Date | null }>(db, sql`select count(*)::int as n, max(created_at) as at from screening_rules`);
  const at = row?.at ? new Date(row.at).toISOString() : "-";
  return `${Number(row?.n ?? 0)}@${at}`;
}

/** Every version of every rule, by code then version. */
export function listRuleRows(db: Executor): Promise<ScreeningRuleRow[]> {
  return db.select().from(screeningRules).orderBy(asc(screeningRules.code), asc(screeningRules.version));
}

export function listOccupationSalaries(db: Executor): Promise<{ keyword: string; p90Max: number }[]> {
  return db.select({ keyword: occupationSalaries.keyword, p90Max: occupationSalaries.p90Max }).from(occupationSalaries);
}

/** A new version of a rule: the code's highest version + 1 (the unique (code, version) key guards a concurrent save). */
export async function insertRuleVersion(db: Executor, row: Omit<typeof screeningRules.$inferInsert, "version">): Promise<ScreeningRuleRow> {
  const [next] = await queryRows<{ v: number }>(db, sql`select coalesce(max(version), 0)::int + 1 as v from screening_rules where code = ${row.code}`);
  const [inserted] = await db
    .insert(screeningRules)
    .values({ ...row, version: Number(next!.v) })
    .returning();
  return inserted!;
}

export function listPostingHits(db: Executor, postingId: string): Promise<PostingScreeningRow[]> {
  return db.select().from(postingScreenings).where(eq(postingScreenings.postingId, postingId)).orderBy(asc(postingScreenings.field), asc(postingScreenings.spanStart));
}

export type HitWithRule = PostingScreeningRow & { description: string };

/** The hits of many postings in one statement, each with its rule version's description. */
export async function listHitsOfPostings(db: Executor, postingIds: readonly string[]): Promise<HitWithRule[]> {
  if (postingIds.length === 0) return [];
  const rows = await db
    .select({ hit: postingScreenings, description: screeningRules.description })
    .from(postingScreenings)
    .leftJoin(screeningRules, and(eq(screeningRules.code, postingScreenings.ruleCode), eq(screeningRules.version, postingScreenings.ruleVersion)))
    .where(inArray(postingScreenings.postingId, [...postingIds]))
    .orderBy(asc(postingScreenings.postingId), asc(postingScreenings.field), asc(postingScreenings.spanStart), asc(postingScreenings.ruleCode));
  return rows.map((r) => ({ ...r.hit, description: r.description ?? "" }));
}

export async function deletePostingHits(db: Executor, postingId: string): Promise<void> {
  await db.delete(postingScreenings).where(eq(postingScreenings.postingId, postingId));
}

export async function insertPostingHits(db: Executor, rows: (typeof postingScreenings.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(postingScreenings).values(rows);
}

/** An official let the posting's words stand: every hit of its last screening is approved. */
export async function approvePostingHits(db: Executor, postingId: string): Promise<{ ruleCode: string; excerpt: string }[]> {
  return db.update(postingScreenings).set({ approved: true }).where(eq(postingScreenings.postingId, postingId)).returning({ ruleCode: postingScreenings.ruleCode, excerpt: postingScreenings.excerpt });
}
