import { IsOptional, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { ScreeningSeverity } from "./screening.type.js";

@InputType({ description: "A new version of a screening rule." })
export class SaveScreeningRuleInput {
  @Field({ description: "The rule's code: 2–40 capital letters, digits or underscores (a new code starts at version 1)." }) @MaxLength(40) code!: string;
  @Field({ description: "What the rule catches and why, in Chinese (required: shown to officials and to the poster)." }) @MaxLength(1000) description!: string;
  @Field(() => ScreeningSeverity, { description: "HIGH holds a posting for review; LOW flags it." }) severity!: ScreeningSeverity;
  @Field({ description: "How the rule reads a posting, as JSON (see ScreeningRule.matcher); a pattern must compile and run within its time budget." }) @MaxLength(20_000) matcher!: string;
  @Field(() => Boolean, { nullable: true, defaultValue: true, description: "False retires the rule (default true)." }) @IsOptional() active?: boolean | null;
}
