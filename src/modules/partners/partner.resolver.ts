import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { actorOf, PartnerScopeEnum, Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { issuePartnerKey, listPartnerSites, revokePartnerKey } from "./partner.service.js";
import { IssuedPartnerKey, Partner, PartnerApiKey } from "./partner.type.js";

@Resolver(() => Partner)
export class PartnerResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [Partner], { description: "Every partner site (administrators)." })
  partners(@Ctx() ctx: Context) {
    return listPartnerSites(ctx.db);
  }

  @Authorized(Role.ADMIN)
  @FieldResolver(() => [PartnerApiKey], { description: "Its keys, revoked ones included (metadata only)." })
  keys(@Root() partner: Partner, @Ctx() ctx: Context) {
    return ctx.loaders.partnerKeys.load(partner.id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => IssuedPartnerKey, { description: "Issue an API key for a partner site (created on first use)." })
  issuePartnerKey(
    @Arg("name", () => String, { description: "The partner site's name (1–100 characters); a new name creates the partner." }) name: string,
    @Arg("scopes", () => [PartnerScopeEnum], { nullable: true, description: "What the key may do (default: every scope)." }) scopes: string[] | null,
    @Ctx() ctx: Context,
  ) {
    return issuePartnerKey(ctx.db, actorOf(ctx.viewer), { name, ...(scopes ? { scopes } : {}) });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PartnerApiKey, { description: "Revoke a partner key at once (administrators)." })
  revokePartnerKey(@Arg("keyId", () => ID, { description: "The key's id." }) keyId: string, @Ctx() ctx: Context) {
    return revokePartnerKey(ctx.db, keyId);
  }
}
