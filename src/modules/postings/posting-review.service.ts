/**
 * Held postings (issue 22): a partner's posting for an employer not ACTIVE-linked to it is stored
 * PENDING_REVIEW — not public, not searchable, not in the change feed. It is released when the link
 * becomes ACTIVE (or an official approves it), and an OPEN one is held again when the link ends or
 * the employer record is taken over by its real registration. The search document and
 * `JobPosting.employerVerified` call the employer verified only for its own postings or a linked
 * partner's: a partner's copy never borrows the employer's verification.
 */
import { regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { logDerivedChange } from "../../search/change-log.js";
import { auditDecision } from "../audit/audit.service.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { activePartnersOf } from "../partners/partner-link.service.js";
import { canSee } from "./posting.access.js";
import { findPostingById, holdPartnerPostings, listPartnerPublicPostingIds, releaseHeldPartnerPostings, updatePostingRow } from "./posting.repository.js";
import type { PostingRow } from "./posting.table.js";

/** onPartnerLinkChanged: ACTIVE releases the partner's held postings for the employer; its end holds the OPEN ones again. */
export async function followPartnerLink(tx: Executor, event: { partnerId: string; employerId: string; active: boolean }): Promise<void> {
  if (event.active) await releaseHeldPartnerPostings(tx, event.partnerId, event.employerId);
  else await holdPartnerPostings(tx, event.employerId, { partnerId: event.partnerId });
  // Closed and expired copies (and approved ones) stay public: their `employerVerified` follows the link.
  await logDerivedChange(tx, { postingIds: await listPartnerPublicPostingIds(tx, event.employerId, event.partnerId) }, "employerVerified");
}

/** onEmployerTakenOver: the postings of partners not linked to the employer are held (an official's approval was of another name). */
export async function holdUnlinkedAfterTakeover(tx: Executor, event: { employerId: string }): Promise<void> {
  await holdPartnerPostings(tx, event.employerId, { exceptPartnerIds: await activePartnersOf(tx, event.employerId) });
}

/**
 * An official releases a held posting (PENDING_REVIEW → OPEN): a caseworker whose region holds the
 * posting, or an administrator. The minimal review path — a review queue comes later. Audited.
 * A held posting its partner closed, or past its validUntil, is not released.
 */
export async function approvePosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow> {
  if (!(viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER))) throw forbidden(msg("只有经办人员和管理员可以审核岗位", "Only caseworkers and administrators review postings"));
  const postingId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const posting = await findPostingById(tx, postingId, { forUpdate: true });
    if (!posting || !canSee(viewer, posting)) throw notFound("Posting", postingId);
    if (viewer.role === Role.CASEWORKER && !regionWithinScope(viewer.regionCode, posting.regionCode)) {
      throw forbidden(msg(`地区 ${posting.regionCode} 不在您的管辖范围内`, `Region ${posting.regionCode} is outside your scope`));
    }
    if (posting.status !== "PENDING_REVIEW") throw conflict(msg(`该岗位不在待审核状态（当前为 ${posting.status}）`, `The posting is not held for review (it is ${posting.status})`));
    if (posting.closedAt) throw conflict(msg("该岗位在待审核期间已被关闭，不能发布", "The posting was closed while held: it cannot be released"));
    if (posting.validUntil.getTime() <= Date.now()) throw badInput("id", msg("该岗位已过有效期，须由推送方更新 validUntil 后再审核", "The posting is past its validUntil: its partner must push a new date first"));
    const released = await updatePostingRow(tx, posting.id, { status: "OPEN", publishedAt: new Date() });
    await auditDecision(tx, viewer, { action: "POSTING_APPROVED", postingId: posting.id, employerId: posting.employerId, partnerId: posting.partnerId, detail: { from: "PENDING_REVIEW", to: "OPEN" } });
    return released;
  });
}

/** The rule of `JobPosting.employerVerified` and the search document's `verified`, given whether the posting's partner is ACTIVE-linked. */
export function employerVerifiedFor(posting: Pick<PostingRow, "source">, employer: Pick<EmployerRow, "verified">, partnerLinked: boolean): boolean {
  return employer.verified && (posting.source === "EMPLOYER" || partnerLinked);
}

/** `JobPosting.employerVerified`, through the request's loaders (batched across a page). */
export async function postingEmployerVerified(
  loaders: { employerById: { load(id: string): Promise<EmployerRow | undefined | null> }; partnerLinkActive: { load(key: { partnerId: string; employerId: string }): Promise<boolean> } },
  posting: Pick<PostingRow, "source" | "employerId" | "partnerId">,
): Promise<boolean> {
  const employer = await loaders.employerById.load(posting.employerId);
  if (!employer?.verified) return false;
  if (posting.source === "EMPLOYER" || !posting.partnerId) return employerVerifiedFor(posting, employer, false);
  return employerVerifiedFor(posting, employer, await loaders.partnerLinkActive.load({ partnerId: posting.partnerId, employerId: posting.employerId }));
}
