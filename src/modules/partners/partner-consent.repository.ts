import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { partnerConsents, type PartnerConsentRow } from "./partner-link.table.js";

export async function insertConsent(db: Executor, row: typeof partnerConsents.$inferInsert): Promise<PartnerConsentRow> {
  const [inserted] = await db.insert(partnerConsents).values(row).returning();
  return inserted!;
}

export async function findConsentById(db: Executor, id: string, opts: { lock?: "update" | "share" } = {}): Promise<PartnerConsentRow | undefined> {
  const query = db.select().from(partnerConsents).where(eq(partnerConsents.id, id));
  const [row] = opts.lock ? await query.for(opts.lock) : await query;
  return row;
}

/** The person's unrevoked consent to this partner (at most one), locked for the change that follows. */
export async function findUnrevokedConsent(db: Executor, personId: string, partnerId: string): Promise<PartnerConsentRow | undefined> {
  const [row] = await db
    .select()
    .from(partnerConsents)
    .where(and(eq(partnerConsents.personId, personId), eq(partnerConsents.partnerId, partnerId), isNull(partnerConsents.revokedAt)))
    .for("update");
  return row;
}

export async function revokeConsentRow(db: Executor, id: string): Promise<PartnerConsentRow> {
  const [row] = await db.update(partnerConsents).set({ revokedAt: sql`coalesce(${partnerConsents.revokedAt}, now())` }).where(eq(partnerConsents.id, id)).returning();
  return row!;
}

/** A person's consents, newest first (revoked and lapsed ones included: the person sees their history). */
export function listConsentsOfPerson(db: Executor, personId: string): Promise<PartnerConsentRow[]> {
  return db.select().from(partnerConsents).where(eq(partnerConsents.personId, personId)).orderBy(desc(partnerConsents.id)).limit(200);
}
