import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { Employer } from "../employers/employer.type.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { answerPartnerLinkRequest, linkPartnerEmployer, listPartnerEmployerLinks, requestEmployerLink, unlinkPartnerEmployer, visibleLinksOfEmployer, type LinkStatus } from "./partner-link.service.js";
import type { PartnerEmployerLinkRow } from "./partner-link.table.js";
import { PartnerEmployerLink, PartnerLinkStatus } from "./partner-link.type.js";
import { Partner } from "./partner.type.js";

const PartnerEmployerLinkConnection = connectionType("PartnerEmployerLink", PartnerEmployerLink);

@Resolver(() => PartnerEmployerLink)
export class PartnerLinkResolver {
  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => PartnerEmployerLink, {
    description:
      "Link a partner site and an employer (a caseworker whose region holds the employer, or an administrator): ACTIVE at once; the partner's held postings for the employer are released (those still before validUntil and not closed). Audited. Linking again changes nothing.",
  })
  linkPartnerEmployer(
    @Arg("partnerId", () => ID, { description: "The partner site." }) partnerId: string,
    @Arg("employerId", () => ID, { description: "The employer." }) employerId: string,
    @Ctx() ctx: Context,
  ) {
    return linkPartnerEmployer(ctx.db, ctx.viewer, { partnerId, employerId });
  }

  @Authorized(Role.PARTNER)
  @Mutation(() => PartnerEmployerLink, {
    description: "Ask to post for an employer (partner sites): REQUESTED until the employer answers (answerPartnerLinkRequest). Asking again changes nothing; an unknown credit code is NOT_FOUND. Audited.",
  })
  requestEmployerLink(@Arg("creditCode", () => String, { description: "The employer's 统一社会信用代码." }) creditCode: string, @Ctx() ctx: Context) {
    return requestEmployerLink(ctx.db, ctx.viewer, creditCode);
  }

  @Authorized(Role.EMPLOYER)
  @Mutation(() => PartnerEmployerLink, {
    description:
      "Answer a partner site's request (the employer itself, once verified — an unverified employer is FORBIDDEN): accepted, ACTIVE (its held postings are released); declined, REVOKED. No request: NOT_FOUND. Audited.",
  })
  answerPartnerLinkRequest(
    @Arg("partnerId", () => ID, { description: "The partner site that asked." }) partnerId: string,
    @Arg("accept", () => Boolean, { description: "true to accept, false to decline." }) accept: boolean,
    @Ctx() ctx: Context,
  ) {
    return answerPartnerLinkRequest(ctx.db, ctx.viewer, { partnerId, accept });
  }

  @Authorized(Role.PARTNER, Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => PartnerEmployerLink, {
    description:
      "End a link (the partner site, the employer, or an official in the employer's scope): REVOKED; the partner's OPEN postings for the employer are held again (PENDING_REVIEW: the feed says REMOVED), its closed ones stay. A link that is not yours is NOT_FOUND. Audited.",
  })
  unlinkPartnerEmployer(
    @Arg("partnerId", () => ID, { description: "The partner site." }) partnerId: string,
    @Arg("employerId", () => ID, { description: "The employer." }) employerId: string,
    @Ctx() ctx: Context,
  ) {
    return unlinkPartnerEmployer(ctx.db, ctx.viewer, { partnerId, employerId });
  }

  @Authorized(Role.PARTNER, Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
  @Query(() => PartnerEmployerLinkConnection, {
    description: "Partner–employer links, newest first: a partner site's own, an employer's own, those of employers in a caseworker's region, all for administrators.",
  })
  partnerEmployerLinks(
    @Arg("status", () => [PartnerLinkStatus], { nullable: true, description: "Only links in these statuses (default: all)." }) status: LinkStatus[] | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return listPartnerEmployerLinks(ctx.db, ctx.viewer, { statuses: status }, page);
  }

  @FieldResolver(() => Partner, { description: "The partner site." })
  partner(@Root() link: PartnerEmployerLinkRow, @Ctx() ctx: Context) {
    return ctx.loaders.partnerById.load(link.partnerId);
  }

  @FieldResolver(() => Employer, { description: "The employer." })
  employer(@Root() link: PartnerEmployerLinkRow, @Ctx() ctx: Context) {
    return ctx.loaders.employerById.load(link.employerId);
  }
}

@Resolver(() => Employer)
export class EmployerPartnerLinksResolver {
  @FieldResolver(() => [PartnerEmployerLink], {
    description: "Partner sites linked to it or asking to be, oldest first: every one for the employer itself and officials in scope; a partner site sees only its own; others none.",
  })
  async partnerLinks(@Root() employer: EmployerRow, @Ctx() ctx: Context) {
    return visibleLinksOfEmployer(ctx.viewer, employer, await ctx.loaders.partnerLinksByEmployer.load(employer.id));
  }
}
