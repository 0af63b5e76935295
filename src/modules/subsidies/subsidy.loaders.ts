import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { claimsOfEmployers, findSchemesByIds, hiringClaimsOfPeople, ownClaimsOfPeople } from "./subsidy.repository.js";

export function createSubsidyLoaders(db: Executor) {
  return {
    /** A person's own claims (employers' claims for hiring them are the employers'), by scheme code. */
    subsidyClaimsOfPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await ownClaimsOfPeople(db, ids), (c) => c.personId)),
    /** Employers' claims for hiring a person (what the person may consent to be named in). */
    hiringClaimsOfPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await hiringClaimsOfPeople(db, ids), (c) => c.personId)),
    subsidyClaimsOfEmployer: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await claimsOfEmployers(db, ids), (c) => c.employerId!)),
    subsidySchemeById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findSchemesByIds(db, ids), (s) => s.id)),
  };
}
