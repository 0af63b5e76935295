import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { actorOf, type Viewer } from "../../auth/viewer.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { requiredText } from "../../text-input.js";
import { loadCategoryEvaluator, syncMemberships } from "../categories/category.service.js";
import { mayWritePeople, personScope, personWithinScope, scopeCondition } from "./person.access.js";
import { lockPerson } from "./person.lock.js";
import { checkPerson, type PersonDraft } from "./person-record.validator.js";
import { updatePersonRow } from "./person.repository.js";
import { draftOf, recordContextFor, sealedColumns } from "./person.service.js";
import { people, type PersonRow } from "./person.table.js";
import { registrationRequests, type RegistrationRequestRow } from "./registration.table.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";

/** Deciding, withdrawing and listing the registrations queued by `registration.queue.ts`. */

export interface RegistrationDeps {
  db: Database;
  pii: PiiCipher;
}

/** The requested record, unsealed in-process (never stored or logged in clear). */
export function requestedDraft(row: RegistrationRequestRow, pii: PiiCipher): Partial<PersonDraft> {
  return JSON.parse(pii.decrypt(row.draftSealed)) as Partial<PersonDraft>;
}

type Side = "requester" | "holder";

/** Who the caller is to a request: its requester, an official whose scope holds the person, or nobody (NOT_FOUND). */
function sideOf(viewer: Viewer, row: RegistrationRequestRow, held: PersonRow | undefined): Side | null {
  if (viewer.kind !== "user") return null;
  if (held && mayWritePeople(viewer) && personWithinScope(personScope(viewer), held)) return "holder";
  if (row.requestedBy === actorOf(viewer)) return "requester";
  return null;
}

async function lockedRequest(tx: Executor, viewer: Viewer, id: string) {
  const requestId = parseId(id, "registrationId");
  const [row] = await tx.select().from(registrationRequests).where(eq(registrationRequests.id, requestId)).for("update");
  if (!row) throw notFound("Registration", requestId);
  const held = await lockPerson(tx, row.heldPersonId);
  const side = sideOf(viewer, row, held);
  if (!side) throw notFound("Registration", requestId);
  return { row, held: held!, side };
}

export type Decision = "TRANSFER" | "REFUSE";

/**
 * An official of the holding region decides. TRANSFER applies the requested record over the held
 * one (the requester's place, institution and details; the ledger's employment status and history
 * stay, being the ledger's own), so the person moves into the requester's scope; REFUSE needs a reason.
 */
export async function resolveRegistration(deps: RegistrationDeps, viewer: Viewer, id: string, decision: Decision, reason: string | null | undefined): Promise<RegistrationRequestRow> {
  const why = reason == null || reason.trim() === "" ? null : requiredText(reason, "reason", 500);
  if (decision === "REFUSE" && !why) throw badInput("reason", msg("请说明拒绝登记的原因（申请人会看到）", "Say why the registration is refused: the requester reads it"));
  return deps.db.transaction(async (tx) => {
    const { row, held, side } = await lockedRequest(tx, viewer, id);
    if (side !== "holder") throw forbidden(msg("只有管辖该人员的工作人员可以处理登记申请", "Only an official whose scope holds the person decides a registration"));
    if (row.status !== "PENDING") throw conflict(msg(`该登记申请已是 ${row.status} 状态`, `The registration is already ${row.status}`));
    if (decision === "TRANSFER") {
      const merged: PersonDraft = {
        ...draftOf(held, deps.pii),
        ...requestedDraft(row, deps.pii),
        employmentStatus: held.employmentStatus,
        employmentStatusSince: held.employmentStatusSince,
      };
      const checked = checkPerson(merged, await recordContextFor(tx, [merged]));
      if (!checked.ok) {
        const problem = checked.problems[0]!;
        throw badInput(`draft.${problem.field}`, msg(`申请登记的信息已不符合要求：${problem.message.zh}`, `The requested record no longer holds: ${problem.message.en}`));
      }
      const { employmentStatus: _s, employmentStatusSince: _since, ...columns } = sealedColumns(checked.record, deps.pii);
      const updated = await updatePersonRow(tx, held.id, {
        ...columns,
        idNumberSealed: held.idNumberSealed,
        phoneSealed: columns.phoneHash === held.phoneHash ? held.phoneSealed : columns.phoneSealed,
      });
      await syncMemberships(tx, await loadCategoryEvaluator(tx), [updated]);
    }
    const [resolved] = await tx
      .update(registrationRequests)
      .set({ status: decision === "TRANSFER" ? "TRANSFERRED" : "REFUSED", reason: why, resolvedBy: actorOf(viewer), resolvedAt: sql`now()` })
      .where(eq(registrationRequests.id, row.id))
      .returning();
    return resolved!;
  });
}

/** The requester takes a request back (typed the wrong number, the person was found). */
export async function withdrawRegistration(deps: RegistrationDeps, viewer: Viewer, id: string): Promise<RegistrationRequestRow> {
  return deps.db.transaction(async (tx) => {
    const { row } = await lockedRequest(tx, viewer, id);
    if (row.requestedBy !== actorOf(viewer)) throw forbidden(msg("只有申请人可以撤回登记申请", "Only the requester withdraws a registration"));
    if (row.status !== "PENDING") throw conflict(msg(`该登记申请已是 ${row.status} 状态`, `The registration is already ${row.status}`));
    const [done] = await tx
      .update(registrationRequests)
      .set({ status: "WITHDRAWN", resolvedBy: actorOf(viewer), resolvedAt: sql`now()` })
      .where(eq(registrationRequests.id, row.id))
      .returning();
    return done!;
  });
}

export type RegistrationDirection = "MADE" | "RECEIVED";

/** The caller's requests (MADE), or those about people in the caller's scope (RECEIVED), newest first. */
export async function listRegistrations(
  db: Database,
  viewer: Viewer,
  filter: { direction: RegistrationDirection; status?: RegistrationRequestRow["status"] | null },
  page: PageRequest,
): Promise<Page<RegistrationRequestRow>> {
  if (!mayWritePeople(viewer)) throw forbidden(msg("只有经办人员和管理员可以维护实名台账", "Only caseworkers and administrators keep the ledger"));
  const keyset = keysetOf(page);
  const where: (SQL | undefined)[] = [filter.status ? eq(registrationRequests.status, filter.status) : undefined];
  if (filter.direction === "MADE") where.push(eq(registrationRequests.requestedBy, actorOf(viewer)));
  else where.push(scopeCondition(personScope(viewer)));
  const base = () => db.select({ r: registrationRequests }).from(registrationRequests).innerJoin(people, eq(people.id, registrationRequests.heldPersonId));
  const rows = await base()
    .where(and(...where, keysetRange(registrationRequests.id, keyset)))
    .orderBy(keysetOrder(registrationRequests.id, keyset))
    .limit(keyset.limit);
  return pageFromRows(
    rows.map((r) => r.r),
    keyset,
    async () => (await db.select({ n: sql<number>`count(*)::int` }).from(registrationRequests).innerJoin(people, eq(people.id, registrationRequests.heldPersonId)).where(and(...where)))[0]!.n,
  );
}

/** One request the caller may see (requester or holder), else null. */
export async function getRegistration(db: Database, viewer: Viewer, id: string): Promise<RegistrationRequestRow | null> {
  const requestId = parseId(id, "id");
  const [row] = await db.select().from(registrationRequests).where(eq(registrationRequests.id, requestId));
  if (!row) return null;
  const [held] = await db.select().from(people).where(eq(people.id, row.heldPersonId));
  return sideOf(viewer, row, held) ? row : null;
}
