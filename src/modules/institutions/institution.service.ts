import { Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import type { Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { conflict, forbidden, isUniqueViolation } from "../../errors.js";
import { Role, type Viewer } from "../../auth/viewer.js";
import { CharLength, IsRegionCode } from "../../graphql/validators.js";
import { requireCounty } from "../regions/region.service.js";
import { insertInstitution } from "./institution.repository.js";
import type { InstitutionRow } from "./institution.table.js";
import { InstitutionKind } from "./institution.type.js";

@InputType()
export class RegisterInstitutionInput {
  @Field() @Matches(/^[0-9A-Za-z-]{2,20}$/) code!: string;
  @Field() @CharLength(2, 100) name!: string;
  @Field(() => InstitutionKind) kind!: InstitutionKind;
  @Field() @IsRegionCode() regionCode!: string;
}

/** Institutions are reference records an administrator keeps (a new school, a renamed one). */
export async function registerInstitution(db: Database, viewer: Viewer, input: RegisterInstitutionInput): Promise<InstitutionRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden("Only administrators register institutions");
  await requireCounty(db, input.regionCode, "input.regionCode");
  try {
    return await insertInstitution(db, { id: newId(), code: input.code, name: input.name.trim(), kind: input.kind, regionCode: input.regionCode });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("An institution with this code or name exists", { field: "input.code" });
    throw error;
  }
}
