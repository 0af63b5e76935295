import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { followUpDays } from "./mentor-policy.service.js";
import {
  findActiveMentorshipsForMentors,
  findFollowUpsForMentorships,
  findMentorsByIds,
  findMentorshipsForPeople,
  lastContacts,
} from "./mentor.repository.js";

export function createMentorLoaders(db: Executor) {
  return {
    mentorById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findMentorsByIds(db, ids), (m) => m.id)),
    /** Every pairing of each person, oldest first (the history). */
    mentorshipsForPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findMentorshipsForPeople(db, ids), (m) => m.personId)),
    followUpsForMentorship: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findFollowUpsForMentorships(db, ids), (f) => f.mentorshipId)),
    lastContact: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await lastContacts(db, ids), (c) => c.mentorshipId)),
    /** The active mentoring policy's days, once per request (key "active"). */
    followUpDays: new DataLoader(async (keys: readonly string[]) => {
      const days = await followUpDays(db);
      return keys.map(() => days);
    }),
    /** Each mentor's current pairings. */
    activeMentorshipsForMentor: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findActiveMentorshipsForMentors(db, ids), (m) => m.mentorId)),
  };
}
