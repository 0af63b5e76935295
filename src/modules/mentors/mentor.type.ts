import { LocalDate } from "../../graphql/scalars.js";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionType } from "../../graphql/relay.js";
import { Node } from "../../graphql/node-interface.js";
import {
  followUpChannel,
  followUpOutcome,
  mentorMatch,
  mentorshipEnd,
  type FollowUpChannel as Channel,
  type FollowUpOutcome as Outcome,
  type MentorMatch as Match,
  type MentorshipEnd as End,
} from "./mentor.table.js";

export enum MentorMatch {
  INSTITUTION = "INSTITUTION",
  COUNTY = "COUNTY",
  PREFECTURE = "PREFECTURE",
  CHOSEN = "CHOSEN",
}
registerEnumType(MentorMatch, {
  name: "MentorMatch",
  description: "How a mentor was chosen: automatically at the same institution, county or prefecture, or named by a caseworker (CHOSEN).",
});
if (mentorMatch.enumValues.join() !== Object.values(MentorMatch).join()) throw new Error("MentorMatch out of sync");

export enum MentorshipEnd {
  REASSIGNED = "REASSIGNED",
  MENTOR_DEACTIVATED = "MENTOR_DEACTIVATED",
  EMPLOYED = "EMPLOYED",
  ENDED_BY_CASEWORKER = "ENDED_BY_CASEWORKER",
}
registerEnumType(MentorshipEnd, { name: "MentorshipEnd", description: "Why a mentorship ended." });
if (mentorshipEnd.enumValues.join() !== Object.values(MentorshipEnd).join()) throw new Error("MentorshipEnd out of sync");

@ObjectType({
  implements: Node, description: "A 红娘 mentor: staff or a volunteer who takes a few poverty-family graduates one to one." })
export class Mentor {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: "Masked (138****1234)." }) phoneMasked!: string | null;
  @Field(() => ID, { nullable: true }) institutionId!: string | null;
  @Field(() => String, { nullable: true, description: "County or prefecture (GB/T 2260)." }) regionCode!: string | null;
  @Field(() => Int) capacity!: number;
  @Field(() => Int, { description: "Mentees now." }) activeMentees!: number;
  @Field() active!: boolean;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) deactivatedAt!: Date | null;
}

@ObjectType({ description: "A pairing of a person with a mentor, from when until when and why it ended (the history is kept)." })
export class Mentorship {
  @Field(() => ID) id!: string;
  @Field(() => MentorMatch) matchedBy!: Match;
  @Field() startedAt!: Date;
  @Field() startedBy!: string;
  @Field(() => String, { nullable: true, description: "An administrator's reason for pairing someone the policy does not make eligible." }) overrideReason!: string | null;
  @Field(() => Date, { nullable: true }) endedAt!: Date | null;
  @Field(() => String, { nullable: true }) endedBy!: string | null;
  @Field(() => MentorshipEnd, { nullable: true }) endReason!: End | null;
}

export const MentorConnection = connectionType("Mentor", Mentor);

@InputType()
export class CreateMentorInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: "Mainland mobile; stored sealed, shown masked." }) phone?: string | null;
  @Field(() => ID, { nullable: true }) institutionId?: string | null;
  @Field(() => String, { nullable: true, description: "County or prefecture code (6 digits). At least one of institutionId and regionCode." }) regionCode?: string | null;
  @Field(() => Int, { description: "Mentees at most, 1–100." }) capacity!: number;
  @Field(() => String, { nullable: true, description: "The MENTOR login (JWT sub) that acts as this mentor." }) userId?: string | null;
}

@InputType()
export class MentorFilter {
  @Field(() => String, { nullable: true, description: "Region prefix of 2, 4 or 6 digits." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true }) institutionId?: string | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "Only active mentors with a free place." }) withRoom?: boolean | null;
}

@ObjectType()
export class UnassignedPerson {
  @Field(() => ID) personId!: string;
  @Field() reason!: string;
}

@ObjectType({ description: "A deactivated mentor, and what became of their mentees." })
export class MentorDeactivation {
  @Field(() => Mentor) mentor!: Mentor;
  @Field(() => [Mentorship], { description: "The new pairings, made by the automatic rules." }) reassigned!: Mentorship[];
  @Field(() => [UnassignedPerson], { description: "Mentees nobody within reach could take." }) unassigned!: UnassignedPerson[];
}

export enum FollowUpChannel {
  PHONE = "PHONE",
  WECHAT = "WECHAT",
  VISIT = "VISIT",
  VIDEO = "VIDEO",
}
registerEnumType(FollowUpChannel, { name: "FollowUpChannel" });
if (followUpChannel.enumValues.join() !== Object.values(FollowUpChannel).join()) throw new Error("FollowUpChannel out of sync");

export enum FollowUpOutcome {
  REACHED = "REACHED",
  NOT_REACHED = "NOT_REACHED",
  POSTINGS_SHARED = "POSTINGS_SHARED",
  INTERVIEW_ARRANGED = "INTERVIEW_ARRANGED",
  OTHER = "OTHER",
}
registerEnumType(FollowUpOutcome, { name: "FollowUpOutcome", description: "What came of a contact: reached, not reached, postings shared, an interview arranged, or other (say what in the note)." });
if (followUpOutcome.enumValues.join() !== Object.values(FollowUpOutcome).join()) throw new Error("FollowUpOutcome out of sync");

@ObjectType({ description: "A mentor's contact with a mentee (跟踪回访)." })
export class FollowUp {
  @Field(() => ID) id!: string;
  @Field(() => FollowUpChannel) channel!: Channel;
  @Field(() => FollowUpOutcome) outcome!: Outcome;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field({ description: "When the contact happened." }) at!: Date;
  @Field() loggedAt!: Date;
}

@ObjectType({ description: "Mentoring within your scope: people the policy makes eligible, paired or not, and paired people overdue for a contact." })
export class MentorCoverage {
  @Field(() => Int) eligible!: number;
  @Field(() => Int, { description: "Eligible people with a mentor now." }) assigned!: number;
  @Field(() => Int, { description: "Eligible people without one." }) unassigned!: number;
  @Field(() => Int, { description: "People with a mentor and no contact for `followUpDays` (from the pairing's start when there has been none)." }) overdue!: number;
  @Field(() => Int, { description: "People with a mentor whom the policy does not (or no longer) make eligible: an administrator's override, or categories since changed." }) pairedOutsidePolicy!: number;
  @Field(() => Int, { description: "The active mentoring policy's days." }) followUpDays!: number;
}

@InputType()
export class MentorCoverageFilter {
  @Field(() => String, { nullable: true, description: "Region prefix (户籍 or 生源地) of 2, 4 or 6 digits." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true }) institutionId?: string | null;
  @Field(() => ID, { nullable: true, description: "Only people in this ACTIVE campaign (a closed campaign's figures are frozen in campaignProgress)." }) campaignId?: string | null;
}

@ObjectType({ description: "The mentoring policy (data): days without contact before a mentee is overdue." })
export class MentoringPolicy {
  @Field(() => Int) version!: number;
  @Field(() => Int) followUpDays!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
}
