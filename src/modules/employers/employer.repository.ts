import { and, desc, eq, ilike, like, lt, sql, type SQL } from "drizzle-orm";
import { escapeLike } from "../../db/like.js";
import { preparedShapes, preparedStatement } from "../../db/prepared.js";
import type { EmployerColumn } from "./employer.columns.js";
import { queryRows, type Executor } from "../../db/client.js";
import { logDerivedChange } from "../../search/change-log.js";
import { employers, type EmployerRow } from "./employer.table.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";

export async function findEmployerById(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<EmployerRow | undefined> {
  const query = db.select().from(employers).where(eq(employers.id, id));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

/**
 * Locks an employer row: FOR UPDATE by what changes who may post for it (a link decided, a takeover),
 * FOR KEY SHARE by a partner push before it reads the link — so a push and a link decision take turns.
 */
export async function lockEmployerRow(db: Executor, id: string, mode: "update" | "key share"): Promise<EmployerRow | undefined> {
  const [row] = await db.select().from(employers).where(eq(employers.id, id)).for(mode);
  return row;
}

const employersByIds = preparedStatement("employers_by_ids", (db) => db.select().from(employers).where(sql`${employers.id} = any(${sql.placeholder("ids")}::uuid[])`));

/** Employers by id (any order; unknown ids are left out): the employer loader's read, prepared (a page's postings ask for a hundred at once). */
export function findEmployersByIds(db: Executor, ids: readonly string[]): Promise<EmployerRow[]> {
  return employersByIds(db, { ids: [...ids] });
}

const employerColumnsByIds = preparedShapes("employer_columns_by_ids", 50, (db, columns: readonly EmployerColumn[]) =>
  db
    .select(Object.fromEntries(columns.map((c) => [c, employers[c]])) as typeof employers._.columns)
    .from(employers)
    .where(sql`${employers.id} = any(${sql.placeholder("ids")}::uuid[])`),
);

/** Some columns (the id among them) of employers by id, prepared per set of columns: what a page's fields read of each. */
export function findEmployerColumnsByIds<C extends EmployerColumn>(db: Executor, ids: readonly string[], columns: readonly C[]): Promise<Pick<EmployerRow, C | "id">[]> {
  return employerColumnsByIds(db, columns.join(","), columns, { ids: [...ids] });
}

export async function findEmployerByCreditCode(db: Executor, creditCode: string): Promise<EmployerRow | undefined> {
  const [row] = await db.select().from(employers).where(eq(employers.creditCode, creditCode));
  return row;
}

export async function insertEmployer(db: Executor, row: typeof employers.$inferInsert): Promise<EmployerRow> {
  const [inserted] = await db.insert(employers).values(row).returning();
  return inserted!;
}

/** For partner pushes: the first push of a credit code registers the employer, later ones reuse it. */
export async function insertEmployerIfAbsent(db: Executor, row: typeof employers.$inferInsert): Promise<EmployerRow> {
  await db.insert(employers).values(row).onConflictDoNothing({ target: employers.creditCode });
  return (await findEmployerByCreditCode(db, row.creditCode))!;
}

const SHOWN_ON_POSTINGS = ["name", "verified", "isPovertyWorkshop", "regionCode", "creditCode"] as const;

export async function updateEmployer(db: Executor, id: string, patch: Partial<typeof employers.$inferInsert>): Promise<EmployerRow> {
  const [row] = await db.update(employers).set({ ...patch, updatedAt: sql`now()` }).where(eq(employers.id, id)).returning();
  // Postings carry the employer's name, standing and workshop flag into the search index and the partner feed.
  if (SHOWN_ON_POSTINGS.some((k) => k in patch)) await logDerivedChange(db, { employerId: id }, "employer");
  return row!;
}

export interface EmployerQuery {
  regionPrefix?: string;
  verified?: boolean;
  isPovertyWorkshop?: boolean;
  nameContains?: string;
}

function employerConditions(q: EmployerQuery): SQL[] {
  const conditions: SQL[] = [];
  if (q.regionPrefix) conditions.push(like(employers.regionCode, `${q.regionPrefix}%`));
  if (q.verified !== undefined) conditions.push(eq(employers.verified, q.verified));
  if (q.isPovertyWorkshop !== undefined) conditions.push(eq(employers.isPovertyWorkshop, q.isPovertyWorkshop));
  if (q.nameContains) conditions.push(ilike(employers.name, `%${escapeLike(q.nameContains)}%`));
  return conditions;
}

export function listEmployers(db: Executor, q: EmployerQuery, page: KeysetPage): Promise<EmployerRow[]> {
  return db.select().from(employers).where(and(...employerConditions(q), keysetRange(employers.id, page))).orderBy(keysetOrder(employers.id, page)).limit(page.limit);
}

export async function countEmployers(db: Executor, q: EmployerQuery): Promise<number> {
  // drizzle's $count is a thenable that runs again on every `.then`: await it once into a real Promise.
  return await db.$count(employers, and(...employerConditions(q)));
}

