import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { institutionsWithin, registerInstitution } from "./institution.service.js";
import { RegisterInstitutionInput } from "./institution.inputs.js";
import { Institution } from "./institution.type.js";
import { nodeType } from "../../graphql/node.js";
import { institutions } from "./institution.table.js";

nodeType("Institution", { rootField: "Query.institutions", table: institutions, fetch: (ctx, id) => ctx.loaders.institutionById.load(id) });

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => [Institution], { description: "Institutions, optionally within a region-code prefix." })
  institutions(@Arg("regionCode", () => String, { nullable: true, description: "A region-code prefix (35, 3501, 350102); default: all." }) regionCode: string | null, @Ctx() ctx: Context) {
    return institutionsWithin(ctx.db, regionCode);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Institution, { description: "Register a university, vocational college or technical school (administrators)." })
  registerInstitution(@Arg("input", () => RegisterInstitutionInput, { description: "The institution." }) input: RegisterInstitutionInput, @Ctx() ctx: Context) {
    return registerInstitution(ctx.db, ctx.viewer, input);
  }
}
