import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, notFound, unauthenticated } from "../../errors.js";
import { msg } from "../../i18n.js";
import { PARTNER_SCOPES, Role, type PartnerScope, type Viewer } from "../../auth/viewer.js";
import {
  findActiveKeyByHash,
  findPartnerByName,
  insertApiKey,
  insertPartnerIfAbsent,
  isKeyActive,
  listPartners,
  revokeKey,
  touchKey,
} from "./partner.repository.js";
import type { PartnerApiKeyRow, PartnerRow } from "./partner.table.js";

const KEY_PREFIX = "jbpk_";

/** Keys are 32 random bytes: a plain SHA-256 is enough to store them (no password stretching needed). */
export const hashApiKey = (apiKey: string) => createHash("sha256").update(apiKey, "utf8").digest("hex");

export interface IssuedKey {
  partner: PartnerRow;
  key: PartnerApiKeyRow;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

/** Issues an API key for a partner site (creating the partner on first use). Admin-only. */
export async function issuePartnerKey(
  db: Database,
  actor: string,
  input: { name: string; scopes?: readonly string[] },
): Promise<IssuedKey> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw badInput("name", msg("合作平台名称须为 1–100 个字符", "A partner name is 1–100 characters"));
  const scopes = [...new Set(input.scopes ?? PARTNER_SCOPES)];
  if (scopes.length === 0) throw badInput("scopes", msg("密钥至少需要一个权限范围", "A key needs at least one scope"));
  const unknown = scopes.filter((s) => !PARTNER_SCOPES.includes(s as PartnerScope));
  if (unknown.length > 0) throw badInput("scopes", msg(`未知的权限范围：${unknown.join(", ")}（可用：${PARTNER_SCOPES.join(", ")}）`, `Unknown scopes: ${unknown.join(", ")} (known: ${PARTNER_SCOPES.join(", ")})`));

  return db.transaction(async (tx) => {
    await insertPartnerIfAbsent(tx, { id: newId(), name, createdBy: actor });
    const partner = (await findPartnerByName(tx, name))!;
    const apiKey = KEY_PREFIX + randomBytes(32).toString("base64url");
    const key = await insertApiKey(tx, {
      id: newId(),
      partnerId: partner.id,
      keyHash: hashApiKey(apiKey),
      keyPrefix: apiKey.slice(0, 12),
      scopes,
      createdBy: actor,
    });
    return { partner, key, apiKey };
  });
}

export async function revokePartnerKey(db: Database, keyId: string): Promise<PartnerApiKeyRow> {
  const key = await revokeKey(db, parseId(keyId, "keyId"));
  if (!key) throw notFound("Partner key", keyId);
  return key;
}

/** The viewer behind an `X-Api-Key`; an unknown or revoked key is UNAUTHENTICATED. */
export async function viewerFromApiKey(db: Database, apiKey: string): Promise<Viewer> {
  if (!apiKey.startsWith(KEY_PREFIX) || apiKey.length > 200) throw unauthenticated(msg("API 密钥无效", "The API key is not valid"));
  const found = await findActiveKeyByHash(db, hashApiKey(apiKey));
  if (!found) throw unauthenticated(msg("API 密钥无效或已被吊销", "The API key is not valid or has been revoked"));
  const stale = !found.key.lastUsedAt || Date.now() - found.key.lastUsedAt.getTime() > 3_600_000;
  if (stale) void touchKey(db, found.key.id).catch(() => undefined);
  return {
    kind: "partner",
    role: Role.PARTNER,
    partnerId: found.partner.id,
    partnerName: found.partner.name,
    keyId: found.key.id,
    scopes: found.key.scopes.filter((s): s is PartnerScope => PARTNER_SCOPES.includes(s as PartnerScope)),
  };
}

/** Whether a partner viewer's key still holds (not revoked since): an open WebSocket asks on each subscribe and periodically. */
export function partnerKeyActive(db: Database, keyId: string): Promise<boolean> {
  return isKeyActive(db, keyId);
}

export function listPartnerSites(db: Database): Promise<PartnerRow[]> {
  return listPartners(db);
}
