import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { searchSources } from "../../src/modules/search-sources.js";
import { replaceSynonymGroups } from "../../src/modules/synonyms/synonym.service.js";
import { comparePositions, lastChange, logHead } from "../../src/search/change-log.js";
import { MeilisearchEngine } from "../../src/search/meilisearch-engine.js";
import { reindexMeilisearch, SearchIndex } from "../../src/search/search-index.js";
import { updatePostingRow } from "../../src/modules/postings/posting.repository.js";
import { makeEmployer, makePosting, unique } from "../helpers/factories.js";
import { MeiliRecorder, type Recorded } from "../helpers/meili-recorder.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * The Meilisearch relay as a reader of the change log, against the recording endpoint: every
 * request it sends, its task polling after a wait timeout, its batch halving, synonyms through it.
 */
describe("the Meilisearch relay, request by request", () => {
  let t: TestApp;
  const meili = new MeiliRecorder();
  beforeAll(async () => {
    t = await startTestApp();
    await meili.start();
  });
  afterAll(async () => {
    await meili.stop();
    await t.close();
  });
  beforeEach(() => meili.reset());

  const relay = (wait = 2000, readerName = `meilisearch-${unique()}`, owner?: string) =>
    new SearchIndex(new MeilisearchEngine({ host: meili.host, apiKey: "write-key", timeoutMs: 2000 }, "postings", { timeout: wait, interval: 5 }), t.db, searchSources, createLogger("silent"), {
      intervalMs: 0,
      readerName,
      taskPollMs: 5,
      ...(owner ? { owner } : {}),
    });
  const sentIds = (r: Recorded[]) => r.flatMap((x) => (x.body as { id: string }[]).map((d) => d.id));
  const documentWrites = () => meili.to(/^\/indexes\/postings\/documents/, "POST");

  it("a relay that never ran fills the index from PostgreSQL as of the log's head, then sends each change once", async () => {
    const before = await makePosting(t.db);
    const name = `meilisearch-${unique()}`;
    const r = relay(2000, name);
    await r.start();
    const head = await logHead(t.db);
    await r.drain();
    expect(sentIds(documentWrites())).toContain(before.id);
    expect(comparePositions(r.position!, head)).toBeGreaterThanOrEqual(0);
    meili.reset();
    const after = await makePosting(t.db);
    await r.drain();
    expect(sentIds(documentWrites())).toEqual([after.id]);
    // The position is stored: another process taking the relay over starts there.
    const [stored] = await queryRows<{ durable: boolean; txid: string; seq: number }>(t.db, sql`select durable, txid::text as txid, seq from change_log_readers where name = ${name}`);
    expect(stored).toMatchObject({ durable: true, txid: r.position!.txid });
    expect(Number(stored!.seq)).toBe(r.position!.seq);
    await r.stop();
    meili.reset();
    const next = relay(2000, name);
    await next.start();
    await next.drain();
    expect(documentWrites()).toEqual([]); // nothing filled again, nothing sent again
    expect(comparePositions(next.position!, r.position!)).toBeGreaterThanOrEqual(0);
    await next.stop();
  });

  it("refuses to start on a Meilisearch older than 1.16, saying what to do; starts on one it cannot reach yet", async () => {
    meili.version = "1.15.2";
    try {
      await expect(relay().start()).rejects.toThrow(/Meilisearch 1\.15\.2 is too old.*unset MEILISEARCH_URL/);
    } finally {
      meili.version = "1.16.0";
    }
    const unreachable = new SearchIndex(new MeilisearchEngine({ host: "http://127.0.0.1:1", apiKey: "k", timeoutMs: 500 }, "postings"), t.db, searchSources, createLogger("silent"), { intervalMs: 0, readerName: `meilisearch-${unique()}` });
    await expect(unreachable.start()).resolves.toBeNull();
    await unreachable.stop();
  });

  it("polls a task still running after the wait instead of sending its documents again, and moves on once it is done", async () => {
    // The first fill with an ample wait (a fill does not poll on: under load a 40 ms wait could run out
    // on an already-succeeded task); then the relay with the short wait, from the stored position.
    const name = `meilisearch-${unique()}`;
    const filler = relay(2000, name);
    await filler.start();
    await filler.drain();
    await filler.stop();
    const r = relay(40, name);
    await r.start();
    await r.drain();
    meili.reset();
    meili.outcomeOf = (req) => (req.path.startsWith("/indexes/postings/documents") ? { status: "succeeded", processingPolls: 30 } : { status: "succeeded" });
    const at = r.position!;
    const posting = await makePosting(t.db);
    // drain() polls the task until it is done (30 polls answered "processing"), then moves on.
    await r.drain();
    expect(comparePositions(r.position!, at)).toBeGreaterThan(0);
    expect(sentIds(documentWrites())).toEqual([posting.id]); // sent once
    expect(meili.to(/^\/tasks\//).length).toBeGreaterThan(1);
    await r.stop();
  });

  it("isolates the one document Meilisearch rejects by halving the batch: dead-lettered alone, with its error; the rest indexed", async () => {
    const r = relay();
    await r.start();
    await r.drain();
    meili.reset();
    const employer = await makeEmployer(t.db);
    const made: string[] = [];
    for (let i = 0; i < 12; i++) made.push((await makePosting(t.db, { employerId: employer.id })).id);
    const bad = made[7]!;
    meili.outcomeOf = (req) =>
      req.path.startsWith("/indexes/postings/documents") && (req.body as { id: string }[]).some((d) => d.id === bad)
        ? { status: "failed", error: { code: "invalid_document_fields", message: `document ${bad}: a field is too long`, type: "invalid_request" } }
        : { status: "succeeded" };
    const head = await logHead(t.db);
    await r.drain();
    const accepted = documentWrites().filter((w) => !(w.body as { id: string }[]).some((d) => d.id === bad));
    expect(new Set(sentIds(accepted))).toEqual(new Set(made.filter((id) => id !== bad)));
    expect(documentWrites().length).toBeLessThanOrEqual(1 + 2 * 4);
    const letters = await queryRows<{ posting_id: string; error: string }>(t.db, sql`select posting_id, error from search_dead_letters where posting_id = any(${sql.param(made)}::uuid[])`);
    expect(letters).toEqual([{ posting_id: bad, error: expect.stringContaining("invalid_document_fields") }]);
    expect(comparePositions(r.position!, head)).toBeGreaterThanOrEqual(0);
    await r.stop();
  });

  it("applies synonyms set in PostgreSQL through the relay: no engine is waited on in the transaction", async () => {
    const r = relay();
    await r.start();
    await r.drain();
    meili.reset();
    meili.outcomeOf = () => ({ status: "failed", error: { code: "internal", message: "engine down", type: "internal" } });
    // The engine fails, yet the groups are saved: the change waits in the log.
    await replaceSynonymGroups(t.db, "test", [["簿记", "会计"]]);
    expect(meili.recorded).toEqual([]);
    await r.drain();
    expect(meili.to("/indexes/postings/settings", "PATCH")).toHaveLength(1);
    const stuck = r.position!;
    meili.outcomeOf = () => ({ status: "succeeded" });
    (r as unknown as { follower: { retryAt: number } }).follower.retryAt = 0; // the back-off has passed
    await r.drain();
    const patches = meili.to("/indexes/postings/settings", "PATCH");
    expect(patches).toHaveLength(2);
    expect((patches[1]!.body as { synonyms: Record<string, string[]> }).synonyms).toEqual({ 簿记: ["会计"], 会计: ["簿记"] });
    expect(comparePositions(r.position!, stuck)).toBeGreaterThan(0);
    await r.stop();
  });

  it("isolates a rejection that comes only after the wait: the task polled, found failed, its page applied again in halves, each waited for", async () => {
    const r = relay(30);
    await r.start();
    await r.drain();
    meili.reset();
    const employer = await makeEmployer(t.db);
    const made: string[] = [];
    for (let i = 0; i < 8; i++) made.push((await makePosting(t.db, { employerId: employer.id })).id);
    const bad = made[5]!;
    // Every write outlives the 30 ms wait (the client polls every 5 ms); the one holding the bad document fails in the end.
    meili.outcomeOf = (req) =>
      req.path.startsWith("/indexes/postings/documents") && Array.isArray(req.body) && (req.body as { id: string }[]).some((d) => d.id === bad)
        ? { status: "failed", error: { code: "invalid_document_fields", message: `document ${bad}: a field is too long`, type: "invalid_request" }, processingPolls: 40 }
        : { status: "succeeded", processingPolls: 40 };
    const horizon = (await lastChange(t.db))!;
    const follower = () => (r as unknown as { follower: { retryAt: number } }).follower;
    for (let i = 0; i < 200 && comparePositions(r.position!, horizon) < 0; i++) {
      follower().retryAt = 0; // the back-off after the late rejection has passed
      await r.drain();
      await new Promise((done) => setTimeout(done, 10));
    }
    expect(comparePositions(r.position!, horizon)).toBeGreaterThanOrEqual(0);
    const letters = await queryRows<{ posting_id: string; error: string }>(t.db, sql`select posting_id, error from search_dead_letters where posting_id = any(${sql.param(made)}::uuid[])`);
    expect(letters).toEqual([{ posting_id: bad, error: expect.stringContaining("invalid_document_fields") }]);
    // Every good document was written in a write that did not fail (none lost with a later half).
    const accepted = documentWrites().filter((w) => Array.isArray(w.body) && !(w.body as { id: string }[]).some((d) => d.id === bad));
    expect(new Set(sentIds(accepted))).toEqual(new Set(made.filter((id) => id !== bad)));
    // Each write's task was polled past the wait (its documents not sent again while it ran).
    expect(meili.to(/^\/tasks\//).length).toBeGreaterThan(40 * documentWrites().length);
    await r.stop();
  });

  it("a first fill removes what the index holds that PostgreSQL does not list (an index left by an older relay)", async () => {
    const listed = await makePosting(t.db);
    const blocked = await makePosting(t.db);
    await t.db.execute(sql`update postings set status = 'BLOCKED', blocked_reason = '虚假招聘' where id = ${blocked.id}`);
    meili.documents = [{ id: listed.id }, { id: blocked.id }];
    const r = relay();
    await r.start();
    await r.drain();
    const deletions = meili.to("/indexes/postings/documents/delete-batch", "POST").flatMap((d) => d.body as string[]);
    expect(deletions).toContain(blocked.id);
    expect(deletions).not.toContain(listed.id);
    await r.stop();
    meili.documents = [];
  });

  it("only the relay's holder writes to Meilisearch — settings included — and every process scores with the synonyms it applied", async () => {
    const name = `meilisearch-${unique()}`;
    await replaceSynonymGroups(t.db, "test", []);
    const holder = relay(2000, name, "holder");
    await holder.start();
    await holder.drain();
    meili.reset();
    const other = relay(2000, name, "other");
    await other.start();
    await other.drain();
    const writes = () => meili.recorded.filter((x) => x.method !== "GET" && !x.path.endsWith("/search"));
    expect(writes()).toEqual([]);
    meili.searchResponse = { hits: [{ id: "p-1", searchText: "会计 记账" }], estimatedTotalHits: 1, query: "", processingTimeMs: 1, limit: 20, offset: 0 };
    const score = async () => (await other.engine.search({ text: "簿记", filter: {}, offset: 0, limit: 5 })).hits[0]!.score;
    expect(await score()).toBe(0);
    await replaceSynonymGroups(t.db, "test", [["簿记", "会计"]]);
    await other.drain();
    expect(writes()).toEqual([]);
    await holder.drain();
    expect(meili.to("/indexes/postings/settings", "PATCH")).toHaveLength(1);
    await other.drain();
    expect(await score()).toBeCloseTo(0.6, 6);
    expect(writes().filter((x) => x.path.endsWith("/settings"))).toHaveLength(1);
    await replaceSynonymGroups(t.db, "test", []);
    await holder.drain();
    await other.stop();
    await holder.stop();
  });

  it("reindexes Meilisearch beside the live index and swaps it in; what changed during the rebuild reaches the new index through the relay, not beside it", async () => {
    const r = relay();
    await r.start();
    await r.drain();
    const employer = await makeEmployer(t.db);
    const edited = await makePosting(t.db, { employerId: employer.id, title: `焊工 ${unique()}` });
    await r.drain();
    meili.reset();
    const engine = new MeilisearchEngine({ host: meili.host, apiKey: "write-key", timeoutMs: 2000 }, "postings", { timeout: 2000, interval: 5 });
    let editedDuring = false;
    const n = await reindexMeilisearch(t.db, engine, searchSources, async () => {
      if (editedDuring) return;
      editedDuring = true;
      await t.db.transaction((tx) => updatePostingRow(tx, edited.id, { title: "电工" }));
    });
    expect(n).toBeGreaterThan(0);
    const rebuilt = meili.to("/indexes", "POST").map((x) => (x.body as { uid: string }).uid);
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]).toMatch(/^postings_rebuild_\d+$/);
    // The rebuild writes only the new index; the swap, then the old one dropped.
    expect(meili.recorded.filter((x) => x.method === "POST" && x.path.startsWith("/indexes/postings/"))).toEqual([]);
    expect(meili.to("/swap-indexes", "POST")[0]!.body).toEqual([{ indexes: ["postings", rebuilt[0]] }]);
    expect(meili.to(`/indexes/${rebuilt[0]}`, "DELETE")).toHaveLength(1);
    // The edit made during the rebuild is sent to the live index by the relay, as it is now.
    await r.drain();
    const sent = documentWrites().flatMap((x) => x.body as { id: string; title: string }[]);
    expect(sent.filter((d) => d.id === edited.id).map((d) => d.title)).toEqual(["电工"]);
    await r.stop();
  });
});
