import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { LogPosition } from "../../search/change-log.js";

/**
 * The change feed's cursors: a position in the change log, signed. No process state — any replica
 * with the same PII_KEY (the key is derived from it with HKDF, under its own label) reads any other's
 * cursor, after a restart too. The MAC covers the feed's name and the filter the cursor was read
 * with, so a cursor of another list (a `postings` cursor), of another filter, or altered in any
 * byte is refused: BAD_USER_INPUT on `after`.
 */
const FEED_TAG = "postingChanges.v1";
const MAC_BYTES = 16;

const keys = new Map<string, Buffer>();

/** The cursors' key for this configuration's PII_KEY (derived once per process). */
export function cursorKey(secret: Buffer): Buffer {
  const id = secret.toString("base64");
  let key = keys.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "jiuye-bangfu change-feed cursor v1", 32));
    keys.set(id, key);
  }
  return key;
}

function mac(key: Buffer, scope: string, payload: string): Buffer {
  return createHmac("sha256", key).update(`${FEED_TAG}\n${scope}\n${payload}`).digest().subarray(0, MAC_BYTES);
}

/** `scope`: what else the cursor is bound to (the filter, canonical). */
export function encodeFeedCursor(key: Buffer, scope: string, p: LogPosition): string {
  const payload = `${p.txid}.${p.seq}`;
  return `${Buffer.from(payload, "utf8").toString("base64url")}.${mac(key, scope, payload).toString("base64url")}`;
}

const NOT_OURS = msg("游标无效：不是本变更订阅（同一筛选条件）发出的游标，或已被改动", "The cursor is not one this change feed issued for this filter, or it was altered");

export function decodeFeedCursor(key: Buffer, scope: string, cursor: string, field = "after"): LogPosition {
  const [body, tag, extra] = cursor.split(".");
  if (!body || !tag || extra !== undefined || cursor.length > 200) throw badInput(field, NOT_OURS);
  const payload = Buffer.from(body, "base64url").toString("utf8");
  const m = /^(\d{1,20})\.(\d{1,19})$/.exec(payload);
  const given = Buffer.from(tag, "base64url");
  const expected = mac(key, scope, payload);
  if (!m || given.length !== expected.length || !timingSafeEqual(given, expected)) throw badInput(field, NOT_OURS);
  return { txid: BigInt(m[1]!).toString(), seq: Number(m[2]) };
}
