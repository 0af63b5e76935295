import { actorOf, type Viewer } from "../../auth/viewer.js";
import type { Executor, Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { effectiveFromInput, nextPolicyVersion, policyInForce, wholeInRange } from "../../db/policy-version.js";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { isOfficial } from "./subsidy.access.js";
import { subsidyDisclosurePolicies, type SubsidyDisclosurePolicyRow } from "./subsidy.table.js";

/** The disclosure policy in force: how small a count of unnamed claims an employer may see. */
export async function disclosurePolicyInForce(db: Executor): Promise<SubsidyDisclosurePolicyRow> {
  const policy = await policyInForce(db, subsidyDisclosurePolicies);
  if (!policy) throw new Error("No subsidy disclosure policy: migration 0045 seeds one");
  return policy;
}

/** A new version of the disclosure policy (administrators): the smallest count an employer sees (1–1000; 1 shows every count). */
export async function setSubsidyDisclosurePolicy(db: Database, viewer: Viewer, minCount: number, effectiveFrom?: string | null): Promise<SubsidyDisclosurePolicyRow> {
  if (!(isOfficial(viewer) && viewer.role === "ADMIN")) throw forbidden(msg("只有管理员可以修改政策数据", "Only administrators change policy data"));
  const min = wholeInRange("minCount", minCount, 1, 1000);
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "subsidy_disclosure_policies");
    const [row] = await tx.insert(subsidyDisclosurePolicies).values({ id: newId(), version, minCount: min, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}
