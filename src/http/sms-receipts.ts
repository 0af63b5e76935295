import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Database } from "../db/client.js";
import { isUuid } from "../db/ids.js";
import { msg } from "../i18n.js";
import { gatewayReason } from "../modules/notifications/sms-gateway.js";
import { applySmsReceipts, type SmsReceipt } from "../modules/notifications/sms.service.js";
import { HttpError, readBody } from "./http-body.js";

export const SMS_RECEIPTS_PATH = "/sms/receipts";

/** At most this many receipts in one request. */
const MAX_RECEIPTS = 1000;

/** Equal tokens, compared in constant time (their hashes: the lengths may differ). */
function sameToken(given: string, expected: string): boolean {
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** One receipt as the gateway sends it, checked: `{ outId | messageId, status: DELIVERED|FAILED, error?, at? }`. */
function parseReceipt(raw: unknown, i: number): SmsReceipt {
  const bad = (what: string) => new HttpError("BAD_USER_INPUT", msg(`第 ${i + 1} 条回执：${what}`, `Receipt ${i + 1}: ${what}`));
  if (!raw || typeof raw !== "object") throw bad("须为对象");
  const r = raw as Record<string, unknown>;
  const receipt: SmsReceipt = { status: "DELIVERED" };
  if (r.outId !== undefined) {
    if (typeof r.outId !== "string" || !isUuid(r.outId)) throw bad("outId 须为本系统发出的短信 ID");
    receipt.id = r.outId.toLowerCase();
  }
  if (r.messageId !== undefined) {
    if (typeof r.messageId !== "string" || r.messageId.length === 0 || r.messageId.length > 100) throw bad("messageId 须为 1 至 100 个字符");
    receipt.providerId = r.messageId;
  }
  if (!receipt.id && !receipt.providerId) throw bad("须给出 outId 或 messageId");
  if (r.status !== "DELIVERED" && r.status !== "FAILED") throw bad("status 须为 DELIVERED 或 FAILED");
  receipt.status = r.status;
  if (r.error !== undefined) {
    if (typeof r.error !== "string") throw bad("error 须为文字");
    receipt.error = gatewayReason(r.error);
  }
  if (r.at !== undefined) {
    const at = typeof r.at === "string" ? new Date(r.at) : null;
    if (!at || Number.isNaN(at.getTime())) throw bad("at 须为 ISO 8601 时间");
    receipt.at = at;
  }
  return receipt;
}

/**
 * POST /sms/receipts: the SMS gateway's delivery receipts, `Authorization: Bearer SMS_RECEIPT_TOKEN`,
 * a JSON array (or `{ receipts: [...] }`). Answers `{ settled }`: how many messages moved to
 * DELIVERED or FAILED (a receipt for one already settled, or unknown, changes nothing). Without
 * SMS_RECEIPT_TOKEN configured the route is closed (404).
 */
export async function handleSmsReceipts(req: IncomingMessage, db: Database, token: string | undefined, limits: { maxBytes: number; timeoutMs: number }): Promise<{ settled: number; received: number }> {
  if (!token) throw new HttpError("NOT_FOUND", msg("未配置短信回执（SMS_RECEIPT_TOKEN）", "SMS receipts are not configured (SMS_RECEIPT_TOKEN)"), 404);
  if (req.method !== "POST") throw new HttpError("BAD_REQUEST", msg("请用 POST 提交短信回执", "POST the SMS receipts"), 405);
  const auth = req.headers.authorization ?? "";
  if (!auth.startsWith("Bearer ") || !sameToken(auth.slice(7), token)) throw new HttpError("UNAUTHENTICATED", msg("短信回执的凭证不正确", "The SMS receipt credential is wrong"));
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) throw new HttpError("BAD_REQUEST", msg("请以 Content-Type: application/json 发送回执", "Send receipts with Content-Type: application/json"), 415);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readBody(req, limits.maxBytes, limits.timeoutMs));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError("BAD_REQUEST", msg("回执不是有效的 JSON", "The receipts are not valid JSON"));
  }
  const list = Array.isArray(parsed) ? parsed : parsed && typeof parsed === "object" ? (parsed as { receipts?: unknown }).receipts : undefined;
  if (!Array.isArray(list)) throw new HttpError("BAD_USER_INPUT", msg("回执须为数组，或 { receipts: [...] }", "Receipts are an array, or { receipts: [...] }"));
  if (list.length > MAX_RECEIPTS) throw new HttpError("BAD_USER_INPUT", msg(`一次最多 ${MAX_RECEIPTS} 条回执`, `At most ${MAX_RECEIPTS} receipts at once`));
  // Checked whole before anything is written.
  const receipts = list.map(parseReceipt);
  return { settled: await applySmsReceipts(db, receipts), received: receipts.length };
}
