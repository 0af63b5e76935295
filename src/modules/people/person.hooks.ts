import { HookPoint } from "../../hooks.js";

/**
 * People whose current employment status changed, in the transaction that recorded it (the people
 * already locked): the modules whose help ends when a person finds work (mentors) react to it.
 * Each change names the new status; reactions pick the statuses that concern them. A hire (a HIRED
 * referral or fair outcome) names the employer too: employers' hiring subsidies are decided on it.
 */
export const onPersonEmployed = new HookPoint<{ changes: readonly { personId: string; status: string; employerId?: string }[]; by: string }>("onPersonEmployed");
