import type { Executor } from "../../db/client.js";
import { leaveBooths } from "./fair.repository.js";

/** Reaction to onPostingEnded: a posting that stops being open leaves every fair booth it stood at. */
export async function leaveBoothsOfEndedPostings(tx: Executor, event: { postingIds: readonly string[] }): Promise<void> {
  await leaveBooths(tx, event.postingIds);
}
