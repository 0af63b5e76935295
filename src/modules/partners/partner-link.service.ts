/**
 * Trusted employers (issue 22): which employers a partner site may post for. A link becomes ACTIVE
 * when a caseworker whose region holds the employer (or an administrator) links the two, or when the
 * verified employer accepts the partner's request; either side, or an official in scope, ends it.
 * Every decision is audited (decision_audit) and runs onPartnerLinkChanged in its transaction: the
 * partner's held postings for the employer are released when the link becomes ACTIVE and held
 * again when it ends.
 */
import { actorOf, regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import { auditDecision, type DecisionAction } from "../audit/audit.service.js";
import { getEmployerByCreditCode, lockEmployer } from "../employers/employer.service.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { onPartnerLinkChanged } from "./partner.hooks.js";
import { countLinks, findActivePairs, findLink, findLinksOfEmployers, listLinks, saveLink, type LinkQuery, type LinkStatus } from "./partner-link.repository.js";
import type { PartnerEmployerLinkRow } from "./partner-link.table.js";
import { findPartnerById } from "./partner.repository.js";

export type { LinkStatus };

/** An official who may decide links of this employer: an administrator, or a caseworker whose region holds it. */
function isOfficialFor(viewer: Viewer, employer: Pick<EmployerRow, "regionCode">): boolean {
  if (viewer.kind !== "user") return false;
  if (viewer.role === Role.ADMIN) return true;
  return viewer.role === Role.CASEWORKER && regionWithinScope(viewer.regionCode, employer.regionCode);
}

/** The employer, locked FOR UPDATE (pushes for it wait: see lockEmployer), or NOT_FOUND. */
async function lockedEmployer(tx: Executor, employerId: string): Promise<EmployerRow> {
  const employer = await lockEmployer(tx, employerId, "update");
  if (!employer) throw notFound("Employer", employerId);
  return employer;
}

async function requirePartner(tx: Executor, partnerId: string): Promise<void> {
  if (!(await findPartnerById(tx, partnerId))) throw notFound("Partner", partnerId);
}

/** Writes a link's new status, audits it, and runs onPartnerLinkChanged when ACTIVE began or ended. */
async function decide(
  tx: Executor,
  viewer: Viewer,
  before: PartnerEmployerLinkRow | undefined,
  pair: { partnerId: string; employerId: string },
  status: LinkStatus,
  action: DecisionAction,
): Promise<PartnerEmployerLinkRow> {
  const now = new Date();
  const by = actorOf(viewer);
  const link = await saveLink(tx, {
    id: before?.id ?? newId(),
    ...pair,
    status,
    ...(status === "REQUESTED" ? { requestedAt: now, requestedBy: by, decidedAt: null, decidedBy: null } : { decidedAt: now, decidedBy: by }),
  });
  await auditDecision(tx, viewer, { action, ...pair, detail: { linkId: link.id, from: before?.status ?? null, to: status } });
  const wasActive = before?.status === "ACTIVE";
  if (wasActive !== (status === "ACTIVE")) await onPartnerLinkChanged.run(tx, { ...pair, active: status === "ACTIVE", by });
  return link;
}

/** An official links a partner and an employer in their scope: ACTIVE at once (linking again changes nothing). */
export async function linkPartnerEmployer(db: Database, viewer: Viewer, input: { partnerId: string; employerId: string }): Promise<PartnerEmployerLinkRow> {
  const partnerId = parseId(input.partnerId, "partnerId");
  const employerId = parseId(input.employerId, "employerId");
  return db.transaction(async (tx) => {
    const employer = await lockedEmployer(tx, employerId);
    if (!isOfficialFor(viewer, employer)) throw forbidden(msg(`地区 ${employer.regionCode} 的用人单位不在您的管辖范围内`, `Employers in region ${employer.regionCode} are outside your scope`));
    await requirePartner(tx, partnerId);
    const before = await findLink(tx, partnerId, employerId, { forUpdate: true });
    if (before?.status === "ACTIVE") return before;
    return decide(tx, viewer, before, { partnerId, employerId }, "ACTIVE", "LINK_ACTIVATED");
  });
}

/** A partner asks to post for the employer with this credit code: REQUESTED until the employer answers (asking again changes nothing). */
export async function requestEmployerLink(db: Database, viewer: Viewer, creditCode: string): Promise<PartnerEmployerLinkRow> {
  if (viewer.kind !== "partner") throw forbidden(msg("只有合作平台可以申请关联用人单位", "Only a partner site asks to be linked to an employer"));
  const code = creditCode.trim().toUpperCase();
  if (code.length === 0 || code.length > 18) throw badInput("creditCode", msg("统一社会信用代码须为 18 位", "A credit code is 18 characters"));
  const found = await getEmployerByCreditCode(db, code);
  if (!found) throw notFound("Employer", code);
  return db.transaction(async (tx) => {
    await lockedEmployer(tx, found.id);
    const pair = { partnerId: viewer.partnerId, employerId: found.id };
    const before = await findLink(tx, pair.partnerId, pair.employerId, { forUpdate: true });
    if (before?.status === "ACTIVE" || before?.status === "REQUESTED") return before;
    return decide(tx, viewer, before, pair, "REQUESTED", "LINK_REQUESTED");
  });
}

/** A verified employer answers a partner's request: accepted, ACTIVE; declined, REVOKED. */
export async function answerPartnerLinkRequest(db: Database, viewer: Viewer, input: { partnerId: string; accept: boolean }): Promise<PartnerEmployerLinkRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.EMPLOYER && viewer.employerId)) throw forbidden(msg("只有用人单位本身可以答复关联申请", "Only the employer itself answers a link request"));
  const partnerId = parseId(input.partnerId, "partnerId");
  const employerId = viewer.employerId;
  return db.transaction(async (tx) => {
    const employer = await lockedEmployer(tx, employerId);
    if (!employer.verified) throw forbidden(msg("用人单位尚未通过核验，不能接受合作平台的关联申请", "Your employer is not verified yet: it cannot accept a partner's link request"));
    const before = await findLink(tx, partnerId, employerId, { forUpdate: true });
    if (!before) throw notFound("Partner link request", partnerId);
    const status: LinkStatus = input.accept ? "ACTIVE" : "REVOKED";
    if (before.status === status) return before;
    if (before.status !== "REQUESTED") throw conflict(msg(`该关联当前为 ${before.status}，没有待答复的申请`, `The link is ${before.status}: there is no request to answer`), { field: "partnerId" });
    return decide(tx, viewer, before, { partnerId, employerId }, status, input.accept ? "LINK_ACTIVATED" : "LINK_DECLINED");
  });
}

/** Ends a link (either side, or an official in the employer's scope): REVOKED; the partner's postings for the employer are held again. */
export async function unlinkPartnerEmployer(db: Database, viewer: Viewer, input: { partnerId: string; employerId: string }): Promise<PartnerEmployerLinkRow> {
  const partnerId = parseId(input.partnerId, "partnerId");
  const employerId = parseId(input.employerId, "employerId");
  return db.transaction(async (tx) => {
    const employer = await lockedEmployer(tx, employerId);
    const mayEnd =
      (viewer.kind === "partner" && viewer.partnerId === partnerId) ||
      (viewer.kind === "user" && viewer.role === Role.EMPLOYER && viewer.employerId === employerId) ||
      isOfficialFor(viewer, employer);
    const before = await findLink(tx, partnerId, employerId, { forUpdate: true });
    // Someone else's link is as if there were none.
    if (!before || !mayEnd) {
      if (before && viewer.kind === "user" && viewer.role === Role.CASEWORKER) throw forbidden(msg(`地区 ${employer.regionCode} 的用人单位不在您的管辖范围内`, `Employers in region ${employer.regionCode} are outside your scope`));
      throw notFound("Partner link", `${partnerId}/${employerId}`);
    }
    if (before.status === "REVOKED") return before;
    return decide(tx, viewer, before, { partnerId, employerId }, "REVOKED", "LINK_REVOKED");
  });
}

/** What links a viewer may list: a partner its own, an employer its own, a caseworker those of employers in scope, an administrator all. */
function linkScope(viewer: Viewer): LinkQuery {
  if (viewer.kind === "partner") return { partnerId: viewer.partnerId };
  if (viewer.kind === "user") {
    if (viewer.role === Role.ADMIN) return {};
    if (viewer.role === Role.EMPLOYER && viewer.employerId) return { employerId: viewer.employerId };
    if (viewer.role === Role.CASEWORKER && viewer.regionCode) return { employerRegionPrefix: viewer.regionCode };
  }
  throw forbidden(msg("您无权查看合作平台与用人单位的关联", "You may not list partner–employer links"));
}

/** `partnerEmployerLinks`: the links the viewer may see, newest first. */
export async function listPartnerEmployerLinks(db: Database, viewer: Viewer, filter: { statuses?: LinkStatus[] | null }, page: PageRequest): Promise<Page<PartnerEmployerLinkRow>> {
  const q: LinkQuery = { ...linkScope(viewer), ...(filter.statuses && filter.statuses.length > 0 ? { statuses: filter.statuses } : {}) };
  const keyset = keysetOf(page);
  const rows = await listLinks(db, q, keyset);
  return pageFromRows(rows, keyset, () => countLinks(db, q));
}

/** `Employer.partnerLinks`: every link for the employer itself and officials in scope; a partner only its own; nobody else any. */
export function visibleLinksOfEmployer(viewer: Viewer, employer: Pick<EmployerRow, "id" | "regionCode">, links: readonly PartnerEmployerLinkRow[]): PartnerEmployerLinkRow[] {
  if (viewer.kind === "partner") return links.filter((l) => l.partnerId === viewer.partnerId);
  if (viewer.kind === "user" && viewer.role === Role.EMPLOYER && viewer.employerId === employer.id) return [...links];
  return isOfficialFor(viewer, employer) ? [...links] : [];
}

/** Links of several employers at once (the loader's batch). */
export function linksOfEmployers(db: Executor, employerIds: readonly string[]): Promise<PartnerEmployerLinkRow[]> {
  return findLinksOfEmployers(db, employerIds);
}

const pairKey = (p: { partnerId: string; employerId: string }) => `${p.partnerId}:${p.employerId}`;

/** Which of these (partner, employer) pairs are ACTIVE-linked: a set of `partnerId:employerId`. */
export async function activeLinkPairs(db: Executor, pairs: readonly { partnerId: string; employerId: string }[]): Promise<Set<string>> {
  return new Set((await findActivePairs(db, pairs)).map(pairKey));
}

/** Whether the partner may post for the employer now (the push rule: otherwise its postings are held). */
export async function isPartnerLinked(db: Executor, partnerId: string, employerId: string): Promise<boolean> {
  return (await findLink(db, partnerId, employerId))?.status === "ACTIVE";
}

/** The partners ACTIVE-linked to an employer. */
export async function activePartnersOf(db: Executor, employerId: string): Promise<string[]> {
  return (await findLinksOfEmployers(db, [employerId])).filter((l) => l.status === "ACTIVE").map((l) => l.partnerId);
}

export { pairKey as linkPairKey };
