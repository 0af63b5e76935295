import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput, conflict, forbidden, isUniqueViolation } from "../../errors.js";
import { msg } from "../../i18n.js";
import { Role, type Viewer } from "../../auth/viewer.js";
import { requireCounty } from "../regions/region.service.js";
import { isRegionPrefix } from "../../region-code.js";
import { findInstitutionsByIds, insertInstitution, listAllInstitutionCodes, listInstitutionPlaces, listInstitutions } from "./institution.repository.js";
import type { InstitutionRow } from "./institution.table.js";
import type { RegisterInstitutionInput } from "./institution.inputs.js";


/** Institutions are reference records an administrator keeps (a new school, a renamed one). */
export async function registerInstitution(db: Database, viewer: Viewer, input: RegisterInstitutionInput): Promise<InstitutionRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以登记高校", "Only administrators register institutions"));
  await requireCounty(db, input.regionCode, "input.regionCode");
  try {
    return await insertInstitution(db, { id: newId(), code: input.code, name: input.name.trim(), kind: input.kind, regionCode: input.regionCode });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(msg("已有相同代码或名称的高校", "An institution with this code or name exists"), { field: "input.code" });
    throw error;
  }
}

/** Institutions by name, optionally within a region-code prefix (2, 4 or 6 digits). */
export function institutionsWithin(db: Executor, regionPrefix: string | null | undefined): Promise<InstitutionRow[]> {
  if (regionPrefix && !isRegionPrefix(regionPrefix)) throw badInput("regionCode", msg("regionCode 须为 2、4 或 6 位数字的地区代码前缀", "regionCode must be a prefix of 2, 4 or 6 digits"));
  return listInstitutions(db, regionPrefix ?? undefined);
}

/** Institutions by id (any order; unknown ids are left out): for other modules' checks, loaders and labels. */
export function institutionsByIds(db: Executor, ids: readonly string[]): Promise<InstitutionRow[]> {
  return findInstitutionsByIds(db, ids);
}

/** Where every institution is and what kind it is: what the category rules read about schools. */
export function institutionPlaces(db: Executor): Promise<Pick<InstitutionRow, "id" | "regionCode" | "kind">[]> {
  return listInstitutionPlaces(db);
}

/** Every institution's code and id (an import maps the codes in its file). */
export function allInstitutionCodes(db: Executor) {
  return listAllInstitutionCodes(db);
}
