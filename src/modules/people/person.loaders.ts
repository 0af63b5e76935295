import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { categoriesByIds, membershipsOf } from "../categories/category.service.js";
import { institutionsByIds } from "../institutions/institution.service.js";
import { findHistoryForPeople, findPeopleByIds } from "./person.repository.js";

export function createPersonLoaders(db: Executor) {
  return {
    /** People by id, as stored: every resolver that reaches a person through another row (a referral, a mentorship, a campaign item) reads through it, then checks who may see them (person.access). */
    personById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findPeopleByIds(db, ids), (p) => p.id)),
    employmentHistory: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await findHistoryForPeople(db, ids), (h) => h.personId)),
    memberships: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await membershipsOf(db, ids), (m) => m.personId)),
    categoryById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await categoriesByIds(db, ids), (c) => c.id)),
    institutionById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await institutionsByIds(db, ids), (i) => i.id)),
  };
}
