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
  updateEmployer,
} from "./employer.repository.js";
import { employerAccounts, type EmployerRow } from "./employer.table.js";

/** Officials register employers: an admin anywhere, a caseworker within their region. */
function assertMayAdministerRegion(viewer: Viewer, regionCode: string): void {
  if (viewer.kind === "user" && viewer.role === Role.ADMIN) return;
  if (viewer.kind === "user" && viewer.role === Role.CASEWORKER && regionWithinScope(viewer.regionCode, regionCode)) return;
  throw forbidden(msg(`地区 ${regionCode} 的用人单位不在您的管辖范围内`, `Employers in region ${regionCode} are outside your scope`));
}

/**
 * Registers an employer. Registration by an official counts as verification (they check the
 * business licence); employers first seen through a partner push start unverified.
 */
export async function registerEmployer(db: Database, viewer: Viewer, input: RegisterEmployerInput): Promise<EmployerRow> {
  input = { ...input, creditCode: input.creditCode.toUpperCase() };
  await requireCounty(db, input.regionCode, "input.regionCode");
  assertMayAdministerRegion(viewer, input.regionCode);
  const existing = await findEmployerByCreditCode(db, input.creditCode);
  if (existing) throw conflict(msg(`统一社会信用代码为 ${input.creditCode} 的用人单位已登记`, `An employer with credit code ${input.creditCode} is already registered`), { field: "input.creditCode", id: existing.id });
  try {
    return await insertEmployer(db, {
      id: newId(),
      name: input.name.trim(),
      creditCode: input.creditCode,
      regionCode: input.regionCode,
      isPovertyWorkshop: input.isPovertyWorkshop,
      verified: true,
      createdBy: actorOf(viewer),
    });
  } catch (error) {
    // Lost a race with a concurrent registration of the same code.
    if (isUniqueViolation(error)) throw conflict(msg(`统一社会信用代码为 ${input.creditCode} 的用人单位已登记`, `An employer with credit code ${input.creditCode} is already registered`), { field: "input.creditCode" });
    throw error;
  }
}

export async function verifyEmployer(db: Database, viewer: Viewer, id: string): Promise<EmployerRow> {
  const employerId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const employer = await findEmployerById(tx, employerId, { forUpdate: true });
    if (!employer) throw notFound("Employer", employerId);
    assertMayAdministerRegion(viewer, employer.regionCode);
    return employer.verified ? employer : updateEmployer(tx, employerId, { verified: true });
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

/** An employer by id, for the postings module (no visibility rule: callers decide who may post for whom). */
export function findEmployerForPosting(db: Executor, id: string): Promise<EmployerRow | undefined> {
  return findEmployerById(db, id);
}

export { insertEmployerIfAbsent };

/** The employer a signed-up company user is linked to (their token names none), if any. */
export async function employerOfUser(db: Executor, userSub: string): Promise<string | undefined> {
  const [row] = await db.select({ employerId: employerAccounts.employerId }).from(employerAccounts).where(eq(employerAccounts.userSub, userSub));
  return row?.employerId;
}

/**
 * A company user signs their employer up (role EMPLOYER, no employer yet): the record is unverified
 * and not a poverty workshop (扶贫车间 status earns subsidies: an official records it) —
 * its postings stay drafts until a caseworker whose region holds it verifies it — and the user is
 * linked to it, so their tokens need not carry `employerId`. A credit code already registered is
 * CONFLICT, without saying by whom.
 */
export async function requestEmployerRegistration(db: Database, viewer: Viewer, input: Omit<RegisterEmployerInput, "isPovertyWorkshop"> & { isPovertyWorkshop?: boolean }): Promise<EmployerRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.EMPLOYER)) throw forbidden(msg("只有用人单位账号可以申请登记", "Only a company account signs an employer up"));
  if (viewer.employerId) throw conflict(msg("您的账号已关联一家用人单位", "Your account is already linked to an employer"));
  const creditCode = input.creditCode.toUpperCase();
  await requireCounty(db, input.regionCode, "input.regionCode");
  const taken = () => conflict(msg(`统一社会信用代码 ${creditCode} 已有用人单位登记；如有疑问请联系当地人社部门`, `Credit code ${creditCode} is already registered; ask your local HR bureau if you think it is yours`), { field: "input.creditCode" });
  try {
    return await db.transaction(async (tx) => {
      if (await findEmployerByCreditCode(tx, creditCode)) throw taken();
      const employer = await insertEmployer(tx, { id: newId(), name: input.name.trim(), creditCode, regionCode: input.regionCode, isPovertyWorkshop: false, verified: false, createdBy: actorOf(viewer) });
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
