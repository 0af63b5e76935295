import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionType } from "../../graphql/relay.js";
import { mentorMatch, mentorshipEnd, type MentorMatch as Match, type MentorshipEnd as End } from "./mentor.table.js";

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

@ObjectType({ description: "A 红娘 mentor: staff or a volunteer who takes a few poverty-family graduates one to one." })
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
