import DataLoader from "dataloader";
import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { actorOf, roleOf, type Viewer } from "../../auth/viewer.js";
import { insertAuditRows } from "./audit.repository.js";

export interface UnmaskedRead {
  /** Whose data: a person's id — or, for a field named `Mentor.…`, the mentor's. */
  personId: string;
  field: "idNumber" | "phone" | "birthDate" | "povertyHouseholdNo" | "Mentor.phone";
  purpose: string;
}

/**
 * Unmasked reads of one request are written in one insert, and a value is released only after its
 * audit row is stored: if the write fails, the read fails.
 */
export function createAuditLoaders(db: Executor, request: { viewer: Viewer; requestId: string }) {
  return {
    auditUnmaskedRead: new DataLoader<UnmaskedRead, true, string>(
      async (reads) => {
        await insertAuditRows(
          db,
          reads.map((r) => ({
            id: newId(),
            actor: actorOf(request.viewer),
            actorRole: roleOf(request.viewer) ?? "ANONYMOUS",
            personId: r.personId,
            fields: [r.field],
            purpose: r.purpose,
            requestId: request.requestId,
          })),
        );
        return reads.map(() => true as const);
      },
      { cacheKeyFn: (r) => `${r.personId}|${r.field}|${r.purpose}` },
    ),
  };
}
