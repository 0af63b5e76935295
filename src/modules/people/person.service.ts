import { onPersonEmployed } from "./person.hooks.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { serviceToday } from "../../dates.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from "../../errors.js";
import { msg, say } from "../../i18n.js";
import { actorOf, type Viewer } from "../../auth/viewer.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { parseMobilePhone, parseResidentId } from "../../pii/resident-id.js";
import { loadCategoryEvaluator, syncMemberships } from "../categories/category.service.js";
import type { Population } from "../categories/category.table.js";
import { institutionsByIds } from "../institutions/institution.service.js";
import { getRegionsByCodes } from "../regions/region.service.js";
import { mayWritePeople, personScope, personWithinScope } from "./person.access.js";
import { assertRoomToRegister, queueRegistrations } from "./registration.queue.js";
import { lockPerson } from "./person.lock.js";
import { checkPerson, type PersonDraft, type PersonRecord, type Problem, type RecordContext } from "./person-record.validator.js";
import {
  countPeople,
  findPersonById,
  findPeopleByIdHashes,
  insertHistory,
  insertPeople,
  listPeople,
  updatePersonRow,
  type PeopleQuery,
} from "./person.repository.js";
import type { EmploymentStatus, PersonRow } from "./person.table.js";

/** People by id (any order; absent ids are left out). For other modules' loaders and reports: callers check who may see them. */
export { findPeopleByIds } from "./person.repository.js";

export interface LedgerDeps {
  db: Database;
  pii: PiiCipher;
}

/** Region levels and institutions for the codes a draft names, in two queries. */
export async function recordContextFor(db: Executor, drafts: Partial<PersonDraft>[], today = new Date()): Promise<RecordContext> {
  const codes = new Set<string>();
  const institutionIds = new Set<string>();
  for (const d of drafts) {
    for (const c of [d.householdRegionCode, d.originRegionCode, ...(d.intentionRegionCodes ?? [])]) if (c && /^\d{6}$/.test(c)) codes.add(c);
    if (d.institutionId && /^[0-9a-f-]{36}$/i.test(d.institutionId)) institutionIds.add(d.institutionId.toLowerCase());
  }
  // One after another: `db` may be a transaction, whose single connection takes one query at a time.
  const regionRows = codes.size ? await getRegionsByCodes(db, [...codes]) : [];
  const institutionRows = institutionIds.size ? await institutionsByIds(db, [...institutionIds]) : [];
  const levels = new Map(regionRows.map((r) => [r.code, r.level]));
  const known = new Set(institutionRows.map((r) => r.id));
  return { today, regionLevel: (code) => levels.get(code), institutionExists: (id) => known.has(id.toLowerCase()) };
}

/** The columns a checked record writes: the ID number and phone sealed, hashed for lookup, masked for show. */
export function sealedColumns(record: PersonRecord, pii: PiiCipher) {
  const { idNumber, idNumberMasked: _masked, phone, ...rest } = record;
  return {
    ...rest,
    idNumberSealed: pii.encrypt(idNumber),
    idNumberHash: pii.lookupHash("id", idNumber),
    phoneSealed: phone ? pii.encrypt(phone) : null,
    phoneHash: phone ? pii.lookupHash("phone", phone) : null,
  };
}

function throwProblems(problems: Problem[], prefix: string): never {
  const first = problems[0]!;
  // Each problem in the extensions is a string in the caller's language, as the message is.
  throw badInput(`${prefix}.${first.field}`, first.message, { problems: problems.map((p) => ({ ...p, field: `${prefix}.${p.field}`, message: say(p.message) })) });
}

function assertMayWrite(viewer: Viewer, place: Pick<PersonRow, "householdRegionCode" | "originRegionCode" | "institutionId">): void {
  if (!mayWritePeople(viewer)) throw forbidden(msg("只有经办人员和管理员可以维护实名台账", "Only caseworkers and administrators keep the ledger"));
  if (!personWithinScope(personScope(viewer), { id: "", ...place })) throw forbidden(msg("该人员所属的地区和高校不在您的管辖范围内", "This person's region and institution are outside your scope"));
}

export type Registration = { status: "REGISTERED"; person: PersonRow } | { status: "PENDING"; registrationId: string };

/**
 * Registers a person in the real-name ledger (应登尽登): one record per ID number; categories are
 * decided, not typed. A number already held where the caller can see it is a CONFLICT naming the
 * person; one held outside the caller's scope is queued for the holding region (PENDING), telling
 * the caller nothing about where — see registration.queue.ts.
 */
export async function registerPerson(deps: LedgerDeps, viewer: Viewer, draft: PersonDraft, pendingCap = Number.POSITIVE_INFINITY): Promise<Registration> {
  if (!mayWritePeople(viewer)) throw forbidden(msg("只有经办人员和管理员可以维护实名台账", "Only caseworkers and administrators keep the ledger"));
  const checked = checkPerson(draft, await recordContextFor(deps.db, [draft]));
  if (!checked.ok) throwProblems(checked.problems, "input");
  const record = checked.record;
  assertMayWrite(viewer, record);
  const columns = sealedColumns(record, deps.pii);
  const attempt = () =>
    deps.db.transaction(async (tx): Promise<Registration> => {
      await assertRoomToRegister(tx, viewer, pendingCap);
      const [found] = await findPeopleByIdHashes(tx, [columns.idNumberHash]);
      // Locked before the request is queued, as an import locks its people first (person.lock.ts).
      const existing = found ? await lockPerson(tx, found.id) : undefined;
      if (existing) {
        if (!personWithinScope(personScope(viewer), existing)) {
          const { ids } = await queueRegistrations(tx, deps.pii, actorOf(viewer), "REGISTRATION", [
            { draft, idNumberHash: columns.idNumberHash, householdRegionCode: record.householdRegionCode, heldPersonId: existing.id },
          ]);
          return { status: "PENDING", registrationId: ids[0]! };
        }
        throw conflict(msg("该身份证号的人员已登记", "A person with this ID number is already registered"), { field: "input.idNumber", id: existing.id });
      }
      const [person] = await insertPeople(tx, [{ id: newId(), ...columns, createdBy: actorOf(viewer) }]);
      if (!person) throw new RegisteredMeanwhile();
      await insertHistory(tx, [historyRow(person.id, record.employmentStatus, record.employmentStatusSince, "REGISTRATION", actorOf(viewer))]);
      await syncMemberships(tx, await loadCategoryEvaluator(tx), [person]);
      return { status: "REGISTERED", person };
    });
  try {
    return await attempt();
  } catch (error) {
    // Registered meanwhile by someone else: now the number is held, so the same question gets the
    // answer it would have had a moment later (the person, a CONFLICT, or a queued request) — never
    // an error that would itself say "someone just registered this".
    if (!(error instanceof RegisteredMeanwhile) && !isUniqueViolation(error)) throw error;
    return attempt();
  }
}

class RegisteredMeanwhile extends Error {}

export function historyRow(personId: string, status: EmploymentStatus, since: string, source: "REGISTRATION" | "UPDATE" | "IMPORT" | "REFERRAL", by: string, note?: string | null) {
  return { id: newId(), personId, status, since, source, recordedBy: by, note: note ?? null };
}

/** The draft a stored person corresponds to (ID and phone unsealed in-process, never returned). */
export function draftOf(person: PersonRow, pii: PiiCipher): PersonDraft {
  return {
    ...person,
    idNumber: pii.decrypt(person.idNumberSealed),
    phone: person.phoneSealed ? pii.decrypt(person.phoneSealed) : null,
  };
}

export type PersonPatch = Partial<Omit<PersonDraft, "idNumber" | "employmentStatus" | "employmentStatusSince">>;

/** Corrects or completes a record. The ID number is the identity and cannot change; status changes go through recordEmploymentStatus. */
export async function updatePerson(deps: LedgerDeps, viewer: Viewer, id: string, patch: PersonPatch): Promise<PersonRow> {
  const personId = parseId(id, "id");
  if (!mayWritePeople(viewer)) throw forbidden(msg("只有经办人员和管理员可以维护实名台账", "Only caseworkers and administrators keep the ledger"));
  return deps.db.transaction(async (tx) => {
    const person = await findPersonById(tx, personId, { forUpdate: true });
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const merged: PersonDraft = { ...draftOf(person, deps.pii), ...defined };
    const checked = checkPerson(merged, await recordContextFor(tx, [merged]));
    if (!checked.ok) throwProblems(checked.problems, "input");
    assertMayWrite(viewer, checked.record);
    const { employmentStatus: _s, employmentStatusSince: _since, ...columns } = sealedColumns(checked.record, deps.pii);
    // Sealing is randomised: keep the stored ciphertexts when the plain values did not change.
    const samePhone = columns.phoneHash === person.phoneHash;
    const updated = await updatePersonRow(tx, personId, {
      ...columns,
      idNumberSealed: person.idNumberSealed,
      phoneSealed: samePhone ? person.phoneSealed : columns.phoneSealed,
    });
    await syncMemberships(tx, await loadCategoryEvaluator(tx), [updated]);
    return updated;
  });
}

/**
 * Records a change of employment status (dated and attributed) and re-decides categories. A
 * back-dated entry joins the history without overriding a later current status.
 */
export async function applyEmploymentStatus(
  tx: Executor,
  person: PersonRow,
  change: { status: EmploymentStatus; since: string; note?: string | null; source: "UPDATE" | "IMPORT" | "REFERRAL"; by: string; employerId?: string },
): Promise<PersonRow> {
  await insertHistory(tx, [historyRow(person.id, change.status, change.since, change.source, change.by, change.note)]);
  const updated =
    change.since >= person.employmentStatusSince
      ? await updatePersonRow(tx, person.id, { employmentStatus: change.status, employmentStatusSince: change.since })
      : person;
  await syncMemberships(tx, await loadCategoryEvaluator(tx), [updated]);
  // A current status that changed: the modules whose help ends with work react (mentors).
  if (updated.employmentStatus === change.status) await onPersonEmployed.run(tx, { changes: [{ personId: person.id, status: change.status, ...(change.employerId ? { employerId: change.employerId } : {}) }], by: change.by });
  return updated;
}

export async function recordEmploymentStatus(
  deps: LedgerDeps,
  viewer: Viewer,
  id: string,
  change: { status: EmploymentStatus; since?: string | null; note?: string | null },
): Promise<PersonRow> {
  const personId = parseId(id, "personId");
  if (!mayWritePeople(viewer)) throw forbidden(msg("只有经办人员和管理员可以维护实名台账", "Only caseworkers and administrators keep the ledger"));
  const today = serviceToday();
  const since = change.since ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since))) throw badInput("since", msg("since 须为日期（YYYY-MM-DD）", "since must be a date (YYYY-MM-DD)"));
  if (since > today) throw badInput("since", msg("since 不能是将来的日期", "since is in the future"));
  if (change.note && change.note.length > 500) throw badInput("note", msg("note 最多 500 个字符", "note is at most 500 characters"));
  return deps.db.transaction(async (tx) => {
    const person = await findPersonById(tx, personId, { forUpdate: true });
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    if (since < person.birthDate) throw badInput("since", msg("since 早于该人员的出生日期", "since is before the person's birth date"));
    return applyEmploymentStatus(tx, person, { ...change, since, source: "UPDATE", by: actorOf(viewer) });
  });
}

export async function getPerson(deps: LedgerDeps, viewer: Viewer, id: string): Promise<PersonRow | null> {
  const person = await findPersonById(deps.db, parseId(id, "id"));
  return person && personWithinScope(personScope(viewer), person) ? person : null;
}

export interface PeopleFilterValues {
  regionCode?: string | null;
  institutionId?: string | null;
  categoryCode?: string | null;
  population?: Population | null;
  employmentStatus?: EmploymentStatus | null;
  text?: string | null;
}

/** The ledger within the viewer's scope. `text` matches a name fragment, or an exact ID number or phone. */
export async function searchPeople(deps: LedgerDeps, viewer: Viewer, filter: PeopleFilterValues | null | undefined, page: PageRequest): Promise<Page<PersonRow>> {
  const text = filter?.text?.trim();
  const asId = text ? parseResidentId(text) : null;
  const asPhone = text ? parseMobilePhone(text) : null;
  const q: PeopleQuery = {
    scope: personScope(viewer),
    ...(filter?.regionCode ? { regionPrefix: filter.regionCode } : {}),
    ...(filter?.institutionId ? { institutionId: parseId(filter.institutionId, "filter.institutionId") } : {}),
    ...(filter?.categoryCode ? { categoryCode: filter.categoryCode } : {}),
    ...(filter?.population ? { population: filter.population } : {}),
    ...(filter?.employmentStatus ? { employmentStatus: filter.employmentStatus } : {}),
    ...(asId?.ok ? { idNumberHash: deps.pii.lookupHash("id", asId.value.idNumber) } : asPhone ? { phoneHash: deps.pii.lookupHash("phone", asPhone) } : text ? { nameContains: text } : {}),
  };
  const keyset = keysetOf(page);
  const rows = await listPeople(deps.db, q, keyset);
  return pageFromRows(rows, keyset, () => countPeople(deps.db, q));
}
