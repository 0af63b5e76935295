import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import type { SearchEngine } from "../../search/search-port.js";
import type { PersonRow } from "../people/person.table.js";
import type { PostingRow } from "../postings/posting.table.js";
import { regionDirectory } from "../regions/region-directory.js";
import { populationsAndMinimums } from "../categories/category.service.js";
import { listSynonymGroups } from "../synonyms/synonym.service.js";
import { activePolicy, type MatchPolicy } from "./match.repository.js";
import { recommendForPeople, type MatchProfile, type MatchReads, type Recommendation } from "./recommend.service.js";

/** The other modules' per-request loaders recommending reads through (structural: matching imports no transport type). */
export interface MatchLoaderInputs {
  referralsForPerson: DataLoader<string, readonly { postingId: string }[]>;
  postingById: DataLoader<string, PostingRow | null | undefined>;
}

/** What a request asks recommending: a person's best `first`, or among a fair's booth postings. */
export interface RecommendKey {
  person: PersonRow;
  first: number;
  among?: { fairId: string; postingIds: readonly string[]; nothingFitsNote: string };
}

export function createMatchLoaders(db: Executor, engine: SearchEngine, inputs: MatchLoaderInputs) {
  const matchingPolicy = new DataLoader<"active", MatchPolicy>(async (keys) => {
    const policy = await activePolicy(db);
    return keys.map(() => policy);
  });
  const matchProfiles = new DataLoader<string, MatchProfile | null>(async (ids) => {
    const found = await populationsAndMinimums(db, ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  const synonymGroups = new DataLoader<"all", string[][]>(async (keys) => {
    const groups = await listSynonymGroups(db);
    return keys.map(() => groups);
  });
  const reads: MatchReads = {
    policy: () => matchingPolicy.load("active"),
    // The groups the engine scores with (they follow the change log on every replica), else read.
    synonymGroups: () => {
      const groups = engine.synonymGroups?.();
      return groups ? Promise.resolve(groups) : synonymGroups.load("all");
    },
    places: () => regionDirectory(db),
    profiles: async (ids) => {
      const found = await matchProfiles.loadMany(ids);
      return new Map(ids.flatMap((id, i) => (found[i] && !(found[i] instanceof Error) ? [[id, found[i] as MatchProfile] as const] : [])));
    },
    referred: async (ids) => {
      const lists = await inputs.referralsForPerson.loadMany(ids);
      return new Map(ids.map((id, i) => [id, new Set(Array.isArray(lists[i]) ? (lists[i] as { postingId: string }[]).map((r) => r.postingId) : [])]));
    },
    postings: async (ids) => {
      const rows = await inputs.postingById.loadMany(ids);
      return new Map(rows.flatMap((r) => (r && !(r instanceof Error) ? [[r.id, r] as const] : [])));
    },
  };
  return {
    /** The matching policy in force (weights and rules, policy data), read once per request. */
    matchingPolicy,
    /** The search's synonym groups (data), read once per request: the ranker's occupation fit uses them too. */
    synonymGroups,
    /**
     * Recommendations for the people a request asks about, batched: every `matches` (and a fair's
     * `recommendedPostings`) in one request shares one read of memberships, referrals and postings.
     */
    recommendations: new DataLoader<RecommendKey, Recommendation, string>(
      async (keys) => {
        // One batch per kind of question (same first, same fair): recommendForPeople takes one set of options.
        const groups = new Map<string, RecommendKey[]>();
        for (const k of keys) {
          const g = `${k.first}:${k.among?.fairId ?? ""}`;
          (groups.get(g) ?? groups.set(g, []).get(g)!).push(k);
        }
        // The groups run together, so their reads (postings, memberships, referrals) share the loaders' batches:
        // a list of fairs costs the statements of one, not one more per fair.
        const answers = new Map<string, Recommendation>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const [{ first, among }] = group as [RecommendKey];
            const people = [...new Map(group.map((k) => [k.person.id, k.person])).values()];
            const result = await recommendForPeople(engine, reads, people, {
              limit: first,
              excludeReferred: !among,
              ...(among ? { onlyIds: among.postingIds, nothingFitsNote: among.nothingFitsNote } : {}),
            });
            for (const k of group) answers.set(recommendKey(k), result.get(k.person.id)!);
          }),
        );
        return keys.map((k) => answers.get(recommendKey(k))!);
      },
      { cacheKeyFn: recommendKey },
    ),
  };
}

function recommendKey(k: RecommendKey): string {
  return `${k.person.id}:${k.first}:${k.among?.fairId ?? ""}`;
}
