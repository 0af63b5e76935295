import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { activeFairPolicy, setFairPolicy } from "./fair-policy.service.js";

@ObjectType({ description: "The fair rules (policy data, versioned by date): how long a fair may run, and how many key-group fairs each institution and HR bureau should hold a year." })
export class FairPolicy {
  @Field(() => Int) version!: number;
  @Field(() => Int) maxFairDays!: number;
  @Field(() => Int) keyGroupFairsPerYear!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
}

@InputType()
export class FairPolicyInput {
  @Field(() => Int, { description: "1–366." }) maxFairDays!: number;
  @Field(() => Int, { description: "1–52." }) keyGroupFairsPerYear!: number;
  @Field(() => LocalDate, { nullable: true, description: "Default today; never a past day." }) effectiveFrom?: string | null;
}

@Resolver(() => FairPolicy)
export class FairPolicyResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => FairPolicy, { description: "The fair rules in force on a day (default today)." })
  fairPolicy(@Arg("on", () => LocalDate, { nullable: true }) on: string | null, @Ctx() ctx: Context) {
    return activeFairPolicy(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => FairPolicy, { description: "A new version of the fair rules (administrators)." })
  setFairPolicy(@Arg("input", () => FairPolicyInput) input: FairPolicyInput, @Ctx() ctx: Context) {
    return setFairPolicy(ctx.db, ctx.viewer, input);
  }
}
