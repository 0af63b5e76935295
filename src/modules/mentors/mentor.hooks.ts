import type { Executor } from "../../db/client.js";
import { endMentorshipsOfEmployed } from "./mentor.service.js";

/** Reaction to onPersonEmployed: a person who found work no longer needs a 红娘; the mentorship ends (EMPLOYED) and frees its place. */
export async function endMentorshipsOnEmployment(tx: Executor, event: { changes: readonly { personId: string; status: string }[]; by: string }): Promise<void> {
  await endMentorshipsOfEmployed(tx, event.changes, event.by);
}
