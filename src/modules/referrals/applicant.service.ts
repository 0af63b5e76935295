/**
 * The employer's side of applications (issue 20): the people who applied to its postings, each with
 * only what an employer may see (name, education, major, skills, intention — never an ID number,
 * poverty status or categories), an invitation to interview, and the person's answer. Accepting is
 * the person's consent to give that employer their phone for the interview: only then is it shown to
 * the employer, and every such read is audited with its purpose. The hiring steps themselves
 * (INTERVIEWED, OFFERED, HIRED, DECLINED) are updateReferralStatus's, as for any referral.
 */
import { sql, type SQL } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { keysetDirection } from "../../db/keyset.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { KeysetPage } from "../../pagination.js";
import { findEmployerForPosting } from "../employers/employer.service.js";
import { lockPerson } from "../people/person.lock.js";
import { readPostings } from "../postings/posting.lock.js";
import { checkNote } from "./referral.service.js";
import { findReferralById } from "./referral.repository.js";
import { APPLIED_OR_LATER } from "./referral-rules.js";
import { interviewInvitations, type InterviewInvitationRow, type ReferralStatus } from "./referral.table.js";

/** Statuses of an application still under way: an invitation can be answered, a consented phone is shown. */
export const LIVE_APPLICATION: readonly ReferralStatus[] = ["APPLIED", "INTERVIEWED", "OFFERED"];

/** What an employer sees of one application. */
export interface ApplicantRow {
  /** The application's (the referral's) id. */
  id: string;
  postingId: string;
  status: ReferralStatus;
  statusAt: Date;
  /** When the person applied (their first move to APPLIED or later). */
  appliedAt: Date;
  /** The person's own word with their application (the note of their move to APPLIED), if any. */
  note: string | null;
  /** Kept for the phone's disclosure and never shown as such. */
  personId: string;
  phoneSealed: string | null;
  name: string;
  degreeLevel: string | null;
  major: string | null;
  skills: string[];
  intentionKeywords: string[];
  intentionRegionCodes: string[];
  intentionMinSalary: number | null;
  willingToRelocate: boolean;
  openToLabourCooperation: boolean;
  invitation: InterviewInvitationRow | null;
}

/** Whose applicants: one posting's, or all of an employer's postings'. */
export type ApplicantsOf = { postingId: string; employerId: string } | { employerId: string };

/**
 * SQL: the events by which the person applied to referral `r` — moves to APPLIED or later not made by
 * the employer itself (referral-rules' personApplied, as SQL).
 */
const applyingEvents = (r: string) =>
  sql`from referral_events e where e.referral_id = ${sql.raw(r)}.id and e.to_status in (${sql.join(
    APPLIED_OR_LATER.map((s) => sql`${s}`),
    sql`, `,
  )}) and e.by not like 'employer:%'`;

/** SQL: the person applied to referral `r`. */
const applied = (r: string) => sql`exists (select 1 ${applyingEvents(r)})`;

/** The employer (or an administrator) may read these applicants; anyone else is refused. */
export function mayReadApplicants(viewer: Viewer, employerId: string): boolean {
  return viewer.kind === "user" && (viewer.role === Role.ADMIN || (viewer.role === Role.EMPLOYER && viewer.employerId === employerId));
}

/** A page of applicants, newest application first (keyset over the referral's id). */
export async function listApplicants(db: Executor, viewer: Viewer, of: ApplicantsOf, filter: { status?: ReferralStatus | null }, page: KeysetPage): Promise<ApplicantRow[]> {
  if (!mayReadApplicants(viewer, of.employerId)) throw forbidden(msg("只有发布岗位的用人单位可以查看其申请人", "Only the posting's employer sees its applicants"));
  // An employer sees who applied only once an official has verified it: a company account that signed
  // up with a credit code a partner's push had claimed takes the record over (issue 22), but not the
  // people who applied before it arrived, until its licence is checked.
  if (viewer.kind === "user" && viewer.role === Role.EMPLOYER && !(await findEmployerForPosting(db, of.employerId))?.verified) {
    throw forbidden(msg("用人单位经人社部门核验后才能查看申请人", "An employer sees its applicants once an official has verified it"));
  }
  const where = applicantsWhere(of, filter);
  const rows = await queryRows<Omit<ApplicantRow, "invitation"> & { invitedAt: Date | null; invitedBy: string | null; invitationNote: string | null; response: string | null; respondedAt: Date | null }>(
    db,
    sql`select r.id, r.posting_id as "postingId", r.status, r.status_at as "statusAt",
               (select min(e.at) ${applyingEvents("r")}) as "appliedAt",
               (select e.note from referral_events e where e.referral_id = r.id and e.to_status = 'APPLIED' and e.by like 'seeker:%' order by e.at limit 1) as "note",
               p.id as "personId", p.phone_sealed as "phoneSealed", p.name, p.degree_level as "degreeLevel", p.major, p.skills,
               p.intention_keywords as "intentionKeywords", p.intention_region_codes as "intentionRegionCodes", p.intention_min_salary as "intentionMinSalary",
               p.willing_to_relocate as "willingToRelocate", p.open_to_labour_cooperation as "openToLabourCooperation",
               i.invited_at as "invitedAt", i.invited_by as "invitedBy", i.note as "invitationNote", i.response, i.responded_at as "respondedAt"
        from referrals r join postings po on po.id = r.posting_id join people p on p.id = r.person_id
        left join interview_invitations i on i.referral_id = r.id
        where ${where}
          ${page.afterId ? sql`and r.id < ${page.afterId}` : sql``} ${page.beforeId ? sql`and r.id > ${page.beforeId}` : sql``}
        order by r.id ${keysetDirection(page)} limit ${page.limit}`,
  );
  return rows.map(({ invitedAt, invitedBy, invitationNote, response, respondedAt, ...row }) => ({
    ...row,
    statusAt: new Date(row.statusAt),
    appliedAt: new Date(row.appliedAt),
    invitation: invitedAt ? { referralId: row.id, invitedAt: new Date(invitedAt), invitedBy: invitedBy!, note: invitationNote, response, respondedAt: respondedAt ? new Date(respondedAt) : null } : null,
  }));
}

export async function countApplicants(db: Executor, of: ApplicantsOf, filter: { status?: ReferralStatus | null }): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from referrals r join postings po on po.id = r.posting_id where ${applicantsWhere(of, filter)}`);
  return row!.n;
}

function applicantsWhere(of: ApplicantsOf, filter: { status?: ReferralStatus | null }): SQL {
  return sql.join(
    [
      "postingId" in of ? sql`r.posting_id = ${of.postingId}` : sql`po.employer_id = ${of.employerId}`,
      applied("r"),
      filter.status ? sql`r.status = ${filter.status}` : undefined,
    ].filter((c): c is SQL => c !== undefined),
    sql` and `,
  );
}


/**
 * The posting's employer invites an applicant to interview (once). The application must be one the
 * person made and still open (APPLIED or INTERVIEWED); another employer's, or one the person has not
 * applied for, is NOT_FOUND — the employer does not learn of it.
 */
export async function inviteToInterview(db: Database, viewer: Viewer, input: { applicationId: string; note?: string | null }): Promise<InterviewInvitationRow> {
  const id = parseId(input.applicationId, "applicationId");
  const note = checkNote(input.note);
  if (!(viewer.kind === "user" && viewer.role === Role.EMPLOYER && viewer.employerId)) throw forbidden(msg("只有用人单位可以邀请面试", "Only an employer invites to interview"));
  return db.transaction(async (tx) => {
    // Person before referral, as every writer of referrals locks them.
    const peek = await findReferralById(tx, id);
    if (peek) await lockPerson(tx, peek.personId);
    const referral = peek && (await findReferralById(tx, id, { forUpdate: true }));
    const posting = referral ? (await readPostings(tx, [referral.postingId])).get(referral.postingId) : undefined;
    const [made] = referral ? await queryRows<{ applied: boolean }>(tx, sql`select ${applied("r")} as applied from referrals r where r.id = ${id}`) : [];
    if (!referral || !posting || posting.employerId !== viewer.employerId || !made?.applied) throw notFound("Referral", id);
    if (referral.status !== "APPLIED" && referral.status !== "INTERVIEWED") throw badInput("applicationId", msg(`该申请当前为 ${referral.status}，不能邀请面试`, `The application is ${referral.status}: it cannot be invited to interview`));
    const [row] = await tx.insert(interviewInvitations).values({ referralId: id, invitedBy: actorOf(viewer), note }).onConflictDoNothing().returning();
    if (!row) throw conflict(msg("已邀请过该申请人面试", "The applicant has already been invited to interview"));
    return row;
  });
}

/** The person answers an invitation to their own application, once; accepting gives the employer their phone. */
export async function respondToInterview(db: Database, viewer: Viewer, input: { applicationId: string; accept: boolean }): Promise<InterviewInvitationRow> {
  const id = parseId(input.applicationId, "applicationId");
  if (!(viewer.kind === "user" && viewer.role === Role.SEEKER && viewer.personId)) throw forbidden(msg("只有求职者本人可以答复面试邀请", "Only the seeker answers an invitation"));
  return db.transaction(async (tx) => {
    await lockPerson(tx, viewer.personId!);
    const referral = await findReferralById(tx, id);
    const [invitation] = referral && referral.personId === viewer.personId ? await tx.select().from(interviewInvitations).where(sql`${interviewInvitations.referralId} = ${id}`).for("update") : [];
    if (!invitation) throw notFound("Referral", id);
    if (!LIVE_APPLICATION.includes(referral!.status)) throw badInput("applicationId", msg(`该申请已结束（${referral!.status}），不能再答复面试邀请`, `The application has ended (${referral!.status}): the invitation can no longer be answered`));
    if (invitation.response) throw conflict(msg(`您已答复过这次面试邀请（${invitation.response}）`, `You have already answered this invitation (${invitation.response})`));
    const [row] = await tx
      .update(interviewInvitations)
      .set({ response: input.accept ? "ACCEPTED" : "DECLINED", respondedAt: sql`now()` })
      .where(sql`${interviewInvitations.referralId} = ${id}`)
      .returning();
    return row!;
  });
}
