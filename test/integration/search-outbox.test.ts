import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { postingDocument, postingDocumentSource } from "../../src/modules/postings/posting-documents.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import { relayOutboxBatch } from "../../src/search/outbox.js";
import { indexAllPostings, reconcileIndex } from "../../src/search/search-index.js";
import type { SearchEngine } from "../../src/search/search-port.js";
import { days, makeEmployer, makePosting } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

async function pending(t: TestApp) {
  const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from search_outbox where done_at is null and dead_at is null`);
  return Number(row!.n);
}

async function drain(t: TestApp, engine: SearchEngine) {
  while ((await relayOutboxBatch(t.db, engine, postingDocumentSource)).claimed > 0);
}

describe("the search outbox", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("enqueues every posting write in its transaction, and the relay brings the index in line", async () => {
    const engine = new EmbeddedSearchEngine();
    await drain(t, engine);
    const employer = await makeEmployer(t.db, { name: "茶业有限公司" });
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const created = await t.gql<{ createPosting: { id: string } }>(
      `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
      { i: { title: "茶叶加工技术员", skills: ["制茶"], regionCode: "350781", validUntil: days(20).toISOString() } },
      { token },
    );
    const id = created.data!.createPosting.id;
    expect(await pending(t)).toBe(1);
    // A draft is not public: the relay keeps it out of the index.
    await drain(t, engine);
    expect(await engine.allIds()).not.toContain(id);

    await t.gql(`mutation($id: ID!) { publishPosting(id: $id) { id } }`, { id }, { token });
    await drain(t, engine);
    const hits = await engine.search({ text: "制茶", filter: { validAt: Math.floor(Date.now() / 1000) }, offset: 0, limit: 10 });
    expect(hits.hits.map((h) => h.id)).toEqual([id]);

    await t.gql(`mutation($id: ID!) { closePosting(id: $id) { id } }`, { id }, { token });
    await drain(t, engine);
    expect((await engine.search({ text: "制茶", filter: {}, offset: 0, limit: 10 })).hits).toEqual([]);
    expect((await engine.search({ text: "制茶", filter: { statuses: ["CLOSED"] }, offset: 0, limit: 10 })).hits.map((h) => h.id)).toEqual([id]);
    expect(await pending(t)).toBe(0);
  });

  it("writes nothing to the outbox when the write itself is refused", async () => {
    const before = await pending(t);
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const refused = await t.gql(`mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`, { i: { title: "x", regionCode: "359999", validUntil: days(5).toISOString() } }, { token });
    expect(refused.errors).toBeDefined();
    expect(await pending(t)).toBe(before);
  });

  it("backs off when the engine fails, dead-letters after the last try, and catches up after recovery", async () => {
    const good = new EmbeddedSearchEngine();
    await drain(t, good);
    const posting = await makePosting(t.db, { title: "养老护理员" });
    let failures = 0;
    const broken: SearchEngine = { ...good, name: "embedded", applySettings: async () => undefined, search: (q) => good.search(q), allIds: () => good.allIds(), remove: async () => undefined, upsert: async () => { failures++; throw new Error("engine unreachable"); } };
    const first = await relayOutboxBatch(t.db, broken, postingDocumentSource, { maxAttempts: 2 });
    expect(first).toMatchObject({ claimed: 1, failed: 1 });
    const [row] = await queryRows<{ attempts: number; last_error: string; later: boolean }>(t.db, sql`select attempts, last_error, next_attempt_at > now() as later from search_outbox where posting_id = ${posting.id}`);
    expect(row).toMatchObject({ attempts: 1, last_error: "engine unreachable", later: true });
    // Not due yet: nothing is claimed.
    expect((await relayOutboxBatch(t.db, broken, postingDocumentSource)).claimed).toBe(0);
    await t.db.execute(sql`update search_outbox set next_attempt_at = now() where posting_id = ${posting.id}`);
    expect(await relayOutboxBatch(t.db, broken, postingDocumentSource, { maxAttempts: 2 })).toMatchObject({ failed: 1 });
    const [dead] = await queryRows<{ dead: boolean }>(t.db, sql`select dead_at is not null as dead from search_outbox where posting_id = ${posting.id}`);
    expect(dead!.dead).toBe(true);
    expect(failures).toBe(2);
    // A later write enqueues again, and a working engine catches up.
    await t.gql(`mutation($id: ID!) { closePosting(id: $id) { id } }`, { id: posting.id }, { token: await t.token({ sub: "a", role: Role.ADMIN }) });
    await drain(t, good);
    expect(await good.allIds()).toContain(posting.id);
  });

  it("reconciles the index with PostgreSQL: ids missing from it and ids it should not hold", async () => {
    const engine = new EmbeddedSearchEngine();
    await indexAllPostings(t.db, engine, postingDocumentSource);
    expect(await reconcileIndex(t.db, engine, postingDocumentSource)).toEqual({ missing: [], extra: [] });
    const posting = await makePosting(t.db);
    await engine.upsert([{ ...postingDocument(posting, { name: "x", verified: true, isPovertyWorkshop: false }), id: "ghost" }]);
    const diff = await reconcileIndex(t.db, engine, postingDocumentSource);
    expect(diff.missing).toEqual([posting.id]);
    expect(diff.extra).toEqual(["ghost"]);
  });

  it("never hands the same rows to two relays at once", async () => {
    const engine = new EmbeddedSearchEngine();
    await drain(t, engine);
    const employer = await makeEmployer(t.db);
    for (let i = 0; i < 30; i++) await makePosting(t.db, { employerId: employer.id });
    const seen: string[] = [];
    const counting: SearchEngine = { ...engine, name: "embedded", applySettings: async () => undefined, search: (q) => engine.search(q), allIds: () => engine.allIds(), remove: (ids) => engine.remove(ids), upsert: async (docs) => { seen.push(...docs.map((d) => d.id)); await engine.upsert(docs); } };
    const results = await Promise.all([relayOutboxBatch(t.db, counting, postingDocumentSource, { batchSize: 20 }), relayOutboxBatch(t.db, counting, postingDocumentSource, { batchSize: 20 }), relayOutboxBatch(t.db, counting, postingDocumentSource, { batchSize: 20 })]);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(30);
    expect(new Set(seen).size).toBe(seen.length);
    expect(await pending(t)).toBe(0);
  });
});
