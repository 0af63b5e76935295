import { Field, ID, InputType, Int } from "type-graphql";
import { PopulationEnum } from "../categories/category.inputs.js";
import { FairKind, FairSessionKind } from "./fair.type.js";

@InputType()
export class FairAudienceInput {
  @Field(() => [String], { nullable: true, description: "Target category codes; any one admits." }) categoryCodes?: string[] | null;
  @Field(() => [PopulationEnum], { nullable: true, description: "Populations; anyone in a category of one of them is admitted." }) populations?: PopulationEnum[] | null;
  @Field(() => [String], { nullable: true, description: "Region prefixes of 户籍 or 生源地." }) regionPrefixes?: string[] | null;
}

@InputType()
export class CreateJobFairInput {
  @Field() title!: string;
  @Field(() => FairKind) kind!: FairKind;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => FairAudienceInput, { nullable: true, description: "Empty: anyone." }) audience?: FairAudienceInput | null;
  @Field(() => ID, { nullable: true, description: "Administrators: the organising institution (caseworkers organise as their own)." }) organiserInstitutionId?: string | null;
  @Field(() => String, { nullable: true, description: "Administrators: the organising HR bureau's region code." }) organiserRegionCode?: string | null;
}

@InputType()
export class AddFairSessionInput {
  @Field(() => ID) fairId!: string;
  @Field(() => FairSessionKind) kind!: FairSessionKind;
  @Field(() => ID, { nullable: true, description: "Organisers: the employer (employers add their own)." }) employerId?: string | null;
  @Field() title!: string;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => Int, { nullable: true, description: "GROUP: required; PRESENTATION: default 500; INTERVIEW: 1." }) capacity?: number | null;
}
