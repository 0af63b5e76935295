import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { people, type PersonRow } from "./person.table.js";

/**
 * Row-locks people (FOR NO KEY UPDATE: their rows may change, references to them may still be made)
 * and returns them, in id order. THE LOCK ORDER, kept by every path that writes for a person:
 *   1. people, in id order (this function);
 *   2. then what is theirs or what they take: mentors in id order (mentors), a fair, its session, a
 *      booking (fairs), postings share-locked (referrals);
 *   3. a person is never locked after any of those.
 * Two writers for the same person therefore serialise on step 1 and never deadlock.
 */
export async function lockPeople(tx: Executor, ids: readonly string[]): Promise<PersonRow[]> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return [];
  return tx.select().from(people).where(sql`${people.id} = any(${sql.param(unique)}::uuid[])`).orderBy(people.id).for("no key update");
}

/** One person locked as `lockPeople` locks them; undefined when there is no such person. */
export async function lockPerson(tx: Executor, id: string): Promise<PersonRow | undefined> {
  const [person] = await lockPeople(tx, [id]);
  return person;
}
