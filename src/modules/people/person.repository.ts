import { and, desc, eq, ilike, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import { insertMany } from "../../db/bulk-insert.js";
import type { Executor } from "../../db/client.js";
import { preparedStatement } from "../../db/prepared.js";
import type { Population } from "../categories/category.table.js";
import { inCategory, inPopulation } from "../categories/category.sql.js";
import { escapeLike } from "../../db/like.js";
import { scopeCondition, type PersonScope } from "./person.access.js";
import { employmentHistory, people, type EmploymentStatus, type PersonRow } from "./person.table.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";

const personById = preparedStatement("person_by_id", (db) => db.select().from(people).where(eq(people.id, sql.placeholder("id"))));

export async function findPersonById(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<PersonRow | undefined> {
  const [row] = opts.forUpdate ? await db.select().from(people).where(eq(people.id, id)).for("update") : await personById(db, { id });
  return row;
}

export function findPeopleByIds(db: Executor, ids: readonly string[]): Promise<PersonRow[]> {
  return db.select().from(people).where(inArray(people.id, [...ids]));
}

export function findPeopleByIdHashes(db: Executor, hashes: readonly string[], opts: { forUpdate?: boolean } = {}): Promise<PersonRow[]> {
  // One array parameter, not one per hash: imports look up 500 at a time.
  const query = db.select().from(people).where(sql`${people.idNumberHash} = any(${sql.param([...hashes])}::text[])`);
  return opts.forUpdate ? query.for("update") : query;
}

/** Many new people in one statement; rows whose ID hash exists already (a concurrent import) are skipped. */
export function insertPeopleMany(db: Executor, rows: (typeof people.$inferInsert)[]): Promise<{ id: string; id_number_hash: string }[]> {
  return insertMany(db, people, rows, { onConflict: sql`on conflict (id_number_hash) do nothing`, returning: ["id", "id_number_hash"] });
}

/** Inserts new people; a row whose ID hash already exists (a concurrent import) is skipped and not returned. */
export function insertPeople(db: Executor, rows: (typeof people.$inferInsert)[]): Promise<PersonRow[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insert(people).values(rows).onConflictDoNothing({ target: people.idNumberHash }).returning();
}

export async function updatePersonRow(db: Executor, id: string, patch: Partial<typeof people.$inferInsert>): Promise<PersonRow> {
  const [row] = await db.update(people).set({ ...patch, updatedAt: sql`now()` }).where(eq(people.id, id)).returning();
  return row!;
}

export async function insertHistory(db: Executor, rows: (typeof employmentHistory.$inferInsert)[]): Promise<void> {
  await insertMany(db, employmentHistory, rows);
}

export function findHistoryForPeople(db: Executor, personIds: readonly string[]) {
  return db
    .select()
    .from(employmentHistory)
    .where(inArray(employmentHistory.personId, [...personIds]))
    .orderBy(employmentHistory.personId, desc(employmentHistory.since), desc(employmentHistory.recordedAt));
}

export interface PeopleQuery {
  scope: PersonScope;
  regionPrefix?: string;
  institutionId?: string;
  categoryCode?: string;
  population?: Population;
  employmentStatus?: EmploymentStatus;
  nameContains?: string;
  idNumberHash?: string;
  phoneHash?: string;
}

function peopleConditions(q: PeopleQuery): SQL[] {
  const conditions: SQL[] = [];
  const scoped = scopeCondition(q.scope);
  if (scoped) conditions.push(scoped);
  if (q.regionPrefix) conditions.push(or(like(people.householdRegionCode, `${q.regionPrefix}%`), like(people.originRegionCode, `${q.regionPrefix}%`))!);
  if (q.institutionId) conditions.push(eq(people.institutionId, q.institutionId));
  if (q.employmentStatus) conditions.push(eq(people.employmentStatus, q.employmentStatus));
  if (q.categoryCode) conditions.push(inCategory(people.id, q.categoryCode));
  if (q.population) conditions.push(inPopulation(people.id, q.population));
  // Text search: a name fragment, or an exact ID number or phone (matched by keyed hash, never in clear).
  const text: SQL[] = [];
  if (q.nameContains) text.push(ilike(people.name, `%${escapeLike(q.nameContains)}%`));
  if (q.idNumberHash) text.push(eq(people.idNumberHash, q.idNumberHash));
  if (q.phoneHash) text.push(eq(people.phoneHash, q.phoneHash));
  if (text.length > 0) conditions.push(or(...text)!);
  return conditions;
}

export function listPeople(db: Executor, q: PeopleQuery, page: KeysetPage): Promise<PersonRow[]> {
  const conditions = peopleConditions(q);
  return db.select().from(people).where(and(...conditions, keysetRange(people.id, page))).orderBy(keysetOrder(people.id, page)).limit(page.limit);
}

export async function countPeople(db: Executor, q: PeopleQuery): Promise<number> {
  return await db.$count(people, and(...peopleConditions(q)));
}
