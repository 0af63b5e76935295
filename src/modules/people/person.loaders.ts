import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { findCategoriesByIds, findMemberships } from "../categories/category.repository.js";
import { findInstitutionsByIds } from "../institutions/institution.repository.js";
import { findHistoryForPeople } from "./person.repository.js";

export function createPersonLoaders(db: Executor) {
  return {
    employmentHistory: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findHistoryForPeople(db, ids), (h) => h.personId)),
    memberships: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findMemberships(db, ids), (m) => m.personId)),
    categoryById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findCategoriesByIds(db, ids), (c) => c.id)),
    institutionById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findInstitutionsByIds(db, ids), (i) => i.id)),
  };
}
