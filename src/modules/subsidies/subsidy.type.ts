import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { AMOUNT_KINDS, CLAIM_STATES, ISSUING_LEVELS, SUBSIDY_SUBJECTS } from "./subsidy.table.js";

export enum SubsidySubjectEnum {
  PERSON = "PERSON",
  EMPLOYER = "EMPLOYER",
}
export enum SubsidyAmountKindEnum {
  FIXED = "FIXED",
  PER_PERSON = "PER_PERSON",
  CAPPED = "CAPPED",
}
export enum IssuingLevelEnum {
  NATIONAL = "NATIONAL",
  PROVINCE = "PROVINCE",
  PREFECTURE = "PREFECTURE",
  COUNTY = "COUNTY",
}
export enum SubsidyClaimStateEnum {
  ELIGIBLE = "ELIGIBLE",
  APPLIED = "APPLIED",
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
  PAID_RECORDED = "PAID_RECORDED",
}
registerEnumType(SubsidySubjectEnum, {
  name: "SubsidySubject",
  description: "Who a subsidy goes to.",
  valuesConfig: { PERSON: { description: "A person (its rule reads the person's facts)." }, EMPLOYER: { description: "An employer, for a person it hired (its rule reads `employer` and `person`)." } },
});
registerEnumType(SubsidyAmountKindEnum, {
  name: "SubsidyAmountKind",
  description: "How a scheme's amount is reckoned.",
  valuesConfig: {
    FIXED: { description: "A fixed sum." },
    PER_PERSON: { description: "A sum per person employed (an employer's claim per hired person)." },
    CAPPED: { description: "Up to a cap (approved for what was spent)." },
  },
});
registerEnumType(IssuingLevelEnum, {
  name: "IssuingLevel",
  description: "The level of government that issues a subsidy.",
  valuesConfig: { NATIONAL: { description: "国家" }, PROVINCE: { description: "省" }, PREFECTURE: { description: "设区市" }, COUNTY: { description: "县（市、区）" } },
});
registerEnumType(SubsidyClaimStateEnum, {
  name: "SubsidyClaimState",
  description: "Where a subsidy claim stands. Nothing is paid here: PAID_RECORDED records a payment made elsewhere.",
  valuesConfig: {
    ELIGIBLE: { description: "The scheme's rule admits its subject (decided, never typed)." },
    APPLIED: { description: "Applied for, with the documents listed." },
    APPROVED: { description: "Approved, for an amount no higher than the scheme's cap." },
    REJECTED: { description: "Rejected, with the reason." },
    PAID_RECORDED: { description: "The payment made elsewhere is recorded by its reference." },
  },
});
for (const [gql, values] of [
  [SubsidySubjectEnum, SUBSIDY_SUBJECTS],
  [SubsidyAmountKindEnum, AMOUNT_KINDS],
  [IssuingLevelEnum, ISSUING_LEVELS],
  [SubsidyClaimStateEnum, CLAIM_STATES],
] as const) {
  if (Object.values(gql).join() !== values.join()) throw new Error("subsidy enums out of sync with the table");
}

@ObjectType({ description: "A subsidy scheme version (就业扶贫补贴): policy data." })
export class SubsidyScheme {
  @Field(() => ID, { description: "This version's id." }) id!: string;
  @Field({ description: "The scheme's code, the same in every version (e.g. JOB_SEARCH_GRADUATE)." }) code!: string;
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field({ description: "Its name." }) name!: string;
  @Field({ description: "Who it is for, for officials." }) description!: string;
  @Field(() => SubsidySubjectEnum, { description: "Who receives it." }) subject!: SubsidySubjectEnum;
  @Field({ description: "The JSON-logic rule, as JSON text." }) ruleJson!: string;
  @Field(() => SubsidyAmountKindEnum, { description: "How the amount is reckoned." }) amountKind!: SubsidyAmountKindEnum;
  @Field(() => Int, { description: "Yuan: the fixed sum, the sum per person employed, or the cap." }) amountYuan!: number;
  @Field({ description: "The policy texts do not give this amount: reconstructed from the period's practice." }) amountReconstructed!: boolean;
  @Field({ description: "Where the scheme comes from in the policy texts." }) source!: string;
  @Field(() => [String], { description: "The documents an application needs." }) documents!: string[];
  @Field(() => IssuingLevelEnum, { description: "The level that issues it." }) issuingLevel!: IssuingLevelEnum;
  @Field(() => LocalDate, { description: "The first day this version decides." }) validFrom!: string;
  @Field(() => LocalDate, { nullable: true, description: "The last day it decides (null: open-ended)." }) validUntil!: string | null;
  @Field({ description: "When it was published." }) createdAt!: Date;
  @Field({ description: "Who published it." }) createdBy!: string;
}

@ObjectType({ description: "A claim on a subsidy scheme: eligibility decided by the rules, then the steps officials record. Nothing is paid here." })
export class SubsidyClaim {
  @Field(() => ID, { description: "The claim's id." }) id!: string;
  @Field({ description: "The scheme's code." }) schemeCode!: string;
  @Field(() => Int, { description: "The version that decided it." }) schemeVersion!: number;
  @Field(() => ID, { nullable: true, description: "The employer it goes to (employer schemes); null for a person's own." }) employerId!: string | null;
  @Field({ description: "The county it belongs to: the person's 户籍, or the employer's." }) regionCode!: string;
  @Field(() => SubsidyClaimStateEnum, { description: "Where it stands." }) state!: SubsidyClaimStateEnum;
  @Field(() => Int, { description: "The most it may be approved for (yuan), from the deciding version." }) maxAmountYuan!: number;
  @Field(() => Int, { nullable: true, description: "What was approved (yuan)." }) approvedAmountYuan!: number | null;
  @Field(() => [String], { description: "The documents submitted with the application." }) documents!: string[];
  @Field(() => String, { nullable: true, description: "Why it was rejected." }) rejectionReason!: string | null;
  @Field(() => String, { nullable: true, description: "The reference of the payment made elsewhere." }) paymentReference!: string | null;
  @Field({ description: "When eligibility was (last) decided." }) decidedAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was applied for." }) appliedAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Who recorded the application." }) appliedBy!: string | null;
  @Field(() => Date, { nullable: true, description: "When it was approved or rejected." }) reviewedAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Who approved or rejected it." }) reviewedBy!: string | null;
  @Field(() => Date, { nullable: true, description: "When the payment was recorded." }) paidRecordedAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Who recorded the payment." }) paidRecordedBy!: string | null;
}

@ObjectType({ description: "An employer's claims on one scheme in one state whose people did not consent to be named: how many, and their sums." })
export class SubsidyClaimCount {
  @Field({ description: "The scheme's code." }) schemeCode!: string;
  @Field(() => SubsidyClaimStateEnum, { description: "The state." }) state!: SubsidyClaimStateEnum;
  @Field(() => Int, { description: "How many claims." }) claims!: number;
  @Field(() => Int, { description: "The most they may be approved for, together (yuan)." }) maxAmountYuan!: number;
}

@ObjectType({ description: "An employer's subsidy claims: each claim whose hired person consented to be named (officials: every claim), and counts of the others." })
export class EmployerSubsidies {
  @Field(() => [SubsidyClaim], { description: "Claims that may name the person." }) claims!: unknown[];
  @Field(() => [SubsidyClaimCount], { description: "Claims whose person did not consent, counted by scheme and state — to the employer only counts of `unnamedShownFrom` or more (a smaller count, or none, is not listed: it would point at the few people it hired)." }) unnamed!: SubsidyClaimCount[];
  @Field(() => Int, { description: "The smallest count listed in `unnamed` (the subsidy disclosure policy in force; 1 for officials, who see every claim)." }) unnamedShownFrom!: number;
}

@ObjectType({ description: "The subsidy disclosure policy (versioned by date): the smallest count of claims naming people who did not consent that an employer sees." })
export class SubsidyDisclosurePolicy {
  @Field(() => Int, { description: "The version." }) version!: number;
  @Field(() => Int, { description: "Counts below this are not shown to the employer (1: every count)." }) minCount!: number;
  @Field(() => LocalDate, { description: "The first day it is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it." }) createdBy!: string;
}

@ObjectType({ description: "Subsidy figures of one scheme in one prefecture: how many claims reached each step and their sums (yuan)." })
export class SubsidyFigure {
  @Field({ description: "The scheme's code." }) schemeCode!: string;
  @Field({ description: "The prefecture (4 digits) of the claims' counties." }) prefecture!: string;
  @Field(() => Int, { description: "Claims decided eligible (every claim was)." }) eligible!: number;
  @Field(() => Int, { description: "Their most (yuan)." }) eligibleYuan!: number;
  @Field(() => Int, { description: "Claims applied for." }) applied!: number;
  @Field(() => Int, { description: "Their most (yuan)." }) appliedYuan!: number;
  @Field(() => Int, { description: "Claims approved (paid ones included)." }) approved!: number;
  @Field(() => Int, { description: "Approved (yuan)." }) approvedYuan!: number;
  @Field(() => Int, { description: "Claims whose payment was recorded." }) paid!: number;
  @Field(() => Int, { description: "Recorded paid (yuan)." }) paidYuan!: number;
}
