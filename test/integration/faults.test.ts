import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readdirSync } from "node:fs";
import { sql } from "drizzle-orm";
import pg from "pg";
import { createLogger } from "../../src/logger.js";
import { CampaignRunner } from "../../src/modules/referrals/campaign-run.worker.js";
import { afterAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { postingDocumentSource } from "../../src/modules/postings/posting-documents.js";
import { reconcileIndex } from "../../src/search/search-index.js";
import { comparePositions, lastChange, LOG_START, readChanges } from "../../src/search/change-log.js";
import { days, FUZHOU_GULOU, makeEmployer, makeInstitution, makePerson, makePosting, unique, openCampaignWindow } from "../helpers/factories.js";
import { SwitchableEngine } from "../helpers/faulty-engine.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});

describe("faults", () => {
  it("keeps posting writes going while the search engine is unreachable, answers searches SEARCH_UNAVAILABLE, and catches up after", async () => {
    const engine = new SwitchableEngine();
    const t = await startTestApp({}, { searchEngine: engine });
    opened.push(t);
    const employer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    const token = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: employer.id });
    const caseworker = await t.token({ sub: "cw", role: Role.CASEWORKER, regionCode: "3501" });
    const marker = `断线词${unique()}`;
    const before = (await makePosting(t.db, { employerId: employer.id, title: `会计 ${marker}`, validUntil: days(30) })).id;
    await t.app.search.drain();
    const SEARCH = `query($q: String) { searchPostings(query: $q) { edges { node { id } } } }`;
    expect((await t.gql<{ searchPostings: { edges: { node: { id: string } }[] } }>(SEARCH, { q: marker })).data!.searchPostings.edges.map((e) => e.node.id)).toEqual([before]);

    engine.down = true;
    const created = await t.gql<{ createPosting: { id: string } }>(
      `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
      { i: { title: `出纳 ${marker}`, description: "现金管理", minEducation: "ASSOCIATE", regionCode: FUZHOU_GULOU, headcount: 1, kind: "REGULAR", validUntil: days(30).toISOString() } },
      { token },
    );
    expect(created.errors).toBeUndefined();
    const after = created.data!.createPosting.id;
    expect((await t.gql(`mutation($id: ID!) { publishPosting(id: $id) { status } }`, { id: after }, { token })).errors).toBeUndefined();
    expect((await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: before }, { token })).errors).toBeUndefined();
    const held = t.app.search.position!;
    await t.app.search.drain(); // the follower fails and backs off; the changes wait in the log
    expect(t.app.search.position).toEqual(held);
    expect((await readChanges(t.db, held, 100)).changes.length).toBeGreaterThan(0);
    const refused = await t.gql(SEARCH, { q: marker });
    expect(codeOf(refused)).toBe("SEARCH_UNAVAILABLE");
    const person = (await makePerson(t, { institutionId: null })).id;
    expect(codeOf(await t.gql(`query($p: ID!) { person(id: $p) { matches { items { posting { id } } } } }`, { p: person }, { token: caseworker }))).toBe("SEARCH_UNAVAILABLE");

    engine.down = false;
    // The changes are tried again after the back-off (1 s for a first failure).
    const head = (await lastChange(t.db))!;
    const deadline = Date.now() + 10_000;
    for (;;) {
      await t.app.search.drain();
      if (comparePositions(t.app.search.position!, head) >= 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await reconcileIndex(t.db, engine, postingDocumentSource)).toEqual({ missing: [], extra: [], stale: [] });
    expect((await t.gql<{ searchPostings: { edges: { node: { id: string } }[] } }>(SEARCH, { q: marker })).data!.searchPostings.edges.map((e) => e.node.id)).toEqual([after]);
  });

  it("starts with Meilisearch unreachable (the real client): writes go on, searches answer SEARCH_UNAVAILABLE", async () => {
    const t = await startTestApp({ MEILISEARCH_URL: "http://127.0.0.1:1" });
    opened.push(t);
    const employer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    const token = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: employer.id });
    const created = await t.gql(
      `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
      { i: { title: "出纳", description: "现金管理", minEducation: "ASSOCIATE", regionCode: FUZHOU_GULOU, headcount: 1, kind: "REGULAR", validUntil: days(30).toISOString() } },
      { token },
    );
    expect(created.errors).toBeUndefined();
    expect(codeOf(await t.gql(`{ searchPostings(query: "出纳") { totalCount } }`))).toBe("SEARCH_UNAVAILABLE");
    // The change waits in the log for the relay, which has not placed itself yet (Meilisearch never answered):
    // its stored position, if it has a row at all, is still the log's start — nothing was marked done.
    expect(await t.app.search.drain().then(() => "drained", (e: Error) => e.message)).not.toBe("drained");
    expect((await readChanges(t.db, LOG_START, 10_000)).changes.map((c) => c.postingId)).toContain((created.data as { createPosting: { id: string } }).createPosting.id);
    const relay = await queryRows<{ txid: string; seq: number }>(t.db, sql`select txid::text as txid, seq from change_log_readers where name = 'meilisearch'`);
    expect(relay.every((r) => r.txid === "0" && Number(r.seq) === 0)).toBe(true);
    expect(t.app.search.position).toBeNull();
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("resumes a campaign run after PostgreSQL drops every connection mid-run — or, with PG_REAL_RESTART=1, restarts (PostgreSQL)", async () => {
    const t = await startTestApp({ LOG_LEVEL: "warn" }, { captureLogs: true });
    opened.push(t);
    const admin = await t.token({ sub: "admin", role: Role.ADMIN });
    await openCampaignWindow(t.db);
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    const firms = await Promise.all([1, 2, 3].map(() => makeEmployer(t.db, { regionCode: "350102" })));
    for (let i = 0; i < 12; i++) await makePosting(t.db, { employerId: firms[i % 3]!.id, regionCode: "350102", title: `会计${unique()}`, minEducation: "ASSOCIATE", validUntil: days(30) });
    await t.app.search.drain();
    const people: string[] = [];
    for (let i = 0; i < 24; i++) people.push((await makePerson(t, { institutionId: school.id, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] })).id);
    const started = await t.gql<{ fulfilReferralMinimums: { id: string; total: number } }>(`mutation($s: FulfilScopeInput!) { fulfilReferralMinimums(scope: $s) { id total } }`, { s: { institutionId: school.id } }, { token: admin });
    const runId = started.data!.fulfilReferralMinimums.id;
    expect(started.data!.fulfilReferralMinimums.total).toBe(24);

    // A runner at one person per batch. Two batches commit; the third holds its transaction open
    // (before its commit) while every connection to the database is cut — deterministically mid-run.
    const runner = new CampaignRunner(t.db, t.app.search.engine, createLogger("silent"), 0, 1);
    let batches = 0;
    let release!: () => void;
    const cutDone = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const working = runner
      .drain({
        beforeCommit: async () => {
          if (++batches !== 3) return;
          held();
          await cutDone;
        },
      })
      .then(() => "finished", (err: Error) => `failed: ${err.message}`);
    const admin2 = new pg.Client({ connectionString: t.config.database.driver === "postgres" ? t.config.database.url : "" });
    await admin2.connect();
    await holding;
    try {
      if (process.env.PG_REAL_RESTART === "1") {
        // The real thing (CI runs this alone, after the suite): the server restarts; meanwhile connections are refused.
        // Asynchronously, as a server lives through it: the event loop goes on, so the pool sees each idle
        // connection's termination as it arrives (a blocked loop would hand out a dead connection afterwards).
        await admin2.end();
        await promisify(execFile)("pg_ctlcluster", ["--skip-systemctl-redirect", readdirSync("/etc/postgresql")[0]!, "main", "restart"]);
      } else {
        const cut = await admin2.query<{ n: number }>(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
        expect(cut.rows[0]!.n).toBeGreaterThan(0);
        await admin2.end();
      }
    } finally {
      release();
    }
    const outcome = await working;
    // One turn of the loop for the pool to drop the connections whose termination is still unread.
    await new Promise((r) => setTimeout(r, 100));
    const [midway] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from campaign_run_items where run_id = ${runId} and state <> 'PENDING'`);
    expect(outcome).toMatch(/^failed/); // the held batch's commit met the cut
    expect(midway!.n).toBe(2); // the two committed batches; the held one rolled back
    // The server's next runner tick: the pool opens new connections and the run carries on.
    if (outcome !== "finished") await runner.drain();
    await runner.drain();
    const [run] = await queryRows<{ status: string; done: number; below: number }>(
      t.db,
      sql`select r.status::text as status, count(*) filter (where i.state = 'DONE')::int as done, count(*) filter (where i.state = 'BELOW')::int as below
          from campaign_runs r join campaign_run_items i on i.run_id = r.id where r.id = ${runId} group by r.status`,
    );
    expect(run).toEqual({ status: "DONE", done: 24, below: 0 });
    const [tally] = await queryRows<{ n: number; pairs: number }>(t.db, sql`select count(*)::int as n, count(distinct (person_id, posting_id))::int as pairs from referrals`);
    expect(tally!.n).toBe(tally!.pairs);
    expect(tally!.n).toBe(24 * 3);
    // Closed here, so what shutdown met after the cut is shown (its steps are bounded: it always ends).
    await t.close();
    const warnings = t.logs.filter((l) => l.includes("shutdown step"));
    if (warnings.length > 0) console.log(warnings.join(""));
  }, 120_000);
});
