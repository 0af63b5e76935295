import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { orderByKeys } from "../../db/loader-helpers.js";
import { findEmployersByIds } from "./employer.repository.js";

export function createEmployerLoaders(db: Executor) {
  return {
    employerById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findEmployersByIds(db, ids), (e) => e.id)),
  };
}
