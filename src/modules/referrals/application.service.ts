/**
 * A seeker's own applications through the portal (issue 20). An application is a referral row with
 * the person's own hand in it: to a posting they were recommended, it moves that referral to APPLIED;
 * to any other OPEN posting, it is a new record with source SELF. A person's own application never
 * counts toward their referral minimum (the minimum counts what was recommended to them: see
 * countsTowardMinimum), and a later recommendation of the same posting is refused as CONFLICT (the
 * pair is unique). Nobody is refused a posting for being in a target group: the only rules are the
 * posting's being open, one application per person and posting, and the day's allowance (policy data).
 */
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { effectiveFromInput, nextPolicyVersion, policyInForce } from "../../db/policy-version.js";
import { startOfServiceDay } from "../../dates.js";
import { badInput, conflict, DomainError, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { postingMisfit } from "../matching/recommend.service.js";
import { lockPerson } from "../people/person.lock.js";
import { sharePostings } from "../postings/posting.lock.js";
import { isPublicStatus } from "../postings/posting.access.js";
import { mayMove } from "./referral-rules.js";
import { checkNote } from "./referral.service.js";
import { countApplicationsSince, countApplicationsViaPartner, findReferralById, findReferralForUpdate, insertApplication, listApplicationsViaPartner, moveReferral } from "./referral.repository.js";
import { applicationPolicies, type ReferralRow, type ReferralStatus } from "./referral.table.js";
import { personUnderConsent } from "../partners/partner-consent.service.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import type { PersonRow } from "../people/person.table.js";
import type { PostingRow } from "../postings/posting.table.js";

export type ApplicationPolicyRow = typeof applicationPolicies.$inferSelect;

/** The application policy in force on a day (default today; migration 0028 loads 20 a day from 2020-01-01). */
export async function applicationPolicyOn(db: Executor, day?: string | null): Promise<ApplicationPolicyRow> {
  const row = await policyInForce(db, applicationPolicies, day ?? undefined);
  if (!row) throw new Error("No application policy in force: the migrations load one from 2020-01-01");
  return row;
}

/** A new version (administrators): how many applications one person may make in a Fujian day. */
export async function setApplicationPolicy(db: Database, viewer: Viewer, maxPerDay: number, effectiveFrom?: string | null): Promise<ApplicationPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改求职申请策略", "Only administrators change the application policy"));
  if (!Number.isInteger(maxPerDay) || maxPerDay < 1 || maxPerDay > 1000) throw badInput("maxPerDay", msg("maxPerDay 须为 1 至 1000 之间的整数", "maxPerDay is a whole number from 1 to 1000"));
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "application_policies");
    const [row] = await tx.insert(applicationPolicies).values({ id: newId(), version, maxPerDay, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}

/** The seeker behind the viewer: applications are made by the person themself, never for another. */
function applicant(viewer: Viewer): { personId: string; by: string } {
  if (viewer.kind !== "user" || viewer.role !== Role.SEEKER || !viewer.personId) throw forbidden(msg("只有求职者本人可以申请岗位", "Only a seeker applies, for themself"));
  return { personId: viewer.personId, by: actorOf(viewer) };
}


/**
 * What every application checks, in its transaction: the person locked (their applications take
 * turns, so the day's count is exact), within the day's allowance (policy data), and the posting
 * share-locked and open (one not public is as if there were none).
 */
async function openForApplication(tx: Executor, personId: string, postingId: string): Promise<{ person: PersonRow; posting: PostingRow }> {
  const person = await lockPerson(tx, personId);
  if (!person) throw notFound("Person", personId);
  const { maxPerDay } = await applicationPolicyOn(tx);
  if ((await countApplicationsSince(tx, personId, startOfServiceDay())) >= maxPerDay) {
    throw new DomainError("RATE_LIMITED", msg(`今天的申请已达上限（每天最多 ${maxPerDay} 个），请明天再试`, `You have made today's ${maxPerDay} applications: try again tomorrow`), { maxPerDay });
  }
  const posting = (await sharePostings(tx, [postingId])).get(postingId);
  // Drafts, held and blocked postings are not public: as if there were none.
  if (!posting || !isPublicStatus(posting.status)) throw notFound("Posting", postingId);
  if (posting.status !== "OPEN" || (posting.validUntil && posting.validUntil.getTime() <= Date.now())) {
    throw badInput("postingId", msg("该岗位已停止招聘，不能申请", "The posting is no longer open: it cannot be applied to"));
  }
  return { person, posting };
}

/**
 * A partner site applies for a seeker (issue 22), under a live consent of theirs with scope APPLY
 * (the consent's id names the person: the partner never learns who). The same rules as the seeker's
 * own application — the posting open, the day's allowance — and it is one: stored as the person's
 * own (source SELF, so it never counts toward a referral minimum), with the partner and the consent
 * on it. A person who already has a referral to the posting is CONFLICT, saying nothing of it.
 * Without a live consent: FORBIDDEN, nothing written.
 */
export async function applyForSeeker(db: Database, viewer: Viewer, input: { consentId: string; postingId: string; note?: string | null }): Promise<ReferralRow> {
  const postingId = parseId(input.postingId, "postingId");
  const note = checkNote(input.note);
  return db.transaction(async (tx) => {
    const { personId } = await personUnderConsent(tx, viewer, input.consentId, "APPLY");
    const { person, posting } = await openForApplication(tx, personId, postingId);
    // Again, share-locked after the person's lock: a revocation meanwhile is seen, or waits for this.
    const consent = await personUnderConsent(tx, viewer, input.consentId, "APPLY", { lock: true });
    if (await findReferralForUpdate(tx, personId, postingId)) {
      throw conflict(msg("无法通过合作平台为此人申请该岗位；求职者可在门户网站自行申请", "This application cannot be made through a partner site; the seeker may apply on the portal"));
    }
    return insertApplication(tx, { personId, postingId, madeBy: consent.by, fitted: (await postingMisfit(tx, person, posting)) === null, note, viaPartnerId: consent.partnerId, partnerConsentId: consent.consentId });
  });
}

/** The applications a partner site made, newest first: the partner's own, never the person. */
export async function listPartnerApplications(db: Database, viewer: Viewer, filter: { statuses?: ReferralStatus[] | null }, page: PageRequest): Promise<Page<ReferralRow>> {
  if (viewer.kind !== "partner") throw forbidden(msg("只有合作平台可以查看其代为提交的申请", "Only a partner site lists the applications it made"));
  const statuses = filter.statuses ?? undefined;
  const keyset = keysetOf(page);
  const rows = await listApplicationsViaPartner(db, viewer.partnerId, statuses, keyset);
  return pageFromRows(rows, keyset, () => countApplicationsViaPartner(db, viewer.partnerId, statuses));
}

/** One application the partner made; another partner's (or any other referral) is NOT_FOUND. */
export async function getPartnerApplication(db: Database, viewer: Viewer, id: string): Promise<ReferralRow> {
  if (viewer.kind !== "partner") throw forbidden(msg("只有合作平台可以查看其代为提交的申请", "Only a partner site reads the applications it made"));
  const referralId = parseId(id, "id");
  const referral = await findReferralById(db, referralId);
  if (!referral || referral.viaPartnerId !== viewer.partnerId) throw notFound("Partner application", referralId);
  return referral;
}

/** Statuses an application can still be withdrawn from (the person has applied; nothing has ended it). */
const WITHDRAWABLE = ["APPLIED", "INTERVIEWED", "OFFERED"] as const;

/**
 * Applies to an OPEN posting (the seeker, for themself). Locks the person first (as recommendations
 * do), so one person's applications take turns and the day's count is exact; reads the posting with
 * a share lock, so it cannot close in between.
 */
export async function applyToPosting(db: Database, viewer: Viewer, input: { postingId: string; note?: string | null }): Promise<ReferralRow> {
  const { personId, by } = applicant(viewer);
  const postingId = parseId(input.postingId, "postingId");
  const note = checkNote(input.note);
  return db.transaction(async (tx) => {
    const { person, posting } = await openForApplication(tx, personId, postingId);
    const now = new Date();
    const existing = await findReferralForUpdate(tx, personId, postingId);
    if (!existing) return insertApplication(tx, { personId, postingId, madeBy: by, fitted: (await postingMisfit(tx, person, posting, now)) === null, note });
    if (existing.status === "RECOMMENDED" || existing.status === "VIEWED") return moveReferral(tx, existing, "APPLIED", by, note);
    if (existing.status === "APPLIED" || existing.status === "INTERVIEWED" || existing.status === "OFFERED" || existing.status === "HIRED") {
      throw conflict(msg("您已申请过这个岗位", "You have already applied to this posting"), { referralId: existing.id });
    }
    throw conflict(msg(`您与这个岗位的申请已结束（${existing.status}），不能再次申请`, `Your application to this posting has ended (${existing.status}): it cannot be made again`), { referralId: existing.id });
  });
}

/**
 * Withdraws the seeker's own application (or a referral they took up): WITHDRAWN, which ends it and
 * never counts. Another person's is NOT_FOUND, as if there were none.
 */
export async function withdrawApplication(db: Database, viewer: Viewer, input: { referralId: string; note?: string | null }): Promise<ReferralRow> {
  const { personId, by } = applicant(viewer);
  const referralId = parseId(input.referralId, "referralId");
  const note = checkNote(input.note);
  return db.transaction(async (tx) => {
    await lockPerson(tx, personId);
    const referral = await findReferralById(tx, referralId, { forUpdate: true });
    if (!referral || referral.personId !== personId) throw notFound("Referral", referralId);
    if (!(WITHDRAWABLE as readonly string[]).includes(referral.status) || !mayMove(referral.status, "WITHDRAWN")) {
      throw badInput("referralId", msg(`只能撤回已提交且尚未结束的申请（当前状态 ${referral.status}）`, `Only an application made and not yet ended can be withdrawn (it is ${referral.status})`));
    }
    return moveReferral(tx, referral, "WITHDRAWN", by, note);
  });
}
