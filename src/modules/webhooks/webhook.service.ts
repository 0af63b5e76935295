/**
 * Partners' webhooks (issue 22): administrators approve URL prefixes per partner; a partner key with
 * the `webhooks` scope registers endpoints on them (its secret shown once), turns them off and on,
 * reads its deliveries — the dead-letter list is the DEAD ones — and queues one again. A partner
 * sees only its own endpoints and deliveries: another's are NOT_FOUND, as if they did not exist.
 */
import { randomBytes } from "node:crypto";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, findPgError, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { Keyset, Page } from "../../pagination.js";
import { pageFromRows } from "../../pagination.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { PostingKind } from "../postings/posting.type.js";
import {
  countDeliveries,
  disableActiveWebhooks,
  findApproval,
  findDeliveryWithOwner,
  findWebhook,
  insertApproval,
  insertWebhook,
  listApprovals,
  listDeliveries,
  listWebhooks,
  livePrefixes,
  lockApprovals,
  requeueDelivery,
  revokeApproval,
  updateWebhook,
  type WebhookUrlApprovalRow,
} from "./webhook.repository.js";
import { checkWebhookTarget, normaliseUrlPrefix, normaliseWebhookUrl, urlOnPrefix, type WebhookTargetRules } from "./webhook-url.js";
import type { WebhookDeliveryRow, WebhookRow } from "./webhook.table.js";

/** What the webhook operations need beside the database: the cipher for secrets, the config's target rules. */
export interface WebhookDeps {
  db: Database;
  pii: PiiCipher;
  rules: WebhookTargetRules;
}

export const WEBHOOK_EVENTS = ["POSTING_CREATED", "POSTING_UPDATED", "POSTING_CLOSED", "POSTING_EXPIRED", "POSTING_REMOVED", "APPLICATION_CREATED", "APPLICATION_STATUS_CHANGED"] as const;
/** Endpoints one partner may have (ACTIVE or DISABLED). */
export const MAX_WEBHOOKS_PER_PARTNER = 20;

const isAdmin = (viewer: Viewer) => viewer.kind === "user" && viewer.role === Role.ADMIN;

/** Who may act on webhooks: a partner key with the `webhooks` scope (its own), or an administrator (any). */
function actingPartner(viewer: Viewer): string | null {
  if (viewer.kind === "partner") {
    if (!viewer.scopes.includes("webhooks")) throw forbidden(msg("此 API 密钥没有 webhooks 权限范围：请管理员签发带该范围的密钥", "This API key lacks the webhooks scope: ask an administrator for a key with it"));
    return viewer.partnerId;
  }
  if (isAdmin(viewer)) return null;
  throw forbidden(msg("只有合作平台或管理员可以管理 Webhook", "Only partner sites and administrators manage webhooks"));
}

function mustBeAdmin(viewer: Viewer): void {
  if (!isAdmin(viewer)) throw forbidden(msg("只有管理员可以审批 Webhook 网址", "Only administrators approve webhook URLs"));
}

/** An administrator approves a URL prefix (origin and path) for a partner's webhooks. */
export async function approveWebhookUrl(deps: Pick<WebhookDeps, "db" | "rules">, viewer: Viewer, partnerId: string, urlPrefix: string): Promise<WebhookUrlApprovalRow> {
  mustBeAdmin(viewer);
  const partner = parseId(partnerId, "partnerId");
  const prefix = normaliseUrlPrefix(urlPrefix, deps.rules);
  try {
    return await insertApproval(deps.db, { id: newId(), partnerId: partner, urlPrefix: prefix, approvedBy: actorOf(viewer) });
  } catch (error) {
    if (findPgError(error)?.code === "23503") throw notFound("Partner", partnerId);
    throw error;
  }
}

/**
 * Revoked at once: no new endpoint on it, and the partner's ACTIVE endpoints no longer on any live
 * prefix are DISABLED (APPROVAL_REVOKED) in the same transaction. The partner's approvals are locked
 * first, so two revocations (or a revocation and an enabling) take turns and none misses the other.
 */
export async function revokeWebhookUrlApproval(db: Database, viewer: Viewer, id: string): Promise<WebhookUrlApprovalRow> {
  mustBeAdmin(viewer);
  const approvalId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const found = await findApproval(tx, approvalId);
    if (!found) throw notFound("Webhook URL approval", id);
    await lockApprovals(tx, found.partnerId);
    const row = (await revokeApproval(tx, approvalId))!;
    const prefixes = await livePrefixes(tx, row.partnerId);
    const uncovered = (await listWebhooks(tx, row.partnerId)).filter((w) => w.status === "ACTIVE" && !onSomePrefix(w.url, prefixes));
    await disableActiveWebhooks(
      tx,
      uncovered.map((w) => w.id),
      `${DISABLED_APPROVAL_REVOKED}: ${row.urlPrefix} revoked by ${actorOf(viewer)}`,
    );
    return row;
  });
}

const onSomePrefix = (url: string | URL, prefixes: string[]) => prefixes.some((p) => urlOnPrefix(typeof url === "string" ? new URL(url) : url, p));

const notOnApprovedPrefix = () =>
  forbidden(msg("该网址不在管理员为本平台审批的 Webhook 网址范围内", "The URL is not on a webhook URL prefix an administrator approved for this partner"));

/** Approvals: an administrator's of every partner (or one), a partner's own. */
export function webhookUrlApprovals(db: Database, viewer: Viewer, partnerId: string | null): Promise<WebhookUrlApprovalRow[]> {
  const own = actingPartner(viewer);
  return listApprovals(db, own ?? (partnerId ? parseId(partnerId, "partnerId") : null));
}

export interface WebhookInput {
  url: string;
  events: string[];
  filter?: { ownPostingsOnly?: boolean | null; regionPrefix?: string | null; kinds?: string[] | null; forKeyGroups?: boolean | null } | null;
}

/**
 * A partner registers an endpoint: its URL on one of the partner's live approved prefixes (else
 * FORBIDDEN), HTTPS in production, and — unless private addresses are allowed — a host that is and
 * resolves to public addresses only (else BAD_USER_INPUT on input.url). Returns its signing secret,
 * shown this once (Standard Webhooks: `whsec_` and 32 random bytes in base64), stored sealed.
 */
export async function registerWebhook(deps: WebhookDeps, viewer: Viewer, input: WebhookInput): Promise<{ webhook: WebhookRow; secret: string }> {
  const partnerId = actingPartner(viewer);
  if (!partnerId) throw forbidden(msg("Webhook 由合作平台用自己的 API 密钥注册", "A partner registers its webhooks with its own API key"));
  const events = [...new Set(input.events)];
  if (events.length === 0) throw badInput("input.events", msg("至少订阅一种事件", "Subscribe to at least one event"));
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) throw badInput("input.events", msg(`未知的事件：${unknown.join(", ")}`, `Unknown events: ${unknown.join(", ")}`));
  const filter = checkFilter(input.filter ?? null);
  const url = normaliseWebhookUrl(input.url, "input.url", deps.rules);
  if (!onSomePrefix(url, await livePrefixes(deps.db, partnerId))) throw notOnApprovedPrefix();
  await checkWebhookTarget(url, "input.url", deps.rules);
  const secret = newSecret();
  const webhook = await deps.db.transaction(async (tx) => {
    // Again under a share lock on the approvals: one revoked while the host was being resolved counts.
    if (!onSomePrefix(url, await livePrefixes(tx, partnerId, "share"))) throw notOnApprovedPrefix();
    const existing = await listWebhooks(tx, partnerId);
    if (existing.length >= MAX_WEBHOOKS_PER_PARTNER) throw conflict(msg(`每个合作平台最多 ${MAX_WEBHOOKS_PER_PARTNER} 个 Webhook`, `A partner has at most ${MAX_WEBHOOKS_PER_PARTNER} webhooks`));
    return insertWebhook(tx, {
      id: newId(),
      partnerId,
      url: url.href,
      events,
      ...filter,
      secretSealed: deps.pii.encrypt(secret),
      createdBy: actorOf(viewer),
    });
  });
  return { webhook, secret };
}

const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

function checkFilter(filter: WebhookInput["filter"]): Pick<WebhookRow, "ownPostingsOnly" | "filterRegionPrefix" | "filterKinds" | "filterForKeyGroups"> {
  const ownPostingsOnly = filter?.ownPostingsOnly ?? true;
  const regionPrefix = filter?.regionPrefix ?? null;
  const kinds = filter?.kinds ? [...new Set(filter.kinds)] : null;
  const forKeyGroups = filter?.forKeyGroups ?? null;
  if (ownPostingsOnly && (regionPrefix !== null || kinds !== null || forKeyGroups !== null)) {
    throw badInput("input.filter.ownPostingsOnly", msg("筛选条件只在 ownPostingsOnly 为 false 时适用", "The filter's conditions apply only with ownPostingsOnly: false"));
  }
  if (regionPrefix !== null && !/^\d{2}(\d{2}){0,2}$/.test(regionPrefix)) throw badInput("input.filter.regionPrefix", msg("地区前缀须为 2、4 或 6 位数字", "A region prefix is 2, 4 or 6 digits"));
  if (kinds !== null) {
    if (kinds.length === 0) throw badInput("input.filter.kinds", msg("岗位类型列表不能为空（不限类型请省略）", "Kinds cannot be empty (leave it out for every kind)"));
    const bad = kinds.filter((k) => !(Object.values(PostingKind) as string[]).includes(k));
    if (bad.length > 0) throw badInput("input.filter.kinds", msg(`未知的岗位类型：${bad.join(", ")}`, `Unknown kinds: ${bad.join(", ")}`));
  }
  return { ownPostingsOnly, filterRegionPrefix: regionPrefix, filterKinds: kinds, filterForKeyGroups: forKeyGroups };
}

/** A partner's endpoints; an administrator's view of every partner's (or one's). */
export function webhooksOf(db: Database, viewer: Viewer, partnerId: string | null): Promise<WebhookRow[]> {
  const own = actingPartner(viewer);
  return listWebhooks(db, own ?? (partnerId ? parseId(partnerId, "partnerId") : null));
}

/** The endpoint, if the viewer may see it: its partner or an administrator; anyone else NOT_FOUND. */
async function visibleWebhook(db: Database, viewer: Viewer, id: string): Promise<WebhookRow> {
  const own = actingPartner(viewer);
  const row = await findWebhook(db, parseId(id, "id"));
  if (!row || (own !== null && row.partnerId !== own)) throw notFound("Webhook", id);
  return row;
}

/** Why an endpoint is DISABLED: the first word of `disabledReason`. */
export const DISABLED_BY_PARTNER = "BY_PARTNER";
/** An administrator turned it off: only an administrator turns it on again. */
export const DISABLED_BY_ADMIN = "BY_ADMIN";
/** Its URL's approval was revoked: on again once its URL is on a live approved prefix. */
export const DISABLED_APPROVAL_REVOKED = "APPROVAL_REVOKED";

const disabledByAdmin = (row: WebhookRow) => row.status === "DISABLED" && (row.disabledReason ?? "").startsWith(`${DISABLED_BY_ADMIN}:`);

/**
 * Turned off by its partner or an administrator: nothing is queued for it or sent while DISABLED.
 * An administrator's turning off is recorded as such (`BY_ADMIN: …`), also over an earlier reason,
 * so the partner cannot undo it.
 */
export async function disableWebhook(db: Database, viewer: Viewer, id: string): Promise<WebhookRow> {
  const row = await visibleWebhook(db, viewer, id);
  const admin = isAdmin(viewer);
  if (row.status === "DISABLED" && (!admin || disabledByAdmin(row))) return row;
  const reason = `${admin ? DISABLED_BY_ADMIN : DISABLED_BY_PARTNER}: ${actorOf(viewer)}`;
  return (await updateWebhook(db, row.id, { status: "DISABLED", disabledAt: row.status === "DISABLED" ? row.disabledAt : new Date(), disabledReason: reason }))!;
}

/**
 * On again: what is still PENDING goes out, and its failing days count from the next failure. Only
 * with its URL on a live approved prefix of its partner (else FORBIDDEN, as at registration), and
 * one an administrator turned off only by an administrator (FORBIDDEN); nothing written otherwise.
 */
export async function enableWebhook(db: Database, viewer: Viewer, id: string): Promise<WebhookRow> {
  const visible = await visibleWebhook(db, viewer, id);
  return db.transaction(async (tx) => {
    const row = (await findWebhook(tx, visible.id, "no key update"))!;
    if (disabledByAdmin(row) && !isAdmin(viewer)) {
      throw forbidden(msg("该 Webhook 由管理员停用，只有管理员可以重新启用", "An administrator disabled this webhook: only an administrator can enable it again"));
    }
    // The approvals under a share lock: a revocation waits for this transaction, then disables it again.
    if (!onSomePrefix(row.url, await livePrefixes(tx, row.partnerId, "share"))) throw notOnApprovedPrefix();
    return (await updateWebhook(tx, row.id, { status: "ACTIVE", disabledAt: null, disabledReason: null, failingSince: null }))!;
  });
}

/** A new secret, shown once; deliveries are signed with it from the next request (the old one stops at once). */
export async function rotateWebhookSecret(deps: Pick<WebhookDeps, "db" | "pii">, viewer: Viewer, id: string): Promise<{ webhook: WebhookRow; secret: string }> {
  const row = await visibleWebhook(deps.db, viewer, id);
  const secret = newSecret();
  const webhook = (await updateWebhook(deps.db, row.id, { secretSealed: deps.pii.encrypt(secret) }))!;
  return { webhook, secret };
}

/** An endpoint's deliveries, newest first; `status: DEAD` is its dead-letter list. */
export async function webhookDeliveries(db: Database, viewer: Viewer, webhookId: string, status: string | null, keyset: Keyset): Promise<Page<WebhookDeliveryRow>> {
  const webhook = await visibleWebhook(db, viewer, webhookId);
  const rows = await listDeliveries(db, webhook.id, status, keyset);
  return pageFromRows(rows, keyset, () => countDeliveries(db, webhook.id, status));
}

/**
 * A DEAD (or DELIVERED) delivery queued again, from its first attempt, with the body it had (the
 * same `webhook-id`: a receiver that has it already knows). One still queued or being sent is a CONFLICT.
 */
export async function redeliverWebhook(db: Database, viewer: Viewer, deliveryId: string): Promise<WebhookDeliveryRow> {
  const own = actingPartner(viewer);
  const found = await findDeliveryWithOwner(db, parseId(deliveryId, "deliveryId"));
  if (!found || (own !== null && found.partnerId !== own)) throw notFound("Webhook delivery", deliveryId);
  const row = await requeueDelivery(db, found.delivery.id);
  if (!row) throw conflict(msg("该投递仍在队列中或正在发送", "The delivery is still queued or being sent"), { status: found.delivery.status });
  return row;
}
