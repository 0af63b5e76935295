import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { LocalDate } from "../../graphql/scalars.js";
import { canSee } from "../postings/posting.access.js";
import { JobPosting } from "../postings/posting.type.js";
import { applicationPolicyOn, applyForSeeker, applyToPosting, getPartnerApplication, listPartnerApplications, setApplicationPolicy, withdrawApplication } from "./application.service.js";
import type { ReferralRow, ReferralStatus as ReferralStatusValue } from "./referral.table.js";
import { Referral, ReferralStatus } from "./referral.type.js";

@ObjectType({ description: "How many applications one person may make in a Fujian day (policy data, versioned by date)." })
export class ApplicationPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => Int, { description: "Applications a person may make in one Fujian day (1–1000): their own, and referrals they take up by applying." }) maxPerDay!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

@ObjectType({ description: "An application a partner site made for a seeker: its own status only — never the person." })
export class PartnerApplication {
  @Field(() => ID, { description: "The application's id." }) id!: string;
  @Field(() => ID, { description: "The posting applied to." }) postingId!: string;
  @Field(() => ReferralStatus, { description: "Where the application is (APPLIED, INTERVIEWED, OFFERED, HIRED, REJECTED, WITHDRAWN …)." }) status!: string;
  @Field({ description: "When it reached its status." }) statusAt!: Date;
  @Field({ description: "When the partner site made it." }) createdAt!: Date;
}

const PartnerApplicationConnection = connectionType("PartnerApplication", PartnerApplication);

const asPartnerApplication = (r: ReferralRow) => ({ id: r.id, postingId: r.postingId, status: r.status, statusAt: r.statusAt, createdAt: r.madeAt });

@Resolver(() => PartnerApplication)
export class PartnerApplicationResolver {
  @Authorized(Role.PARTNER)
  @Mutation(() => PartnerApplication, {
    description:
      "Apply to an OPEN posting for a seeker (partner sites), under the consent the seeker gave you on the portal (grantPartnerConsent; its id names them — you never learn who). No live consent of yours with scope APPLY (missing, another site's, revoked, past expiresOn): FORBIDDEN, nothing written. The seeker's own rules apply: the day's allowance (RATE_LIMITED), the posting open (BAD_USER_INPUT; not public: NOT_FOUND), one application per person and posting (CONFLICT, saying nothing more). It is the seeker's own application: it never counts toward a referral minimum.",
  })
  async applyForSeeker(
    @Arg("consentId", () => ID, { description: "The seeker's consent (PartnerConsent.id)." }) consentId: string,
    @Arg("postingId", () => ID, { description: "The posting to apply to." }) postingId: string,
    @Arg("note", () => String, { nullable: true, description: "A word to the employer (at most 500 characters)." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return asPartnerApplication(await applyForSeeker(ctx.db, ctx.viewer, { consentId, postingId, note }));
  }

  @Authorized(Role.PARTNER)
  @Query(() => PartnerApplicationConnection, { description: "The applications your site made for seekers, newest first: their own status only." })
  async partnerApplications(
    @Arg("status", () => [ReferralStatus], { nullable: true, description: "Only applications in these statuses (default: all)." }) status: ReferralStatusValue[] | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    const result = await listPartnerApplications(ctx.db, ctx.viewer, { statuses: status }, page);
    return { ...result, edges: result.edges.map((e) => ({ cursor: e.cursor, node: asPartnerApplication(e.node) })) };
  }

  @Authorized(Role.PARTNER)
  @Query(() => PartnerApplication, { description: "One application your site made; another site's is NOT_FOUND." })
  async partnerApplication(@Arg("id", () => ID, { description: "The application's id." }) id: string, @Ctx() ctx: Context) {
    return asPartnerApplication(await getPartnerApplication(ctx.db, ctx.viewer, id));
  }

  @FieldResolver(() => JobPosting, { nullable: true, description: "The posting, while you may see it (null once it is no longer public)." })
  async posting(@Root() application: PartnerApplication, @Ctx() ctx: Context) {
    const posting = await ctx.loaders.postingById.load(application.postingId);
    return posting && canSee(ctx.viewer, posting) ? posting : null;
  }
}

@Resolver()
export class ApplicationResolver {
  @Authorized(Role.SEEKER)
  @Mutation(() => Referral, {
    description:
      "Apply to an OPEN posting, as the seeker the token names (never for another). A posting you were recommended moves to APPLIED; any other becomes your own application (source SELF), which does not count toward a referral minimum — the minimum counts what was recommended to you. Once per posting: again is CONFLICT — as is a posting whose recommendation to you has ended (withdrawn, declined, closed); a posting no longer open is BAD_USER_INPUT; past the day's allowance (applicationPolicy) RATE_LIMITED.",
  })
  applyToPosting(
    @Arg("postingId", () => ID, { description: "The posting to apply to." }) postingId: string,
    @Arg("note", () => String, { nullable: true, description: "A word to the employer (at most 500 characters): shown to it as Applicant.note." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return applyToPosting(ctx.db, ctx.viewer, { postingId, note });
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => Referral, { description: "Withdraw your own application (APPLIED, INTERVIEWED or OFFERED): it becomes WITHDRAWN, which ends it and never counts. Another person's is NOT_FOUND." })
  withdrawApplication(
    @Arg("referralId", () => ID, { description: "The application's id (a Referral's id)." }) referralId: string,
    @Arg("note", () => String, { nullable: true, description: "Why, if you like (at most 500 characters)." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return withdrawApplication(ctx.db, ctx.viewer, { referralId, note });
  }

  @Query(() => ApplicationPolicy, { description: "The application policy in force on a day (default today): public, so a portal can say the allowance." })
  applicationPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return applicationPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApplicationPolicy, { description: "A new version of the application policy (administrators), in force from `effectiveFrom` (default today, never a past day)." })
  setApplicationPolicy(
    @Arg("maxPerDay", () => Int, { description: "Applications a person may make in one Fujian day (1–1000)." }) maxPerDay: number,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "The first day it is in force (default today; never a past day)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setApplicationPolicy(ctx.db, ctx.viewer, maxPerDay, effectiveFrom);
  }
}
