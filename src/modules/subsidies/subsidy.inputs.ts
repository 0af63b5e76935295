import { ArrayMaxSize, IsOptional, Max, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { CharLength } from "../../graphql/validators.js";
import { IssuingLevelEnum, SubsidyAmountKindEnum, SubsidyClaimStateEnum, SubsidySubjectEnum } from "./subsidy.type.js";

@InputType({ description: "A new version of a subsidy scheme. The rule is JSON logic over the facts listed in the README (a person's, or `employer` and `person` for an employer scheme)." })
export class SubsidySchemeInput {
  @Field({ description: "The scheme's code: 2–40 capitals, digits and underscores. A new code starts at version 1; an existing one gets its next version." }) @CharLength(2, 40) code!: string;
  @Field({ description: "Its name (2–200 characters)." }) @CharLength(2, 200) name!: string;
  @Field({ nullable: true, description: "Who it is for, for officials (at most 2,000 characters)." }) @IsOptional() @CharLength(0, 2000) description?: string;
  @Field(() => SubsidySubjectEnum, { description: "Who receives it." }) subject!: SubsidySubjectEnum;
  @Field({ description: "JSON text of the rule." }) @CharLength(2, 20_000) ruleJson!: string;
  @Field(() => SubsidyAmountKindEnum, { description: "How the amount is reckoned." }) amountKind!: SubsidyAmountKindEnum;
  @Field(() => Int, { description: "Yuan: the fixed sum, the sum per person employed, or the cap (0–10,000,000)." }) @Min(0) @Max(10_000_000) amountYuan!: number;
  @Field({ nullable: true, description: "The amount is reconstructed, not given by the policy texts." }) amountReconstructed?: boolean;
  @Field({ nullable: true, description: "Where it comes from in the policy texts (at most 500 characters)." }) @IsOptional() @CharLength(0, 500) source?: string;
  @Field(() => [String], { description: "The documents an application needs (at most 20)." }) @ArrayMaxSize(20) documents!: string[];
  @Field(() => IssuingLevelEnum, { description: "The level that issues it." }) issuingLevel!: IssuingLevelEnum;
  @Field(() => LocalDate, { description: "The first day this version decides." }) validFrom!: string;
  @Field(() => LocalDate, { nullable: true, description: "The last day it decides (null: open-ended; not before validFrom)." }) validUntil?: string | null;
}

@InputType({ description: "An application for a subsidy, recorded by an official." })
export class ApplyForSubsidyInput {
  @Field({ description: "The scheme's code." }) @CharLength(2, 40) schemeCode!: string;
  @Field(() => ID, { description: "The person (for an employer scheme, the person it hired)." }) personId!: string;
  @Field(() => ID, { nullable: true, description: "The employer (employer schemes only)." }) employerId?: string | null;
  @Field(() => [String], { description: "The documents submitted: every document the scheme asks for." }) @ArrayMaxSize(30) documents!: string[];
}

@InputType({ description: "Narrow a list of subsidy claims." })
export class SubsidyClaimFilter {
  @Field({ nullable: true, description: "One scheme's claims." }) schemeCode?: string;
  @Field(() => SubsidyClaimStateEnum, { nullable: true, description: "Claims in this state." }) state?: SubsidyClaimStateEnum;
  @Field({ nullable: true, description: "Claims whose county is within this region prefix." }) regionCode?: string;
  @Field(() => ID, { nullable: true, description: "One employer's claims." }) employerId?: string;
  @Field(() => ID, { nullable: true, description: "Claims for one person." }) personId?: string;
}
