import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Person } from "../people/person.type.js";
import { Node } from "../../graphql/node-interface.js";

export enum CampaignRunStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  DONE = "DONE",
}
registerEnumType(CampaignRunStatus, { name: "CampaignRunStatus" });

@InputType({ description: "Whom a campaign run serves: exactly one of these (within the caller's own scope)." })
export class FulfilScopeInput {
  @Field(() => ID, { nullable: true }) personId?: string | null;
  @Field(() => String, { nullable: true, description: "A region-code prefix (35, 3501, 350102): by 户籍 or 生源地." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true }) institutionId?: string | null;
  @Field(() => String, { nullable: true }) categoryCode?: string | null;
}

@ObjectType()
export class FulfilScope {
  @Field(() => ID, { nullable: true }) personId!: string | null;
  @Field(() => String, { nullable: true }) regionCode!: string | null;
  @Field(() => ID, { nullable: true }) institutionId!: string | null;
  @Field(() => String, { nullable: true }) categoryCode!: string | null;
}

@ObjectType()
export class RunReasonCount {
  @Field() reason!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "A person a run could not bring to their minimum, and why." })
export class RunStillBelow {
  @Field(() => ID) personId!: string;
  @Field(() => Person, { nullable: true, description: "Null when outside the caller's scope." }) person!: unknown;
  @Field(() => Int, { nullable: true, description: "What they still lack; null when processing them failed before it was worked out." }) remaining!: number | null;
  @Field() reason!: string;
}

export enum CampaignRunKind {
  REFERRALS = "REFERRALS",
  MENTORS = "MENTORS",
}
registerEnumType(CampaignRunKind, { name: "CampaignRunKind" });

@ObjectType({
  implements: Node,
  description:
    "A background campaign run: fulfilReferralMinimums (the people of a scope below their minimum, recommended their best matches until it is met) or assignMentorsAutomatically (the eligible people of a scope without a mentor, each paired with the nearest mentor with room).",
})
export class CampaignRun {
  @Field(() => ID) id!: string;
  @Field(() => CampaignRunKind, { description: "REFERRALS (fulfilReferralMinimums) or MENTORS (assignMentorsAutomatically)." }) kind!: CampaignRunKind;
  @Field(() => CampaignRunStatus) status!: CampaignRunStatus;
  @Field(() => FulfilScope) scope!: FulfilScope;
  @Field(() => ID, { nullable: true, description: "The campaign whose minimums a REFERRALS run meets (null for MENTORS)." }) campaignId!: string | null;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { description: "People below their minimum (a mentor run: eligible and without a mentor) when the run was asked for." }) total!: number;
  @Field(() => Int) processed!: number;
  @Field(() => Int, { description: "Referrals (a mentor run: pairings) the run made." }) created!: number;
  @Field(() => Int, { description: "People it could not bring to their minimum, or pair (see reasons and stillBelowPeople)." }) stillBelow!: number;
  @Field(() => [RunReasonCount]) reasons!: RunReasonCount[];
}
