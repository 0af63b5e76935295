import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { badInput, forbidden } from "../../errors.js";
import { findActiveMentoringPolicy, insertMentoringPolicyVersion } from "./mentor.repository.js";

/** The active mentoring policy (versioned data; the migrations load the first). */
export async function activeMentoringPolicy(db: Executor): Promise<{ version: number; followUpDays: number }> {
  const row = await findActiveMentoringPolicy(db);
  if (!row) throw new Error("No active mentoring policy: the migrations load one");
  return row;
}

/** The active mentoring policy's days without contact before a mentee is overdue. */
export async function followUpDays(db: Executor): Promise<number> {
  return (await activeMentoringPolicy(db)).followUpDays;
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
export async function setMentoringPolicy(db: Database, viewer: Viewer, days: number): Promise<{ version: number; followUpDays: number }> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden("Only administrators change the mentoring policy");
  if (!Number.isInteger(days) || days < 1 || days > 365) throw badInput("followUpDays", "followUpDays must be a whole number of days from 1 to 365");
  return db.transaction((tx) => insertMentoringPolicyVersion(tx, days, actorOf(viewer)));
}
