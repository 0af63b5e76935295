import type { Executor } from "../../db/client.js";
import type { PersonRow } from "../people/person.table.js";
import {
  findActiveMentorIdsWithinReach,
  findMentorEligibleIds,
  findPairedPersonIds,
  insertPairings,
  lockMentorsWithRoomWithinReach,
  type MentorReach,
  type PlaceCandidate,
} from "./mentor.repository.js";
import type { MentorMatch } from "./mentor.table.js";

export const NO_MENTOR_IN_REACH = "本校、本县（区）和本市都没有尚有名额的红娘。可增加红娘或扩大其名额。";

export const NOT_ELIGIBLE = "不在结对帮扶对象范围内（类别已变化，或原由管理员特批）：如仍需结对，请重新指定红娘。";

/** How near a mentor is to a person: 0 same institution, 1 county, 2 prefecture, null out of reach. */
function levelOf(person: PersonRow, mentor: Pick<PlaceCandidate, "institutionId" | "regionCode">): 0 | 1 | 2 | null {
  if (person.institutionId !== null && mentor.institutionId === person.institutionId) return 0;
  if (mentor.regionCode === null) return null;
  if (mentor.regionCode === person.householdRegionCode || mentor.regionCode === person.originRegionCode) return 1;
  const prefecture = mentor.regionCode.slice(0, 4);
  if (prefecture === person.householdRegionCode.slice(0, 4) || prefecture === person.originRegionCode.slice(0, 4)) return 2;
  return null;
}

const LEVELS: readonly MentorMatch[] = ["INSTITUTION", "COUNTY", "PREFECTURE"];

/** The lowest load ratio, then the fewest mentees, then the oldest record. */
function fewerFirst(a: PlaceCandidate, b: PlaceCandidate): number {
  return a.load / a.capacity - b.load / b.capacity || a.load - b.load || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The institutions, counties and prefectures whose mentors are within reach of these people. */
function reachOf(persons: readonly PersonRow[]): MentorReach {
  const institutionIds = [...new Set(persons.flatMap((p) => (p.institutionId ? [p.institutionId] : [])))];
  const counties = [...new Set(persons.flatMap((p) => [p.householdRegionCode, p.originRegionCode]))];
  const prefectures = [...new Set(counties.map((c) => c.slice(0, 4)))];
  return { institutionIds, counties, prefectures };
}

/** The ids of active mentors within reach (institution, county, prefecture) of any of these people (full ones too: one may free a place meanwhile). */
export async function mentorsWithinReach(tx: Executor, persons: readonly PersonRow[]): Promise<string[]> {
  if (persons.length === 0) return [];
  return findActiveMentorIdsWithinReach(tx, reachOf(persons));
}

export interface PairingOutcome {
  personId: string;
  state: "DONE" | "BELOW";
  created: number;
  reason: string | null;
}

/**
 * Pairs people (already row-locked by the caller) by the automatic rules — the one rule, used by
 * mentor runs, deactivation and `assignMentor` without a mentor named — in a few statements: the
 * mentors within reach of any of them are read and row-locked at once (in id order, so batches
 * cannot deadlock), places are given out in memory, and the pairings and the mentors' new loads are
 * written together (the CHECK on each mentor's load still guards the capacity). People who have a
 * mentor already are done; people the policy no longer makes eligible, and those nobody within
 * reach can take, are set aside with the reason. An administrator's `overrideReason` stands in for
 * the policy's eligibility and is recorded on the pairing.
 */
export async function pairPeople(tx: Executor, persons: PersonRow[], by: string, opts: { overrideReason?: string | null } = {}): Promise<PairingOutcome[]> {
  if (persons.length === 0) return [];
  const ids = persons.map((p) => p.id);
  const paired = await findPairedPersonIds(tx, ids);
  const eligible = await findMentorEligibleIds(tx, ids);
  // An administrator's override (assignMentor with a reason) stands in for the policy.
  const overrideReason = opts.overrideReason ?? null;
  if (overrideReason !== null) for (const p of persons) eligible.add(p.id);
  const waiting = persons.filter((p) => !paired.has(p.id) && eligible.has(p.id));
  const candidates = waiting.length === 0 ? [] : await lockMentorsWithRoomWithinReach(tx, reachOf(waiting));
  const before = new Map(candidates.map((c) => [c.id, c.load]));
  const rows: { personId: string; mentorId: string; matchedBy: MentorMatch; startedBy: string; overrideReason: string | null }[] = [];
  const outcomes: PairingOutcome[] = [];
  for (const person of persons) {
    if (paired.has(person.id)) {
      outcomes.push({ personId: person.id, state: "DONE", created: 0, reason: null });
      continue;
    }
    if (!eligible.has(person.id)) {
      outcomes.push({ personId: person.id, state: "BELOW", created: 0, reason: NOT_ELIGIBLE });
      continue;
    }
    let best: { mentor: PlaceCandidate; level: 0 | 1 | 2 } | null = null;
    for (const mentor of candidates) {
      if (mentor.load >= mentor.capacity) continue;
      const level = levelOf(person, mentor);
      if (level === null) continue;
      if (!best || level < best.level || (level === best.level && fewerFirst(mentor, best.mentor) < 0)) best = { mentor, level };
    }
    if (!best) {
      outcomes.push({ personId: person.id, state: "BELOW", created: 0, reason: NO_MENTOR_IN_REACH });
      continue;
    }
    best.mentor.load++;
    rows.push({ personId: person.id, mentorId: best.mentor.id, matchedBy: LEVELS[best.level]!, startedBy: by, overrideReason });
    outcomes.push({ personId: person.id, state: "DONE", created: 1, reason: null });
  }
  const grown = candidates.filter((c) => c.load !== before.get(c.id)).map((c) => ({ mentorId: c.id, by: c.load - before.get(c.id)! }));
  await insertPairings(tx, rows, grown);
  return outcomes;
}
