import { Arg, Authorized, Ctx, Field, FieldResolver, Float, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import type { MatchWeights } from "./match-score.js";
import { matchingPolicyOn, setMatchingPolicy, type MatchingPolicyRow } from "./matching-policy.service.js";

@ObjectType("MatchWeights", { description: "The ranker's weights: each factor's share of the score (summing to 1), and the damping of an employer's further postings." })
@InputType("MatchWeightsInput", { description: "The ranker's weights: each factor 0–1, summing to 1, and the damping (0 < d ≤ 1)." })
export class MatchWeightsType implements MatchWeights {
  @Field(() => Float, { description: "The weight of TEXT." }) text!: number;
  @Field(() => Float, { description: "The weight of OCCUPATION." }) occupation!: number;
  @Field(() => Float, { description: "The weight of DISTANCE." }) distance!: number;
  @Field(() => Float, { description: "The weight of SALARY." }) salary!: number;
  @Field(() => Float, { description: "The weight of EDUCATION." }) education!: number;
  @Field(() => Float, { description: "The weight of KEY_GROUP." }) keyGroup!: number;
  @Field(() => Float, { description: "The weight of WORKSHOP." }) workshop!: number;
  @Field(() => Float, { description: "The weight of FRESHNESS." }) freshness!: number;
  @Field(() => Float, { description: "The weight of HEADCOUNT." }) headcount!: number;
  @Field(() => Float, { description: "Each further posting of an employer already listed is multiplied by this (0 < d ≤ 1)." }) employerRepeatDamping!: number;
}

@ObjectType({ description: "The matching policy (data, versioned by date)." })
export class MatchingPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

@Resolver(() => MatchingPolicy)
export class MatchingPolicyResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => MatchingPolicy, { description: "The ranker's weights in force on a day (default today)." })
  matchingPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return matchingPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MatchingPolicy, { description: "A new version of the ranker's weights (administrators): each factor 0–1, summing to 1; in force from `effectiveFrom` (default today, never a past day)." })
  setMatchingPolicy(
    @Arg("weights", () => MatchWeightsType, { description: "The weights." }) weights: MatchWeightsType,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "The first day it is in force (default today; never a past day)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setMatchingPolicy(ctx.db, ctx.viewer, weights, effectiveFrom);
  }

  @FieldResolver(() => MatchWeightsType, { description: "The weights of this version." })
  weights(@Root() row: MatchingPolicyRow) {
    return row.weights as MatchWeights;
  }
}
