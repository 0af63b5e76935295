/**
 * Applications with consent (issue 22): a seeker lets a partner site apply to postings in their name
 * — a consent given on the portal, for a scope (APPLY), until a date (at most CONSENT_MAX_DAYS ahead),
 * listed and revocable by the seeker. The partner names the person only by the consent's id: it never
 * learns anything from the ledger. Granting and revoking are audited (decision_audit).
 */
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { serviceToday } from "../../dates.js";
import { badInput, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { auditDecision } from "../audit/audit.service.js";
import { findConsentById, findUnrevokedConsent, insertConsent, listConsentsOfPerson, revokeConsentRow } from "./partner-consent.repository.js";
import type { PartnerConsentRow } from "./partner-link.table.js";
import { findPartnerById } from "./partner.repository.js";

export type PartnerConsentScope = "APPLY";
export const PARTNER_CONSENT_SCOPES: readonly PartnerConsentScope[] = ["APPLY"];

/**
 * The longest a consent may run: 365 days from today. A documented constant, not a policy row: the
 * bound is the portal's promise to seekers (PIPL wants consent bounded in time), not a figure
 * officials tune; a shorter term is the seeker's own choice.
 */
export const CONSENT_MAX_DAYS = 365;

function seeker(viewer: Viewer): { personId: string } {
  if (viewer.kind !== "user" || viewer.role !== Role.SEEKER || !viewer.personId) throw forbidden(msg("只有求职者本人可以管理对合作平台的授权", "Only a seeker manages their own consents to partner sites"));
  return { personId: viewer.personId };
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Whether a consent holds today for a scope: not revoked, not past its last day. */
export function consentLive(consent: Pick<PartnerConsentRow, "revokedAt" | "expiresOn" | "scopes">, scope: PartnerConsentScope, today = serviceToday()): boolean {
  return consent.revokedAt === null && consent.expiresOn >= today && consent.scopes.includes(scope);
}

/**
 * A seeker lets a partner site act for them (scope APPLY) until `expiresOn` (a Fujian date,
 * inclusive; from tomorrow to CONSENT_MAX_DAYS ahead). A consent already given to the same partner
 * is replaced (revoked, then the new one given), in one transaction.
 */
export async function grantPartnerConsent(db: Database, viewer: Viewer, input: { partnerId: string; scopes: readonly string[]; expiresOn: string }): Promise<PartnerConsentRow> {
  const { personId } = seeker(viewer);
  const partnerId = parseId(input.partnerId, "partnerId");
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0 || scopes.some((s) => !PARTNER_CONSENT_SCOPES.includes(s as PartnerConsentScope))) {
    throw badInput("scope", msg(`授权范围须为 ${PARTNER_CONSENT_SCOPES.join("、")} 中的一项或多项`, `A consent's scope is one or more of ${PARTNER_CONSENT_SCOPES.join(", ")}`));
  }
  const today = serviceToday();
  const latest = addDays(today, CONSENT_MAX_DAYS);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.expiresOn) || input.expiresOn <= today || input.expiresOn > latest) {
    throw badInput("expiresOn", msg(`授权截止日期须在明天至 ${latest} 之间`, `expiresOn must be from tomorrow to ${latest}`));
  }
  return db.transaction(async (tx) => {
    if (!(await findPartnerById(tx, partnerId))) throw notFound("Partner", partnerId);
    const before = await findUnrevokedConsent(tx, personId, partnerId);
    if (before) {
      await revokeConsentRow(tx, before.id);
      await auditDecision(tx, viewer, { action: "CONSENT_REVOKED", partnerId, personId, detail: { consentId: before.id, replacedBy: "grantPartnerConsent" } });
    }
    const consent = await insertConsent(tx, { id: newId(), personId, partnerId, scopes, expiresOn: input.expiresOn });
    await auditDecision(tx, viewer, { action: "CONSENT_GRANTED", partnerId, personId, detail: { consentId: consent.id, scopes, expiresOn: consent.expiresOn } });
    return consent;
  });
}

/** The seeker revokes a consent at once: no new application under it; those made continue. Another person's is NOT_FOUND. */
export async function revokePartnerConsent(db: Database, viewer: Viewer, id: string): Promise<PartnerConsentRow> {
  const { personId } = seeker(viewer);
  const consentId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const consent = await findConsentById(tx, consentId, { lock: "update" });
    if (!consent || consent.personId !== personId) throw notFound("Partner consent", consentId);
    if (consent.revokedAt) return consent;
    const revoked = await revokeConsentRow(tx, consent.id);
    await auditDecision(tx, viewer, { action: "CONSENT_REVOKED", partnerId: consent.partnerId, personId, detail: { consentId: consent.id } });
    return revoked;
  });
}

/** `viewer.partnerConsents`: the seeker's consents, newest first. */
export function listMyPartnerConsents(db: Executor, viewer: Viewer): Promise<PartnerConsentRow[]> {
  if (viewer.kind !== "user" || viewer.role !== Role.SEEKER || !viewer.personId) return Promise.resolve([]);
  return listConsentsOfPerson(db, viewer.personId);
}

/**
 * The person a partner may act for under a consent, for a scope — FORBIDDEN when the consent is not
 * the partner's, is revoked, has lapsed or lacks the scope (one answer for all: the partner learns
 * nothing of another partner's consents). With `lock`, the consent is share-locked: a revocation
 * waits for the act, or the act sees the revocation.
 */
export async function personUnderConsent(tx: Executor, viewer: Viewer, consentId: string, scope: PartnerConsentScope, opts: { lock?: boolean } = {}): Promise<{ personId: string; consentId: string; partnerId: string; by: string }> {
  if (viewer.kind !== "partner") throw forbidden(msg("只有合作平台可以凭求职者授权代为申请", "Only a partner site acts under a seeker's consent"));
  const id = parseId(consentId, "consentId");
  const consent = await findConsentById(tx, id, opts.lock ? { lock: "share" } : {});
  if (!consent || consent.partnerId !== viewer.partnerId || !consentLive(consent, scope)) {
    throw forbidden(msg("没有求职者的有效授权（授权不存在、已撤回、已过期或不含此范围）", "No live consent of the seeker covers this (missing, revoked, expired or without this scope)"));
  }
  return { personId: consent.personId, consentId: consent.id, partnerId: viewer.partnerId, by: actorOf(viewer) };
}
