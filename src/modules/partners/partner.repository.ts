import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { partnerApiKeys, partners, type PartnerApiKeyRow, type PartnerRow } from "./partner.table.js";

export async function findPartnerByName(db: Executor, name: string): Promise<PartnerRow | undefined> {
  const [row] = await db.select().from(partners).where(eq(partners.name, name));
  return row;
}

export async function insertPartnerIfAbsent(db: Executor, row: typeof partners.$inferInsert): Promise<void> {
  await db.insert(partners).values(row).onConflictDoNothing({ target: partners.name });
}

export async function insertApiKey(db: Executor, row: typeof partnerApiKeys.$inferInsert): Promise<PartnerApiKeyRow> {
  const [inserted] = await db.insert(partnerApiKeys).values(row).returning();
  return inserted!;
}

export async function findActiveKeyByHash(db: Executor, keyHash: string) {
  const [row] = await db
    .select({ key: partnerApiKeys, partner: partners })
    .from(partnerApiKeys)
    .innerJoin(partners, eq(partners.id, partnerApiKeys.partnerId))
    .where(and(eq(partnerApiKeys.keyHash, keyHash), isNull(partnerApiKeys.revokedAt)));
  return row;
}

/** Whether a key exists and is not revoked. */
export async function isKeyActive(db: Executor, keyId: string): Promise<boolean> {
  const [row] = await db.select({ id: partnerApiKeys.id }).from(partnerApiKeys).where(and(eq(partnerApiKeys.id, keyId), isNull(partnerApiKeys.revokedAt)));
  return row !== undefined;
}

export async function revokeKey(db: Executor, keyId: string): Promise<PartnerApiKeyRow | undefined> {
  const [row] = await db
    .update(partnerApiKeys)
    .set({ revokedAt: sql`coalesce(${partnerApiKeys.revokedAt}, now())` })
    .where(eq(partnerApiKeys.id, keyId))
    .returning();
  return row;
}

/** last_used_at is kept to the hour: one write an hour per key, not one per request. */
export async function touchKey(db: Executor, keyId: string): Promise<void> {
  await db
    .update(partnerApiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(partnerApiKeys.id, keyId), sql`coalesce(${partnerApiKeys.lastUsedAt}, 'epoch') < now() - interval '1 hour'`));
}

export function listPartners(db: Executor): Promise<PartnerRow[]> {
  return db.select().from(partners).orderBy(asc(partners.name));
}

export function findKeysByPartners(db: Executor, partnerIds: readonly string[]): Promise<PartnerApiKeyRow[]> {
  return db.select().from(partnerApiKeys).where(inArray(partnerApiKeys.partnerId, [...partnerIds])).orderBy(asc(partnerApiKeys.createdAt));
}

export async function findPartnerById(db: Executor, id: string): Promise<PartnerRow | undefined> {
  const [row] = await db.select().from(partners).where(eq(partners.id, id));
  return row;
}

export function findPartnersByIds(db: Executor, ids: readonly string[]): Promise<PartnerRow[]> {
  return db.select().from(partners).where(inArray(partners.id, [...ids]));
}
