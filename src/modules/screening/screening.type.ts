import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

export enum ScreeningSeverity {
  HIGH = "HIGH",
  LOW = "LOW",
}
registerEnumType(ScreeningSeverity, {
  name: "ScreeningSeverity",
  description: "What a screening rule's hit does to a posting.",
  valuesConfig: {
    HIGH: { description: "Held PENDING_REVIEW (not public, not searchable, not in the change feed) until an official reviews it (reviewPosting)." },
    LOW: { description: "Published, with a flag officials see (reviewQueue with state FLAGGED)." },
  },
});

@ObjectType({ description: "One version of a screening rule (policy data: discriminatory requirements and fraud signals a posting is checked for)." })
export class ScreeningRule {
  @Field({ description: "The rule's code (GENDER_RESTRICTION …)." }) code!: string;
  @Field(() => Int, { description: "The version, from 1: the highest version of a code is in force (unless it is inactive)." }) version!: number;
  @Field({ description: "What the rule catches and why, in Chinese (shown to officials and to the poster)." }) description!: string;
  @Field(() => ScreeningSeverity, { description: "HIGH holds the posting for review; LOW flags it." }) severity!: ScreeningSeverity;
  @Field({ description: "How the rule reads a posting, as JSON: {kind: PHRASES, phrases, unless?, fields?} | {kind: PATTERN, pattern, unless?, fields?} | {kind: SALARY_IMPLAUSIBLE, factor, absoluteMax}." }) matcher!: string;
  @Field({ description: "False: this version retires the rule." }) active!: boolean;
  @Field({ description: "When this version was saved." }) createdAt!: Date;
  @Field({ description: "Who saved it (`role:user id`)." }) createdBy!: string;
}

@ObjectType("ScreeningRuleHistory", { description: "A screening rule's code with its history." })
export class ScreeningRuleHistoryType {
  @Field({ description: "The rule's code." }) code!: string;
  @Field(() => ScreeningRule, { description: "Its highest version: in force when `active`." }) current!: ScreeningRule;
  @Field(() => [ScreeningRule], { description: "Every version, oldest first." }) versions!: ScreeningRule[];
}

@ObjectType("ScreeningHit", { description: "One rule's hit in a posting: the rule, and where the words are." })
export class ScreeningHitType {
  @Field({ description: "The rule's code." }) ruleCode!: string;
  @Field({ description: "What the rule catches, in Chinese." }) description!: string;
  @Field(() => ScreeningSeverity, { description: "HIGH holds the posting; LOW flags it." }) severity!: ScreeningSeverity;
  @Field({ description: "The posting field the words are in (title, description, occupation, skills, majors, salaryMax)." }) field!: string;
  @Field(() => Int, { nullable: true, description: "Where the words start in the field's text (UTF-16 offset, as JavaScript counts; skills and majors joined with '，'); null for a numeric check." }) start!: number | null;
  @Field(() => Int, { nullable: true, description: "Where they end (exclusive); null for a numeric check." }) end!: number | null;
  @Field({ description: "The words hit (or the figure, for a numeric check)." }) excerpt!: string;
  @Field({ description: "An official reviewed these words for this rule and let them stand." }) approved!: boolean;
}

@ObjectType("PostingScreening", { description: "What screening found in a posting, for those who manage it." })
export class PostingScreeningType {
  @Field({ description: "Held PENDING_REVIEW by screening until an official reviews it (editing the words away does not release it)." }) held!: boolean;
  @Field(() => [ScreeningHitType], { description: "The last screening's hits (empty: clean)." }) hits!: ScreeningHitType[];
}
