import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { fairBoothPostings } from "./fair.table.js";

/** A posting that closes leaves every booth (in the transaction that closes it). */
export async function leaveBooths(db: Executor, postingIds: readonly string[]): Promise<void> {
  if (postingIds.length === 0) return;
  await db.delete(fairBoothPostings).where(sql`${fairBoothPostings.postingId} = any(${sql.param([...postingIds])}::uuid[])`);
}
