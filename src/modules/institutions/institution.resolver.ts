import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { badInput } from "../../errors.js";
import type { Context } from "../../graphql/context.js";
import { listInstitutions } from "./institution.repository.js";
import { registerInstitution, RegisterInstitutionInput } from "./institution.service.js";
import { Institution } from "./institution.type.js";

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => [Institution], { description: "Institutions, optionally within a region-code prefix." })
  institutions(@Arg("regionCode", () => String, { nullable: true }) regionCode: string | null, @Ctx() ctx: Context) {
    if (regionCode && !/^(\d{2}|\d{4}|\d{6})$/.test(regionCode)) throw badInput("regionCode", "regionCode must be a prefix of 2, 4 or 6 digits");
    return listInstitutions(ctx.db, regionCode ?? undefined);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Institution)
  registerInstitution(@Arg("input", () => RegisterInstitutionInput) input: RegisterInstitutionInput, @Ctx() ctx: Context) {
    return registerInstitution(ctx.db, ctx.viewer, input);
  }
}
