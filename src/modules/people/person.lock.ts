import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { people, type PersonRow } from "./person.table.js";

/**
 * Row-locks people (FOR NO KEY UPDATE: their rows may change, references to them may still be made)
 * and returns them, in id order. THE LOCK ORDER for writes that concern a person:
 *   1. people, in id order (this function);
 *   2. then what is theirs or what they take: mentors in id order (mentors); a fair, its session, a
 *      booking (fairs); postings share-locked (campaign runs, recommendations, fair outcomes);
 *   3. a posting before its referrals (closing a posting locks it, then its open referrals), so a
 *      path holding a referral never waits for its posting (updateReferralStatus reads it unlocked).
 * Two writers for the same person therefore serialise on step 1. Two older paths lock a person
 * later, and are safe only because nothing takes those locks the other way round: booking a slot
 * share-locks the fair before the person (nobody locks a person and then a fair for update), and
 * deactivating a mentor locks mentees who joined after the mentor's lock (nobody can join a locked mentor).
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

/**
 * The next `size` people past `afterId` in id order, row-locked as `lockPeople` locks them: for work
 * over the whole ledger (re-deciding categories) that must not decide on a row a writer is changing.
 */
export function lockPeoplePage(tx: Executor, afterId: string | null, size: number): Promise<PersonRow[]> {
  return tx
    .select()
    .from(people)
    .where(afterId ? sql`${people.id} > ${afterId}` : undefined)
    .orderBy(people.id)
    .limit(size)
    .for("no key update");
}
