/**
 * The SMS channel's gateway port (issue 21) and its two providers. A gateway is handed the phone
 * number only for the one call that sends (unsealed in memory just before), and never keeps it.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { maskPhone } from "../../pii/resident-id.js";
import type { Logger } from "../../logger.js";

export interface SmsRequest {
  /** Our message id: the gateway's idempotency key (`outId`), and what its receipts may name. */
  id: string;
  /** The number, in clear: for this call only. */
  to: string;
  text: string;
}

/** What became of one send. */
export type SmsOutcome =
  /** The gateway took it; `delivered` when it also reports delivery at once (no receipt to wait for). */
  | { kind: "ACCEPTED"; providerId: string; delivered: boolean }
  /** Worth another attempt (the gateway failed, timed out, was unreachable or asked us to slow down). */
  | { kind: "RETRY"; reason: string }
  /** Refused for good (a number it will not send to, a text it will not carry): retrying would only cost. */
  | { kind: "REFUSED"; reason: string };

/** A run of digits a gateway may echo (a number), masked: 11 digits as a phone (138****5678), others starred. */
export function maskDigits(digits: string): string {
  return digits.length === 11 ? maskPhone(digits) : "*".repeat(digits.length);
}

/** A gateway's free text as a stored reason: numbers masked, at most 300 characters. */
export function gatewayReason(text: string): string {
  return text.replace(/\d{7,}/g, maskDigits).slice(0, 300);
}

export interface SmsGateway {
  readonly name: string;
  send(request: SmsRequest): Promise<SmsOutcome>;
  close(): Promise<void>;
}

/**
 * Development and tests: writes what it would send, one JSON line per message, the number masked
 * (138****5678), to a file (SMS_LOG_FILE, appended: several processes may share it) or the server's
 * log at debug level. Its line is its receipt: the message counts as delivered.
 */
export class LogSmsGateway implements SmsGateway {
  readonly name = "log";
  private readonly out: WriteStream | undefined;

  constructor(
    private readonly log: Logger,
    file?: string,
  ) {
    this.out = file ? createWriteStream(file, { flags: "a" }) : undefined;
  }

  async send(request: SmsRequest): Promise<SmsOutcome> {
    const line = { at: new Date().toISOString(), id: request.id, to: maskPhone(request.to), text: request.text, pid: process.pid };
    if (this.out) {
      const out = this.out;
      // One write per line (O_APPEND): lines from several processes never interleave.
      await new Promise<void>((resolve, reject) => out.write(`${JSON.stringify(line)}\n`, (err) => (err ? reject(err) : resolve())));
    } else {
      // Each at debug (a campaign run makes thousands); the dispatcher says how many at info.
      this.log.debug({ sms: line }, "SMS (log provider: not sent)");
    }
    return { kind: "ACCEPTED", providerId: `log:${request.id}`, delivered: true };
  }

  async close(): Promise<void> {
    const out = this.out;
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
  }
}

export interface HttpGatewayOptions {
  url: string;
  key: string;
  /** The SMS signature (短信签名) the gateway prefixes, e.g. 福建就业. */
  signature: string;
  timeoutMs: number;
}

/**
 * A gateway over HTTP (SMS_PROVIDER=http). The request: `POST SMS_HTTP_URL` with
 * `Authorization: Bearer SMS_HTTP_KEY`, `Idempotency-Key: <our id>` and a JSON body
 * `{ outId, phone, signName, content }`. The answer: 2xx `{ messageId, status? }` (status
 * `DELIVERED` when it knows at once); 4xx other than 408/429 is a refusal (`{ code, message }`);
 * 408, 429, 5xx, a timeout or no connection are retried. Receipts come later on POST /sms/receipts.
 */
export class HttpSmsGateway implements SmsGateway {
  readonly name = "http";

  constructor(private readonly options: HttpGatewayOptions) {}

  async send(request: SmsRequest): Promise<SmsOutcome> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.options.key}`, "idempotency-key": request.id },
        body: JSON.stringify({ outId: request.id, phone: request.to, signName: this.options.signature, content: request.text }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      return { kind: "RETRY", reason: timedOut ? `gateway timed out after ${this.options.timeoutMs} ms` : `gateway unreachable: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}` };
    }
    const text = await response.text().catch(() => "");
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch {
      // A body that is not JSON: its status says enough.
    }
    // The gateway's own words are kept as the reason; a number it may echo is masked first (never stored in clear).
    const said = [body.code, body.message]
      .filter((v) => typeof v === "string" || typeof v === "number")
      .join(": ")
      .replace(/\d{7,}/g, maskDigits)
      .slice(0, 300);
    if (response.ok) {
      const providerId = typeof body.messageId === "string" && body.messageId.length > 0 && body.messageId.length <= 100 ? body.messageId : undefined;
      // Taken, but with no id its receipts could not be matched: they may name our id (outId).
      return { kind: "ACCEPTED", providerId: providerId ?? `out:${request.id}`, delivered: body.status === "DELIVERED" };
    }
    const reason = `gateway answered ${response.status}${said ? ` (${said})` : ""}`;
    if (response.status >= 500 || response.status === 408 || response.status === 429) return { kind: "RETRY", reason };
    return { kind: "REFUSED", reason };
  }

  async close(): Promise<void> {}
}

/** Sends nothing (SMS_PROVIDER=off): the dispatcher leaves the SMS queue alone. */
export function createSmsGateway(config: { provider: "log" | "http" | "off"; logFile?: string; http?: HttpGatewayOptions }, log: Logger): SmsGateway | undefined {
  if (config.provider === "off") return undefined;
  if (config.provider === "http") return new HttpSmsGateway(config.http!);
  return new LogSmsGateway(log, config.logFile);
}
