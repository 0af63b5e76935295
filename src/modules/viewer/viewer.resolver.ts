import { Ctx, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from "type-graphql";
import { PartnerScopeEnum, Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { Person } from "../people/person.type.js";

@ObjectType({ description: "Who the API thinks is calling, and their scope." })
export class ViewerInfo {
  @Field(() => Role, { nullable: true, description: "Null for anonymous callers." }) role!: Role | null;
  @Field(() => ID, { nullable: true, description: "The token's subject (JWT sub); null for partners and anonymous callers." }) userId!: string | null;
  @Field(() => String, { nullable: true, description: "A caseworker's region-code prefix." }) regionCode!: string | null;
  @Field(() => String, { nullable: true, description: "A caseworker's institution, if scoped to one." }) institutionId!: string | null;
  @Field(() => ID, { nullable: true, description: "An employer's own employer id." }) employerId!: string | null;
  @Field(() => ID, { nullable: true, description: "A seeker's own record in the ledger (`person` reads it); null for anyone else." }) personId!: string | null;
  @Field(() => String, { nullable: true, description: "A partner site's name." }) partnerName!: string | null;
  @Field(() => [PartnerScopeEnum], { description: "A partner key's scopes; empty for anyone else." }) scopes!: string[];
}

@Resolver(() => ViewerInfo)
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
      personId: v.kind === "user" && v.role === Role.SEEKER ? (v.personId ?? null) : null,
      partnerName: v.kind === "partner" ? v.partnerName : null,
      scopes: v.kind === "partner" ? v.scopes : [],
    };
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description:
      "A seeker's own record, as they may see it: masked unless they unmask a field with a purpose (audited), with their matches, referrals and their progress toward the minimum, fair bookings and mentor. Null for anyone else.",
  })
  async person(@Root() info: ViewerInfo, @Ctx() ctx: Context) {
    if (!info.personId) return null;
    const person = await ctx.loaders.personById.load(info.personId);
    return person && personWithinScope(personScope(ctx.viewer), person) ? person : null;
  }
}
