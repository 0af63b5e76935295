import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { insertAuditRows } from "./audit.repository.js";

/**
 * Unsealings the server makes on its own account (no request behind them): each person's fields,
 * by a system actor, for a stated purpose, cited by what it was done for (an SMS's id).
 */
export function auditSystemReads(db: Executor, actor: `system:${string}`, purpose: string, reads: { personId: string; fields: string[]; ref: string }[]): Promise<void> {
  return insertAuditRows(
    db,
    reads.map((r) => ({ id: newId(), actor, actorRole: "SYSTEM", personId: r.personId, fields: r.fields, purpose, requestId: r.ref })),
  );
}
