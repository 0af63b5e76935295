import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { countPostingsForEmployers, findPostingsByIds, listPostingsForEmployers, type PostingQuery } from "./posting.repository.js";
import type { KeysetPage } from "../../pagination.js";
import type { PostingRow } from "./posting.table.js";

/** `Employer.postings` under a list of employers: one key per employer, one statement per distinct set of arguments. */
export interface EmployerPostingsKey {
  employerId: string;
  query: PostingQuery;
  keyset: KeysetPage;
}

const signature = (key: Omit<EmployerPostingsKey, "employerId">) => JSON.stringify([key.query, key.keyset.afterId ?? null, key.keyset.beforeId ?? null, key.keyset.limit, Boolean(key.keyset.backward)]);

/** Splits keys into groups that share everything but the employer, runs `load` once per group, answers in key order. */
async function batchBySignature<R>(
  keys: readonly EmployerPostingsKey[],
  load: (employerIds: string[], sample: EmployerPostingsKey) => Promise<(employerId: string) => R>,
): Promise<R[]> {
  const groups = new Map<string, EmployerPostingsKey[]>();
  for (const key of keys) {
    const sig = signature(key);
    const group = groups.get(sig);
    if (group) group.push(key);
    else groups.set(sig, [key]);
  }
  const answers = new Map<EmployerPostingsKey, R>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const pick = await load(group.map((k) => k.employerId), group[0]!);
      for (const key of group) answers.set(key, pick(key.employerId));
    }),
  );
  return keys.map((key) => answers.get(key)!);
}

export function createPostingLoaders(db: Executor) {
  const cacheKeyFn = (key: EmployerPostingsKey) => `${key.employerId}|${signature(key)}`;
  return {
    postingById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findPostingsByIds(db, ids), (p) => p.id)),
    employerPostings: new DataLoader<EmployerPostingsKey, PostingRow[], string>(
      (keys) =>
        batchBySignature(keys, async (employerIds, sample) => {
          const rows = await listPostingsForEmployers(db, employerIds, sample.query, sample.keyset);
          const grouped = groupByKeys(employerIds, rows, (r) => r.employerId);
          const byEmployer = new Map(employerIds.map((id, i) => [id, grouped[i]!]));
          return (employerId) => byEmployer.get(employerId) ?? [];
        }),
      { cacheKeyFn },
    ),
    employerPostingCount: new DataLoader<EmployerPostingsKey, number, string>(
      (keys) =>
        batchBySignature(keys, async (employerIds, sample) => {
          const counts = await countPostingsForEmployers(db, employerIds, sample.query);
          return (employerId) => counts.get(employerId) ?? 0;
        }),
      { cacheKeyFn: (key) => `${key.employerId}|${JSON.stringify(key.query)}` },
    ),
  };
}
