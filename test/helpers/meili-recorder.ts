import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP endpoint that answers the official Meilisearch client as Meilisearch documents its
 * API (tasks enqueued with 202 and polled at /tasks/:uid, errors as {message, code, type, link}),
 * and records every request. Tests program its answers; nothing is faked about what the engine sends.
 */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface TaskOutcome {
  status: "succeeded" | "failed";
  error?: { code: string; message: string; type: string };
  /** Polls that answer `processing` before the outcome. */
  processingPolls?: number;
}

export class MeiliRecorder {
  recorded: Recorded[] = [];
  version = "1.16.0";
  /** Indexes that exist (GET /indexes/:uid answers 404 index_not_found for others). */
  indexes = new Set<string>(["postings"]);
  /** The outcome of each write (by the request that made it). */
  outcomeOf: (req: Recorded) => TaskOutcome = () => ({ status: "succeeded" });
  searchResponse: Record<string, unknown> = { hits: [], estimatedTotalHits: 0, query: "", processingTimeMs: 1, limit: 20, offset: 0 };
  /** An error answer to searches instead: [status, code, type]. */
  searchError: [number, string, string] | null = null;
  /** An error answer to the searches it picks (by body). */
  searchErrorFor: (body: Record<string, unknown>) => [number, string, string] | null = () => null;
  /** The hits each query of a multi-search answers with (by the query's `q`). */
  multiSearchHits: (query: { q: string; indexUid: string }) => Record<string, unknown>[] = () => [];
  /** A raw answer to searches instead (a proxy's HTML error page): [status, body]. */
  searchRaw: [number, string] | null = null;
  /** Searches never answered (a hung Meilisearch). */
  hangSearch = false;
  documents: Record<string, unknown>[] = [];
  private tasks = new Map<number, TaskOutcome & { polls: number; type: string }>();
  private nextTask = 1;
  private server!: Server;
  host = "";

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      let text = "";
      for await (const chunk of req) text += chunk;
      const path = req.url ?? "";
      const entry: Recorded = { method: req.method ?? "", path, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      this.recorded.push(entry);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, code: string, type: string) => reply(status, { message: `${code} (recorder)`, code, type, link: `https://docs.meilisearch.com/errors#${code}` });
      if (path === "/version") return reply(200, { commitSha: "x", commitDate: "2026-01-01", pkgVersion: this.version });
      const task = /^\/tasks\/(\d+)/.exec(path);
      if (task) {
        const uid = Number(task[1]);
        const t = this.tasks.get(uid);
        if (!t) return error(404, "task_not_found", "invalid_request");
        const processing = t.polls < (t.processingPolls ?? 0);
        t.polls++;
        return reply(200, {
          uid,
          indexUid: "postings",
          type: t.type,
          enqueuedAt: "2026-12-05T10:00:00Z",
          status: processing ? "processing" : t.status,
          error: processing ? null : (t.error ?? null),
        });
      }
      if (req.method === "POST" && path === "/multi-search") {
        if (this.searchError) return error(...this.searchError);
        if (this.searchRaw) {
          res.writeHead(this.searchRaw[0], { "content-type": "text/html" });
          return res.end(this.searchRaw[1]);
        }
        const { queries } = entry.body as { queries: { q: string; indexUid: string; limit?: number; offset?: number }[] };
        return reply(200, {
          results: queries.map((query) => {
            const hits = this.multiSearchHits(query);
            return { indexUid: query.indexUid, hits, query: query.q, processingTimeMs: 1, limit: query.limit ?? 20, offset: query.offset ?? 0, estimatedTotalHits: hits.length };
          }),
        });
      }
      if (path.endsWith("/search")) {
        if (this.hangSearch) return; // never answered
        if (this.searchRaw) {
          res.writeHead(this.searchRaw[0], { "content-type": "text/html" });
          return res.end(this.searchRaw[1]);
        }
        if (this.searchError) return error(...this.searchError);
        const picked = this.searchErrorFor(entry.body as Record<string, unknown>);
        if (picked) return error(...picked);
        return reply(200, this.searchResponse);
      }
      const indexInfo = /^\/indexes\/([^/?]+)$/.exec(path);
      if (req.method === "GET" && indexInfo) {
        return this.indexes.has(indexInfo[1]!) ? reply(200, { uid: indexInfo[1], primaryKey: "id", createdAt: "2026-12-05T10:00:00Z", updatedAt: "2026-12-05T10:00:00Z" }) : error(404, "index_not_found", "invalid_request");
      }
      if (req.method === "GET" && path.startsWith("/indexes/postings/documents")) {
        return reply(200, { results: this.documents, offset: 0, limit: 1000, total: this.documents.length });
      }
      if (req.method === "POST" && path === "/keys") {
        const body = entry.body as { name: string };
        return reply(201, { ...body, key: `key-${body.name.includes("search") ? "search" : "write"}`, uid: "u", createdAt: "2026-12-05T10:00:00Z", updatedAt: "2026-12-05T10:00:00Z" });
      }
      if (req.method === "POST" && path === "/indexes") this.indexes.add((entry.body as { uid: string }).uid);
      const outcome = this.outcomeOf(entry);
      const uid = this.nextTask++;
      this.tasks.set(uid, { ...outcome, polls: 0, type: "documentAdditionOrUpdate" });
      reply(202, { taskUid: uid, indexUid: "postings", status: "enqueued", type: "documentAdditionOrUpdate", enqueuedAt: "2026-12-05T10:00:00Z" });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.host = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.recorded = [];
    this.outcomeOf = () => ({ status: "succeeded" });
    this.searchError = null;
    this.hangSearch = false;
    this.searchRaw = null;
    this.searchErrorFor = () => null;
    this.multiSearchHits = () => [];
    this.version = "1.16.0";
    this.indexes = new Set(["postings"]);
  }

  /** Requests to a path (and method). */
  to(path: string | RegExp, method?: string): Recorded[] {
    return this.recorded.filter((r) => (typeof path === "string" ? r.path === path : path.test(r.path)) && (!method || r.method === method));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
