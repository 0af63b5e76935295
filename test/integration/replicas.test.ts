import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { comparePositions, type LogPosition } from "../../src/search/change-log.js";
import { days, FUZHOU_GULOU, makeEmployer, makeInstitution, makePerson, makePosting, makeReferral, unique } from "../helpers/factories.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

const CREATE = `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`;
const PUBLISH = `mutation($id: ID!) { publishPosting(id: $id) { status } }`;
const CLOSE = `mutation($id: ID!) { closePosting(id: $id) { status } }`;
const SEARCH = `query($q: String, $first: Int) { searchPostings(query: $q, first: $first) { totalCount facets { regions { value count } kinds { value count } } edges { score node { id } } } }`;
const MATCHES = `query($id: ID!) { person(id: $id) { matches(first: 10) { items { score posting { id } } } } }`;

type Search = { searchPostings: { totalCount: number; facets: unknown; edges: { node: { id: string } }[] } };

/**
 * Several API processes on one PostgreSQL, each with its own embedded index: whichever process a
 * write goes through, every process's search and matches agree once each reports (on /readyz) that
 * it has followed the change log to its head. The test waits for positions, never for time.
 */
describe.runIf(Boolean(process.env.DATABASE_URL))("replicas on one PostgreSQL (PostgreSQL)", () => {
  let t: TestApp;
  const servers: ServerProcess[] = [];
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    env = { DATABASE_URL: (t.config.database as { url: string }).url, SEARCH_RELAY_INTERVAL_MS: "1000" };
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) await s.kill();
    await t?.close();
  });

  const start = async (name: string) => {
    const s = await startServerProcess(name, env);
    servers.push(s);
    return s;
  };

  /** Until every live replica's position is at or past the log's head as it is now. */
  async function converge(replicas: ServerProcess[]): Promise<LogPosition> {
    // The last change row: a replica at or past it has applied every write (a head from the watermark
    // could be held back by a transaction in another database of the cluster).
    const [last] = await queryRows<{ txid: string; seq: number }>(t.db, sql`select txid::text as txid, seq from posting_changes order by txid desc, seq desc limit 1`);
    const head: LogPosition = { txid: last!.txid, seq: Number(last!.seq) };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const positions = await Promise.all(replicas.map((r) => r.searchPosition()));
      if (positions.every((p) => p && comparePositions(p, head) >= 0)) return head;
      if (Date.now() > deadline) throw new Error(`replicas did not reach ${head.txid}:${head.seq}: ${JSON.stringify(positions)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function agree(replicas: ServerProcess[], marker: string, token: string, person: string) {
    const answers = await Promise.all(replicas.map(async (r) => ({ search: (await r.gql<Search>(SEARCH, { q: marker, first: 100 })).data!.searchPostings, matches: (await r.gql(MATCHES, { id: person }, token)).data })));
    for (const a of answers.slice(1)) {
      expect(a.search).toEqual(answers[0]!.search);
      expect(a.matches).toEqual(answers[0]!.matches);
    }
    return answers[0]!;
  }

  it("writes through any replica reach every replica's search and matches; a late starter and a killed one catch up", async () => {
    const [a, b] = await Promise.all([start("A"), start("B")]);
    const marker = `副本${unique()}`;
    const employer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    const emp = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: employer.id });
    const admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const school = await makeInstitution(t.db, { regionCode: FUZHOU_GULOU });
    const person = (await makePerson(t, { institutionId: school.id, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计", marker] })).id;
    const publish = async (via: ServerProcess, i: number) => {
      const created = await via.gql<{ createPosting: { id: string } }>(
        CREATE,
        { i: { title: `会计 ${marker} ${i}`, description: "账务处理", minEducation: "ASSOCIATE", regionCode: FUZHOU_GULOU, headcount: 1, kind: "REGULAR", validUntil: days(30).toISOString() } },
        emp,
      );
      expect(created.errors).toBeUndefined();
      const id = created.data!.createPosting.id;
      expect((await via.gql(PUBLISH, { id }, emp)).errors).toBeUndefined();
      return id;
    };

    // 20 postings, alternating A and B; C starts while they are being written.
    const ids: string[] = [];
    const writing = (async () => {
      for (let i = 0; i < 20; i++) ids.push(await publish(i % 2 ? b : a, i));
    })();
    const c = await start("C");
    await writing;
    await converge([a, b, c]);
    const first = await agree([a, b, c], marker, admin, person);
    expect(first.search.totalCount).toBe(20);
    expect(first.search.edges.map((e) => e.node.id).sort()).toEqual([...ids].sort());

    // 10 closed through B: gone everywhere, counts included.
    for (const id of ids.slice(0, 10)) expect((await b.gql(CLOSE, { id }, emp)).errors).toBeUndefined();
    await converge([a, b, c]);
    const closed = await agree([a, b, c], marker, admin, person);
    expect(closed.search.totalCount).toBe(10);
    expect(closed.search.edges.map((e) => e.node.id).sort()).toEqual(ids.slice(10).sort());

    // C dies without a goodbye; writes go on through A; C restarted catches up.
    await c.kill();
    const more: string[] = [];
    for (let i = 20; i < 25; i++) more.push(await publish(a, i));
    const c2 = await start("C again");
    await converge([a, b, c2]);
    const after = await agree([a, b, c2], marker, admin, person);
    expect(after.search.totalCount).toBe(15);
    expect(after.search.edges.map((e) => e.node.id).sort()).toEqual([...ids.slice(10), ...more].sort());

    // A synonym group set through B applies in every replica's engine.
    // (簿记 is one token: a synonym applies to a query's words.) Before, it finds nothing.
    const word = "簿记";
    const count = (r: ServerProcess) => r.gql<Search>(SEARCH, { q: word, first: 100 }).then((res) => res.data!.searchPostings.totalCount);
    expect(await Promise.all([a, b, c2].map(count))).toEqual([0, 0, 0]);
    const groups = (await b.gql<{ searchSynonyms: string[][] }>(`{ searchSynonyms }`)).data!.searchSynonyms;
    expect((await b.gql(`mutation($g: [[String!]!]!) { setSearchSynonyms(groups: $g) }`, { g: [...groups.filter((g) => !g.includes("会计")), [word, "会计"]] }, admin)).errors).toBeUndefined();
    await converge([a, b, c2]);
    expect(await Promise.all([a, b, c2].map(count))).toEqual([15, 15, 15]);
  }, 240_000);

  it("a matching-policy change made through one replica is in force there at once and on every other replica when announced (each keeps the policy between changes)", async () => {
    const [a, b] = await Promise.all([start("policy-a"), start("policy-b")]);
    const admin = await t.token({ sub: "admin-policy", role: Role.ADMIN });
    const employer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    const marker = `政策${unique()}`;
    const person = (await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [marker] })).id;
    for (let i = 0; i < 3; i++) await makePosting(t.db, { employerId: employer.id, regionCode: FUZHOU_GULOU, title: `${marker}专员${i}`, minEducation: "ASSOCIATE", validUntil: days(30) });
    await converge([a, b]);
    const scores = async (r: ServerProcess) => (await r.gql<{ person: { matches: { items: { score: number }[] } } }>(MATCHES, { id: person }, admin)).data!.person.matches.items.map((i) => i.score);
    // Both have read (and kept) the policy in force.
    const before = await scores(a);
    expect(before.length).toBeGreaterThan(0);
    expect(await scores(b)).toEqual(before);
    const { weights } = (await a.gql<{ matchingPolicy: { weights: Record<string, number> } }>(`{ matchingPolicy { weights { text occupation distance salary education keyGroup workshop freshness headcount employerRepeatDamping } } }`, {}, admin)).data!.matchingPolicy;
    const changed = await a.gql(`mutation($w: MatchWeightsInput!) { setMatchingPolicy(weights: $w) { version } }`, { w: { ...weights, text: weights.text! + 0.1, freshness: weights.freshness! - 0.01, headcount: weights.headcount! - 0.01, salary: weights.salary! - 0.08 } }, admin);
    expect(changed.errors).toBeUndefined();
    // The writer's process reads around its copy: the new weights at once.
    const after = await scores(a);
    expect(after).not.toEqual(before);
    // The other learns of it from the announcement (no fixed wait: until it agrees, within a bound far below the copy's minute).
    const deadline = Date.now() + 10_000;
    while (JSON.stringify(await scores(b)) !== JSON.stringify(after)) {
      if (Date.now() > deadline) throw new Error("replica B still scores with the old matching policy");
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  it("a seeker following their notifications on one process is told of a recommendation made through another", async () => {
    const b = await start("notify-b");
    const person = (await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" })).id;
    const seeker = await t.token({ sub: `seeker-${person}`, role: Role.SEEKER, personId: person });
    const got: { kind: string; posting: { id: string } | null }[] = [];
    const client = createClient({ url: b.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${seeker}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
    let subscribed = false;
    client.subscribe<{ myNotifications: (typeof got)[number] }>({ query: `subscription { myNotifications { kind posting { id } } }` }, { next: (r) => r.data && got.push(r.data.myNotifications), error: () => undefined, complete: () => undefined });
    client.on("connected", () => (subscribed = true));
    const until = async (what: () => boolean | Promise<boolean>, label: string) => {
      const deadline = Date.now() + 20_000;
      while (!(await what())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => subscribed, "the socket");
    // The subscribe message is on its way once connected: recommend a new posting through this
    // process (A) until B's subscriber has been told of one (no sleep on time alone).
    const employer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    const recommended: string[] = [];
    await until(async () => {
      if (got.length > 0) return true;
      const posting = (await makePosting(t.db, { employerId: employer.id, regionCode: FUZHOU_GULOU, minEducation: "ASSOCIATE", validUntil: days(30) })).id;
      await makeReferral(t.db, person, posting);
      recommended.push(posting);
      await new Promise((r) => setTimeout(r, 200));
      return got.length > 0;
    }, "the notification on B");
    expect(got[0]!.kind).toBe("REFERRAL");
    expect(recommended).toContain(got[0]!.posting?.id);
    await client.dispose();
  }, 60_000);

  it("two processes deliver each SMS once: every message in the shared log provider's file exactly once", async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), "sms-replicas-")), "sms.jsonl");
    // Small claims, so both processes take some of each wave.
    const smsEnv = { ...env, SMS_PROVIDER: "log", SMS_LOG_FILE: logFile, NOTIFICATION_INTERVAL_MS: "20", SMS_CONCURRENCY: "2", SMS_BATCH: "4" };
    const admin = await t.token({ sub: "admin-sms", role: Role.ADMIN });
    // Quiet hours off and no gathering: the test runs at any hour and needs no clock.
    const policy = await t.gql(`mutation($i: NotificationPolicyInput!) { setNotificationPolicy(input: $i) { version } }`, {
      i: { quietFrom: null, quietUntil: null, smsKinds: ["REFERRAL"], gatherSeconds: 0, maxAttempts: 3, retryBaseSeconds: 1, retryMaxSeconds: 10, deliveryGraceDays: 7, smsMaxPostings: 3 },
    }, { token: admin });
    expect(policy.errors).toBeUndefined();
    const a = await startServerProcess("sms-a", smsEnv);
    const b = await startServerProcess("sms-b", smsEnv);
    servers.push(a, b);
    const employer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    const people: string[] = [];
    // In waves, while both dispatchers run.
    for (let wave = 0; wave < 4; wave++) {
      const posting = (await makePosting(t.db, { employerId: employer.id, regionCode: FUZHOU_GULOU, minEducation: "ASSOCIATE", validUntil: days(30) })).id;
      for (let i = 0; i < 25; i++) {
        const person = (await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" })).id;
        people.push(person);
        await makeReferral(t.db, person, posting);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await queryRows<{ done: number }>(t.db, sql`select count(*)::int as done from sms_messages where person_id = any(${sql.param(people)}::uuid[]) and status = 'DELIVERED'`);
      if (row!.done === people.length) break;
      if (Date.now() > deadline) throw new Error(`only ${row!.done} of ${people.length} SMS delivered`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ids = (await queryRows<{ id: string }>(t.db, sql`select id from sms_messages where person_id = any(${sql.param(people)}::uuid[])`)).map((r) => r.id);
    expect(ids).toHaveLength(people.length);
    const lines = readFileSync(logFile, "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as { id: string; pid: number });
    // No message twice (earlier tests' people may have had theirs sent too: each once as well).
    const sentIds = lines.map((l) => l.id);
    expect(sentIds.length).toBe(new Set(sentIds).size);
    expect(new Set(sentIds.filter((id) => ids.includes(id)))).toEqual(new Set(ids));
    // Both processes sent some: the claims really raced.
    expect(new Set(lines.filter((l) => ids.includes(l.id)).map((l) => l.pid))).toEqual(new Set([a.child.pid, b.child.pid]));
  }, 120_000);
});
