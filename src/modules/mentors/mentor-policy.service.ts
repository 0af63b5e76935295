import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { effectiveFromInput } from "../../db/policy-version.js";
import { findActiveMentoringPolicy, insertMentoringPolicyVersion } from "./mentor.repository.js";
import type { MentoringPolicyRow } from "./mentor.table.js";

/** The mentoring policy in force on a day (default today; versioned data, the migrations load the first). */
export async function activeMentoringPolicy(db: Executor, day?: string | null): Promise<MentoringPolicyRow> {
  const row = await findActiveMentoringPolicy(db, day ?? undefined);
  if (!row) throw new Error("No mentoring policy in force: the migrations load one from 2020-01-01");
  return row;
}

/** The days without contact before a mentee is overdue, under the policy in force on a day (default today). */
export async function followUpDays(db: Executor, day?: string | null): Promise<number> {
  return (await activeMentoringPolicy(db, day)).followUpDays;
}

/**
 * The overdue rule for an active pairing now: no contact for the policy's days, counted from the
 * latest contact, or from the pairing's start when there has been none (SQL form: `overdueCondition`).
 */
export function isOverdue(pairing: { startedAt: Date; endedAt: Date | null }, lastContactAt: Date | null, days: number, now = Date.now()): boolean {
  if (pairing.endedAt !== null) return false;
  const since = lastContactAt ?? pairing.startedAt;
  return now - since.getTime() > days * 86_400_000;
}

/** A new version of the mentoring policy (administrators): the days without contact that make a mentee overdue. */
export async function setMentoringPolicy(db: Database, viewer: Viewer, days: number, effectiveFrom?: string | null): Promise<MentoringPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改红娘帮扶规则", "Only administrators change the mentoring policy"));
  if (!Number.isInteger(days) || days < 1 || days > 365) throw badInput("followUpDays", msg("followUpDays 须为 1 至 365 之间的整数天数", "followUpDays must be a whole number of days from 1 to 365"));
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction((tx) => insertMentoringPolicyVersion(tx, days, from, actorOf(viewer)));
}
