import { HookPoint } from "../../hooks.js";

/**
 * Postings that stopped being open (closed, blocked or expired), in the transaction that ended them:
 * the modules that hold something on a posting (referrals, fair booths) let go of it.
 */
export const onPostingEnded = new HookPoint<{ postingIds: readonly string[]; by: string }>("onPostingEnded");
