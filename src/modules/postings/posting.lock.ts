import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { postings, type PostingRow } from "./posting.table.js";

/**
 * Postings share-locked (they cannot close or change until the transaction ends) and returned by
 * id: a campaign run reads the postings it is about to refer this way, after locking the people
 * (the lock order: see lockPeople).
 */
export async function sharePostings(tx: Executor, ids: readonly string[]): Promise<Map<string, PostingRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select().from(postings).where(sql`${postings.id} = any(${sql.param([...ids])}::uuid[])`).orderBy(postings.id).for("share");
  return new Map(rows.map((r) => [r.id, r]));
}

/** Postings by id as stored, without a lock: for a check that must not take the posting after a referral's lock (closing a posting locks the posting, then its referrals). */
export async function readPostings(db: Executor, ids: readonly string[]): Promise<Map<string, PostingRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(postings).where(sql`${postings.id} = any(${sql.param([...ids])}::uuid[])`);
  return new Map(rows.map((r) => [r.id, r]));
}
