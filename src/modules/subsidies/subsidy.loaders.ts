import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { groupByKeys, orderByKeys } from "../../db/loader-helpers.js";
import { disclosurePolicyInForce } from "./subsidy-disclosure.service.js";
import { claimsOfEmployers, findSchemesByIds, hiringClaimsOfPeople, ownClaimsOfPeople } from "./subsidy.repository.js";

export function createSubsidyLoaders(db: Executor) {
  return {
    /** A person's own claims (employers' claims for hiring them are the employers'), by scheme code. */
    subsidyClaimsOfPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await ownClaimsOfPeople(db, ids), (c) => c.personId)),
    /** Employers' claims for hiring a person (what the person may consent to be named in). */
    hiringClaimsOfPerson: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await hiringClaimsOfPeople(db, ids), (c) => c.personId)),
    subsidyClaimsOfEmployer: new DataLoader(async (ids: readonly string[]) => groupByKeys(ids, await claimsOfEmployers(db, ids), (c) => c.employerId!)),
    subsidySchemeById: new DataLoader(async (ids: readonly string[]) => orderByKeys(ids, await findSchemesByIds(db, ids), (s) => s.id)),
    /** The disclosure policy in force, read once a request. */
    subsidyDisclosurePolicy: once(() => disclosurePolicyInForce(db)),
  };
}

/** A value asked for at most once (per request: the loaders live as long as it). */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= read());
}
