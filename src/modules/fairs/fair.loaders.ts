import DataLoader from "dataloader";
import type { Viewer } from "../../auth/viewer.js";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { mayOrganise, mayViewFair, visibleBookingsCondition } from "./fair.access.js";
import { fairStatsForFairs, type FairStats } from "./fair-report.service.js";
import { countBookingsForFairs, findBookingsOfPeople, findFairsByIds, findBoothPostingIdsForFairs, findOpenBoothPostingsForFairs, findSessionsForFairs, listBookingsForFairs } from "./fair.repository.js";
import type { FairBookingRow, FairSessionRow, JobFairRow } from "./fair.table.js";
import type { Keyset } from "../../pagination.js";

/** A booth as a fair lists it: who, and the OPEN postings it brought. */
export interface BoothAtFair {
  boothId: string;
  employerId: string;
  postingIds: string[];
}

/** `JobFair.bookings` under a list of fairs: one key per fair, one statement per distinct set of arguments. */
export interface FairBookingsKey {
  fair: JobFairRow;
  personId?: string | undefined;
  sessionId?: string | undefined;
  keyset: Keyset;
}

/**
 * Answers keys in order, one `load` per group of keys that share everything but the fair. A key
 * the viewer may not read (its visibility throws) is answered with that error alone.
 */
async function batchByArguments<R>(
  viewer: Viewer,
  keys: readonly FairBookingsKey[],
  signatureOf: (key: FairBookingsKey) => string,
  load: (fairIds: string[], sample: FairBookingsKey) => Promise<(fairId: string) => R>,
): Promise<(R | Error)[]> {
  const groups = new Map<string, FairBookingsKey[]>();
  const answers = new Map<FairBookingsKey, R | Error>();
  for (const key of keys) {
    try {
      visibleBookingsCondition(viewer, key.fair);
    } catch (error) {
      answers.set(key, error as Error);
      continue;
    }
    // The organiser sees every booking; anyone else the same subset of each fair's.
    const sig = `${mayOrganise(viewer, key.fair)}|${signatureOf(key)}`;
    const group = groups.get(sig);
    if (group) group.push(key);
    else groups.set(sig, [key]);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const pick = await load(group.map((k) => k.fair.id), group[0]!);
      for (const key of group) answers.set(key, pick(key.fair.id));
    }),
  );
  return keys.map((key) => answers.get(key)!);
}

const filterSignature = (key: FairBookingsKey) => JSON.stringify([key.personId ?? null, key.sessionId ?? null]);
const pageSignature = (key: FairBookingsKey) => JSON.stringify([key.personId ?? null, key.sessionId ?? null, key.keyset.afterId ?? null, key.keyset.beforeId ?? null, key.keyset.limit, Boolean(key.keyset.backward)]);

/** Per-request loaders of the fairs module: every list nested under a fair is one statement for all fairs. */
export function createFairLoaders(db: Executor, request: { viewer: Viewer }) {
  const { viewer } = request;
  const filterOf = (key: FairBookingsKey) => ({ visible: visibleBookingsCondition(viewer, key.fair), personId: key.personId, sessionId: key.sessionId });
  return {
    /** A fair by id as the viewer may see it (null: none, or not theirs to see — a draft of another organiser's). */
    visibleFairById: new DataLoader<string, JobFairRow | null>(async (fairIds) =>
      orderByKeys(fairIds, (await findFairsByIds(db, fairIds)).filter((f) => mayViewFair(viewer, f)), (f) => f.id),
    ),
    fairSessions: new DataLoader<string, FairSessionRow[]>(async (fairIds) => groupByKeys(fairIds, await findSessionsForFairs(db, fairIds), (s) => s.fairId)),
    fairBooths: new DataLoader<string, BoothAtFair[]>(async (fairIds) => {
      const rows = await findOpenBoothPostingsForFairs(db, fairIds);
      return groupByKeys(fairIds, rows, (r) => r.fairId).map((forFair) => {
        const booths = new Map<string, BoothAtFair>();
        for (const r of forFair) {
          const booth = booths.get(r.boothId);
          if (booth) booth.postingIds.push(r.postingId);
          else booths.set(r.boothId, { boothId: r.boothId, employerId: r.employerId, postingIds: [r.postingId] });
        }
        return [...booths.values()];
      });
    }),
    /** Every posting at a fair's booths, whatever became of it (what `recommendedPostings` ranks among). */
    fairBoothPostingIds: new DataLoader<string, string[]>(async (fairIds) =>
      groupByKeys(fairIds, await findBoothPostingIdsForFairs(db, fairIds), (r) => r.fairId).map((rows) => rows.map((r) => r.postingId)),
    ),
    /** Each person's bookings at any fair, newest first: one statement for every person asked for. */
    bookingsOfPerson: new DataLoader<string, FairBookingRow[]>(async (personIds) => groupByKeys(personIds, await findBookingsOfPeople(db, personIds), (b) => b.personId)),
    fairBookings: new DataLoader<FairBookingsKey, FairBookingRow[], string>(
      (keys) =>
        batchByArguments(viewer, keys, pageSignature, async (fairIds, sample) => {
          const rows = await listBookingsForFairs(db, fairIds, filterOf(sample), sample.keyset);
          const grouped = groupByKeys(fairIds, rows, (r) => r.fairId);
          const byFair = new Map(fairIds.map((id, i) => [id, grouped[i]!]));
          return (fairId) => byFair.get(fairId) ?? [];
        }),
      { cacheKeyFn: (key) => `${key.fair.id}|${pageSignature(key)}` },
    ),
    fairBookingCount: new DataLoader<FairBookingsKey, number, string>(
      (keys) =>
        batchByArguments(viewer, keys, filterSignature, async (fairIds, sample) => {
          const counts = await countBookingsForFairs(db, fairIds, filterOf(sample));
          return (fairId) => counts.get(fairId) ?? 0;
        }),
      { cacheKeyFn: (key) => `${key.fair.id}|${filterSignature(key)}` },
    ),
    /** The organiser's figures (FORBIDDEN to anyone else), for every fair asked for in one batch. */
    fairStats: new DataLoader<JobFairRow, FairStats, string>(
      async (fairs) => {
        const allowed = fairs.filter((fair) => mayOrganise(viewer, fair)).map((fair) => fair.id);
        const stats = await fairStatsForFairs(db, allowed);
        return fairs.map((fair) => stats.get(fair.id) ?? forbidden(msg("招聘会的统计数据仅供其主办方查看", "A fair's figures are for its organiser")));
      },
      { cacheKeyFn: (fair) => fair.id },
    ),
  };
}

export type FairLoaders = ReturnType<typeof createFairLoaders>;
