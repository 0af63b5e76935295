import { ArrayMaxSize, IsOptional, Max, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { CharLength, IsRegionPrefix } from "../../graphql/validators.js";
import { PopulationEnum } from "../categories/category.inputs.js";
import { Education } from "../postings/posting.type.js";
import { EmploymentStatusEnum } from "./person.type.js";

// Shape checks only; the ledger's rules (ID check digit, counties, dates) are person-record.validator.ts's.
@InputType({ description: "Everything but the identity fields, for registering and for updates." })
export class PersonFieldsInput {
  @Field({ nullable: true, description: "Their name (1–50 characters)." }) @IsOptional() @CharLength(1, 50) name?: string;
  @Field(() => String, { nullable: true, description: "Mainland mobile number." }) @IsOptional() @CharLength(0, 20) phone?: string | null;
  @Field({ nullable: true, description: "户籍 county code." }) householdRegionCode?: string;
  @Field({ nullable: true, description: "生源地 county code." }) originRegionCode?: string;
  @Field({ nullable: true, description: "建档立卡贫困户: from a registered poverty household." }) registeredPoverty?: boolean;
  @Field(() => String, { nullable: true, description: "建档立卡户编号 (at most 40 characters); stored sealed, shown masked." }) @IsOptional() @CharLength(0, 40) povertyHouseholdNo?: string | null;
  @Field({ nullable: true, description: "城乡低保家庭: from a minimum-living-allowance family." }) minimumLiving?: boolean;
  @Field({ nullable: true, description: "零就业家庭: from a family with nobody employed." }) zeroEmployment?: boolean;
  @Field({ nullable: true, description: "A registered disabled person (残疾人)." }) disabled?: boolean;
  @Field(() => ID, { nullable: true, description: "Their institution (graduates)." }) institutionId?: string | null;
  @Field(() => String, { nullable: true, description: "Their major (at most 100 characters)." }) @IsOptional() @CharLength(0, 100) major?: string | null;
  @Field(() => Education, { nullable: true, description: "Their highest education." }) degreeLevel?: Education | null;
  @Field(() => LocalDate, { nullable: true, description: "When they graduated or will graduate." }) graduationDate?: string | null;
  @Field(() => LocalDate, { nullable: true, description: "When they left school (离校), if not on graduating." }) leaveSchoolDate?: string | null;
  @Field({ nullable: true, description: "有就业能力: able to work." }) ableToWork?: boolean;
  @Field({ nullable: true, description: "有就业需求: looking for work." }) seekingWork?: boolean;
  @Field(() => [String], { nullable: true, description: "Occupations or keywords they want (at most 30)." }) @IsOptional() @ArrayMaxSize(30) intentionKeywords?: string[];
  @Field(() => [String], { nullable: true, description: "Region codes (any level) where they would work (at most 30)." }) @IsOptional() @ArrayMaxSize(30) intentionRegionCodes?: string[];
  @Field(() => Int, { nullable: true, description: "The least monthly salary they want, in yuan (0–1,000,000)." }) @IsOptional() @Min(0) @Max(1_000_000) intentionMinSalary?: number | null;
  @Field({ nullable: true, description: "转移就业意愿: willing to move for work." }) willingToRelocate?: boolean;
  @Field({ nullable: true, description: "Open to labour-cooperation postings in paired regions." }) openToLabourCooperation?: boolean;
  @Field(() => [String], { nullable: true, description: "Their skills (at most 30)." }) @IsOptional() @ArrayMaxSize(30) skills?: string[];
  @Field(() => [String], { nullable: true, description: "Training they would like (at most 30)." }) @IsOptional() @ArrayMaxSize(30) trainingWishes?: string[];
}

@InputType({ description: "A person to register in the ledger." })
export class RegisterPersonInput extends PersonFieldsInput {
  @Field({ description: "Their name (1–50 characters)." }) @CharLength(1, 50) declare name: string;
  @Field({ description: "Resident ID number (18 characters, GB 11643); birth date and gender come from it." }) @CharLength(1, 30) idNumber!: string;
  @Field({ description: "Their 户籍 county code (GB/T 2260, 6 digits)." }) declare householdRegionCode: string;
  @Field({ description: "Their 生源地 county code (GB/T 2260, 6 digits)." }) declare originRegionCode: string;
  @Field(() => EmploymentStatusEnum, { nullable: true, description: "Default UNEMPLOYED." }) employmentStatus?: EmploymentStatusEnum;
  @Field(() => LocalDate, { nullable: true, description: "Default today." }) employmentStatusSince?: string | null;
}

@InputType({ description: "Which people to list." })
export class PeopleFilter {
  @Field({ nullable: true, description: "Region-code prefix, matched against 户籍 or 生源地." }) @IsOptional() @IsRegionPrefix() regionCode?: string;
  @Field(() => ID, { nullable: true, description: "Only people of this institution." }) institutionId?: string;
  @Field({ nullable: true, description: "Only people in this target category (its code)." }) @IsOptional() @CharLength(2, 40) categoryCode?: string;
  @Field(() => PopulationEnum, { nullable: true, description: "Only people in a category of this population." }) population?: PopulationEnum;
  @Field(() => EmploymentStatusEnum, { nullable: true, description: "Only people with this employment status now." }) employmentStatus?: EmploymentStatusEnum;
  @Field({ nullable: true, description: "A name fragment, or an exact ID number or phone." }) @IsOptional() @CharLength(1, 50) text?: string;
}
