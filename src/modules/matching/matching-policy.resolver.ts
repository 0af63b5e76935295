import { Arg, Authorized, Ctx, Field, FieldResolver, Float, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import type { MatchWeights } from "./match-score.js";
import type { MatchPopulation, MatchRules } from "./match-rules.js";
import { PopulationEnum } from "../categories/category.inputs.js";
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

@ObjectType("CommuteRadius", { description: "How far (km from the home county) a person of a population commutes when they will not move for work and name no intention region (就近就地)." })
@InputType("CommuteRadiusInput", { description: "A population's commuting radius: a whole number of km, 1–300 (the person's own county is always acceptable)." })
export class CommuteRadiusType {
  @Field(() => PopulationEnum, { description: "The population." }) population!: MatchPopulation;
  @Field(() => Int, { description: "Kilometres from the home county (by the regions' coordinates), 1–300." }) km!: number;
}

@ObjectType("MatchRules", { description: "The matching policy's rules beside its weights: where people commute, how far a boost may reorder, how near-duplicates fold." })
@InputType("MatchRulesInput", { description: "The matching policy's rules (each checked; see MatchRules)." })
export class MatchRulesType implements MatchRules {
  @Field(() => [CommuteRadiusType], { description: "Commuting radii by population; a population without one (and people in none) are offered their household and origin prefectures." }) commuteRadii!: CommuteRadiusType[];
  @Field(() => Float, { description: "The fit margin within which the boosts (KEY_GROUP, WORKSHOP, HEADCOUNT) may reorder postings: they add at most this together, so a posting better by more always stays above (0–0.2)." }) boostMargin!: number;
  @Field(() => Float, { description: "Each further near-duplicate (same title in the same county, or from the same employer) of a posting already listed is multiplied by this (0.05–1)." }) nearDuplicateDamping!: number;
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
  @Mutation(() => MatchingPolicy, { description: "A new version of the matching policy (administrators): the ranker's weights (each factor 0–1, summing to 1) and optionally its rules (default: the rules in force carry over); in force from `effectiveFrom` (default today, never a past day)." })
  setMatchingPolicy(
    @Arg("weights", () => MatchWeightsType, { description: "The weights." }) weights: MatchWeightsType,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "The first day it is in force (default today; never a past day)." }) effectiveFrom: string | null,
    @Arg("rules", () => MatchRulesType, { nullable: true, description: "The rules (default: those in force carry over)." }) rules: MatchRulesType | null,
    @Ctx() ctx: Context,
  ) {
    return setMatchingPolicy(ctx.db, ctx.viewer, weights, effectiveFrom, rules);
  }

  @FieldResolver(() => MatchWeightsType, { description: "The weights of this version." })
  weights(@Root() row: MatchingPolicyRow) {
    return row.weights as MatchWeights;
  }

  @FieldResolver(() => MatchRulesType, { description: "The rules of this version." })
  rules(@Root() row: MatchingPolicyRow) {
    return row.rules as MatchRules;
  }
}
