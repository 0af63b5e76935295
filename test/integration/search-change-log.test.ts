import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { postingDocument, postingDocumentSource } from "../../src/modules/postings/posting-documents.js";
import { updatePostingRow } from "../../src/modules/postings/posting.repository.js";
import { searchSources } from "../../src/modules/search-sources.js";
import { ChangeFollower, ChangeRejected, LeaseLost, MemoryPosition, StoredPosition } from "../../src/search/change-follower.js";
import { comparePositions, lastChange, logHead, LOG_START, readChanges, type LogPosition } from "../../src/search/change-log.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import { SwappableEngine } from "../../src/search/swappable-engine.js";
import { applyChanges, indexAllPostings, reconcileIndex, replayChanges } from "../../src/search/search-index.js";
import type { PostingDocument, SearchEngine } from "../../src/search/search-port.js";
import { days, makeEmployer, makePosting, unique } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/** A follower of the log into `engine`, from where the log is now (or from `from`). */
async function follower(t: TestApp, engine: SearchEngine, opts: { from?: LogPosition; deadLetterAs?: string } = {}) {
  const f = new ChangeFollower(t.db, (changes) => applyChanges(t.db, engine, searchSources, changes), new MemoryPosition(), {
    backoffMs: () => 0,
    ...(opts.deadLetterAs ? { deadLetterAs: opts.deadLetterAs } : {}),
  });
  await f.placeAt(opts.from ?? (await logHead(t.db)));
  return f;
}

async function logged(t: TestApp): Promise<number> {
  const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from posting_changes`);
  return row!.n;
}

const search = (engine: SearchEngine, text: string, statuses = ["OPEN"]) => engine.search({ text, filter: { statuses }, offset: 0, limit: 10 }).then((r) => r.hits.map((h) => h.id));

describe("the posting change log", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("logs every posting write in its transaction, and a follower brings its index in line", async () => {
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings(await searchSources.settings(t.db));
    const f = await follower(t, engine);
    const employer = await makeEmployer(t.db, { name: "茶业有限公司" });
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const before = await logged(t);
    const created = await t.gql<{ createPosting: { id: string } }>(
      `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
      { i: { title: "茶叶加工技术员", skills: ["制茶"], regionCode: "350781", validUntil: days(20).toISOString() } },
      { token },
    );
    const id = created.data!.createPosting.id;
    expect(await logged(t)).toBe(before + 1);
    // A draft is not public: the follower keeps it out of the index.
    expect((await f.catchUp()).applied).toBe(1);
    expect(await engine.allIds()).not.toContain(id);

    await t.gql(`mutation($id: ID!) { publishPosting(id: $id) { id } }`, { id }, { token });
    await f.catchUp();
    expect(await search(engine, "制茶")).toEqual([id]);

    await t.gql(`mutation($id: ID!) { closePosting(id: $id) { id } }`, { id }, { token });
    await f.catchUp();
    expect(await search(engine, "制茶")).toEqual([]);
    expect(await search(engine, "制茶", ["CLOSED"])).toEqual([id]);
    // Caught up: nothing is read again.
    expect((await f.catchUp()).applied).toBe(0);
  });

  it("a durable reader frozen past its lease, whose place another holder moved meanwhile, has lost it when it wakes", async () => {
    const name = `lease-${unique()}`;
    const frozen = new StoredPosition(t.db, name, true, "process-a", 50);
    expect(await frozen.acquire()).toEqual({ position: null });
    await new Promise((r) => setTimeout(r, 80)); // A's lease lapses (A is "frozen")
    const other = new StoredPosition(t.db, name, true, "process-b", 60_000);
    expect(await other.acquire()).not.toBeNull();
    expect(await other.save({ txid: "7", seq: 3 })).toBe(true);
    await other.release();
    // A wakes: it may take the row again, but its reads from before are stale — the lease counts as lost.
    expect(await frozen.ensureLease(10)).toBe(false);
    // Whereas a lapse that nobody used is simply renewed.
    const alone = new StoredPosition(t.db, `lease-${unique()}`, true, "process-c", 50);
    await alone.acquire();
    await new Promise((r) => setTimeout(r, 80));
    expect(await alone.ensureLease(10)).toBe(true);
    // These readers are not real: left in place, they would hold pruning back for the tests after.
    await t.db.execute(sql`delete from change_log_readers where name like 'lease-%'`);
  });

  it("logs nothing when the write itself is refused", async () => {
    const before = await logged(t);
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const refused = await t.gql(`mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`, { i: { title: "x", regionCode: "359999", validUntil: days(5).toISOString() } }, { token });
    expect(refused.errors).toBeDefined();
    expect(await logged(t)).toBe(before);
  });

  it("keeps its place while the engine fails, and applies everything once it answers", async () => {
    const good = new EmbeddedSearchEngine();
    let failing = true;
    let tries = 0;
    const flaky: SearchEngine = {
      name: "embedded",
      applySettings: (s) => good.applySettings(s),
      search: (q) => good.search(q),
      allIds: () => good.allIds(),
      allDocuments: () => good.allDocuments(),
      remove: (ids) => good.remove(ids),
      upsert: async (docs) => {
        tries++;
        if (failing) throw new Error("engine unreachable");
        await good.upsert(docs);
      },
    };
    const f = new ChangeFollower(t.db, (changes) => applyChanges(t.db, flaky, searchSources, changes), new MemoryPosition(), { backoffMs: (n) => (n === 1 ? 60_000 : 0) });
    await f.placeAt(await logHead(t.db));
    const marker = `护理${unique()}`;
    const posting = await makePosting(t.db, { title: `养老护理员 ${marker}` });
    const at = f.position!;
    const first = await f.catchUp();
    expect(first).toMatchObject({ failed: true, applied: 0 });
    expect(first.retryInMs).toBeGreaterThan(50_000);
    expect(f.position).toEqual(at);
    // Within the back-off nothing is tried.
    expect((await f.catchUp()).failed).toBe(true);
    expect(tries).toBe(1);
    failing = false;
    (f as unknown as { retryAt: number }).retryAt = 0; // the back-off has passed
    expect(await f.catchUp()).toMatchObject({ failed: false, applied: 1 });
    expect(comparePositions(f.position!, at)).toBeGreaterThan(0);
    expect(await search(good, marker)).toEqual([posting.id]);
  });

  it("isolates a change the engine rejects by halving the batch, sets it aside alone, and applies the rest", async () => {
    const engine = new EmbeddedSearchEngine();
    const f = await follower(t, engine, { deadLetterAs: "test-reader" });
    const employer = await makeEmployer(t.db);
    const marker = `拒收${unique()}`;
    const made: string[] = [];
    for (let i = 0; i < 9; i++) made.push((await makePosting(t.db, { employerId: employer.id, title: `仓管员 ${marker}` })).id);
    const bad = made[5]!;
    let calls = 0;
    const picky: SearchEngine = {
      ...engine,
      name: "meilisearch",
      applySettings: (s) => engine.applySettings(s),
      search: (q) => engine.search(q),
      allIds: () => engine.allIds(),
      allDocuments: () => engine.allDocuments(),
      remove: (ids) => engine.remove(ids),
      upsert: async (docs: PostingDocument[]) => {
        calls++;
        if (docs.some((d) => d.id === bad)) throw new ChangeRejected(`document ${bad}: invalid_document_fields`);
        await engine.upsert(docs);
      },
    };
    const g = new ChangeFollower(t.db, (changes) => applyChanges(t.db, picky, searchSources, changes), new MemoryPosition(), { deadLetterAs: "test-reader", backoffMs: () => 0 });
    await g.placeAt(f.position!);
    expect(await g.catchUp()).toMatchObject({ failed: false, applied: 9 });
    expect(calls).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(9)) + 1);
    expect((await search(engine, marker)).sort()).toEqual(made.filter((id) => id !== bad).sort());
    const letters = await queryRows<{ posting_id: string; error: string }>(t.db, sql`select posting_id, error from search_dead_letters where reader = 'test-reader'`);
    expect(letters).toEqual([{ posting_id: bad, error: expect.stringContaining("invalid_document_fields") }]);
    // An engine that is away is not a rejection: nothing is set aside, the place is kept.
    const away: SearchEngine = { ...picky, upsert: async () => { throw new Error("connect ECONNREFUSED"); } };
    const h = new ChangeFollower(t.db, (changes) => applyChanges(t.db, away, searchSources, changes), new MemoryPosition(), { deadLetterAs: "test-reader", backoffMs: () => 0 });
    await h.placeAt(f.position!);
    expect((await h.catchUp()).failed).toBe(true);
    expect(h.position).toEqual(f.position);
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from search_dead_letters where reader = 'test-reader'`))[0]!.n).toBe(1);
  });

  it("a reader's position is held under a lease: one process at a time, the lease lost on expiry", async () => {
    const name = `reader-${unique()}`;
    const a = new StoredPosition(t.db, name, true, "process-a", 60_000);
    const b = new StoredPosition(t.db, name, true, "process-b", 60_000);
    expect(await a.acquire()).toEqual({ position: null });
    expect(await b.acquire()).toBeNull();
    expect(await a.save({ txid: "12345", seq: 7 })).toBe(true);
    expect(await a.acquire()).toEqual({ position: { txid: "12345", seq: 7 } });
    await t.db.execute(sql`update change_log_readers set lease_until = now() - interval '1 second' where name = ${name}`);
    expect(await b.acquire()).toEqual({ position: { txid: "12345", seq: 7 } });
    expect(await a.save({ txid: "12346", seq: 1 })).toBe(false);
    await b.release();
    expect(await a.acquire()).toEqual({ position: { txid: "12345", seq: 7 } });
  });

  it("checks a durable reader's lease before every engine call: once another process has it, the next write is not made, and placing is refused", async () => {
    const name = `lease-guard-${unique()}`;
    const a = new StoredPosition(t.db, name, true, "process-a", 60_000);
    const b = new StoredPosition(t.db, name, true, "process-b", 60_000);
    const calls: string[] = [];
    // minLeaseMs above the lease: the lease is looked at again before every call.
    const f = new ChangeFollower(
      t.db,
      async (_changes, guard) => {
        await guard();
        calls.push("settings");
        // Meanwhile the lease lapses and another process takes the reader.
        await t.db.execute(sql`update change_log_readers set lease_until = now() - interval '1 second' where name = ${name}`);
        expect(await b.acquire()).not.toBeNull();
        await guard();
        calls.push("documents");
      },
      a,
      { minLeaseMs: 120_000 },
    );
    expect(await a.acquire()).not.toBeNull();
    await f.placeAt(await logHead(t.db));
    await makePosting(t.db);
    const written = (await lastChange(t.db))!;
    let outcome: unknown;
    // Until the write is read (a transaction of another database may hold the cluster's watermark a while).
    for (const deadline = Date.now() + 20_000; calls.length === 0 && comparePositions(f.position!, written) < 0 && Date.now() < deadline; ) {
      outcome = await f.catchUp().then(
        () => "ran",
        (e: unknown) => e,
      );
      if (calls.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(calls).toEqual(["settings"]);
    expect(outcome).toBeInstanceOf(LeaseLost);
    await expect(f.placeAt(await logHead(t.db))).rejects.toBeInstanceOf(LeaseLost);
    // A durable reader holds pruning back: this one goes.
    await t.db.execute(sql`delete from change_log_readers where name = ${name}`);
  });

  it("reconciles the index with PostgreSQL by content — missing, extra and stale — and repairs it", async () => {
    const engine = new EmbeddedSearchEngine();
    await indexAllPostings(t.db, engine, postingDocumentSource);
    expect(await reconcileIndex(t.db, engine, postingDocumentSource)).toEqual({ missing: [], extra: [], stale: [] });
    const posting = await makePosting(t.db);
    await engine.upsert([{ ...postingDocument(posting, { name: "x", verified: true, isPovertyWorkshop: false }), id: "ghost" }]);
    // An edit the index never got: the same id, other content.
    const edited = await makePosting(t.db, { title: "旧标题" });
    const [doc] = [...(await postingDocumentSource.documentsFor(t.db, [edited.id])).values()];
    await engine.upsert([doc!]);
    await t.db.execute(sql`update postings set title = '新标题' where id = ${edited.id}`);
    // A posting blocked while the index was not told: still in it.
    const closed = await makePosting(t.db);
    await engine.upsert([...(await postingDocumentSource.documentsFor(t.db, [closed.id])).values()].filter((d) => d !== null));
    await t.db.execute(sql`update postings set status = 'BLOCKED', blocked_reason = '虚假招聘' where id = ${closed.id}`);
    const diff = await reconcileIndex(t.db, engine, postingDocumentSource);
    expect(diff).toEqual({ missing: [posting.id], extra: expect.arrayContaining(["ghost", closed.id]), stale: [edited.id] });
    expect(diff.extra).toHaveLength(2);
    const from = await logHead(t.db);
    const repaired = await reconcileIndex(t.db, engine, postingDocumentSource, { repair: true });
    // Three postings logged for the relay; the id that can be no posting's removed at once.
    expect(repaired.repaired).toEqual({ logged: 3, removed: 1 });
    expect((await reconcileIndex(t.db, engine, postingDocumentSource)).extra).toEqual([closed.id]);
    // The relay (here: the log replayed into the engine) brings each in line.
    await replayChanges(t.db, engine, searchSources, from, (await lastChange(t.db))!);
    expect(await reconcileIndex(t.db, engine, postingDocumentSource)).toEqual({ missing: [], extra: [], stale: [] });
    expect(await search(engine, "新标题")).toEqual([edited.id]);
  });

  it("reindexes the embedded index beside the live one while it serves: postings edited during the rebuild are found after the swap", async () => {
    const employer = await makeEmployer(t.db);
    const admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const marker = `重建${unique()}`;
    const a = await makePosting(t.db, { employerId: employer.id, title: `焊工 ${marker}` });
    const b = await makePosting(t.db, { employerId: employer.id, title: `钳工 ${marker}` });
    await t.app.search.drain();
    const found = async (q: string) => (await t.gql<{ searchPostings: { edges: { node: { id: string } }[] } }>(`query($q: String) { searchPostings(query: $q) { edges { node { id } } } }`, { q })).data!.searchPostings.edges.map((e) => e.node.id).sort();
    const served = (t.app.search.engine as SwappableEngine).inner;
    let c = "";
    let duringRebuild: string[] = [];
    await t.app.search.reindex(async () => {
      if (c) return;
      // Every posting has been read into the new index: now one is edited, one closed, one made.
      await t.db.transaction((tx) => updatePostingRow(tx, a.id, { title: `电工 ${marker}` }));
      expect((await t.gql(`mutation($id: ID!) { closePosting(id: $id) { id } }`, { id: b.id }, { token: admin })).errors).toBeUndefined();
      c = (await makePosting(t.db, { employerId: employer.id, title: `瓦工 ${marker}` })).id;
      // The live index still serves meanwhile, as it was (a's old title still finds it there).
      duringRebuild = await found("焊工");
    });
    expect(duringRebuild).toContain(a.id);
    expect((t.app.search.engine as SwappableEngine).inner).not.toBe(served);
    expect(await found(marker)).toEqual([a.id, c].sort());
    expect(await found("电工")).toContain(a.id);
    expect(await found("焊工")).not.toContain(a.id);
    expect(await reconcileIndex(t.db, t.app.search.engine, postingDocumentSource)).toEqual({ missing: [], extra: [], stale: [] });
    // The follower goes on from where it was.
    await t.app.search.drain();
    expect(await found(marker)).toEqual([a.id, c].sort());
  });

  it("reads from the start of the log when asked, in (transaction, sequence) order", async () => {
    const page = await readChanges(t.db, LOG_START, 1000);
    expect(page.changes.length).toBeGreaterThan(0);
    for (let i = 1; i < page.changes.length; i++) {
      const [a, b] = [page.changes[i - 1]!, page.changes[i]!];
      expect(comparePositions({ txid: a.txid, seq: a.seq }, { txid: b.txid, seq: b.seq })).toBeLessThan(0);
    }
  });

  // PGlite has one connection: transactions there never overlap. On PostgreSQL they do.
  it.runIf(Boolean(process.env.DATABASE_URL))("never skips a change whose transaction commits after a later one was read (PostgreSQL)", async () => {
    const engine = new EmbeddedSearchEngine();
    const f = await follower(t, engine);
    const employer = await makeEmployer(t.db);
    const marker = `迟交${unique()}`;
    const early = await makePosting(t.db, { employerId: employer.id, title: `出纳 ${marker}`, status: "DRAFT" });
    const late = await makePosting(t.db, { employerId: employer.id, title: `会计 ${marker}`, status: "DRAFT" });
    await f.catchUp();
    const slow = new pg.Client({ connectionString: (t.config.database as { url: string }).url });
    await slow.connect();
    try {
      // The slow transaction logs its change first (the lower seq) and commits last.
      await slow.query("begin");
      await slow.query("update postings set status = 'OPEN' where id = $1", [early.id]);
      await slow.query("insert into posting_changes (kind, posting_id) values ('POSTING', $1)", [early.id]);
      await t.db.transaction(async (tx) => {
        await updatePostingRow(tx, late.id, { status: "OPEN" });
      });
      const held = await f.catchUp();
      // The committed change waits behind the slow transaction: neither is read yet.
      expect(held.pendingBeyond).toBe(true);
      expect(await search(engine, marker)).toEqual([]);
      await slow.query("commit");
    } finally {
      await slow.end();
    }
    await f.catchUp();
    expect((await search(engine, marker)).sort()).toEqual([early.id, late.id].sort());
  });

  it("prunes only what is older than the retention and every reader has passed; the retention is policy data", async () => {
    await t.db.execute(sql`delete from change_log_readers where name like 'reader-%'`); // the lease test's
    await t.app.search.drain(); // this process's own index, at the head
    for (let i = 0; i < 6; i++) await makePosting(t.db);
    await t.app.search.drain();
    await t.db.execute(sql`update posting_changes set at = now() - interval '40 days'`);
    const all = (await readChanges(t.db, LOG_START, 100_000)).changes;
    const middle = all[all.length - 3]!;
    // A durable reader (a Meilisearch relay) three changes from the end holds those three back.
    await t.db.execute(sql`insert into change_log_readers (name, durable, txid, seq) values ('slow-relay', true, ${middle.txid}::xid8, ${middle.seq})`);
    // A process gone without a goodbye (its lease lapsed) holds nothing back.
    await t.db.execute(sql`insert into change_log_readers (name, durable, txid, seq, lease_owner, lease_until) values ('embedded:gone', false, '1'::xid8, 0, 'gone', now() - interval '1 minute')`);
    const { pruneChangeLog } = await import("../../src/search/change-log.js");
    expect(await pruneChangeLog(t.db, 30, 2)).toBe(all.length - 2);
    expect((await readChanges(t.db, LOG_START, 1000)).changes.map((c) => c.seq)).toEqual(all.slice(-2).map((c) => c.seq));
    // Younger than the retention: kept, whoever has passed it.
    await t.db.execute(sql`update change_log_readers set txid = pg_snapshot_xmin(pg_current_snapshot()), seq = 0 where name = 'slow-relay'`);
    await t.db.execute(sql`update posting_changes set at = now() - interval '5 days'`);
    expect(await pruneChangeLog(t.db, 30)).toBe(0);
    const admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const POLICY = `query { changeLogPolicy { version retentionDays } }`;
    const SET = `mutation($d: Int!) { setChangeLogPolicy(retentionDays: $d) { version retentionDays } }`;
    expect((await t.gql(POLICY, {}, { token: admin })).data).toEqual({ changeLogPolicy: { version: 1, retentionDays: 30 } });
    // Never under 30 days: the partner change feed promises that much history.
    for (const d of [0, 3, 29, 3651]) {
      const refused = await t.gql(SET, { d }, { token: admin });
      expect(refused.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "retentionDays" });
    }
    const caseworker = await t.token({ sub: "cw", role: Role.CASEWORKER, regionCode: "35" });
    expect((await t.gql(SET, { d: 45 }, { token: caseworker })).errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect((await t.gql(POLICY, {}, { token: admin })).data).toEqual({ changeLogPolicy: { version: 1, retentionDays: 30 } });
    expect((await t.gql(SET, { d: 45 }, { token: admin })).data).toEqual({ setChangeLogPolicy: { version: 2, retentionDays: 45 } });
    // Kept under 45 days; dropped past them.
    await t.db.execute(sql`update posting_changes set at = now() - interval '40 days'`);
    const { pruneChangeLogByPolicy: pruneNow } = await import("../../src/modules/change-log/change-log-policy.service.js");
    expect(await pruneNow(t.db)).toBe(0);
    await t.db.execute(sql`update posting_changes set at = now() - interval '50 days'`);
    // A lease lapsed over a day ago: the row itself goes too.
    await t.db.execute(sql`update change_log_readers set lease_until = now() - interval '2 days' where name = 'embedded:gone'`);
    const { pruneChangeLogByPolicy } = await import("../../src/modules/change-log/change-log-policy.service.js");
    expect(await pruneChangeLogByPolicy(t.db)).toBe(2);
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from change_log_readers where name = 'embedded:gone'`))[0]!.n).toBe(0);
  });
});
