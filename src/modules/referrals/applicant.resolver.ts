import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root, registerEnumType } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { keysetOf, pageFromRows } from "../../pagination.js";
import { Employer } from "../employers/employer.type.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { disclosePhoneWithConsent } from "../people/person-pii.js";
import { JobIntention } from "../people/person.type.js";
import { Education, JobPosting } from "../postings/posting.type.js";
import type { PostingRow } from "../postings/posting.table.js";
import { countApplicants, inviteToInterview, LIVE_APPLICATION, listApplicants, mayReadApplicants, respondToInterview, type ApplicantRow, type ApplicantsOf } from "./applicant.service.js";
import type { InterviewInvitationRow, ReferralRow } from "./referral.table.js";
import { Referral, ReferralStatus } from "./referral.type.js";

export enum InterviewResponse {
  ACCEPTED = "ACCEPTED",
  DECLINED = "DECLINED",
}
registerEnumType(InterviewResponse, {
  name: "InterviewResponse",
  description: "The applicant's answer to an invitation to interview.",
  valuesConfig: {
    ACCEPTED: { description: "They accept: their phone is given to the employer for the interview (each read audited)." },
    DECLINED: { description: "They decline: the employer gets no contact details." },
  },
});

@ObjectType({ description: "An employer's invitation to interview an applicant, and the applicant's answer." })
export class InterviewInvitation {
  @Field({ description: "When the employer invited them." }) invitedAt!: Date;
  @Field(() => String, { nullable: true, description: "The employer's note with the invitation (time, place, what to bring)." }) note!: string | null;
  @Field(() => InterviewResponse, { nullable: true, description: "The applicant's answer; null until they answer." }) response!: InterviewResponse | null;
  @Field(() => Date, { nullable: true, description: "When they answered." }) respondedAt!: Date | null;
}

@ObjectType({ description: "What an employer sees of an applicant: no ID number, phone (until they accept an interview), birth date, poverty status or categories." })
export class ApplicantProfile {
  @Field({ description: "Their name." }) name!: string;
  @Field(() => Education, { nullable: true, description: "Their highest education." }) degreeLevel!: string | null;
  @Field(() => String, { nullable: true, description: "Their major." }) major!: string | null;
  @Field(() => [String], { description: "Their skills." }) skills!: string[];
  @Field(() => JobIntention, { description: "What and where they want to work." }) intention!: JobIntention;
}

@ObjectType({ description: "A person who applied to one of your postings (an application), as the employer sees them." })
export class Applicant {
  @Field(() => ID, { description: "The application's id (a Referral's id: pass it to updateReferralStatus for the hiring steps, and to inviteToInterview)." }) id!: string;
  @Field(() => ReferralStatus, { description: "Where the application has got to." }) status!: string;
  @Field({ description: "When the status last changed." }) statusAt!: Date;
  @Field({ description: "When they applied." }) appliedAt!: Date;
  @Field(() => String, { nullable: true, description: "Their own word with the application (applyToPosting's note), if any." }) note!: string | null;
  @Field(() => ApplicantProfile, { description: "Who they are, as far as an employer may know." }) profile!: ApplicantProfile;
  @Field(() => InterviewInvitation, { nullable: true, description: "Your invitation to interview, and their answer; null if not invited." }) invitation!: InterviewInvitation | null;
}

const ApplicantConnection = connectionType("Applicant", Applicant);

@ArgsType()
class ApplicantsArgs extends PageArgs {
  @Field(() => ReferralStatus, { nullable: true, description: "Only applications at this step." })
  status?: ReferralStatus | null;
}

async function applicantsPage(ctx: Context, of: ApplicantsOf, args: ApplicantsArgs) {
  const keyset = keysetOf(args);
  const rows = await listApplicants(ctx.db, ctx.viewer, of, { status: args.status ?? null }, keyset);
  return pageFromRows(rows, keyset, () => countApplicants(ctx.db, of, { status: args.status ?? null }));
}

@Resolver(() => JobPosting)
export class PostingApplicantsResolver {
  @Authorized(Role.EMPLOYER, Role.ADMIN)
  @FieldResolver(() => ApplicantConnection, {
    nullable: true,
    description: "The people who applied to this posting, newest record first (a recommendation taken up is dated by the recommendation): its employer and administrators only (null, with FORBIDDEN at this path, for anyone else).",
  })
  applicants(@Root() posting: PostingRow, @Args(() => ApplicantsArgs) args: ApplicantsArgs, @Ctx() ctx: Context) {
    return applicantsPage(ctx, { postingId: posting.id, employerId: posting.employerId }, args);
  }
}

@Resolver(() => Employer)
export class EmployerApplicantsResolver {
  @Authorized(Role.EMPLOYER, Role.ADMIN)
  @FieldResolver(() => ApplicantConnection, {
    nullable: true,
    description: "The people who applied to any of this employer's postings, newest record first (a recommendation taken up is dated by the recommendation): the employer itself and administrators only (null, with FORBIDDEN at this path, for anyone else).",
  })
  applicants(@Root() employer: EmployerRow, @Args(() => ApplicantsArgs) args: ApplicantsArgs, @Ctx() ctx: Context) {
    return applicantsPage(ctx, { employerId: employer.id }, args);
  }
}

@Resolver(() => Applicant)
export class ApplicantResolver {
  @FieldResolver(() => JobPosting, { description: "The posting they applied to." })
  posting(@Root() applicant: ApplicantRow, @Ctx() ctx: Context) {
    return ctx.loaders.postingById.load(applicant.postingId);
  }

  @FieldResolver(() => ApplicantProfile, { description: "Who they are, as far as an employer may know." })
  profile(@Root() a: ApplicantRow): ApplicantProfile {
    return {
      name: a.name,
      degreeLevel: a.degreeLevel,
      major: a.major,
      skills: a.skills,
      intention: { keywords: a.intentionKeywords, regionCodes: a.intentionRegionCodes, minSalary: a.intentionMinSalary, willingToRelocate: a.willingToRelocate, openToLabourCooperation: a.openToLabourCooperation },
    };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Their mobile phone, only once they have accepted your invitation to interview (their consent) and while the application stands (or they were hired); each read is written to the audit log with its purpose. Null before, once they withdraw or it is declined or closed, and for anyone but the posting's employer.",
  })
  async phone(@Root() a: ApplicantRow, @Ctx() ctx: Context) {
    const v = ctx.viewer;
    // Consent holds while the application does: once it is withdrawn, declined or closed, no more phone (HIRED: the employer has them).
    if (a.invitation?.response !== "ACCEPTED" || !(LIVE_APPLICATION.includes(a.status) || a.status === "HIRED")) return null;
    if (!(v.kind === "user" && v.role === Role.EMPLOYER) || !mayReadApplicants(v, v.employerId ?? "")) return null;
    return disclosePhoneWithConsent({ pii: ctx.pii, audit: (r) => ctx.loaders.auditUnmaskedRead.load(r) }, { id: a.personId, phoneSealed: a.phoneSealed }, `面试联系：申请人已接受面试邀请（申请 ${a.id}）`);
  }

  @Authorized(Role.EMPLOYER)
  @Mutation(() => InterviewInvitation, { description: "Invite an applicant to interview (the posting's employer; once per application, while it is APPLIED or INTERVIEWED). Their phone reaches you only if they accept." })
  inviteToInterview(
    @Arg("applicationId", () => ID, { description: "The application (Applicant.id)." }) applicationId: string,
    @Arg("note", () => String, { nullable: true, description: "Time, place, what to bring (at most 500 characters)." }) note: string | null,
    @Ctx() ctx: Context,
  ) {
    return inviteToInterview(ctx.db, ctx.viewer, { applicationId, note });
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => InterviewInvitation, { description: "Answer an invitation to interview on your own application, once. Accepting gives that employer your phone for the interview (your consent; every read audited); declining gives it nothing." })
  respondToInterview(
    @Arg("applicationId", () => ID, { description: "Your application (a Referral's id)." }) applicationId: string,
    @Arg("accept", { description: "true to accept, false to decline." }) accept: boolean,
    @Ctx() ctx: Context,
  ) {
    return respondToInterview(ctx.db, ctx.viewer, { applicationId, accept });
  }
}

@Resolver(() => Referral)
export class ReferralInvitationResolver {
  @FieldResolver(() => InterviewInvitation, { nullable: true, description: "The employer's invitation to interview, and the person's answer; null if none (to whoever may see the referral)." })
  interviewInvitation(@Root() referral: ReferralRow, @Ctx() ctx: Context): Promise<InterviewInvitationRow | null | undefined> {
    return ctx.loaders.interviewInvitation.load(referral.id);
  }
}
