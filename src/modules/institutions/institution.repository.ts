import { asc, eq, inArray, like } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { institutions, type InstitutionRow } from "./institution.table.js";

export function findInstitutionsByIds(db: Executor, ids: readonly string[]): Promise<InstitutionRow[]> {
  return db.select().from(institutions).where(inArray(institutions.id, [...ids]));
}

export function listInstitutions(db: Executor, regionPrefix?: string): Promise<InstitutionRow[]> {
  const query = db.select().from(institutions);
  return (regionPrefix ? query.where(like(institutions.regionCode, `${regionPrefix}%`)) : query).orderBy(asc(institutions.name));
}

export function listAllInstitutionCodes(db: Executor) {
  return db.select({ id: institutions.id, code: institutions.code }).from(institutions);
}

export async function insertInstitution(db: Executor, row: typeof institutions.$inferInsert): Promise<InstitutionRow> {
  const [inserted] = await db.insert(institutions).values(row).returning();
  return inserted!;
}

export async function findInstitutionByCode(db: Executor, code: string): Promise<InstitutionRow | undefined> {
  const [row] = await db.select().from(institutions).where(eq(institutions.code, code));
  return row;
}

/** Every institution's id, county and kind (small: a few hundred rows). */
export function listInstitutionPlaces(db: Executor): Promise<Pick<InstitutionRow, "id" | "regionCode" | "kind">[]> {
  return db.select({ id: institutions.id, regionCode: institutions.regionCode, kind: institutions.kind }).from(institutions);
}
