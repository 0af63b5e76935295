import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  headers: Record<string, string>;
  body: string;
  /** Whether `new Webhook(secret).verify(body, headers)` accepted it. */
  verified: boolean;
  error?: string;
}

/**
 * A partner's endpoint on 127.0.0.1: verifies every delivery's signature with the standardwebhooks
 * library (as a real receiver would) and answers what `respond` says — a status, after an optional delay.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Requests answered (the others are still being held). */
  answered = 0;
  secret = "";
  respond: (n: number) => { status: number; delayMs?: number; body?: string } = () => ({ status: 204 });
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const headers = flat(req.headers);
        let verified = false;
        let error: string | undefined;
        try {
          new Webhook(this.secret).verify(body, headers);
          verified = true;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        this.received.push({ id: headers["webhook-id"] ?? "", headers, body, verified, ...(error ? { error } : {}) });
        const answer = this.respond(this.received.length);
        const send = () => {
          this.answered++;
          res.writeHead(answer.status, { "content-type": "text/plain" });
          res.end(answer.body ?? "");
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  /** A URL on this receiver (host 127.0.0.1 unless another name is given). */
  url(path = "/hooks", host = "127.0.0.1"): string {
    return `http://${host}:${this.port}${path}`;
  }

  bodies(): { type: string; timestamp: string; data: Record<string, unknown> }[] {
    return this.received.map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> });
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
}
