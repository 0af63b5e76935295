import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { PopulationEnum } from "../categories/category.inputs.js";
import { Education } from "../postings/posting.type.js";
import { employmentStatus, gender, statusSource } from "./person.table.js";
import { Node } from "../../graphql/node-interface.js";

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
  }, description: "A person's employment status, as the ledger records it.",
});
registerEnumType(GenderEnum, {
  name: "Gender",
  description: "Gender, as the resident ID number records it.",
  valuesConfig: {
    MALE: { description: "Male." },
    FEMALE: { description: "Female." },
  },
});
registerEnumType(StatusSourceEnum, {
  name: "StatusSource",
  description: "How an employment status came to be recorded.",
  valuesConfig: {
    REGISTRATION: { description: "Given when the person was registered." },
    UPDATE: { description: "Recorded by an official (recordEmploymentStatus)." },
    IMPORT: { description: "From a spreadsheet import." },
    REFERRAL: { description: "From a referral or fair outcome (HIRED)." },
  },
});
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

@ObjectType({ description: "One recorded employment status of a person, from a day on." })
export class EmploymentHistoryEntry {
  @Field(() => EmploymentStatusEnum, { description: "The status." }) status!: EmploymentStatusEnum;
  @Field(() => LocalDate, { description: "The day it began (Fujian)." }) since!: string;
  @Field(() => StatusSourceEnum, { description: "How it was recorded." }) source!: StatusSourceEnum;
  @Field(() => String, { nullable: true, description: "A note with it, if any." }) note!: string | null;
  @Field({ description: "When it was recorded." }) recordedAt!: Date;
  @Field({ description: "Who recorded it." }) recordedBy!: string;
}

@ObjectType({
  implements: Node,
  description:
    "A person in the real-name ledger (实名台账). Personal information: never shown to employers or partner sites; ID number, phone, birth date and poverty household number are masked unless asked for with a purpose, and every such read is audited.",
})
export class Person {
  @Field(() => ID, { description: "The person's id." }) id!: string;
  @Field({ description: "Their name." }) name!: string;
  @Field(() => GenderEnum, { description: "From the ID number." }) gender!: GenderEnum;
  @Field({ description: "户籍 county code." }) householdRegionCode!: string;
  @Field({ description: "生源地 county code." }) originRegionCode!: string;
  @Field({ description: "建档立卡贫困户" }) registeredPoverty!: boolean;
  @Field({ description: "城乡低保家庭" }) minimumLiving!: boolean;
  @Field({ description: "零就业家庭" }) zeroEmployment!: boolean;
  @Field({ description: "A registered disabled person (残疾人)." }) disabled!: boolean;
  @Field(() => String, { nullable: true, description: "Their major (graduates)." }) major!: string | null;
  @Field(() => Education, { nullable: true, description: "Their highest education." }) degreeLevel!: Education | null;
  @Field(() => LocalDate, { nullable: true, description: "When they graduated or will graduate." }) graduationDate!: string | null;
  @Field(() => LocalDate, { nullable: true, description: "When they left school (离校), if not on graduating." }) leaveSchoolDate!: string | null;
  @Field(() => EmploymentStatusEnum, { description: "Their employment status now." }) employmentStatus!: EmploymentStatusEnum;
  @Field(() => LocalDate, { description: "Since when (a Fujian day)." }) employmentStatusSince!: string;
  @Field({ description: "有就业能力" }) ableToWork!: boolean;
  @Field({ description: "有就业需求" }) seekingWork!: boolean;
  @Field(() => [String], { description: "Their skills." }) skills!: string[];
  @Field(() => [String], { description: "Training they would like (培训意愿)." }) trainingWishes!: string[];
  @Field({ description: "When they were entered in the ledger." }) createdAt!: Date;
  @Field({ description: "When their record last changed." }) updatedAt!: Date;
}

@ObjectType({ description: "A target category (帮扶对象范围) version: policy data." })
export class TargetCategory {
  @Field(() => ID, { description: "This version's id." }) id!: string;
  @Field({ description: "The category's code, the same in every version (e.g. KG1_HARDSHIP_HOUSEHOLD)." }) code!: string;
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field({ description: "Its name." }) name!: string;
  @Field({ description: "What it covers, for officials." }) description!: string;
  @Field(() => PopulationEnum, { description: "The population it belongs to." }) population!: PopulationEnum;
  @Field({ description: "The JSON-logic rule, as JSON text." }) ruleJson!: string;
  @Field(() => Int, { description: "Referrals each member should get per campaign (a campaign may set its own)." }) minReferrals!: number;
  @Field({ description: "Whether its members get a 红娘 mentor." }) mentorEligible!: boolean;
  @Field(() => LocalDate, { description: "The first day this version decides." }) validFrom!: string;
  @Field(() => LocalDate, { nullable: true, description: "The last day it decides (null: open-ended)." }) validUntil!: string | null;
}

@ObjectType({ description: "A person's membership of a category, with the rule version that decided it." })
export class CategoryMembership {
  @Field(() => TargetCategory, { description: "The category version that holds them." }) category!: TargetCategory;
  @Field(() => Int, { description: "The version of the rule that decided it." }) ruleVersion!: number;
  @Field({ description: "When it was decided." }) decidedAt!: Date;
}
