import { Ctx, Field, ID, ObjectType, Query, Resolver } from "type-graphql";
import { PartnerScopeEnum, Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";

@ObjectType({ description: "Who the API thinks is calling, and their scope." })
export class ViewerInfo {
  @Field(() => Role, { nullable: true, description: "Null for anonymous callers." }) role!: Role | null;
  @Field(() => ID, { nullable: true, description: "The token's subject (JWT sub); null for partners and anonymous callers." }) userId!: string | null;
  @Field(() => String, { nullable: true, description: "A caseworker's region-code prefix." }) regionCode!: string | null;
  @Field(() => String, { nullable: true, description: "A caseworker's institution, if scoped to one." }) institutionId!: string | null;
  @Field(() => ID, { nullable: true, description: "An employer's own employer id." }) employerId!: string | null;
  @Field(() => String, { nullable: true, description: "A partner site's name." }) partnerName!: string | null;
  @Field(() => [PartnerScopeEnum], { description: "A partner key's scopes; empty for anyone else." }) scopes!: string[];
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: "Who the API thinks is calling (anyone, signed in or not)." })
  viewer(@Ctx() ctx: Context): ViewerInfo {
    const v = ctx.viewer;
    return {
      role: v.kind === "anonymous" ? null : v.role,
      userId: v.kind === "user" ? v.userId : null,
      regionCode: v.kind === "user" ? (v.regionCode ?? null) : null,
      institutionId: v.kind === "user" ? (v.institutionId ?? null) : null,
      employerId: v.kind === "user" ? (v.employerId ?? null) : null,
      partnerName: v.kind === "partner" ? v.partnerName : null,
      scopes: v.kind === "partner" ? v.scopes : [],
    };
  }
}
