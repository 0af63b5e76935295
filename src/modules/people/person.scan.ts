import { asc, gt } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { people, type PersonRow } from "./person.table.js";

/** How many people the ledger holds. */
export function countPeopleInLedger(db: Executor): Promise<number> {
  return db.$count(people);
}

/**
 * The whole ledger in pages of `size`, in id order (keyset: each page starts past the last id, so a
 * long walk stays fast and can be run again): for work over everyone, such as re-deciding categories.
 */
export async function* peopleInIdOrder(db: Executor, size: number): AsyncGenerator<PersonRow[]> {
  let afterId: string | undefined;
  for (;;) {
    const page = await db.select().from(people).where(afterId ? gt(people.id, afterId) : undefined).orderBy(asc(people.id)).limit(size);
    if (page.length === 0) return;
    yield page;
    afterId = page.at(-1)!.id;
  }
}
