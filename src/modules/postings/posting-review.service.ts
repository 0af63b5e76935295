/**
 * Held postings (issue 22): a partner's posting for an employer not ACTIVE-linked to it is stored
 * PENDING_REVIEW — not public, not searchable, not in the change feed. It is released when the link
 * becomes ACTIVE (or an official approves it), and an OPEN one is held again when the link ends or
 * the employer record is taken over by its real registration. The search document and
 * `JobPosting.employerVerified` call the employer verified only for its own postings or a linked
 * partner's: a partner's copy never borrows the employer's verification.
 *
 * Screening holds (issue 23) share the release path: a posting held by screening is released only by
 * an official (reviewPosting, approvePosting), never by a link; both holds must be lifted for OPEN.
 */
import { actorOf, regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { logDerivedChange } from "../../search/change-log.js";
import { auditDecision } from "../audit/audit.service.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { activePartnersOf, isPartnerLinked } from "../partners/partner-link.service.js";
import { approveScreeningHits } from "../screening/screening.service.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import { canSee } from "./posting.access.js";
import { countPostings, findPostingById, holdPartnerPostings, listPartnerPublicPostingIds, listPostings, releaseHeldPartnerPostings, updatePostingRow, type PostingQuery } from "./posting.repository.js";
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

/** A held posting, locked, for an official's decision: a caseworker whose region holds it, or an administrator. */
async function lockForReview(tx: Executor, viewer: Viewer, id: string, outOfScope: "NOT_FOUND" | "FORBIDDEN"): Promise<PostingRow> {
  if (!isOfficial(viewer)) throw forbidden(msg("只有经办人员和管理员可以审核岗位", "Only caseworkers and administrators review postings"));
  const postingId = parseId(id, "id");
  const posting = await findPostingById(tx, postingId, { forUpdate: true });
  if (!posting || (outOfScope === "NOT_FOUND" && !canSee(viewer, posting))) throw notFound("Posting", postingId);
  if (viewer.role === Role.CASEWORKER && !regionWithinScope(viewer.regionCode, posting.regionCode)) {
    throw forbidden(msg(`地区 ${posting.regionCode} 不在您的管辖范围内`, `Region ${posting.regionCode} is outside your scope`));
  }
  return posting;
}

const isOfficial = (viewer: Viewer): viewer is Extract<Viewer, { kind: "user" }> => viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER);

/**
 * The one release path of a held posting: its screening hits approved (the words may stand: only new
 * words hold it again), `heldByScreening` cleared, and OPEN unless its link still holds it
 * (`overrideLinkHold`: approvePosting, an official's release of a partner's unlinked posting too).
 */
async function releaseHeld(tx: Executor, posting: PostingRow, opts: { overrideLinkHold: boolean }): Promise<{ released: PostingRow; approvedRules: string[]; linkHolds: boolean }> {
  const approved = await approveScreeningHits(tx, posting.id);
  const approvedRules = [...new Set(approved.map((a) => a.ruleCode))];
  const linkHolds = !opts.overrideLinkHold && posting.source === "PARTNER" && posting.partnerId !== null && !(await isPartnerLinked(tx, posting.partnerId, posting.employerId));
  // Closed by its poster while held: the closing stands (CLOSED once nothing holds it).
  const next = linkHolds ? ("PENDING_REVIEW" as const) : posting.closedAt ? ("CLOSED" as const) : ("OPEN" as const);
  const released = await updatePostingRow(tx, posting.id, { status: next, heldByScreening: false, ...(next === "OPEN" ? { publishedAt: new Date() } : {}) });
  return { released, approvedRules, linkHolds };
}

/**
 * An official releases a held posting (PENDING_REVIEW → OPEN) — held for its unlinked employer
 * (issue 22) or by screening (issue 23; its words are then approved) — a caseworker whose region
 * holds the posting, or an administrator. Audited. A held posting its partner closed, or past its
 * validUntil, is not released.
 */
export async function approvePosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow> {
  return db.transaction(async (tx) => {
    const posting = await lockForReview(tx, viewer, id, "NOT_FOUND");
    if (posting.status !== "PENDING_REVIEW") throw conflict(msg(`该岗位不在待审核状态（当前为 ${posting.status}）`, `The posting is not held for review (it is ${posting.status})`));
    if (posting.closedAt) throw conflict(msg("该岗位在待审核期间已被关闭，不能发布", "The posting was closed while held: it cannot be released"));
    if (posting.validUntil.getTime() <= Date.now()) throw badInput("id", msg("该岗位已过有效期，须由推送方更新 validUntil 后再审核", "The posting is past its validUntil: its partner must push a new date first"));
    const { released, approvedRules } = await releaseHeld(tx, posting, { overrideLinkHold: true });
    await auditDecision(tx, viewer, { action: "POSTING_APPROVED", postingId: posting.id, employerId: posting.employerId, partnerId: posting.partnerId, detail: { from: "PENDING_REVIEW", to: "OPEN", ...(posting.heldByScreening ? { screening: true, rules: approvedRules } : {}) } });
    return released;
  });
}

export enum ReviewDecision {
  APPROVE = "APPROVE",
  BLOCK = "BLOCK",
}

/**
 * An official's review of a posting held by screening (issue 23): APPROVE lets its words stand
 * (the hits approved; OPEN unless its partner's link still holds it, or CLOSED if its poster closed
 * it meanwhile); BLOCK withdraws it (BLOCKED with the reason, as blockPosting — a caseworker in
 * scope may block through review). Outside a caseworker's region: FORBIDDEN; not held by
 * screening: CONFLICT; nothing written either way. Audited (POSTING_APPROVED / POSTING_BLOCKED).
 */
export async function reviewPosting(db: Database, viewer: Viewer, id: string, decision: ReviewDecision, reason: string | null | undefined): Promise<PostingRow> {
  const why = reason?.trim() ?? "";
  if (decision === ReviewDecision.BLOCK && (why.length === 0 || why.length > 500)) throw badInput("reason", msg("屏蔽须填写原因（1–500 个字符）", "Blocking needs a reason of 1–500 characters"));
  if (why.length > 500) throw badInput("reason", msg("原因最多 500 个字符", "The reason is at most 500 characters"));
  return db.transaction(async (tx) => {
    const posting = await lockForReview(tx, viewer, id, "FORBIDDEN");
    if (posting.status !== "PENDING_REVIEW" || !posting.heldByScreening) {
      throw conflict(msg(`该岗位未因审核规则被暂扣（当前为 ${posting.status}）`, `The posting is not held by screening (it is ${posting.status})`));
    }
    const audit = { postingId: posting.id, employerId: posting.employerId, partnerId: posting.partnerId };
    if (decision === ReviewDecision.BLOCK) {
      const blocked = await updatePostingRow(tx, posting.id, { status: "BLOCKED", heldByScreening: false, blockedReason: why, closedAt: new Date(), closedBy: actorOf(viewer) });
      await auditDecision(tx, viewer, { action: "POSTING_BLOCKED", ...audit, detail: { from: "PENDING_REVIEW", to: "BLOCKED", reason: why, screening: true } });
      return blocked;
    }
    if (!posting.closedAt && posting.validUntil.getTime() <= Date.now()) {
      throw badInput("id", msg("该岗位已过有效期：请先更新 validUntil 再审核", "The posting is past its validUntil: update it before approving"));
    }
    const { released, approvedRules, linkHolds } = await releaseHeld(tx, posting, { overrideLinkHold: false });
    await auditDecision(tx, viewer, { action: "POSTING_APPROVED", ...audit, detail: { from: "PENDING_REVIEW", to: released.status, screening: true, rules: approvedRules, ...(why ? { reason: why } : {}), ...(linkHolds ? { stillHeldBy: "UNLINKED_EMPLOYER" } : {}) } });
    return released;
  });
}

export enum ReviewState {
  HELD = "HELD",
  FLAGGED = "FLAGGED",
}

export interface ReviewQueueFilter {
  state?: ReviewState | null;
  regionCode?: string | null;
  ruleCode?: string | null;
  severity?: "HIGH" | "LOW" | null;
  source?: "EMPLOYER" | "PARTNER" | null;
}

/**
 * The review queue (issue 23), newest first: HELD (default) — postings held by screening; FLAGGED —
 * OPEN postings with a LOW hit no official approved. A caseworker sees their region only (a filter
 * region outside it: FORBIDDEN); administrators everything.
 */
export async function reviewQueue(db: Database, viewer: Viewer, filter: ReviewQueueFilter | null | undefined, page: PageRequest): Promise<Page<PostingRow>> {
  if (!isOfficial(viewer)) throw forbidden(msg("只有经办人员和管理员可以查看审核队列", "Only caseworkers and administrators read the review queue"));
  let regionPrefix = filter?.regionCode ?? undefined;
  if (viewer.role === Role.CASEWORKER) {
    const scope = viewer.regionCode;
    if (!scope) throw forbidden(msg("您的账号没有管辖地区", "Your account has no region"));
    if (!regionPrefix || scope.startsWith(regionPrefix)) regionPrefix = scope;
    else if (!regionPrefix.startsWith(scope)) throw forbidden(msg(`地区 ${regionPrefix} 不在您的管辖范围内`, `Region ${regionPrefix} is outside your scope`));
  }
  const flagged = filter?.state === ReviewState.FLAGGED;
  const q: PostingQuery = {
    visibility: { kind: "all" },
    statuses: flagged ? ["OPEN"] : ["PENDING_REVIEW"],
    ...(regionPrefix ? { regionPrefix } : {}),
    ...(filter?.source ? { source: filter.source } : {}),
    ...(flagged ? {} : { heldByScreening: true }),
    ...(flagged || filter?.ruleCode || filter?.severity
      ? { screeningHit: { ruleCode: filter?.ruleCode ?? undefined, severity: filter?.severity ?? (flagged ? "LOW" : undefined), unapproved: flagged } }
      : {}),
  };
  const keyset = keysetOf(page);
  return pageFromRows(await listPostings(db, q, keyset), keyset, () => countPostings(db, q));
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
