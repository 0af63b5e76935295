import { sql, type SQL } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import { auditDecision } from "../audit/audit.service.js";
import { loadCategoryEvaluator } from "../categories/category.service.js";
import { getEmployersByIds } from "../employers/employer.service.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { lockPerson } from "../people/person.lock.js";
import { decideSubsidies } from "./subsidy-eligibility.service.js";
import { employerFacts, failingFacts, schemesInForce, subsidyPersonFacts } from "./subsidy-rules.js";
import { claimScopeCondition, isOfficial, officialInScope } from "./subsidy.access.js";
import { countClaims, findClaim, findClaimOf, findSchemesByIds, hiresOfPeople, listClaims, listSchemeVersions, updateClaim } from "./subsidy.repository.js";
import type { ClaimState, SubsidyClaimRow } from "./subsidy.table.js";

const OFFICIALS_ONLY = msg("补贴申领仅由管辖范围内的经办人员和管理员办理", "Subsidy claims are handled by officials in scope only");

/** Which step comes from which: ELIGIBLE → APPLIED → APPROVED | REJECTED; APPROVED → PAID_RECORDED. */
const NEXT: Record<ClaimState, readonly ClaimState[]> = { ELIGIBLE: ["APPLIED"], APPLIED: ["APPROVED", "REJECTED"], APPROVED: ["PAID_RECORDED"], REJECTED: [], PAID_RECORDED: [] };

function assertStep(claim: SubsidyClaimRow, to: ClaimState): void {
  if (!NEXT[claim.state].includes(to)) {
    const from = NEXT[claim.state].length > 0 ? msg(`，此时只能变为 ${NEXT[claim.state].join(" 或 ")}`, `; from ${claim.state} it moves to ${NEXT[claim.state].join(" or ")}`) : msg("，该申领已办结", "; the claim is finished");
    throw badInput("claimId", msg(`补贴申领不能从 ${claim.state} 变为 ${to}${from.zh}`, `A subsidy claim cannot move from ${claim.state} to ${to}${from.en}`), { state: claim.state });
  }
}

/**
 * A claim taken to its next step by an official in whose scope it lies, under the person's lock
 * (the order every person write takes) and the claim's row lock; the step attributed and timestamped.
 */
async function stepClaim(db: Database, viewer: Viewer, claimId: string, to: ClaimState, change: (claim: SubsidyClaimRow, tx: Executor) => Partial<SubsidyClaimRow> | Promise<Partial<SubsidyClaimRow>>): Promise<SubsidyClaimRow> {
  const id = parseId(claimId, "claimId");
  if (!isOfficial(viewer)) throw forbidden(OFFICIALS_ONLY);
  return db.transaction(async (tx) => {
    const peek = await findClaim(tx, id);
    const person = peek ? await lockPerson(tx, peek.personId) : undefined;
    const claim = peek && (await findClaim(tx, id, { forUpdate: true }));
    if (!claim || !officialInScope(viewer, claim, person)) throw notFound("Subsidy claim", id);
    // Taken already (another official's request got there first): a conflict, not a bad request.
    if (claim.state === to) throw conflict(msg(`该补贴申领已是 ${to}`, `The subsidy claim is ${to} already`), { id: claim.id, state: claim.state });
    assertStep(claim, to);
    return updateClaim(tx, id, { state: to, ...(await change(claim, tx)) });
  });
}

export interface ApplyInput {
  schemeCode: string;
  personId: string;
  employerId?: string | null;
  documents: string[];
}

/**
 * An application for a subsidy, recorded by an official in scope (APPLIED, with the documents
 * submitted — every document the scheme asks for). Only an ELIGIBLE claim may be applied for: a
 * person or hire the rule does not admit is refused naming the facts that failed; a claim already
 * applied for is a CONFLICT (one claim per person and scheme, or per employer, scheme and person).
 */
export async function applyForSubsidy(db: Database, viewer: Viewer, input: ApplyInput): Promise<SubsidyClaimRow> {
  const personId = parseId(input.personId, "input.personId");
  const employerId = input.employerId ? parseId(input.employerId, "input.employerId") : null;
  if (!isOfficial(viewer)) throw forbidden(OFFICIALS_ONLY);
  const documents = [...new Set(input.documents.map((d) => d.trim()).filter((d) => d.length > 0))];
  // Bounded as a scheme's documents are (names of documents, not their contents).
  if (documents.some((d) => d.length > 100)) throw badInput("input.documents", msg("每项材料名称至多 100 个字符", "Each document is named in at most 100 characters"));
  return db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    const employer = employerId ? (await getEmployersByIds(tx, [employerId]))[0] : undefined;
    const place = employer ? { regionCode: employer.regionCode } : { regionCode: person?.householdRegionCode ?? "" };
    if (!person || !officialInScope(viewer, { ...place, employerId }, person)) throw notFound("Person", personId);
    if (employerId && !employer) throw notFound("Employer", employerId);
    const scheme = schemesInForce(await listSchemeVersions(tx), new Date()).find((s) => s.code === input.schemeCode);
    if (!scheme) throw badInput("input.schemeCode", msg(`没有正在实施的补贴项目 ${input.schemeCode}`, `No subsidy scheme ${input.schemeCode} is in force`));
    if ((scheme.subject === "EMPLOYER") !== (employerId !== null)) {
      throw badInput("input.employerId", scheme.subject === "EMPLOYER" ? msg("该补贴发给用人单位：须指明单位", "This subsidy goes to an employer: name the employer") : msg("该补贴发给个人：不指明单位", "This subsidy goes to a person: name no employer"));
    }
    // Decided now, under the person's lock, by the versions in force: a version published since the
    // claim was decided (its re-decision not here yet) may have narrowed the rule or lowered the cap.
    const claim = await decideNow(tx, person, scheme.code, employerId);
    if (claim && claim.state !== "ELIGIBLE") throw conflict(msg(`该补贴已申领（${claim.state}），每人每项只能申领一次`, `This subsidy was applied for already (${claim.state}): one claim per person and scheme`), { id: claim.id, state: claim.state });
    if (!claim) throw await notEligible(tx, viewer, scheme.code, person, employer ?? null);
    const missing = scheme.documents.filter((d) => !documents.includes(d));
    if (missing.length > 0) throw badInput("input.documents", msg(`缺少材料：${missing.join("、")}`, `Documents missing: ${missing.join(", ")}`), { missing });
    return updateClaim(tx, claim.id, { state: "APPLIED", documents, appliedAt: new Date(), appliedBy: actorOf(viewer) });
  });
}

async function decideNow(tx: Executor, person: NonNullable<Awaited<ReturnType<typeof lockPerson>>>, schemeCode: string, employerId: string | null) {
  await decideSubsidies(tx, [person], (await loadCategoryEvaluator(tx)).factsToday);
  return findClaimOf(tx, schemeCode, person.id, employerId);
}

/** Why a person (or a hire) holds no ELIGIBLE claim on a scheme: the scheme's rule asked again, naming the facts that failed. */
async function notEligible(tx: Executor, viewer: Viewer, schemeCode: string, person: Awaited<ReturnType<typeof lockPerson>> & object, employer: { id: string; regionCode: string; isPovertyWorkshop: boolean; verified: boolean } | null) {
  const scheme = schemesInForce(await listSchemeVersions(tx), new Date()).find((s) => s.code === schemeCode)!;
  const evaluator = await loadCategoryEvaluator(tx);
  const facts = subsidyPersonFacts(evaluator.factsToday(person), person, new Date());
  if (employer && !(await hiresOfPeople(tx, [person.id])).some((h) => h.employerId === employer.id)) {
    return badInput("input.employerId", msg("该单位没有录用此人的记录（通过推荐或招聘会录用）", "The employer has no recorded hire of this person (a HIRED referral or fair outcome)"), { reason: "NOT_ELIGIBLE", scheme: schemeCode, schemeVersion: scheme.version, failingFacts: [{ fact: "hire", value: null }] });
  }
  // An official of the employer's county who does not have the hired person in scope learns which of
  // the person's facts failed, not their values (their household's poverty status is among them).
  const personValues = !employer || personWithinScope(personScope(viewer), person);
  const failing = failingFacts(scheme, employer ? employerFacts(employer, facts) : facts).map((f) => (personValues || (f.fact !== "person" && !f.fact.startsWith("person.")) ? f : { fact: f.fact, value: null }));
  const names = failing.map((f) => f.fact);
  return badInput("input.personId", msg(`不符合 ${schemeCode} 第 ${scheme.version} 版的条件：${names.join("、")}`, `Not eligible for ${schemeCode} version ${scheme.version}: ${names.join(", ")} fails the rule`), {
    reason: "NOT_ELIGIBLE",
    scheme: schemeCode,
    schemeVersion: scheme.version,
    failingFacts: failing.map((f) => ({ fact: f.fact, value: JSON.stringify(f.value) })),
  });
}

/**
 * Approval of an applied claim, for at most the scheme's cap (the most the deciding version allows);
 * a fixed sum (FIXED) or a sum per person employed (PER_PERSON) is approved for that sum exactly.
 */
export function approveSubsidyClaim(db: Database, viewer: Viewer, claimId: string, amountYuan: number): Promise<SubsidyClaimRow> {
  if (!Number.isInteger(amountYuan) || amountYuan < 0) throw badInput("amountYuan", msg("amountYuan 须为非负整数（元）", "amountYuan is a whole number of yuan, 0 or more"));
  return stepClaim(db, viewer, claimId, "APPROVED", async (claim, tx) => {
    if (amountYuan > claim.maxAmountYuan) throw badInput("amountYuan", msg(`核准金额超过该补贴上限 ${claim.maxAmountYuan} 元`, `The amount is above the scheme's cap of ${claim.maxAmountYuan} yuan`), { cap: claim.maxAmountYuan });
    const [scheme] = await findSchemesByIds(tx, [claim.schemeId]);
    if (scheme && scheme.amountKind !== "CAPPED" && amountYuan !== claim.maxAmountYuan) {
      throw badInput("amountYuan", msg(`该补贴为定额 ${claim.maxAmountYuan} 元，核准金额须与之相同`, `This subsidy is a fixed ${claim.maxAmountYuan} yuan (${scheme.amountKind}): it is approved for that sum`), { amountYuan: claim.maxAmountYuan });
    }
    return { approvedAmountYuan: amountYuan, reviewedAt: new Date(), reviewedBy: actorOf(viewer) };
  });
}

export function rejectSubsidyClaim(db: Database, viewer: Viewer, claimId: string, reason: string): Promise<SubsidyClaimRow> {
  const text = reason.trim();
  if (text.length < 2 || text.length > 500) throw badInput("reason", msg("驳回须写明理由（2–500 个字符）", "A rejection gives its reason (2–500 characters)"));
  return stepClaim(db, viewer, claimId, "REJECTED", () => ({ rejectionReason: text, reviewedAt: new Date(), reviewedBy: actorOf(viewer) }));
}

/** The payment made elsewhere (the finance system), recorded by its reference: nothing is paid here. */
export function recordSubsidyPayment(db: Database, viewer: Viewer, claimId: string, paymentReference: string): Promise<SubsidyClaimRow> {
  const reference = paymentReference.trim();
  if (reference.length < 2 || reference.length > 100) throw badInput("paymentReference", msg("支付凭证号为 2–100 个字符", "The payment reference is 2–100 characters"));
  return stepClaim(db, viewer, claimId, "PAID_RECORDED", () => ({ paymentReference: reference, paidRecordedAt: new Date(), paidRecordedBy: actorOf(viewer) }));
}

/** A hired person lets the employer see that its claim names them (it reveals their poverty status). */
export function consentToSubsidyDisclosure(db: Database, viewer: Viewer, claimId: string): Promise<SubsidyClaimRow> {
  return setDisclosure(db, viewer, claimId, true);
}

/** A hired person takes their consent back: the employer sees the claim counted again, not named. */
export function withdrawSubsidyDisclosure(db: Database, viewer: Viewer, claimId: string): Promise<SubsidyClaimRow> {
  return setDisclosure(db, viewer, claimId, false);
}

/** The person's own say over an employer's claim naming them, under the claim's row lock; the same answer when asked twice. */
async function setDisclosure(db: Database, viewer: Viewer, claimId: string, consent: boolean): Promise<SubsidyClaimRow> {
  const id = parseId(claimId, "claimId");
  if (viewer.kind !== "user" || viewer.role !== Role.SEEKER || !viewer.personId) throw forbidden(msg("只有本人可以决定是否向用人单位披露", "Only the person themself decides whether the employer sees it"));
  return db.transaction(async (tx) => {
    const claim = await findClaim(tx, id, { forUpdate: true });
    if (!claim || claim.personId !== viewer.personId || claim.employerId === null) throw notFound("Subsidy claim", id);
    if ((claim.personConsentedAt !== null) === consent) return claim;
    // Recorded and audited (PIPL): who consented to which employer seeing which claim, and when it was taken back.
    await auditDecision(tx, viewer, { action: consent ? "CONSENT_GRANTED" : "CONSENT_REVOKED", employerId: claim.employerId, personId: claim.personId, detail: { subject: "SUBSIDY_CLAIM", claimId: claim.id, schemeCode: claim.schemeCode } });
    return updateClaim(tx, id, { personConsentedAt: consent ? new Date() : null });
  });
}

export interface ClaimFilter {
  schemeCode?: string | null;
  state?: ClaimState | null;
  regionCode?: string | null;
  employerId?: string | null;
  personId?: string | null;
}

/** Claims an official may see, newest first: a Relay connection. */
export async function subsidyClaims(db: Database, viewer: Viewer, filter: ClaimFilter | null | undefined, page: PageRequest): Promise<Page<SubsidyClaimRow>> {
  if (!isOfficial(viewer)) throw forbidden(OFFICIALS_ONLY);
  const parts: SQL[] = [claimScopeCondition(viewer)];
  if (filter?.schemeCode) parts.push(sql`subsidy_claims.scheme_code = ${filter.schemeCode}`);
  if (filter?.state) parts.push(sql`subsidy_claims.state = ${filter.state}`);
  if (filter?.regionCode) parts.push(sql`subsidy_claims.region_code like ${`${filter.regionCode}%`}`);
  if (filter?.employerId) parts.push(sql`subsidy_claims.employer_id = ${parseId(filter.employerId, "filter.employerId")}`);
  if (filter?.personId) parts.push(sql`subsidy_claims.person_id = ${parseId(filter.personId, "filter.personId")}`);
  const where = sql.join(parts, sql` and `);
  const keyset = keysetOf(page);
  return pageFromRows(await listClaims(db, where, keyset), keyset, () => countClaims(db, where));
}
