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
  @Field({ nullable: true }) @IsOptional() @CharLength(1, 50) name?: string;
  @Field(() => String, { nullable: true, description: "Mainland mobile number." }) @IsOptional() @CharLength(0, 20) phone?: string | null;
  @Field({ nullable: true, description: "户籍 county code." }) householdRegionCode?: string;
  @Field({ nullable: true, description: "生源地 county code." }) originRegionCode?: string;
  @Field({ nullable: true }) registeredPoverty?: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @CharLength(0, 40) povertyHouseholdNo?: string | null;
  @Field({ nullable: true }) minimumLiving?: boolean;
  @Field({ nullable: true }) zeroEmployment?: boolean;
  @Field({ nullable: true }) disabled?: boolean;
  @Field(() => ID, { nullable: true }) institutionId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @CharLength(0, 100) major?: string | null;
  @Field(() => Education, { nullable: true }) degreeLevel?: Education | null;
  @Field(() => LocalDate, { nullable: true }) graduationDate?: string | null;
  @Field(() => LocalDate, { nullable: true }) leaveSchoolDate?: string | null;
  @Field({ nullable: true }) ableToWork?: boolean;
  @Field({ nullable: true }) seekingWork?: boolean;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(30) intentionKeywords?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(30) intentionRegionCodes?: string[];
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(0) @Max(1_000_000) intentionMinSalary?: number | null;
  @Field({ nullable: true }) willingToRelocate?: boolean;
  @Field({ nullable: true }) openToLabourCooperation?: boolean;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(30) skills?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(30) trainingWishes?: string[];
}

@InputType()
export class RegisterPersonInput extends PersonFieldsInput {
  @Field() @CharLength(1, 50) declare name: string;
  @Field({ description: "Resident ID number (18 characters, GB 11643); birth date and gender come from it." }) @CharLength(1, 30) idNumber!: string;
  @Field() declare householdRegionCode: string;
  @Field() declare originRegionCode: string;
  @Field(() => EmploymentStatusEnum, { nullable: true, description: "Default UNEMPLOYED." }) employmentStatus?: EmploymentStatusEnum;
  @Field(() => LocalDate, { nullable: true, description: "Default today." }) employmentStatusSince?: string | null;
}

@InputType()
export class PeopleFilter {
  @Field({ nullable: true, description: "Region-code prefix, matched against 户籍 or 生源地." }) @IsOptional() @IsRegionPrefix() regionCode?: string;
  @Field(() => ID, { nullable: true }) institutionId?: string;
  @Field({ nullable: true }) @IsOptional() @CharLength(2, 40) categoryCode?: string;
  @Field(() => PopulationEnum, { nullable: true }) population?: PopulationEnum;
  @Field(() => EmploymentStatusEnum, { nullable: true }) employmentStatus?: EmploymentStatusEnum;
  @Field({ nullable: true, description: "A name fragment, or an exact ID number or phone." }) @IsOptional() @CharLength(1, 50) text?: string;
}
