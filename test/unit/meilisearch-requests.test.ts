import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MeilisearchEngine, SearchTaskError } from "../../src/search/meilisearch-engine.js";
import { CONTRACT_DOCUMENTS } from "../contract/search-engine.contract.js";

/**
 * Request-level tests of the Meilisearch engine without a server: a loopback HTTP endpoint records
 * what the official client sends and answers with responses shaped as Meilisearch documents them
 * (tasks are enqueued with 202 and polled at /tasks/:uid).
 */
interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

describe("Meilisearch engine, request by request", () => {
  let server: Server;
  let host: string;
  let recorded: Recorded[] = [];
  let taskOutcome: (uid: number) => Record<string, unknown> = () => ({ status: "succeeded" });
  let searchResponse: Record<string, unknown> = {};
  let nextTask = 1;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let text = "";
      for await (const chunk of req) text += chunk;
      const path = req.url ?? "";
      recorded.push({ method: req.method ?? "", path, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const task = /^\/tasks\/(\d+)/.exec(path);
      if (task) {
        const uid = Number(task[1]);
        return reply(200, { uid, indexUid: "postings", type: "documentAdditionOrUpdate", enqueuedAt: "2026-11-22T10:00:00Z", error: null, ...taskOutcome(uid) });
      }
      if (path.endsWith("/search")) return reply(200, searchResponse);
      if (req.method === "GET" && path.startsWith("/indexes/postings/documents")) {
        return reply(200, { results: CONTRACT_DOCUMENTS.slice(0, 3).map((d) => ({ id: d.id })), offset: 0, limit: 1000, total: 3 });
      }
      reply(202, { taskUid: nextTask++, indexUid: "postings", status: "enqueued", type: "documentAdditionOrUpdate", enqueuedAt: "2026-11-22T10:00:00Z" });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    recorded = [];
    taskOutcome = () => ({ status: "succeeded" });
  });

  const engine = () => new MeilisearchEngine({ host, apiKey: "masterKey-for-test" }, "postings", { timeout: 2000, interval: 5 });

  it("applies the settings idempotently: an existing index is fine", async () => {
    nextTask = 1; // the create-index task is uid 1: it fails as an existing index does
    taskOutcome = (uid) => (uid === 1 ? { status: "failed", error: { code: "index_already_exists", message: "exists" } } : { status: "succeeded" });
    await engine().applySettings({ synonyms: [["会计", "财务"], ["司机", "驾驶员", "开车"]] });
    const create = recorded.find((r) => r.method === "POST" && r.path === "/indexes")!;
    expect(create.body).toEqual({ uid: "postings", primaryKey: "id" });
    const settings = recorded.find((r) => r.path === "/indexes/postings/settings")!;
    expect(settings.method).toBe("PATCH");
    const body = settings.body as Record<string, unknown>;
    // The synonyms from the data, each word mapped to the rest of its group (Meilisearch's documented shape).
    expect(body.synonyms).toEqual({ 会计: ["财务"], 财务: ["会计"], 司机: ["驾驶员", "开车"], 驾驶员: ["司机", "开车"], 开车: ["司机", "驾驶员"] });
    expect(body.searchableAttributes).toEqual(["searchText", "title", "employerName"]);
    expect(body.filterableAttributes).toEqual(expect.arrayContaining(["status", "validUntil", "regionPath", "educationRank", "kind", "id"]));
    expect(body.sortableAttributes).toEqual(expect.arrayContaining(["publishedAt", "salaryMax"]));
    expect(body.rankingRules).toEqual(["words", "typo", "proximity", "attribute", "sort", "exactness"]);
    expect(create.headers.authorization).toBe("Bearer masterKey-for-test");
  });

  it("sends documents with their pre-segmented text and public fields only, and waits for the task", async () => {
    await engine().upsert(CONTRACT_DOCUMENTS.slice(0, 2));
    const add = recorded.find((r) => r.path.startsWith("/indexes/postings/documents"))!;
    expect(add.method).toBe("POST");
    expect(add.path).toContain("primaryKey=id");
    const docs = add.body as Record<string, unknown>[];
    expect(docs).toHaveLength(2);
    expect(docs[0]!.searchText).toContain("农业");
    expect(Object.keys(docs[0]!).sort()).toEqual(Object.keys(CONTRACT_DOCUMENTS[0]!).sort());
    expect(recorded.some((r) => r.path.startsWith("/tasks/"))).toBe(true);
  });

  it("fails when the task fails, though the client resolves it normally", async () => {
    taskOutcome = () => ({ status: "failed", error: { code: "invalid_document_id", message: "bad id" } });
    await expect(engine().upsert(CONTRACT_DOCUMENTS.slice(0, 1))).rejects.toThrow(SearchTaskError);
    await expect(engine().remove(["x"])).rejects.toThrow(/invalid_document_id/);
  });

  it("searches with segmented text, the quoted filter, facets and sort, and maps the answer", async () => {
    searchResponse = { hits: [{ id: "p-bank", _rankingScore: 0.93 }, { id: "p-acct", _rankingScore: 0.5 }], estimatedTotalHits: 2, facetDistribution: { kind: { REGULAR: 2 } }, query: "", processingTimeMs: 1, limit: 20, offset: 0 };
    const result = await engine().search({ text: '农业" OR status = "CLOSED', filter: { validAt: 1_800_000_000, regionPrefixes: ["3501"] }, facets: ["kind"], sort: "NEWEST", offset: 0, limit: 20 });
    const search = recorded.find((r) => r.path === "/indexes/postings/search")!;
    const body = search.body as Record<string, unknown>;
    expect(body.filter).toBe('status IN ["OPEN"] AND validUntil > 1800000000 AND regionPath IN ["3501"]');
    expect(String(body.q)).toContain("农业");
    expect(String(body.filter)).not.toContain("CLOSED");
    expect(body).toMatchObject({ facets: ["kind"], sort: ["publishedAt:desc"], attributesToRetrieve: ["id"], showRankingScore: true, limit: 20, offset: 0 });
    expect(result).toEqual({ hits: [{ id: "p-bank", score: 0.93 }, { id: "p-acct", score: 0.5 }], total: 2, facets: { kind: { REGULAR: 2 } } });
  });

  it("asks for whole documents only when the ranker wants them, and returns them without Meilisearch's own fields", async () => {
    const [bank, acct] = CONTRACT_DOCUMENTS;
    searchResponse = { hits: [{ ...bank, _rankingScore: 0.9 }, { ...acct, _rankingScore: 0.4 }], estimatedTotalHits: 2, query: "", processingTimeMs: 1, limit: 2, offset: 0 };
    const result = await engine().search({ text: "会计", filter: {}, offset: 0, limit: 2, countTotal: false, withDocuments: true });
    const body = recorded.find((r) => r.path === "/indexes/postings/search")!.body as Record<string, unknown>;
    expect(body.attributesToRetrieve).toEqual(["*"]);
    expect(result.hits).toEqual([{ id: bank!.id, score: 0.9, document: bank }, { id: acct!.id, score: 0.4, document: acct }]);
  });

  it("answers a search among no postings itself (an empty onlyIds), and sends the others' ids quoted", async () => {
    expect(await engine().search({ filter: { onlyIds: [] }, offset: 0, limit: 10 })).toEqual({ hits: [], total: 0, facets: {} });
    expect(recorded).toEqual([]);
    searchResponse = { hits: [], estimatedTotalHits: 0, query: "", processingTimeMs: 1, limit: 10, offset: 0 };
    await engine().search({ filter: { onlyIds: ["p-1", 'x" OR id = "y'] }, offset: 0, limit: 10 });
    const body = recorded.find((r) => r.path === "/indexes/postings/search")!.body as Record<string, unknown>;
    expect(body.filter).toBe('status IN ["OPEN"] AND id IN ["p-1", "x\\" OR id = \\"y"]');
  });

  it("swaps a rebuilt index in atomically, then drops the old one", async () => {
    const live = engine();
    await live.swapWith(live.withIndex("postings_rebuild_1"));
    const swap = recorded.find((r) => r.path === "/swap-indexes")!;
    expect(swap.method).toBe("POST");
    expect(swap.body).toEqual([{ indexes: ["postings", "postings_rebuild_1"] }]);
    expect(recorded.some((r) => r.method === "DELETE" && r.path === "/indexes/postings_rebuild_1")).toBe(true);
  });

  it("lists every indexed id, page by page", async () => {
    expect(await engine().allIds()).toEqual(CONTRACT_DOCUMENTS.slice(0, 3).map((d) => d.id));
    const get = recorded.find((r) => r.path.startsWith("/indexes/postings/documents"))!;
    expect(get.path).toMatch(/fields=id/);
  });
});
