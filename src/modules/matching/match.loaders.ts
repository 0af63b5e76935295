import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { listSynonymGroups } from "../synonyms/synonym.service.js";
import { activeWeights } from "./match.service.js";
import type { MatchWeights } from "./match-score.js";

export function createMatchLoaders(db: Executor) {
  return {
    /** The active ranker weights (policy data), read once per request. */
    matchingWeights: new DataLoader<"active", MatchWeights>(async (keys) => {
      const weights = await activeWeights(db);
      return keys.map(() => weights);
    }),
    /** The search's synonym groups (data), read once per request: the ranker's occupation fit uses them too. */
    synonymGroups: new DataLoader<"all", string[][]>(async (keys) => {
      const groups = await listSynonymGroups(db);
      return keys.map(() => groups);
    }),
  };
}
