import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, brotliCompressSync, constants as zlib, gzip, gzipSync } from "node:zlib";
import { msg, say } from "../i18n.js";

/**
 * Which browser origins may call the API (CORS_ORIGINS): exact origins (`https://job.fujian.gov.cn`),
 * or a host on any port (`http://localhost:*`, for a front end's development server). No wildcard
 * origin: every answer to an allowed origin names it, with `Vary: Origin`.
 */
export class OriginPolicy {
  private readonly exact = new Set<string>();
  private readonly anyPort: string[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (entry.endsWith(":*")) this.anyPort.push(entry.slice(0, -2));
      else this.exact.add(entry);
    }
  }

  allows(origin: string | undefined): origin is string {
    if (!origin) return false;
    if (this.exact.has(origin)) return true;
    const port = /^(https?:\/\/[^/:]+)(?::\d{1,5})?$/.exec(origin);
    return port !== null && this.anyPort.includes(port[1]!);
  }
}

/** Request headers a browser front end may send (its preflight asks for them). */
const ALLOWED_HEADERS = ["content-type", "authorization", "x-api-key", "idempotency-key", "x-request-id", "apollo-require-preflight", "x-apollo-operation-name", "accept-language", "accept"];
/** Response headers a browser front end may read. */
const EXPOSED_HEADERS = ["x-request-id", "x-client-request-id", "retry-after", "ratelimit", "ratelimit-policy", "idempotent-replayed", "content-disposition"];

/**
 * CORS for an allowed origin: the headers every answer carries, and the answer to a preflight
 * (OPTIONS with Access-Control-Request-Method) — given before anything else looks at the request,
 * so a preflight is never refused as a CSRF attempt. A preflight from any other origin is refused
 * (403, no CORS headers: the browser then sends nothing). Returns true when the request was a
 * preflight and has been answered.
 */
export function handleCors(req: IncomingMessage, res: ServerResponse, policy: OriginPolicy): boolean {
  const origin = req.headers.origin;
  res.setHeader("vary", "Origin");
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!policy.allows(origin)) {
    if (!preflight) return false;
    res.writeHead(403, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ errors: [{ message: say(msg("此来源不允许调用接口（CORS_ORIGINS）", "This origin may not call the API (CORS_ORIGINS)")), extensions: { code: "FORBIDDEN" } }] }));
    return true;
  }
  res.setHeader("access-control-allow-origin", origin);
  // Bearer tokens, not cookies; allowed so that a front end sending `credentials: "include"` is not refused.
  res.setHeader("access-control-allow-credentials", "true");
  res.setHeader("access-control-expose-headers", EXPOSED_HEADERS.join(", "));
  if (!preflight) return false;
  res.writeHead(204, {
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
    "access-control-max-age": "600",
    "content-length": "0",
  });
  res.end();
  return true;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Bodies up to this size are compressed on the event loop: for a few kilobytes the compression takes
 * tens of microseconds, less than handing it to the thread pool and back (a `matches` page of ten,
 * about 1 KiB, spent some 0.3 ms there); larger ones still go to the pool, off the event loop (20 KB
 * took 0.2–0.3 ms, too long to hold every other request).
 */
const COMPRESS_INLINE_MAX_BYTES = 4 * 1024;

/**
 * A body compressed as the client accepts (br, else gzip) when it is at least `minBytes`; small
 * bodies go as they are (compressing them costs more than it saves).
 */
export async function compressed(req: IncomingMessage, body: string, minBytes: number): Promise<{ body: Buffer | string; encoding?: "br" | "gzip" }> {
  const size = Buffer.byteLength(body);
  if (minBytes <= 0 || size < minBytes) return { body };
  const inline = size <= COMPRESS_INLINE_MAX_BYTES;
  const accepted = String(req.headers["accept-encoding"] ?? "")
    .split(",")
    .map((part) => part.trim().split(";"))
    .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
    .map(([name]) => name!.toLowerCase());
  // Quality 4: close to gzip's speed, smaller output (the default 11 is for static files).
  if (accepted.includes("br")) {
    const options = { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } };
    return { body: inline ? brotliCompressSync(body, options) : await brotli(body, options), encoding: "br" };
  }
  if (accepted.includes("gzip")) return { body: inline ? gzipSync(body) : await gzipAsync(body), encoding: "gzip" };
  return { body };
}
