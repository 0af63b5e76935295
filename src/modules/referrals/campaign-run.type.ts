import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Person } from "../people/person.type.js";
import { Node } from "../../graphql/node-interface.js";

export enum CampaignRunStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  DONE = "DONE",
}
registerEnumType(CampaignRunStatus, {
  name: "CampaignRunStatus",
  description: "Where a campaign run stands.",
  valuesConfig: {
    QUEUED: { description: "Waiting for the background runner." },
    RUNNING: { description: "Being worked, in batches (each batch one transaction)." },
    DONE: { description: "Every person has been worked." },
  },
});

@InputType({ description: "Whom a campaign run serves: exactly one of these (within the caller's own scope)." })
export class FulfilScopeInput {
  @Field(() => ID, { nullable: true, description: "One person." }) personId?: string | null;
  @Field(() => String, { nullable: true, description: "A region-code prefix (35, 3501, 350102): by 户籍 or 生源地." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true, description: "An institution's people." }) institutionId?: string | null;
  @Field(() => String, { nullable: true, description: "The people in a target category (its code)." }) categoryCode?: string | null;
}

@ObjectType({ description: "Whom a campaign run serves (one of these is set)." })
export class FulfilScope {
  @Field(() => ID, { nullable: true, description: "One person." }) personId!: string | null;
  @Field(() => String, { nullable: true, description: "A region-code prefix (by 户籍 or 生源地)." }) regionCode!: string | null;
  @Field(() => ID, { nullable: true, description: "An institution's people." }) institutionId!: string | null;
  @Field(() => String, { nullable: true, description: "The people in a target category." }) categoryCode!: string | null;
}

@ObjectType({ description: "How many people a run left below for one reason." })
export class RunReasonCount {
  @Field({ description: "The reason, in Chinese (free text; an error's message when processing failed)." }) reason!: string;
  @Field(() => Int, { description: "People left below for it." }) count!: number;
}

@ObjectType({ description: "A person a run could not bring to their minimum, and why." })
export class RunStillBelow {
  @Field(() => ID, { description: "The person's id." }) personId!: string;
  @Field(() => Person, { nullable: true, description: "Null when outside the caller's scope." }) person!: unknown;
  @Field(() => Int, { nullable: true, description: "What they still lack; null when processing them failed before it was worked out." }) remaining!: number | null;
  @Field({ description: "Why (in Chinese)." }) reason!: string;
}

export enum CampaignRunKind {
  REFERRALS = "REFERRALS",
  MENTORS = "MENTORS",
}
registerEnumType(CampaignRunKind, {
  name: "CampaignRunKind",
  description: "What a campaign run does.",
  valuesConfig: {
    REFERRALS: { description: "Brings people to their referral minimum (fulfilReferralMinimums)." },
    MENTORS: { description: "Pairs eligible people with mentors (assignMentorsAutomatically)." },
  },
});

@ObjectType({
  implements: Node,
  description:
    "A background campaign run: fulfilReferralMinimums (the people of a scope below their minimum, recommended their best matches until it is met) or assignMentorsAutomatically (the eligible people of a scope without a mentor, each paired with the nearest mentor with room).",
})
export class CampaignRun {
  @Field(() => ID, { description: "The run's id." }) id!: string;
  @Field(() => CampaignRunKind, { description: "REFERRALS (fulfilReferralMinimums) or MENTORS (assignMentorsAutomatically)." }) kind!: CampaignRunKind;
  @Field(() => CampaignRunStatus, { description: "QUEUED, RUNNING or DONE." }) status!: CampaignRunStatus;
  @Field(() => FulfilScope, { description: "Whom it serves." }) scope!: FulfilScope;
  @Field(() => ID, { nullable: true, description: "The campaign whose minimums a REFERRALS run meets (null for MENTORS)." }) campaignId!: string | null;
  @Field({ description: "Who asked for it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was asked for." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When work began (null while QUEUED)." }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was DONE (null until then)." }) finishedAt!: Date | null;
  @Field(() => Int, { description: "People below their minimum (a mentor run: eligible and without a mentor) when the run was asked for." }) total!: number;
  @Field(() => Int, { description: "People worked so far (of total)." }) processed!: number;
  @Field(() => Int, { description: "Referrals (a mentor run: pairings) the run made." }) created!: number;
  @Field(() => Int, { description: "People it could not bring to their minimum, or pair (see reasons and stillBelowPeople)." }) stillBelow!: number;
  @Field(() => [RunReasonCount], { description: "Why people were left below, counted by reason." }) reasons!: RunReasonCount[];
}
