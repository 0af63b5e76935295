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
  valuesConfig: {
    INSTITUTION: { description: "A mentor at the person's institution." },
    COUNTY: { description: "A mentor in the person's county." },
    PREFECTURE: { description: "A mentor in the person's prefecture." },
    CHOSEN: { description: "Named by a caseworker or administrator (assignMentor with mentorId)." },
  },
});
if (mentorMatch.enumValues.join() !== Object.values(MentorMatch).join()) throw new Error("MentorMatch out of sync");

export enum MentorshipEnd {
  REASSIGNED = "REASSIGNED",
  MENTOR_DEACTIVATED = "MENTOR_DEACTIVATED",
  EMPLOYED = "EMPLOYED",
  ENDED_BY_CASEWORKER = "ENDED_BY_CASEWORKER",
}
registerEnumType(MentorshipEnd, {
  name: "MentorshipEnd",
  description: "Why a mentorship ended.",
  valuesConfig: {
    REASSIGNED: { description: "The person was paired with another mentor." },
    MENTOR_DEACTIVATED: { description: "The mentor was deactivated." },
    EMPLOYED: { description: "The person found work and no longer needs a mentor." },
    ENDED_BY_CASEWORKER: { description: "A caseworker ended it." },
  },
});
if (mentorshipEnd.enumValues.join() !== Object.values(MentorshipEnd).join()) throw new Error("MentorshipEnd out of sync");

@ObjectType({ implements: Node, description: "A 红娘 mentor: staff or a volunteer who takes a few poverty-family graduates one to one." })
export class Mentor {
  @Field(() => ID, { description: "The mentor's id." }) id!: string;
  @Field({ description: "The mentor's name." }) name!: string;
  @Field(() => String, { nullable: true, description: "Masked (138****1234)." }) phoneMasked!: string | null;
  @Field(() => ID, { nullable: true, description: "The institution the mentor belongs to, if one." }) institutionId!: string | null;
  @Field(() => String, { nullable: true, description: "County or prefecture (GB/T 2260)." }) regionCode!: string | null;
  @Field(() => Int, { description: "Most mentees at once (1–100)." }) capacity!: number;
  @Field(() => Int, { description: "Mentees now." }) activeMentees!: number;
  @Field({ description: "False once deactivated: takes no mentees." }) active!: boolean;
  @Field({ description: "When the mentor was registered." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When the mentor was deactivated (null while active)." }) deactivatedAt!: Date | null;
}

@ObjectType({ description: "A pairing of a person with a mentor, from when until when and why it ended (the history is kept)." })
export class Mentorship {
  @Field(() => ID, { description: "The pairing's id." }) id!: string;
  @Field(() => MentorMatch, { description: "How the mentor was chosen." }) matchedBy!: Match;
  @Field({ description: "When the pairing began." }) startedAt!: Date;
  @Field({ description: "Who paired them (`role:user id`, or `system:mentor-run` for a campaign run)." }) startedBy!: string;
  @Field(() => String, { nullable: true, description: "An administrator's reason for pairing someone the policy does not make eligible." }) overrideReason!: string | null;
  @Field(() => Date, { nullable: true, description: "When it ended (null while it lasts)." }) endedAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Who or what ended it (null while it lasts)." }) endedBy!: string | null;
  @Field(() => MentorshipEnd, { nullable: true, description: "Why it ended (null while it lasts)." }) endReason!: End | null;
}

export const MentorConnection = connectionType("Mentor", Mentor);

@InputType({ description: "A new 红娘 mentor." })
export class CreateMentorInput {
  @Field({ description: "The mentor's name." }) name!: string;
  @Field(() => String, { nullable: true, description: "Mainland mobile; stored sealed, shown masked." }) phone?: string | null;
  @Field(() => ID, { nullable: true, description: "The institution the mentor belongs to. At least one of institutionId and regionCode." }) institutionId?: string | null;
  @Field(() => String, { nullable: true, description: "County or prefecture code (6 digits). At least one of institutionId and regionCode." }) regionCode?: string | null;
  @Field(() => Int, { description: "Mentees at most, 1–100." }) capacity!: number;
  @Field(() => String, { nullable: true, description: "The MENTOR login (JWT sub) that acts as this mentor." }) userId?: string | null;
}

@InputType({ description: "Which mentors to list." })
export class MentorFilter {
  @Field(() => String, { nullable: true, description: "Region prefix of 2, 4 or 6 digits." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true, description: "Only mentors of this institution." }) institutionId?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Only active (true) or deactivated (false) mentors." }) active?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "Only active mentors with a free place." }) withRoom?: boolean | null;
}

@ObjectType({ description: "A person left without a mentor, and why." })
export class UnassignedPerson {
  @Field(() => ID, { description: "The person's id." }) personId!: string;
  @Field({ description: "Why nobody could take them (in Chinese)." }) reason!: string;
}

@ObjectType({ description: "A deactivated mentor, and what became of their mentees." })
export class MentorDeactivation {
  @Field(() => Mentor, { description: "The mentor, now inactive." }) mentor!: Mentor;
  @Field(() => [Mentorship], { description: "The new pairings, made by the automatic rules." }) reassigned!: Mentorship[];
  @Field(() => [UnassignedPerson], { description: "Mentees nobody within reach could take." }) unassigned!: UnassignedPerson[];
}

export enum FollowUpChannel {
  PHONE = "PHONE",
  WECHAT = "WECHAT",
  VISIT = "VISIT",
  VIDEO = "VIDEO",
}
registerEnumType(FollowUpChannel, {
  name: "FollowUpChannel",
  description: "How a mentor contacted a mentee.",
  valuesConfig: {
    PHONE: { description: "A phone call." },
    WECHAT: { description: "WeChat." },
    VISIT: { description: "A visit in person." },
    VIDEO: { description: "A video call." },
  },
});
if (followUpChannel.enumValues.join() !== Object.values(FollowUpChannel).join()) throw new Error("FollowUpChannel out of sync");

export enum FollowUpOutcome {
  REACHED = "REACHED",
  NOT_REACHED = "NOT_REACHED",
  POSTINGS_SHARED = "POSTINGS_SHARED",
  INTERVIEW_ARRANGED = "INTERVIEW_ARRANGED",
  OTHER = "OTHER",
}
registerEnumType(FollowUpOutcome, {
  name: "FollowUpOutcome",
  description: "What came of a contact: reached, not reached, postings shared, an interview arranged, or other (say what in the note).",
  valuesConfig: {
    REACHED: { description: "The mentee was reached." },
    NOT_REACHED: { description: "The mentee could not be reached." },
    POSTINGS_SHARED: { description: "Postings were shared with the mentee." },
    INTERVIEW_ARRANGED: { description: "An interview was arranged." },
    OTHER: { description: "Something else (say what in the note)." },
  },
});
if (followUpOutcome.enumValues.join() !== Object.values(FollowUpOutcome).join()) throw new Error("FollowUpOutcome out of sync");

@ObjectType({ description: "A mentor's contact with a mentee (跟踪回访)." })
export class FollowUp {
  @Field(() => ID, { description: "The contact's id." }) id!: string;
  @Field(() => FollowUpChannel, { description: "How the mentor got in touch." }) channel!: Channel;
  @Field(() => FollowUpOutcome, { description: "What came of it." }) outcome!: Outcome;
  @Field(() => String, { nullable: true, description: "The mentor's note, if any." }) note!: string | null;
  @Field({ description: "When the contact happened." }) at!: Date;
  @Field({ description: "When it was logged." }) loggedAt!: Date;
}

@ObjectType({ description: "Mentoring within your scope: people the policy makes eligible, paired or not, and paired people overdue for a contact." })
export class MentorCoverage {
  @Field(() => Int, { description: "People the mentoring policy makes eligible (a mentorEligible category)." }) eligible!: number;
  @Field(() => Int, { description: "Eligible people with a mentor now." }) assigned!: number;
  @Field(() => Int, { description: "Eligible people without one." }) unassigned!: number;
  @Field(() => Int, { description: "People with a mentor and no contact for `followUpDays` (from the pairing's start when there has been none)." }) overdue!: number;
  @Field(() => Int, { description: "People with a mentor whom the policy does not (or no longer) make eligible: an administrator's override, or categories since changed." }) pairedOutsidePolicy!: number;
  @Field(() => Int, { description: "The active mentoring policy's days." }) followUpDays!: number;
}

@InputType({ description: "Whose mentoring to count." })
export class MentorCoverageFilter {
  @Field(() => String, { nullable: true, description: "Region prefix (户籍 or 生源地) of 2, 4 or 6 digits." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true, description: "Only people of this institution." }) institutionId?: string | null;
  @Field(() => ID, { nullable: true, description: "Only people in this ACTIVE campaign (a closed campaign's figures are frozen in campaignProgress)." }) campaignId?: string | null;
}

@ObjectType({ description: "The mentoring policy (data): days without contact before a mentee is overdue." })
export class MentoringPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => Int, { description: "Days without a contact after which a mentee is overdue (1–365)." }) followUpDays!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}
