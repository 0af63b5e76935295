import DataLoader from "dataloader";
import { and, asc, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findPeopleByIds } from "../people/person.repository.js";
import { followUpDays, lastContacts } from "./mentor.service.js";
import { mentorFollowUps, mentors, mentorships } from "./mentor.table.js";

export function createMentorLoaders(db: Executor) {
  return {
    /** People behind pairings; callers check who may see them. */
    mentoredPerson: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findPeopleByIds(db, ids), (p) => p.id)),
    mentorById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await db.select().from(mentors).where(inArray(mentors.id, [...ids])), (m) => m.id)),
    /** Every pairing of each person, oldest first (the history). */
    mentorshipsForPerson: new DataLoader(async (ids: readonly string[]) =>
      groupByKeys(ids, await db.select().from(mentorships).where(inArray(mentorships.personId, [...ids])).orderBy(asc(mentorships.startedAt), asc(mentorships.id)), (m) => m.personId),
    ),
    followUpsForMentorship: new DataLoader(async (ids: readonly string[]) =>
      groupByKeys(ids, await db.select().from(mentorFollowUps).where(inArray(mentorFollowUps.mentorshipId, [...ids])).orderBy(asc(mentorFollowUps.at), asc(mentorFollowUps.id)), (f) => f.mentorshipId),
    ),
    lastContact: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await lastContacts(db, ids), (c) => c.mentorshipId)),
    /** Once per request. */
    followUpDays: new DataLoader(async (keys: readonly string[]) => {
      const days = await followUpDays(db);
      return keys.map(() => days);
    }),
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
