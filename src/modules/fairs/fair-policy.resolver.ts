import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { activeFairPolicy, setFairPolicy } from "./fair-policy.service.js";

@ObjectType({ description: "The fair rules (policy data, versioned by date): how long a fair may run, and how many key-group fairs each institution and HR bureau should hold a year." })
export class FairPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => Int, { description: "The longest a fair may run, in days (1–366)." }) maxFairDays!: number;
  @Field(() => Int, { description: "Online key-group fairs each institution and HR bureau should hold a year (1–52)." }) keyGroupFairsPerYear!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

@InputType({ description: "A new version of the fair rules." })
export class FairPolicyInput {
  @Field(() => Int, { description: "1–366." }) maxFairDays!: number;
  @Field(() => Int, { description: "1–52." }) keyGroupFairsPerYear!: number;
  @Field(() => LocalDate, { nullable: true, description: "Default today; never a past day." }) effectiveFrom?: string | null;
}

@Resolver(() => FairPolicy)
export class FairPolicyResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => FairPolicy, { description: "The fair rules in force on a day (default today)." })
  fairPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return activeFairPolicy(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => FairPolicy, { description: "A new version of the fair rules (administrators)." })
  setFairPolicy(@Arg("input", () => FairPolicyInput, { description: "The new rules." }) input: FairPolicyInput, @Ctx() ctx: Context) {
    return setFairPolicy(ctx.db, ctx.viewer, input);
  }
}
