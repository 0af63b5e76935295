import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { ViewerInfo } from "../viewer/viewer.resolver.js";
import { consentLive, grantPartnerConsent, listMyPartnerConsents, revokePartnerConsent } from "./partner-consent.service.js";
import { PartnerConsent, PartnerConsentScope } from "./partner-consent.type.js";
import type { PartnerConsentRow } from "./partner-link.table.js";
import { Partner } from "./partner.type.js";

@Resolver(() => PartnerConsent)
export class PartnerConsentResolver {
  @Authorized(Role.SEEKER)
  @Mutation(() => PartnerConsent, {
    description:
      "Let a partner site act for you (seekers): APPLY — apply to postings in your name; it sees only each application's status, never your record. Until `expiresOn` (from tomorrow to 365 days ahead). A consent already given to the same site is replaced. Give its id to the partner site. Audited.",
  })
  grantPartnerConsent(
    @Arg("partnerId", () => ID, { description: "The partner site." }) partnerId: string,
    @Arg("scope", () => [PartnerConsentScope], { description: "What it may do." }) scope: string[],
    @Arg("expiresOn", () => LocalDate, { description: "The last Fujian day it holds (tomorrow at the earliest, 365 days ahead at the latest)." }) expiresOn: string,
    @Ctx() ctx: Context,
  ) {
    return grantPartnerConsent(ctx.db, ctx.viewer, { partnerId, scopes: scope, expiresOn });
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => PartnerConsent, { description: "Revoke a consent at once (seekers): the partner site makes no new application under it; those it made continue. Another person's is NOT_FOUND. Audited." })
  revokePartnerConsent(@Arg("id", () => ID, { description: "The consent's id." }) id: string, @Ctx() ctx: Context) {
    return revokePartnerConsent(ctx.db, ctx.viewer, id);
  }

  @FieldResolver(() => Partner, { description: "The partner site." })
  partner(@Root() consent: PartnerConsentRow, @Ctx() ctx: Context) {
    return ctx.loaders.partnerById.load(consent.partnerId);
  }

  @FieldResolver(() => Boolean, { description: "Whether it holds today (not revoked, not past expiresOn)." })
  live(@Root() consent: PartnerConsentRow) {
    return consentLive(consent, "APPLY");
  }
}

@Resolver(() => ViewerInfo)
export class ViewerPartnerConsentsResolver {
  @FieldResolver(() => [PartnerConsent], { description: "A seeker's consents to partner sites, newest first (revoked and lapsed ones included); empty for anyone else." })
  partnerConsents(@Ctx() ctx: Context) {
    return listMyPartnerConsents(ctx.db, ctx.viewer);
  }
}
