import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { effectiveFromInput } from "../../db/policy-version.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { findActiveFairPolicy, insertFairPolicyVersion } from "./fair.repository.js";
import type { FairPolicyRow } from "./fair.table.js";

export interface FairPolicy {
  /** The longest a fair may run. */
  maxFairDays: number;
  /** Key-group fairs each institution and HR bureau should hold a year (DOMAIN §5: at least one). */
  keyGroupFairsPerYear: number;
}

/** The fair rules in force on a day (default today; policy data, `fair_policies`; migration 0020 loads the first version). */
export async function activeFairPolicy(db: Executor, day?: string | null): Promise<FairPolicyRow> {
  const policy = await findActiveFairPolicy(db, day ?? undefined);
  if (!policy) throw new Error("No fair policy in force: the migrations load one from 2020-01-01");
  return policy;
}

/** A new version of the fair rules (administrators), in force from `effectiveFrom` (default today, never a past day). */
export async function setFairPolicy(db: Database, viewer: Viewer, input: FairPolicy & { effectiveFrom?: string | null }): Promise<FairPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改招聘会规则", "Only administrators change the fair policy"));
  if (!Number.isInteger(input.maxFairDays) || input.maxFairDays < 1 || input.maxFairDays > 366) throw badInput("input.maxFairDays", msg("maxFairDays 须为 1 至 366 之间的整数天数", "maxFairDays is a whole number of days from 1 to 366"));
  if (!Number.isInteger(input.keyGroupFairsPerYear) || input.keyGroupFairsPerYear < 1 || input.keyGroupFairsPerYear > 52)
    throw badInput("input.keyGroupFairsPerYear", msg("keyGroupFairsPerYear 须为 1 至 52 之间的整数", "keyGroupFairsPerYear is a whole number from 1 to 52"));
  const from = effectiveFromInput(input.effectiveFrom, "input.effectiveFrom");
  return db.transaction((tx) => insertFairPolicyVersion(tx, { maxFairDays: input.maxFairDays, keyGroupFairsPerYear: input.keyGroupFairsPerYear }, from, actorOf(viewer)));
}
