import { HookPoint } from "../../hooks.js";

/**
 * A partner-claimed employer record was taken over by its real registration (a caseworker's, or the
 * company's own sign-up), in that transaction: the postings module holds the postings of partners
 * not linked to it.
 */
export const onEmployerTakenOver = new HookPoint<{ employerId: string; by: string }>("onEmployerTakenOver");
