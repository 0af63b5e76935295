import { actorOf, type Viewer } from "../../auth/viewer.js";
import type { Executor, Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { effectiveFromInput, nextPolicyVersion, requiredPolicyInForce, wholeInRange } from "../../db/policy-version.js";
import { assertAdministrator } from "./subsidy.access.js";
import { subsidyDisclosurePolicies, type SubsidyDisclosurePolicyRow } from "./subsidy.table.js";

/** The disclosure policy in force: how small a count of unnamed claims an employer may see. */
export function disclosurePolicyInForce(db: Executor): Promise<SubsidyDisclosurePolicyRow> {
  return requiredPolicyInForce(db, subsidyDisclosurePolicies, "subsidy disclosure policy");
}

/** A new version of the disclosure policy (administrators): the smallest count an employer sees (1–1000; 1 shows every count). */
export async function setSubsidyDisclosurePolicy(db: Database, viewer: Viewer, minCount: number, effectiveFrom?: string | null): Promise<SubsidyDisclosurePolicyRow> {
  assertAdministrator(viewer);
  const min = wholeInRange("minCount", minCount, 1, 1000);
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "subsidy_disclosure_policies");
    const [row] = await tx.insert(subsidyDisclosurePolicies).values({ id: newId(), version, minCount: min, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}
