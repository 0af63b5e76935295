import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { PopulationEnum } from "../categories/category.inputs.js";
import { Education } from "../postings/posting.type.js";
import { employmentStatus, gender, statusSource } from "./person.table.js";

export enum EmploymentStatusEnum {
  UNEMPLOYED = "UNEMPLOYED",
  EMPLOYED = "EMPLOYED",
  SELF_EMPLOYED = "SELF_EMPLOYED",
  FURTHER_STUDY = "FURTHER_STUDY",
  PUBLIC_WELFARE_POST = "PUBLIC_WELFARE_POST",
  GRASSROOTS_PROJECT = "GRASSROOTS_PROJECT",
  OUT_OF_LABOUR_FORCE = "OUT_OF_LABOUR_FORCE",
}
export enum GenderEnum {
  MALE = "MALE",
  FEMALE = "FEMALE",
}
export enum StatusSourceEnum {
  REGISTRATION = "REGISTRATION",
  UPDATE = "UPDATE",
  IMPORT = "IMPORT",
  REFERRAL = "REFERRAL",
}
registerEnumType(EmploymentStatusEnum, {
  name: "EmploymentStatus",
  valuesConfig: {
    UNEMPLOYED: { description: "未就业" },
    EMPLOYED: { description: "已就业" },
    SELF_EMPLOYED: { description: "自主创业 / 灵活就业" },
    FURTHER_STUDY: { description: "升学" },
    PUBLIC_WELFARE_POST: { description: "公益性岗位" },
    GRASSROOTS_PROJECT: { description: "基层项目" },
    OUT_OF_LABOUR_FORCE: { description: "退出劳动力市场" },
  },
});
registerEnumType(GenderEnum, { name: "Gender" });
registerEnumType(StatusSourceEnum, { name: "StatusSource" });
for (const [gql, db] of [
  [EmploymentStatusEnum, employmentStatus],
  [GenderEnum, gender],
  [StatusSourceEnum, statusSource],
] as const) {
  if (Object.values(gql).join() !== db.enumValues.join()) throw new Error(`GraphQL enum out of sync with ${db.enumName}`);
}

@ObjectType({ description: "Where and what a person wants to work at (就业意愿)." })
export class JobIntention {
  @Field(() => [String], { description: "Occupations or keywords." }) keywords!: string[];
  @Field(() => [String], { description: "Acceptable region codes (any level)." }) regionCodes!: string[];
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) minSalary!: number | null;
  @Field({ description: "转移就业意愿: willing to move for work." }) willingToRelocate!: boolean;
  @Field({ description: "Open to labour-cooperation postings in paired regions." }) openToLabourCooperation!: boolean;
}

@ObjectType()
export class EmploymentHistoryEntry {
  @Field(() => EmploymentStatusEnum) status!: EmploymentStatusEnum;
  @Field(() => LocalDate) since!: string;
  @Field(() => StatusSourceEnum) source!: StatusSourceEnum;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field() recordedAt!: Date;
  @Field({ description: "Who recorded it." }) recordedBy!: string;
}

@ObjectType({
  description:
    "A person in the real-name ledger (实名台账). Personal information: never shown to employers or partner sites; ID number, phone, birth date and poverty household number are masked unless asked for with a purpose, and every such read is audited.",
})
export class Person {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => GenderEnum, { description: "From the ID number." }) gender!: GenderEnum;
  @Field({ description: "户籍 county code." }) householdRegionCode!: string;
  @Field({ description: "生源地 county code." }) originRegionCode!: string;
  @Field({ description: "建档立卡贫困户" }) registeredPoverty!: boolean;
  @Field({ description: "城乡低保家庭" }) minimumLiving!: boolean;
  @Field({ description: "零就业家庭" }) zeroEmployment!: boolean;
  @Field() disabled!: boolean;
  @Field(() => String, { nullable: true }) major!: string | null;
  @Field(() => Education, { nullable: true }) degreeLevel!: Education | null;
  @Field(() => LocalDate, { nullable: true }) graduationDate!: string | null;
  @Field(() => LocalDate, { nullable: true }) leaveSchoolDate!: string | null;
  @Field(() => EmploymentStatusEnum) employmentStatus!: EmploymentStatusEnum;
  @Field(() => LocalDate) employmentStatusSince!: string;
  @Field({ description: "有就业能力" }) ableToWork!: boolean;
  @Field({ description: "有就业需求" }) seekingWork!: boolean;
  @Field(() => [String]) skills!: string[];
  @Field(() => [String]) trainingWishes!: string[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: "A target category (帮扶对象范围) version: policy data." })
export class TargetCategory {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field(() => Int) version!: number;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => PopulationEnum) population!: PopulationEnum;
  @Field({ description: "The JSON-logic rule, as JSON text." }) ruleJson!: string;
  @Field(() => Int) minReferrals!: number;
  @Field() mentorEligible!: boolean;
  @Field(() => LocalDate) validFrom!: string;
  @Field(() => LocalDate, { nullable: true }) validUntil!: string | null;
}

@ObjectType({ description: "A person's membership of a category, with the rule version that decided it." })
export class CategoryMembership {
  @Field(() => TargetCategory) category!: TargetCategory;
  @Field(() => Int) ruleVersion!: number;
  @Field() decidedAt!: Date;
}
