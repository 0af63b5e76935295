import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../src/errors.js";
import { ChangeRejected, TasksStillRunning } from "../../src/search/change-follower.js";
import { createScopedKeys, MeilisearchEngine, parseVersion, SearchTaskError, WRITER_KEY_ACTIONS } from "../../src/search/meilisearch-engine.js";
import { CONTRACT_DOCUMENTS } from "../contract/search-engine.contract.js";
import { MeiliRecorder } from "../helpers/meili-recorder.js";
import { createLogger } from "../../src/logger.js";

/**
 * Request-level tests of the Meilisearch engine without a server: a loopback HTTP endpoint records
 * what the official client sends and answers as Meilisearch documents its API.
 */
describe("Meilisearch engine, request by request", () => {
  const meili = new MeiliRecorder();
  beforeAll(() => meili.start());
  afterAll(() => meili.stop());
  beforeEach(() => meili.reset());

  /** What the engines told the operator. */
  const told: string[] = [];
  const logger = createLogger("warn", { write: (line: string) => void told.push(line) });
  const engine = (opts: { timeoutMs?: number; wait?: number; log?: typeof logger } = {}) =>
    new MeilisearchEngine({ host: meili.host, apiKey: "write-key", searchKey: "search-key", timeoutMs: opts.timeoutMs ?? 2000, ...(opts.log ? { log: opts.log } : {}) }, "postings", { timeout: opts.wait ?? 2000, interval: 5 });

  it("checks the version, makes the index only when missing, and applies the settings both engines share", async () => {
    meili.indexes.clear();
    await engine().applySettings({ synonyms: [["会计", "财务"], ["司机", "驾驶员", "开车"]] });
    expect(meili.to("/version", "GET")).toHaveLength(1);
    expect(meili.to("/indexes", "POST").map((r) => r.body)).toEqual([{ uid: "postings", primaryKey: "id" }]);
    const settings = meili.to("/indexes/postings/settings")[0]!;
    expect(settings.method).toBe("PATCH");
    const body = settings.body as Record<string, unknown>;
    expect(body.synonyms).toEqual({ 会计: ["财务"], 财务: ["会计"], 司机: ["驾驶员", "开车"], 驾驶员: ["司机", "开车"], 开车: ["司机", "驾驶员"] });
    // The embedded engine searches searchText only, has no typos and no prefix matching, ranks by
    // the words then newest, and lets a sort override relevance.
    expect(body.searchableAttributes).toEqual(["searchText"]);
    expect(body.typoTolerance).toEqual({ enabled: false });
    expect(body.prefixSearch).toBe("disabled");
    expect(body.rankingRules).toEqual(["sort", "words", "exactness", "publishedAt:desc", "id:desc"]);
    expect(body.localizedAttributes).toEqual([{ attributePatterns: ["searchText"], locales: ["cmn"] }]);
    expect(body.filterableAttributes).toEqual(expect.arrayContaining(["status", "validUntil", "regionPath", "educationRank", "kind", "id"]));
    expect(body.sortableAttributes).toEqual(expect.arrayContaining(["publishedAt", "salaryMax"]));
    expect(settings.headers.authorization).toBe("Bearer write-key");

    // A second start: the index exists, so no create task is left failing.
    meili.reset();
    await engine().applySettings({ synonyms: [] });
    expect(meili.to("/indexes", "POST")).toEqual([]);
    expect(meili.to("/indexes/postings", "GET")).toHaveLength(1);
  });

  it("refuses a Meilisearch older than 1.16 with a message saying what to do", async () => {
    meili.version = "1.15.2";
    await expect(engine().applySettings({ synonyms: [] })).rejects.toThrow(/Meilisearch 1\.15\.2 is too old: this API needs Meilisearch 1\.16 or later/);
    expect(meili.to("/indexes/postings/settings")).toEqual([]);
    expect(parseVersion("v1.16.0")).toEqual([1, 16]);
    expect(parseVersion("2.0.0-rc.1")).toEqual([2, 0]);
    meili.version = "2.0.0";
    await expect(engine().applySettings({ synonyms: [] })).resolves.toBeUndefined();
  });

  it("sends documents with their pre-segmented text, each token once, and waits for the task", async () => {
    await engine().upsert(CONTRACT_DOCUMENTS.slice(0, 2));
    const add = meili.to(/^\/indexes\/postings\/documents/, "POST")[0]!;
    expect(add.path).toContain("primaryKey=id");
    const docs = add.body as Record<string, unknown>[];
    expect(docs).toHaveLength(2);
    expect(docs[0]!.searchText).toContain("农业");
    expect(Object.keys(docs[0]!).sort()).toEqual(Object.keys(CONTRACT_DOCUMENTS[0]!).sort());
    expect(meili.to(/^\/tasks\//).length).toBeGreaterThan(0);
    expect(add.headers.authorization).toBe("Bearer write-key");
  });

  it("tells a rejected document (ChangeRejected) from any other failed task, and a task still running from both", async () => {
    meili.outcomeOf = () => ({ status: "failed", error: { code: "invalid_document_fields", message: "bad", type: "invalid_request" } });
    await expect(engine().upsert(CONTRACT_DOCUMENTS.slice(0, 1))).rejects.toThrow(ChangeRejected);
    meili.outcomeOf = () => ({ status: "failed", error: { code: "internal", message: "disk full", type: "internal" } });
    await expect(engine().remove(["x"])).rejects.toThrow(SearchTaskError);
    // Still processing after the wait: the uid is reported, and the documents are not sent again.
    meili.reset();
    meili.outcomeOf = () => ({ status: "succeeded", processingPolls: 1_000 });
    const slow = engine({ wait: 50 });
    const error = await slow.upsert(CONTRACT_DOCUMENTS.slice(0, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TasksStillRunning);
    const [uid] = (error as TasksStillRunning).taskUids;
    expect(meili.to(/^\/indexes\/postings\/documents/, "POST")).toHaveLength(1);
    expect(await slow.taskDone(uid!)).toBe(false);
  });

  it("searches with the query's words, the quoted filter, facets and sort, on the search-only key, and scores hits as the embedded engine does", async () => {
    meili.searchResponse = {
      hits: [
        { id: "p-bank", searchText: "中国 农业 银行 柜员" },
        { id: "p-acct", searchText: "会计 财务" },
      ],
      estimatedTotalHits: 2,
      facetDistribution: { kind: { REGULAR: 2 } },
      query: "",
      processingTimeMs: 1,
      limit: 20,
      offset: 0,
    };
    const result = await engine().search({ text: '农业" OR status = "CLOSED', filter: { validAt: 1_800_000_000, regionPrefixes: ["3501"] }, facets: ["kind"], sort: "NEWEST", offset: 0, limit: 20 });
    const search = meili.to("/indexes/postings/search")[0]!;
    const body = search.body as Record<string, unknown>;
    expect(body.filter).toBe('status IN ["OPEN"] AND validUntil > 1800000000 AND regionPath IN ["3501"]');
    expect(String(body.q).split(" ")).toContain("农业");
    expect(String(body.filter)).not.toContain("CLOSED");
    expect(body).toMatchObject({ facets: ["kind"], sort: ["publishedAt:desc", "id:desc"], attributesToRetrieve: ["id", "searchText"], matchingStrategy: "all", limit: 20, offset: 0 });
    expect(search.headers.authorization).toBe("Bearer search-key");
    // q's words: 农业, or, status, closed — p-bank holds one of the four.
    expect(result).toEqual({ hits: [{ id: "p-bank", score: 0.25 }, { id: "p-acct", score: 0 }], total: 2, facets: { kind: { REGULAR: 2 } } });
  });

  it("asks ANY of the words (matching) as one query per word in one multi-search, and scores, orders, pages and counts the union as the embedded engine does", async () => {
    const posting = (id: string, publishedAt: number, searchText: string) => ({ id, publishedAt, salaryMax: 5000, searchText });
    const byWord: Record<string, Record<string, unknown>[]> = {
      // p-ngram: matched by Meilisearch's own re-reading of its text, holding neither word as the embedded engine reads it.
      兰州: [posting("p-gansu", 50, "会计 兰州"), posting("p-lz", 80, "兰州 司机"), posting("p-ngram", 99, "兰 州")],
      会计: [posting("p-acct", 70, "会计 报税"), posting("p-gansu", 50, "会计 兰州"), posting("p-fin", 90, "财务 报表")],
    };
    meili.multiSearchHits = (query) => byWord[query.q] ?? [];
    const e = engine();
    await e.applySettings({ synonyms: [["会计", "财务"]] });
    const result = await e.search({ text: "兰州 会计", words: "ANY", filter: { validAt: 1_800_000_000 }, offset: 1, limit: 3, countTotal: false });
    const [multi] = meili.to("/multi-search", "POST");
    expect(meili.to("/indexes/postings/search")).toEqual([]);
    expect(multi!.headers.authorization).toBe("Bearer search-key");
    const queries = (multi!.body as { queries: Record<string, unknown>[] }).queries;
    expect(queries.map((query) => query.q)).toEqual(["兰州", "会计"]);
    for (const query of queries) {
      expect(query).toEqual({
        indexUid: "postings",
        q: query.q,
        filter: 'status IN ["OPEN"] AND validUntil > 1800000000',
        offset: 0,
        limit: 10_000,
        attributesToRetrieve: ["id", "searchText", "publishedAt", "salaryMax"],
        matchingStrategy: "all",
      });
    }
    // The union: p-gansu holds both (1), p-acct 会计 and p-lz 兰州 (0.5 each, p-lz newer), p-fin a synonym (0.3); page 2–4.
    expect(result.hits).toEqual([
      { id: "p-lz", score: 0.5 },
      { id: "p-acct", score: 0.5 },
      { id: "p-fin", score: expect.closeTo(0.3, 6) },
    ]);
    expect(result.total).toBe(4);
    // The page's whole documents, when asked for, come from one more search by id (the word queries carry only what scoring needs).
    meili.reset();
    meili.multiSearchHits = (query) => byWord[query.q] ?? [];
    meili.searchResponse = { hits: [{ ...posting("p-gansu", 50, "会计 兰州"), title: "会计" }], estimatedTotalHits: 1, query: "", processingTimeMs: 1, limit: 1, offset: 0 };
    const withDocuments = await e.search({ text: "兰州 会计", words: "ANY", filter: {}, offset: 0, limit: 1, countTotal: false, withDocuments: true });
    expect(withDocuments.hits).toEqual([{ id: "p-gansu", score: 1, document: expect.objectContaining({ id: "p-gansu", title: "会计" }) }]);
    const [byId] = meili.to("/indexes/postings/search");
    expect(byId!.body).toMatchObject({ q: "", filter: 'status IN ["OPEN"] AND id IN ["p-gansu"]', limit: 1, attributesToRetrieve: ["*"] });
    for (const query of (meili.to("/multi-search")[0]!.body as { queries: { attributesToRetrieve: string[] }[] }).queries) expect(query.attributesToRetrieve).not.toContain("*");
    // A single word is an ordinary search.
    meili.reset();
    await e.search({ text: "会计", words: "ANY", filter: {}, offset: 0, limit: 3 });
    expect(meili.to("/multi-search")).toEqual([]);
    expect(meili.to("/indexes/postings/search")).toHaveLength(1);
  });

  it("sends newest first when there are no words, and at most 10 words, the most telling", async () => {
    await engine().search({ filter: {}, offset: 0, limit: 5 });
    expect((meili.to("/indexes/postings/search")[0]!.body as Record<string, unknown>).sort).toEqual(["publishedAt:desc", "id:desc"]);
    meili.reset();
    await engine().search({ text: "会计 出纳 审计 税务 财务 统计 银行 保险 证券 基金 软件工程 人力资源管理", filter: {}, offset: 0, limit: 5 });
    const q = String((meili.to("/indexes/postings/search")[0]!.body as Record<string, unknown>).q).split(" ");
    expect(q).toHaveLength(10);
    // 17 tokens: the two four-character ones are kept, then the first two-character ones in order.
    expect(q).toEqual(["会计", "出纳", "审计", "税务", "财务", "统计", "银行", "保险", "软件工程", "资源管理"]);
  });

  it("answers SEARCH_UNAVAILABLE for a refused key, a request it would take once the settings land, and a hung server — never the engine's words", async () => {
    for (const refusal of [
      [403, "invalid_api_key", "auth"],
      [401, "missing_authorization_header", "auth"],
      [400, "invalid_search_sort", "invalid_request"],
      [404, "index_not_found", "invalid_request"],
      [500, "internal", "internal"],
    ] as [number, string, string][]) {
      meili.searchError = refusal;
      const error = await engine()
        .search({ text: "会计", filter: {}, offset: 0, limit: 5 })
        .catch((e: unknown) => e);
      expect(error, refusal[1]).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("SEARCH_UNAVAILABLE");
      expect((error as DomainError).message).not.toContain(refusal[1]);
    }
    meili.searchError = null;
    // A proxy in front of Meilisearch answering with its own page (not JSON), as a search and as a multi-search.
    meili.searchRaw = [502, "<html><body>502 Bad Gateway</body></html>"];
    for (const words of ["ALL", "ANY"] as const) {
      const proxied = await engine({ log: logger })
        .search({ text: "会计 兰州", words, filter: {}, offset: 0, limit: 5 })
        .catch((e: unknown) => e);
      expect((proxied as DomainError).code, words).toBe("SEARCH_UNAVAILABLE");
    }
    // The operator is told in the engine's words.
    expect(told.some((line) => line.includes("Meilisearch search failed"))).toBe(true);
    meili.searchRaw = null;
    meili.hangSearch = true;
    const began = Date.now();
    const hung = await engine({ timeoutMs: 300 })
      .search({ text: "会计", filter: {}, offset: 0, limit: 5 })
      .catch((e: unknown) => e);
    expect((hung as DomainError).code).toBe("SEARCH_UNAVAILABLE");
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it("while Meilisearch's settings lag this code (id not sortable yet), asks newest-first pages again without the id tie-break", async () => {
    meili.searchErrorFor = (body) => ((body.sort as string[] | undefined)?.includes("id:desc") ? [400, "invalid_search_sort", "invalid_request"] : null);
    meili.searchResponse = { hits: [{ id: "p-1", searchText: "会计" }], estimatedTotalHits: 1, query: "", processingTimeMs: 1, limit: 5, offset: 0 };
    const result = await engine().search({ filter: {}, offset: 0, limit: 5 });
    expect(result.hits.map((h) => h.id)).toEqual(["p-1"]);
    expect(meili.to("/indexes/postings/search").map((x) => (x.body as { sort: string[] }).sort)).toEqual([["publishedAt:desc", "id:desc"], ["publishedAt:desc"]]);
    // Any other refusal is still SEARCH_UNAVAILABLE.
    meili.searchErrorFor = () => [400, "invalid_search_sort", "invalid_request"];
    expect(((await engine().search({ filter: {}, offset: 0, limit: 5 }).catch((e: unknown) => e)) as DomainError).code).toBe("SEARCH_UNAVAILABLE");
  });

  it("asks for whole documents only when the ranker wants them, and returns them without Meilisearch's own fields", async () => {
    const [bank, acct] = CONTRACT_DOCUMENTS;
    meili.searchResponse = { hits: [{ ...bank, _rankingScore: 0.9 }, { ...acct, _rankingScore: 0.4 }], estimatedTotalHits: 2, query: "", processingTimeMs: 1, limit: 2, offset: 0 };
    const result = await engine().search({ text: "会计", filter: {}, offset: 0, limit: 2, countTotal: false, withDocuments: true });
    const body = meili.to("/indexes/postings/search")[0]!.body as Record<string, unknown>;
    expect(body.attributesToRetrieve).toEqual(["*"]);
    expect(result.hits.map((h) => h.document)).toEqual([bank, acct]);
    expect(result.hits[1]!.score).toBe(acct!.searchText.split(" ").includes("会计") ? 1 : 0);
  });

  it("answers a search among no postings itself (an empty onlyIds), and sends the others' ids quoted", async () => {
    expect(await engine().search({ filter: { onlyIds: [] }, offset: 0, limit: 10 })).toEqual({ hits: [], total: 0, facets: {} });
    expect(meili.recorded).toEqual([]);
    await engine().search({ filter: { onlyIds: ["p-1", 'x" OR id = "y'] }, offset: 0, limit: 10 });
    const body = meili.to("/indexes/postings/search")[0]!.body as Record<string, unknown>;
    expect(body.filter).toBe('status IN ["OPEN"] AND id IN ["p-1", "x\\" OR id = \\"y"]');
  });

  it("swaps a rebuilt index in atomically — making the live one first when it never was — then drops the old one", async () => {
    meili.indexes = new Set(["postings_rebuild_1"]);
    const live = engine();
    await live.swapWith(live.withIndex("postings_rebuild_1"));
    expect(meili.to("/indexes", "POST").map((r) => r.body)).toEqual([{ uid: "postings", primaryKey: "id" }]);
    const swap = meili.to("/swap-indexes")[0]!;
    expect(swap.method).toBe("POST");
    expect(swap.body).toEqual([{ indexes: ["postings", "postings_rebuild_1"] }]);
    expect(meili.to("/indexes/postings_rebuild_1", "DELETE")).toHaveLength(1);
    // Both existing: no create.
    meili.reset();
    meili.indexes.add("postings_rebuild_2");
    await live.swapWith(live.withIndex("postings_rebuild_2"));
    expect(meili.to("/indexes", "POST")).toEqual([]);
  });

  it("lists every indexed document, page by page", async () => {
    meili.documents = CONTRACT_DOCUMENTS.slice(0, 3) as unknown as Record<string, unknown>[];
    expect(await engine().allIds()).toEqual(CONTRACT_DOCUMENTS.slice(0, 3).map((d) => d.id));
    expect(meili.to(/^\/indexes\/postings\/documents/, "GET")[0]!.path).toMatch(/fields=id/);
    expect(await engine().allDocuments()).toEqual(CONTRACT_DOCUMENTS.slice(0, 3));
  });

  it("makes the API's two keys with the master key: writes scoped to postings*, and search only", async () => {
    const keys = await createScopedKeys(meili.host, "master-key");
    const made = meili.to("/keys", "POST");
    expect(made.map((r) => r.headers.authorization)).toEqual(["Bearer master-key", "Bearer master-key"]);
    expect(made[0]!.body).toMatchObject({ actions: [...WRITER_KEY_ACTIONS], indexes: ["postings*"], expiresAt: null });
    expect((made[0]!.body as { actions: string[] }).actions).not.toContain("*");
    expect(made[1]!.body).toMatchObject({ actions: ["search"], indexes: ["postings"], expiresAt: null });
    expect(keys).toEqual({ apiKey: "key-write", searchKey: "key-search" });
  });
});
