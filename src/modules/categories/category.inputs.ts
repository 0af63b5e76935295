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
  valuesConfig: { KEY_GROUP_GRADUATE: { description: "高校毕业生重点群体" }, POVERTY_LABOURER: { description: "建档立卡贫困劳动力" } },
});
if (population.enumValues.join() !== Object.values(PopulationEnum).join()) throw new Error("Population out of sync");

@InputType({ description: "A new version of a target category. The rule is JSON logic over the facts listed in the README." })
export class TargetCategoryInput {
  @Field() @CharLength(2, 40) code!: string;
  @Field() @CharLength(2, 200) name!: string;
  @Field({ nullable: true }) @IsOptional() @CharLength(0, 2000) description?: string;
  @Field(() => PopulationEnum) population!: PopulationEnum;
  @Field({ description: "JSON text of the rule." }) @CharLength(2, 20_000) ruleJson!: string;
  @Field(() => Int) @Min(0) @Max(100) minReferrals!: number;
  @Field() mentorEligible!: boolean;
  @Field(() => LocalDate) validFrom!: string;
  @Field(() => LocalDate, { nullable: true }) validUntil?: string | null;
}
