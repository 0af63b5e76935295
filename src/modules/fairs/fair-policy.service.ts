import type { Executor } from "../../db/client.js";
import { findActiveFairPolicy } from "./fair.repository.js";

export interface FairPolicy {
  /** The longest a fair may run. */
  maxFairDays: number;
  /** Key-group fairs each institution and HR bureau should hold a year (DOMAIN §5: at least one). */
  keyGroupFairsPerYear: number;
}

/** The active fair rules (policy data, `fair_policies`; migration 0020 loads the first version). */
export async function activeFairPolicy(db: Executor): Promise<FairPolicy> {
  const policy = await findActiveFairPolicy(db);
  if (!policy) throw new Error("No active fair policy: the migrations load one");
  return policy;
}
