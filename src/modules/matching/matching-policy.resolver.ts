import { Arg, Authorized, Ctx, Field, FieldResolver, Float, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import type { MatchWeights } from "./match-score.js";
import { matchingPolicyOn, setMatchingPolicy, type MatchingPolicyRow } from "./matching-policy.service.js";

@ObjectType("MatchWeights", { description: "The ranker's weights: each factor's share of the score (summing to 1), and the damping of an employer's further postings." })
@InputType("MatchWeightsInput")
export class MatchWeightsType implements MatchWeights {
  @Field(() => Float) text!: number;
  @Field(() => Float) occupation!: number;
  @Field(() => Float) distance!: number;
  @Field(() => Float) salary!: number;
  @Field(() => Float) education!: number;
  @Field(() => Float) keyGroup!: number;
  @Field(() => Float) workshop!: number;
  @Field(() => Float) freshness!: number;
  @Field(() => Float) headcount!: number;
  @Field(() => Float, { description: "Each further posting of an employer already listed is multiplied by this (0 < d ≤ 1)." }) employerRepeatDamping!: number;
}

@ObjectType({ description: "The matching policy (data, versioned by date)." })
export class MatchingPolicy {
  @Field(() => Int) version!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
}

@Resolver(() => MatchingPolicy)
export class MatchingPolicyResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => MatchingPolicy, { description: "The ranker's weights in force on a day (default today)." })
  matchingPolicy(@Arg("on", () => LocalDate, { nullable: true }) on: string | null, @Ctx() ctx: Context) {
    return matchingPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MatchingPolicy, { description: "A new version of the ranker's weights (administrators): each factor 0–1, summing to 1; in force from `effectiveFrom` (default today, never a past day)." })
  setMatchingPolicy(
    @Arg("weights", () => MatchWeightsType) weights: MatchWeightsType,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setMatchingPolicy(ctx.db, ctx.viewer, weights, effectiveFrom);
  }

  @FieldResolver(() => MatchWeightsType)
  weights(@Root() row: MatchingPolicyRow) {
    return row.weights as MatchWeights;
  }
}
