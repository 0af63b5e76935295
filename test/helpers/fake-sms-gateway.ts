import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A gateway on a real port: answers as each test sets, and records every request. */
export class FakeGateway {
  readonly requests: { key: string; phone: string; content: string; outId: string }[] = [];
  answer: (body: { outId: string; phone: string }) => { status: number; body?: unknown } | "hang" = () => ({ status: 200, body: { messageId: "x" } });
  private readonly server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(raw) as { outId: string; phone: string; content: string; signName: string };
      this.requests.push({ key: String(req.headers["idempotency-key"]), phone: body.phone, content: body.content, outId: body.outId });
      const a = this.answer(body);
      if (a === "hang") return;
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body ?? {}));
    });
  });
  async start(): Promise<string> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

