import { HookPoint } from "../../hooks.js";

/**
 * A partner-claimed employer record was taken over by its real registration (a caseworker's, or the
 * company's own sign-up), in that transaction: the postings module holds the postings of partners
 * not linked to it.
 */
export const onEmployerTakenOver = new HookPoint<{ employerId: string; by: string }>("onEmployerTakenOver");

/**
 * What other modules read of an employer changed (verified, its county, its poverty-workshop status),
 * in that transaction: the subsidies module decides again the employer schemes of the people it hired.
 */
export const onEmployerChanged = new HookPoint<{ employerId: string; by: string }>("onEmployerChanged");
