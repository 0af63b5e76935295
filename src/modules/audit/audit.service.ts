import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { actorOf, roleOf, type Viewer } from "../../auth/viewer.js";
import { insertAuditRows, insertDecisionRow } from "./audit.repository.js";

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

export type DecisionAction =
  | "LINK_REQUESTED"
  | "LINK_ACTIVATED"
  | "LINK_DECLINED"
  | "LINK_REVOKED"
  | "EMPLOYER_TAKEN_OVER"
  | "POSTING_APPROVED"
  | "POSTING_BLOCKED"
  | "SCREENING_RULE_SAVED"
  | "CONSENT_GRANTED"
  | "CONSENT_REVOKED";

/**
 * Records a decision about who may do what (decision_audit, append-only), in the decision's own
 * transaction: who (the viewer), what, about which partner, employer, posting or person, and what
 * changed — never a person's data.
 */
export function auditDecision(
  db: Executor,
  viewer: Viewer,
  entry: { action: DecisionAction; partnerId?: string | null; employerId?: string | null; postingId?: string | null; personId?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  return insertDecisionRow(db, {
    id: newId(),
    actor: actorOf(viewer),
    actorRole: roleOf(viewer) ?? "ANONYMOUS",
    action: entry.action,
    partnerId: entry.partnerId ?? null,
    employerId: entry.employerId ?? null,
    postingId: entry.postingId ?? null,
    personId: entry.personId ?? null,
    detail: entry.detail ?? {},
  });
}
