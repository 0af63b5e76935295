import { HookPoint } from "../../hooks.js";

/**
 * A partner–employer link became ACTIVE, or stopped being ACTIVE, in the transaction that decided
 * it: the postings module releases the partner's held postings for the employer, or holds them again.
 */
export const onPartnerLinkChanged = new HookPoint<{ partnerId: string; employerId: string; active: boolean; by: string }>("onPartnerLinkChanged");
