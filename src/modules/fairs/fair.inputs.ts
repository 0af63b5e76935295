import { Field, ID, InputType, Int } from "type-graphql";
import { PopulationEnum } from "../categories/category.inputs.js";
import { FairKind, FairSessionKind } from "./fair.type.js";

@InputType({ description: "Who may register (see FairAudience)." })
export class FairAudienceInput {
  @Field(() => [String], { nullable: true, description: "Target category codes; any one admits." }) categoryCodes?: string[] | null;
  @Field(() => [PopulationEnum], { nullable: true, description: "Populations; anyone in a category of one of them is admitted." }) populations?: PopulationEnum[] | null;
  @Field(() => [String], { nullable: true, description: "Region prefixes of 户籍 or 生源地." }) regionPrefixes?: string[] | null;
}

@InputType({ description: "A new fair (DRAFT)." })
export class CreateJobFairInput {
  @Field({ description: "Its title (1–200 characters)." }) title!: string;
  @Field(() => FairKind, { description: "What kind of fair it is." }) kind!: FairKind;
  @Field({ description: "When it opens." }) startsAt!: Date;
  @Field({ description: "When it ends: after startsAt, at most the fair policy's maxFairDays later." }) endsAt!: Date;
  @Field(() => FairAudienceInput, { nullable: true, description: "Empty: anyone." }) audience?: FairAudienceInput | null;
  @Field(() => ID, { nullable: true, description: "Administrators: the organising institution (caseworkers organise as their own)." }) organiserInstitutionId?: string | null;
  @Field(() => String, { nullable: true, description: "Administrators: the organising HR bureau's region code." }) organiserRegionCode?: string | null;
}

@InputType({ description: "A new session inside a fair's window." })
export class AddFairSessionInput {
  @Field(() => ID, { description: "The fair's id." }) fairId!: string;
  @Field(() => FairSessionKind, { description: "PRESENTATION, GROUP or INTERVIEW." }) kind!: FairSessionKind;
  @Field(() => ID, { nullable: true, description: "Organisers: the employer (employers add their own)." }) employerId?: string | null;
  @Field({ description: "Its title (1–200 characters)." }) title!: string;
  @Field({ description: "When it starts (inside the fair's window)." }) startsAt!: Date;
  @Field({ description: "When it ends (after startsAt, inside the fair's window)." }) endsAt!: Date;
  @Field(() => Int, { nullable: true, description: "GROUP: required; PRESENTATION: default 500; INTERVIEW: 1." }) capacity?: number | null;
}
