import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { effectiveFromInput, nextPolicyVersion, policyInForce } from "../../db/policy-version.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { pruneChangeLog } from "../../search/change-log.js";
import { changeLogPolicies } from "../../search/change-log.table.js";

/** The partner change feed promises its readers at least this much history (issue 22); the table's check says so too. */
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

export type ChangeLogPolicyRow = typeof changeLogPolicies.$inferSelect;

/** The change-log policy in force on a day (default today; migration 0026 loads 30 days from 2020-01-01). */
export async function changeLogPolicyOn(db: Executor, day?: string | null): Promise<ChangeLogPolicyRow> {
  const row = await policyInForce(db, changeLogPolicies, day ?? undefined);
  if (!row) throw new Error("No change-log policy in force: the migrations load one from 2020-01-01");
  return row;
}

/** A new version (administrators): how many days the posting change log keeps what every reader has passed. */
export async function setChangeLogPolicy(db: Database, viewer: Viewer, retentionDays: number, effectiveFrom?: string | null): Promise<ChangeLogPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改变更日志策略", "Only administrators change the change-log policy"));
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS || retentionDays > MAX_RETENTION_DAYS) {
    throw badInput("retentionDays", msg(`retentionDays 须为 ${MIN_RETENTION_DAYS} 至 ${MAX_RETENTION_DAYS} 之间的整数天数（合作平台的变更订阅承诺至少 ${MIN_RETENTION_DAYS} 天的历史）`, `retentionDays is a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS} (the partner change feed promises at least ${MIN_RETENTION_DAYS} days of history)`));
  }
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "change_log_policies");
    const [row] = await tx.insert(changeLogPolicies).values({ id: newId(), version, retentionDays, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}

/** Prunes the log by the policy in force today (the periodic sweep). */
export async function pruneChangeLogByPolicy(db: Database): Promise<number> {
  const { retentionDays } = await changeLogPolicyOn(db);
  return pruneChangeLog(db, retentionDays);
}
