import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { applicationPolicyOn, applyToPosting, setApplicationPolicy, withdrawApplication } from "./application.service.js";
import { Referral } from "./referral.type.js";

@ObjectType({ description: "How many applications one person may make in a Fujian day (policy data, versioned by date)." })
export class ApplicationPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => Int, { description: "Applications a person may make in one Fujian day (1–1000): their own, and referrals they take up by applying." }) maxPerDay!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
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
