import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { actorOf, type Viewer } from "../../auth/viewer.js";
import { DomainError } from "../../errors.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { personScope } from "./person.access.js";
import type { PersonDraft } from "./person-record.validator.js";
import { registrationRequests } from "./registration.table.js";

/**
 * Registrations of ID numbers held outside the caller's scope (issue 15, finding 5). Telling the
 * caller "already registered elsewhere" made the ledger an oracle: a CSV could test thousands of
 * numbers. Now such a registration is queued for the holding region, and the caller hears only
 * that it awaits review. What a caller must eventually learn (they get the person, or a refusal
 * with a reason) comes from an official who saw the request, and every request is a row the
 * holding region lists; a caller with `REGISTRATION_PENDING_CAP` requests open registers nothing
 * more (new numbers included, so the cap itself tells nothing) until some are resolved.
 */

export type RegistrationSource = "REGISTRATION" | "IMPORT";

/** Only callers who cannot see the whole ledger can be told less than the truth; an administrator sees every person. */
export const queuesForeignRegistrations = (viewer: Viewer) => personScope(viewer).kind === "scoped";

/** The caller's open requests. */
export async function openRequestCount(db: Executor, actor: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${registrationRequests} where ${registrationRequests.requestedBy} = ${actor} and ${registrationRequests.status} = 'PENDING'`,
  );
  return row?.n ?? 0;
}

/** Refuses every registration by a caller at the cap — whatever the number — so reaching it reveals nothing about any one number. */
export async function assertRoomToRegister(db: Executor, viewer: Viewer, cap: number): Promise<void> {
  if (!queuesForeignRegistrations(viewer)) return;
  const open = await openRequestCount(db, actorOf(viewer));
  if (open >= cap) throw capReached(open);
}

export const capReached = (open: number) =>
  new DomainError("CAPACITY_EXCEEDED", `You have ${open} registrations awaiting review by other regions (REGISTRATION_PENDING_CAP): resolve or withdraw some before registering more`);

export interface QueuedDraft {
  draft: Partial<PersonDraft>;
  idNumberHash: string;
  householdRegionCode: string;
  heldPersonId: string;
}

/** Queues requests in the caller's transaction; a number the caller already has open answers with that request. Returns the request ids in order. */
export async function queueRegistrations(tx: Executor, pii: PiiCipher, actor: string, source: RegistrationSource, items: QueuedDraft[]): Promise<string[]> {
  if (items.length === 0) return [];
  for (const item of items) {
    await tx
      .insert(registrationRequests)
      .values({
        id: newId(),
        idNumberHash: item.idNumberHash,
        draftSealed: pii.encrypt(JSON.stringify(item.draft)),
        heldPersonId: item.heldPersonId,
        requestedRegionCode: item.householdRegionCode,
        requestedBy: actor,
        source,
      })
      .onConflictDoNothing({ target: [registrationRequests.requestedBy, registrationRequests.idNumberHash], where: sql`${registrationRequests.status} = 'PENDING'` });
  }
  const open = await tx
    .select({ id: registrationRequests.id, hash: registrationRequests.idNumberHash })
    .from(registrationRequests)
    .where(
      and(
        eq(registrationRequests.requestedBy, actor),
        eq(registrationRequests.status, "PENDING"),
        sql`${registrationRequests.idNumberHash} = any(${sql.param(items.map((i) => i.idNumberHash))}::text[])`,
      ),
    );
  const byHash = new Map(open.map((o) => [o.hash, o.id]));
  return items.map((i) => byHash.get(i.idNumberHash)!);
}

