/**
 * One webhook request: a POST of the signed body to the endpoint, within a timeout, connecting only to
 * addresses just checked (publicOnlyLookup) unless private addresses are allowed, never following a
 * redirect, and reading at most a little of the answer (a short snippet kept when it failed).
 */
import http from "node:http";
import https from "node:https";
import { Webhook } from "standardwebhooks";
import { literalTargetAllowed, publicOnlyLookup, type WebhookTargetRules } from "./webhook-url.js";

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, short and sanitised (never more than a snippet of what the endpoint said). */
  error: string | null;
}

/** The most of an answer read (the rest is discarded with the connection). */
const MAX_RESPONSE_BYTES = 64 * 1024;
const SNIPPET_CHARS = 120;
/** What is kept of a failing answer to make its snippet from. */
const SNIPPET_BYTES = 1024;

/** A short, single-line, printable snippet of an endpoint's answer. */
export function sanitiseSnippet(text: string): string {
  const flat = text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

/** Signs and posts webhook bodies; one per process (its agents keep connections to endpoints alive). */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly signers = new Map<string, Webhook>();

  constructor(private readonly rules: WebhookTargetRules) {}

  /** The Standard Webhooks headers for a body: the delivery's id (the same on every retry), now's timestamp, the signature. */
  sign(secret: string, id: string, body: string, at: Date): Record<string, string> {
    let signer = this.signers.get(secret);
    if (!signer) {
      signer = new Webhook(secret);
      if (this.signers.size > 10_000) this.signers.clear();
      this.signers.set(secret, signer);
    }
    return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signer.sign(id, at, body) };
  }

  send(target: string, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<SendResult> {
    const url = new URL(target);
    if (!literalTargetAllowed(url, this.rules)) return Promise.resolve({ ok: false, statusCode: null, error: "refused: the endpoint's address is not public" });
    const secure = url.protocol === "https:";
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const done = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = (secure ? https : http).request(url, {
        method: "POST",
        agent: secure ? this.httpsAgent : this.httpAgent,
        ...(this.rules.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        headers: { "content-type": "application/json", "user-agent": "jiuye-bangfu-webhooks/1", "content-length": Buffer.byteLength(body), ...headers },
        ...(signal ? { signal } : {}),
      });
      const timer = setTimeout(() => {
        request.destroy();
        done({ ok: false, statusCode: null, error: `timeout after ${timeoutMs} ms` });
      }, timeoutMs);
      request.on("error", (err: Error & { code?: string }) => done({ ok: false, statusCode: null, error: sanitiseSnippet(err.code === "EPRIVATEADDRESS" ? `refused: ${err.message}` : `${err.code ?? "error"}: ${err.message}`) }));
      request.on("response", (response) => {
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const chunks: Buffer[] = [];
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          if (read < SNIPPET_BYTES) chunks.push(chunk.subarray(0, SNIPPET_BYTES - read));
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) {
            response.destroy();
            finish();
          }
        });
        const finish = () => {
          if (ok) return done({ ok: true, statusCode: status, error: null });
          // A redirect is not followed: the endpoint must answer 2xx itself.
          const what = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
          const snippet = sanitiseSnippet(Buffer.concat(chunks).toString("utf8"));
          done({ ok: false, statusCode: status, error: snippet ? `${what}: ${snippet}` : what });
        };
        response.on("end", finish);
        response.on("error", finish);
        response.on("close", finish);
      });
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
