import { IsOptional, Max, Min } from "class-validator";
import { CharLength } from "../../graphql/validators.js";
import { Field, InputType, Int, registerEnumType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { population } from "./category.table.js";

export enum PopulationEnum {
  KEY_GROUP_GRADUATE = "KEY_GROUP_GRADUATE",
  POVERTY_LABOURER = "POVERTY_LABOURER",
}
registerEnumType(PopulationEnum, {
  name: "Population",
  description: "The two populations the policy serves; each target category belongs to one.",
  valuesConfig: {
    KEY_GROUP_GRADUATE: { description: "高校毕业生重点群体" },
    POVERTY_LABOURER: { description: "建档立卡贫困劳动力" },
  },
});
if (population.enumValues.join() !== Object.values(PopulationEnum).join()) throw new Error("Population out of sync");

@InputType({ description: "A new version of a target category. The rule is JSON logic over the facts listed in the README." })
export class TargetCategoryInput {
  @Field({ description: "The category's code: 2–40 capitals, digits and underscores. A new code starts at version 1; an existing one gets its next version." }) @CharLength(2, 40) code!: string;
  @Field({ description: "Its name (2–200 characters)." }) @CharLength(2, 200) name!: string;
  @Field({ nullable: true, description: "What it covers, for officials (at most 2,000 characters)." }) @IsOptional() @CharLength(0, 2000) description?: string;
  @Field(() => PopulationEnum, { description: "The population it belongs to." }) population!: PopulationEnum;
  @Field({ description: "JSON text of the rule." }) @CharLength(2, 20_000) ruleJson!: string;
  @Field(() => Int, { description: "Referrals each member should get per campaign (0–100); a campaign may set its own." }) @Min(0) @Max(100) minReferrals!: number;
  @Field({ description: "Whether its members get a 红娘 mentor." }) mentorEligible!: boolean;
  @Field(() => LocalDate, { description: "The first day this version decides." }) validFrom!: string;
  @Field(() => LocalDate, { nullable: true, description: "The last day it decides (null: open-ended; not before validFrom)." }) validUntil?: string | null;
}
