import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { actorOf, type Viewer } from "../../auth/viewer.js";
import { DomainError } from "../../errors.js";
import { msg } from "../../i18n.js";
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

/** Withdrawn requests keep counting against the cap this long, so withdrawing is no way round it. */
export const WITHDRAWN_COUNTS_DAYS = 30;

/** The caller's requests that count against the cap: the open ones, and those withdrawn in the last WITHDRAWN_COUNTS_DAYS. */
export async function countedRequests(db: Executor, actor: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${registrationRequests}
        where ${registrationRequests.requestedBy} = ${actor}
          and (${registrationRequests.status} = 'PENDING'
               or (${registrationRequests.status} = 'WITHDRAWN' and ${registrationRequests.resolvedAt} > now() - make_interval(days => ${WITHDRAWN_COUNTS_DAYS})))`,
  );
  return row?.n ?? 0;
}

/**
 * How many more requests the caller may queue, counted inside the caller's transaction under a
 * per-caller advisory lock (two requests of one caller at once cannot both take the last place).
 * Take it before any person lock: the lock order is this lock, then people (person.lock.ts).
 */
export async function roomToRegister(tx: Executor, viewer: Viewer, cap: number): Promise<number> {
  if (!queuesForeignRegistrations(viewer) || cap === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const actor = actorOf(viewer);
  await queryRows(tx, sql`select pg_advisory_xact_lock(hashtext(${"registration-cap:" + actor}))`);
  return cap - (await countedRequests(tx, actor));
}

/** Refuses every registration by a caller at the cap — whatever the number — so reaching it reveals nothing about any one number. */
export async function assertRoomToRegister(tx: Executor, viewer: Viewer, cap: number): Promise<void> {
  const left = await roomToRegister(tx, viewer, cap);
  if (left <= 0) throw capReached(cap - left);
}

export const capReached = (counted: number) =>
  new DomainError(
    "CAPACITY_EXCEEDED",
    msg(
      `您有 ${counted} 条登记申请正等待其他地区审核或在近 ${WITHDRAWN_COUNTS_DAYS} 天内撤回（REGISTRATION_PENDING_CAP）：请等待审核结果后再继续登记`,
      `You have ${counted} registrations awaiting review by other regions or withdrawn in the last ${WITHDRAWN_COUNTS_DAYS} days (REGISTRATION_PENDING_CAP): wait for decisions before registering more`,
    ),
  );

export interface QueuedDraft {
  draft: Partial<PersonDraft>;
  idNumberHash: string;
  householdRegionCode: string;
  heldPersonId: string;
}

/**
 * Queues requests in the caller's transaction; a number the caller already has open answers with
 * that request. Returns the request ids in order and how many requests are new (a number already
 * open takes no further place under the cap). Callers hold the people's locks, so a holder cannot
 * decide a request between our insert and our read; should one have been decided just before, the
 * insert is simply tried again.
 */
export async function queueRegistrations(tx: Executor, pii: PiiCipher, actor: string, source: RegistrationSource, items: QueuedDraft[]): Promise<{ ids: string[]; added: number }> {
  if (items.length === 0) return { ids: [], added: 0 };
  const byHash = new Map<string, string>();
  let added = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const missing = items.filter((i) => !byHash.has(i.idNumberHash));
    if (missing.length === 0) break;
    for (const item of missing) {
      const inserted = await tx
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
        .onConflictDoNothing({ target: [registrationRequests.requestedBy, registrationRequests.idNumberHash], where: sql`${registrationRequests.status} = 'PENDING'` })
        .returning({ id: registrationRequests.id });
      added += inserted.length;
    }
    const open = await tx
      .select({ id: registrationRequests.id, hash: registrationRequests.idNumberHash })
      .from(registrationRequests)
      .where(
        and(
          eq(registrationRequests.requestedBy, actor),
          eq(registrationRequests.status, "PENDING"),
          sql`${registrationRequests.idNumberHash} = any(${sql.param(missing.map((i) => i.idNumberHash))}::text[])`,
        ),
      );
    for (const o of open) byHash.set(o.hash, o.id);
  }
  const ids = items.map((i) => byHash.get(i.idNumberHash));
  if (ids.some((id) => id === undefined)) throw new Error("A registration request could not be queued: its number's open request kept changing");
  return { ids: ids as string[], added };
}
