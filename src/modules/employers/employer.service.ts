import { eq } from "drizzle-orm";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { conflict, forbidden, isUniqueViolation, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { actorOf, regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import { requireCounty } from "../regions/region.service.js";
import type { EmployerFilter, RegisterEmployerInput } from "./employer.inputs.js";
import {
  countEmployers,
  findEmployerByCreditCode,
  findEmployerById,
  findEmployersByIds,
  insertEmployer,
  insertEmployerIfAbsent,
  listEmployers,
  lockEmployerRow,
  updateEmployer,
} from "./employer.repository.js";
import { auditDecision } from "../audit/audit.service.js";
import { onEmployerChanged, onEmployerTakenOver } from "./employer.hooks.js";
import { employerAccounts, type EmployerRow } from "./employer.table.js";

/** Officials register employers: an admin anywhere, a caseworker within their region. */
function assertMayAdministerRegion(viewer: Viewer, regionCode: string): void {
  if (viewer.kind === "user" && viewer.role === Role.ADMIN) return;
  if (viewer.kind === "user" && viewer.role === Role.CASEWORKER && regionWithinScope(viewer.regionCode, regionCode)) return;
  throw forbidden(msg(`地区 ${regionCode} 的用人单位不在您的管辖范围内`, `Employers in region ${regionCode} are outside your scope`));
}

const alreadyRegistered = (creditCode: string) =>
  conflict(msg(`统一社会信用代码为 ${creditCode} 的用人单位已登记`, `An employer with credit code ${creditCode} is already registered`), { field: "input.creditCode" });

/**
 * Takes a partner-claimed record over (issue 22): the real registration corrects its name and
 * region (and what else it gives), clears the claim and sets verification as the registration does;
 * audited with the old and the new name; the postings of partners not linked to it are held
 * (onEmployerTakenOver). The caller holds the row locked FOR UPDATE.
 */
async function takeOverClaimedEmployer(
  tx: Executor,
  viewer: Viewer,
  claimed: EmployerRow,
  patch: { name: string; regionCode: string; isPovertyWorkshop: boolean; verified: boolean },
): Promise<EmployerRow> {
  const employer = await updateEmployer(tx, claimed.id, { ...patch, claimedByPartnerId: null });
  await auditDecision(tx, viewer, {
    action: "EMPLOYER_TAKEN_OVER",
    employerId: claimed.id,
    partnerId: claimed.claimedByPartnerId,
    detail: { oldName: claimed.name, newName: employer.name, oldRegionCode: claimed.regionCode, newRegionCode: employer.regionCode, verified: employer.verified },
  });
  await onEmployerTakenOver.run(tx, { employerId: claimed.id, by: actorOf(viewer) });
  await onEmployerChanged.run(tx, { employerId: claimed.id, by: actorOf(viewer) });
  return employer;
}

/** The record of a credit code when only a partner's push claimed it, locked FOR UPDATE; undefined when the code is free; CONFLICT when an official or the company registered it. */
async function claimedRecordOf(tx: Executor, creditCode: string, taken: () => Error): Promise<EmployerRow | undefined> {
  const existing = await findEmployerByCreditCode(tx, creditCode);
  if (!existing) return undefined;
  const locked = existing.claimedByPartnerId ? await lockEmployerRow(tx, existing.id, "update") : undefined;
  if (!locked || locked.claimedByPartnerId === null) throw taken();
  return locked;
}

/**
 * Registers an employer. Registration by an official counts as verification (they check the
 * business licence); employers first seen through a partner push start unverified. A credit code
 * only a partner's push claimed is taken over (its name and region corrected, audited); one an
 * official or the company itself registered is CONFLICT.
 */
export async function registerEmployer(db: Database, viewer: Viewer, input: RegisterEmployerInput): Promise<EmployerRow> {
  input = { ...input, creditCode: input.creditCode.toUpperCase() };
  await requireCounty(db, input.regionCode, "input.regionCode");
  assertMayAdministerRegion(viewer, input.regionCode);
  const name = input.name.trim();
  try {
    return await db.transaction(async (tx) => {
      const claimed = await claimedRecordOf(tx, input.creditCode, () => alreadyRegistered(input.creditCode));
      if (claimed) return takeOverClaimedEmployer(tx, viewer, claimed, { name, regionCode: input.regionCode, isPovertyWorkshop: input.isPovertyWorkshop, verified: true });
      return insertEmployer(tx, {
        id: newId(),
        name,
        creditCode: input.creditCode,
        regionCode: input.regionCode,
        isPovertyWorkshop: input.isPovertyWorkshop,
        verified: true,
        createdBy: actorOf(viewer),
      });
    });
  } catch (error) {
    // Lost a race with a concurrent registration of the same code.
    if (isUniqueViolation(error)) throw alreadyRegistered(input.creditCode);
    throw error;
  }
}

export async function verifyEmployer(db: Database, viewer: Viewer, id: string): Promise<EmployerRow> {
  const employerId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const employer = await findEmployerById(tx, employerId, { forUpdate: true });
    if (!employer) throw notFound("Employer", employerId);
    assertMayAdministerRegion(viewer, employer.regionCode);
    // An official who checked the licence confirms the record: a partner's claim on it ends.
    if (employer.verified && employer.claimedByPartnerId === null) return employer;
    const verified = await updateEmployer(tx, employerId, { verified: true, claimedByPartnerId: null });
    if (!employer.verified) await onEmployerChanged.run(tx, { employerId, by: actorOf(viewer) });
    return verified;
  });
}

export async function getEmployer(db: Database, id: string): Promise<EmployerRow | null> {
  return (await findEmployerById(db, parseId(id, "id"))) ?? null;
}

/** Employers by id, in no particular order (an id not found is left out): for other modules that need several at once. */
export function getEmployersByIds(db: Executor, ids: readonly string[]): Promise<EmployerRow[]> {
  return findEmployersByIds(db, ids);
}

export async function searchEmployers(db: Database, filter: EmployerFilter | undefined, page: PageRequest): Promise<Page<EmployerRow>> {
  const q = {
    ...(filter?.regionCode ? { regionPrefix: filter.regionCode } : {}),
    ...(filter?.verified != null ? { verified: filter.verified } : {}),
    ...(filter?.isPovertyWorkshop != null ? { isPovertyWorkshop: filter.isPovertyWorkshop } : {}),
    ...(filter?.nameContains ? { nameContains: filter.nameContains } : {}),
  };
  const keyset = keysetOf(page);
  const rows = await listEmployers(db, q, keyset);
  return pageFromRows(rows, keyset, () => countEmployers(db, q));
}

/** An employer by id, for other modules (no visibility rule: callers decide who may post for whom, or read what). */
export function findEmployerForPosting(db: Executor, id: string): Promise<EmployerRow | undefined> {
  return findEmployerById(db, id);
}

export { insertEmployerIfAbsent };

/** Locks an employer row (see lockEmployerRow): links and pushes for one employer take turns. */
export function lockEmployer(tx: Executor, id: string, mode: "update" | "key share"): Promise<EmployerRow | undefined> {
  return lockEmployerRow(tx, id, mode);
}

/** An employer by its credit code (upper-cased), if registered. */
export function getEmployerByCreditCode(db: Executor, creditCode: string): Promise<EmployerRow | undefined> {
  return findEmployerByCreditCode(db, creditCode.toUpperCase());
}

/** The employer a signed-up company user is linked to (their token names none), if any. */
export async function employerOfUser(db: Executor, userSub: string): Promise<string | undefined> {
  const [row] = await db.select({ employerId: employerAccounts.employerId }).from(employerAccounts).where(eq(employerAccounts.userSub, userSub));
  return row?.employerId;
}

/**
 * A company user signs their employer up (role EMPLOYER, no employer yet): the record is unverified
 * and not a poverty workshop (扶贫车间 status earns subsidies: an official records it) —
 * its postings stay drafts until a caseworker whose region holds it verifies it — and the user is
 * linked to it, so their tokens need not carry `employerId`. A credit code only a partner's push
 * claimed is taken over (name and region corrected, unverified, audited); one already registered
 * otherwise is CONFLICT, without saying by whom.
 */
export async function requestEmployerRegistration(db: Database, viewer: Viewer, input: Omit<RegisterEmployerInput, "isPovertyWorkshop"> & { isPovertyWorkshop?: boolean }): Promise<EmployerRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.EMPLOYER)) throw forbidden(msg("只有用人单位账号可以申请登记", "Only a company account signs an employer up"));
  if (viewer.employerId) throw conflict(msg("您的账号已关联一家用人单位", "Your account is already linked to an employer"));
  const creditCode = input.creditCode.toUpperCase();
  await requireCounty(db, input.regionCode, "input.regionCode");
  const taken = () => conflict(msg(`统一社会信用代码 ${creditCode} 已有用人单位登记；如有疑问请联系当地人社部门`, `Credit code ${creditCode} is already registered; ask your local HR bureau if you think it is yours`), { field: "input.creditCode" });
  try {
    return await db.transaction(async (tx) => {
      const claimed = await claimedRecordOf(tx, creditCode, taken);
      const employer = claimed
        ? await takeOverClaimedEmployer(tx, viewer, claimed, { name: input.name.trim(), regionCode: input.regionCode, isPovertyWorkshop: false, verified: false })
        : await insertEmployer(tx, { id: newId(), name: input.name.trim(), creditCode, regionCode: input.regionCode, isPovertyWorkshop: false, verified: false, createdBy: actorOf(viewer) });
      const [linked] = await tx.insert(employerAccounts).values({ userSub: viewer.userId, employerId: employer.id }).onConflictDoNothing().returning();
      if (!linked) throw conflict(msg("您的账号已关联一家用人单位", "Your account is already linked to an employer"));
      return employer;
    });
  } catch (error) {
    // Lost a race with a concurrent registration of the same code.
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}
