import DataLoader from "dataloader";
import { and, asc, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findPeopleByIds } from "../people/person.repository.js";
import { mentors, mentorships } from "./mentor.table.js";

export function createMentorLoaders(db: Executor) {
  return {
    /** People behind pairings; callers check who may see them. */
    mentoredPerson: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findPeopleByIds(db, ids), (p) => p.id)),
    mentorById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await db.select().from(mentors).where(inArray(mentors.id, [...ids])), (m) => m.id)),
    /** Every pairing of each person, oldest first (the history). */
    mentorshipsForPerson: new DataLoader(async (ids: readonly string[]) =>
      groupByKeys(ids, await db.select().from(mentorships).where(inArray(mentorships.personId, [...ids])).orderBy(asc(mentorships.startedAt), asc(mentorships.id)), (m) => m.personId),
    ),
    /** Each mentor's current pairings. */
    activeMentorshipsForMentor: new DataLoader(async (ids: readonly string[]) =>
      groupByKeys(
        ids,
        await db.select().from(mentorships).where(and(sql`${mentorships.mentorId} = any(${sql.param([...ids])}::uuid[])`, isNull(mentorships.endedAt))).orderBy(asc(mentorships.startedAt), asc(mentorships.id)),
        (m) => m.mentorId,
      ),
    ),
  };
}
