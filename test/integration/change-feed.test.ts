import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { pruneChangeLogByPolicy } from "../../src/modules/change-log/change-log-policy.service.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { expirePostings } from "../../src/modules/postings/posting.service.js";
import { days, FUZHOU_GULOU, makeEmployer, makePosting, tableCounts, unique, XIAMEN_SIMING } from "../helpers/factories.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { codeOf, standardTokens, startTestApp, type Credentials, type GqlResult, type TestApp } from "../helpers/test-app.js";

const POSTING_FIELDS = `id title status regionCode salaryMin salaryMax headcount kind forKeyGroups validUntil employer { name }`;
const FEED = `query($after: String, $first: Int, $filter: PostingChangeFilter) {
  postingChanges(after: $after, first: $first, filter: $filter) {
    endCursor hasNextPage
    changes { cursor type postingId changedFields at posting { ${POSTING_FIELDS} } }
  }
}`;
const LEAN_FEED = `query($after: String, $first: Int) { postingChanges(after: $after, first: $first) { endCursor hasNextPage changes { cursor type postingId changedFields at } } }`;
const HEAD = `query($filter: PostingChangeFilter) { postingChangesHead(filter: $filter) }`;
const POSTINGS = `query($after: String, $filter: PostingFilter, $sort: PostingSort) {
  postings(first: 100, after: $after, filter: $filter, sort: $sort) { edges { cursor node { ${POSTING_FIELDS} updatedAt } } pageInfo { hasNextPage endCursor } }
}`;
const PUBLIC = ["OPEN", "CLOSED", "EXPIRED"];

type PostingView = { id: string; status: string; [field: string]: unknown };
type Change = { cursor: string; type: string; postingId: string; changedFields: string[] | null; at: string; posting: PostingView | null };
type FeedPage = { postingChanges: { endCursor: string; hasNextPage: boolean; changes: Change[] } };
type Gql = <T>(query: string, variables?: Record<string, unknown>, credentials?: Credentials) => Promise<GqlResult<T>>;

/** Any API process (the test app, or a server process) as a GraphQL endpoint. */
function endpoint(url: string): Gql {
  return async <T>(query: string, variables: Record<string, unknown> = {}, credentials: Credentials = {}) => {
    const headers: Record<string, string> = { "content-type": "application/json", "accept-language": "en" };
    if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
    if (credentials.apiKey) headers["x-api-key"] = credentials.apiKey;
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T; errors?: GqlResult<T>["errors"] };
    return { status: res.status, headers: res.headers, data: body.data, errors: body.errors, sqlStatements: Number(res.headers.get("x-sql-statements") ?? NaN) };
  };
}

/** A partner's local copy, built from the feed alone. */
function apply(copy: Map<string, PostingView>, change: Change): void {
  switch (change.type) {
    case "CREATED":
    case "UPDATED":
      // Null: no longer public now — a later event (REMOVED) says so.
      if (change.posting) copy.set(change.postingId, change.posting);
      break;
    case "CLOSED":
    case "EXPIRED": {
      const held = copy.get(change.postingId);
      if (change.posting) copy.set(change.postingId, change.posting);
      else if (held) copy.set(change.postingId, { ...held, status: change.type });
      break;
    }
    case "REMOVED":
      copy.delete(change.postingId);
      break;
    default:
      throw new Error(`unknown event ${change.type}`);
  }
}

/** Reads the feed from `after` until it is caught up, through the endpoints in turn; returns every event and the last endCursor. */
async function follow(via: Gql[], credentials: Credentials, copy: Map<string, PostingView>, after: string | null, first = 7): Promise<{ cursor: string; changes: Change[] }> {
  const all: Change[] = [];
  let cursor = after;
  for (let i = 0; ; i++) {
    const r = await via[i % via.length]!<FeedPage>(FEED, { after: cursor, first }, credentials);
    expect(r.errors).toBeUndefined();
    const page = r.data!.postingChanges;
    for (const change of page.changes) apply(copy, change);
    all.push(...page.changes);
    cursor = page.endCursor;
    if (!page.hasNextPage) return { cursor, changes: all };
  }
}

/** What `postings` says is public now, read by the same caller. */
async function publicPostings(gql: Gql, credentials: Credentials): Promise<Map<string, PostingView>> {
  const out = new Map<string, PostingView>();
  let after: string | null = null;
  for (;;) {
    type Postings = { postings: { edges: { node: PostingView & { updatedAt?: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const r: GqlResult<Postings> = await gql<Postings>(POSTINGS, { after, filter: { status: PUBLIC } }, credentials);
    expect(r.errors).toBeUndefined();
    for (const { node } of r.data!.postings.edges) {
      const { updatedAt: _updatedAt, ...rest } = node;
      out.set(node.id, rest);
    }
    if (!r.data!.postings.pageInfo.hasNextPage) return out;
    after = r.data!.postings.pageInfo.endCursor;
  }
}

const sorted = (m: Map<string, PostingView>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

const CREATE = `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`;
const PUBLISH = `mutation($id: ID!, $until: DateTimeISO) { publishPosting(id: $id, validUntil: $until) { status } }`;
const UPDATE = `mutation($id: ID!, $i: UpdatePostingInput!) { updatePosting(id: $id, input: $i) { id } }`;
const CLOSE = `mutation($id: ID!) { closePosting(id: $id) { status } }`;
const BLOCK = `mutation($id: ID!) { blockPosting(id: $id, reason: "虚假招聘") { status } }`;
const UNBLOCK = `mutation($id: ID!) { unblockPosting(id: $id) { status } }`;

function ok<T>(r: GqlResult<T>): T {
  expect(r.errors).toBeUndefined();
  return r.data!;
}

describe("the partner change feed (postingChanges)", () => {
  let t: TestApp;
  let admin: string;
  let partner: Credentials;
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin } = await standardTokens(t));
    partner = { apiKey: (await issuePartnerKey(t.db, "test", { name: `订阅平台${unique()}`, scopes: ["postings:read"] })).apiKey };
  });
  afterAll(() => t.close());

  /** Closes, expiries, blocks, edits and re-opens, each write through one of `via` in turn, concurrently. */
  async function churn(via: Gql[], ids: string[], sweep: "here" | "by the API processes" = "here"): Promise<void> {
    const pick = (i: number) => via[i % via.length]!;
    const [a, b, c, d, e, f, g, h] = ids as [string, string, string, string, string, string, string, string];
    await Promise.all([
      pick(0)(CLOSE, { id: a }, { token: admin }).then(ok),
      pick(1)(BLOCK, { id: b }, { token: admin }).then(ok),
      pick(2)(UPDATE, { id: c, i: { title: `改过的标题${unique()}`, salaryMax: 12_000 } }, { token: admin }).then(ok),
      pick(3)(CLOSE, { id: d }, { token: admin })
        .then(ok)
        .then(() => pick(4)(PUBLISH, { id: d, until: days(40).toISOString() }, { token: admin }).then(ok)),
      pick(5)(BLOCK, { id: e }, { token: admin })
        .then(ok)
        .then(() => pick(6)(UNBLOCK, { id: e }, { token: admin }).then(ok))
        .then(() => pick(7)(PUBLISH, { id: e }, { token: admin }).then(ok)),
      pick(8)(UPDATE, { id: f, i: { headcount: 9 } }, { token: admin }).then(ok),
    ]);
    // Two pass their date (UPDATED validUntil) and the sweep writes them EXPIRED.
    await t.db.execute(sql`update postings set valid_until = now() - interval '1 minute' where id in (${g}, ${h})`);
    if (sweep === "here") {
      await expirePostings(t.db);
      return;
    }
    // The API processes' own sweepers (every second, both at once) write them EXPIRED.
    for (let waited = 0; ; waited += 100) {
      const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from postings where id in (${g}, ${h}) and status = 'EXPIRED'`);
      if (row!.n === 2) return;
      if (waited > 20_000) throw new Error("the API processes' sweepers did not expire the postings within 20 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function somePostings(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const employer = await makeEmployer(t.db, { regionCode: i % 2 ? XIAMEN_SIMING : FUZHOU_GULOU });
      ids.push((await makePosting(t.db, { employerId: employer.id, regionCode: employer.regionCode, kind: i % 3 ? "REGULAR" : "TRAINEESHIP" })).id);
    }
    return ids;
  }

  it("followed from the start into an empty copy, equals `postings` — before and after closes, expiries, blocks, edits and re-opens", async () => {
    const ids = await somePostings(10);
    // Made public through the API: a draft (no event), then published (CREATED).
    const employer = await makeEmployer(t.db);
    const drafted = ok(await t.gql<{ createPosting: { id: string } }>(CREATE, { i: { title: "前台接待", employerId: employer.id, regionCode: FUZHOU_GULOU, validUntil: days(20).toISOString() } }, { token: admin })).createPosting.id;
    ok(await t.gql(PUBLISH, { id: drafted }, { token: admin }));
    ids.push(drafted);

    const copy = new Map<string, PostingView>();
    const first = await follow([endpoint(t.url)], partner, copy, null);
    expect(sorted(copy)).toEqual(sorted(await publicPostings(endpoint(t.url), partner)));
    expect(first.changes.filter((c) => c.postingId === drafted).map((c) => c.type)).toEqual(["CREATED"]);

    await churn([endpoint(t.url)], ids);
    const second = await follow([endpoint(t.url)], partner, copy, first.cursor);
    expect(sorted(copy)).toEqual(sorted(await publicPostings(endpoint(t.url), partner)));
    const types = (id: string) => second.changes.filter((c) => c.postingId === id).map((c) => c.type);
    expect(types(ids[0]!)).toEqual(["CLOSED"]);
    expect(types(ids[1]!)).toEqual(["REMOVED"]);
    // Re-opened: still public throughout, so an UPDATED of its status.
    expect(types(ids[3]!)).toEqual(["CLOSED", "UPDATED"]);
    expect(second.changes.filter((c) => c.postingId === ids[3]).at(-1)!.changedFields).toContain("status");
    expect(types(ids[4]!)).toEqual(["REMOVED", "CREATED"]);
    expect(types(ids[6]!)).toEqual(["UPDATED", "EXPIRED"]);
    const edit = second.changes.find((c) => c.postingId === ids[2] && c.type === "UPDATED")!;
    expect(edit.changedFields!.sort()).toEqual(["salaryMax", "title"]);
    // Caught up: another read from the end gives nothing, and its cursor is still good.
    const again = await t.gql<FeedPage>(FEED, { after: second.cursor }, partner);
    expect(again.data!.postingChanges).toMatchObject({ changes: [], hasNextPage: false });
  });

  it("REMOVED is id-only: no posting, no fields — and a posting blocked later shows no posting in its earlier events", async () => {
    const { id } = await makePosting(t.db);
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, {}, partner)).postingChangesHead;
    ok(await t.gql(UPDATE, { id, i: { headcount: 5 } }, { token: admin }));
    ok(await t.gql(BLOCK, { id }, { token: admin }));
    const { changes } = await follow([endpoint(t.url)], partner, new Map(), head);
    const mine = changes.filter((c) => c.postingId === id);
    expect(mine.map((c) => [c.type, c.changedFields, c.posting])).toEqual([
      ["UPDATED", ["headcount"], null],
      ["REMOVED", null, null],
    ]);
  });

  it("carries no event for drafts, postings held for review, or their edits", async () => {
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, {}, partner)).postingChangesHead;
    const draft = await makePosting(t.db, { status: "DRAFT" });
    const held = await makePosting(t.db, { status: "PENDING_REVIEW" });
    ok(await t.gql(UPDATE, { id: draft.id, i: { title: "草稿改名" } }, { token: admin }));
    await t.db.execute(sql`update postings set title = '待审改名', updated_at = now() where id = ${held.id}`);
    const visible = await makePosting(t.db);
    const { changes } = await follow([endpoint(t.url)], partner, new Map(), head);
    expect(changes.map((c) => c.postingId)).toEqual([visible.id]);
    // …and the log did record them (for the search index), without an event.
    const logged = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from posting_changes where posting_id in (${draft.id}, ${held.id}) and event is null`);
    expect(logged[0]!.n).toBe(4);
  });

  it("narrows by region, kind and a partner's own postings; sends the edit that moves a posting out of the filter", async () => {
    const filter = { regionCode: "3502", kind: ["TRAINEESHIP"] };
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, { filter }, partner)).postingChangesHead;
    const inside = await makePosting(t.db, { regionCode: XIAMEN_SIMING, kind: "TRAINEESHIP" });
    await makePosting(t.db, { regionCode: FUZHOU_GULOU, kind: "TRAINEESHIP" });
    await makePosting(t.db, { regionCode: XIAMEN_SIMING, kind: "REGULAR" });
    ok(await t.gql(UPDATE, { id: inside.id, i: { regionCode: FUZHOU_GULOU } }, { token: admin }));
    const page = ok(await t.gql<FeedPage>(FEED, { after: head, filter }, partner)).postingChanges;
    // The posting as it is now decides: its CREATED is no longer in the filter, the edit that moved it out is.
    expect(page.changes.map((c) => [c.postingId, c.type, c.changedFields])).toEqual([[inside.id, "UPDATED", ["region"]]]);
    const stillInside = await makePosting(t.db, { regionCode: XIAMEN_SIMING, kind: "TRAINEESHIP" });
    const next = ok(await t.gql<FeedPage>(FEED, { after: page.endCursor, filter }, partner)).postingChanges;
    expect(next.changes.map((c) => [c.postingId, c.type])).toEqual([[stillInside.id, "CREATED"]]);
    // The cursor belongs to its filter.
    expect(codeOf(await t.gql(FEED, { after: page.endCursor }, partner))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(FEED, { after: page.endCursor, filter: { kind: ["TRAINEESHIP"], regionCode: "3502" } }, partner))).toBeUndefined();
    // ownPostingsOnly: a partner's own (none pushed here); other callers may not ask.
    expect(ok(await t.gql<FeedPage>(FEED, { filter: { ownPostingsOnly: true } }, partner)).postingChanges.changes).toEqual([]);
    const refused = await t.gql(FEED, { filter: { ownPostingsOnly: true } }, { token: admin });
    expect([codeOf(refused), refused.errors![0]!.extensions!.field]).toEqual(["BAD_USER_INPUT", "filter.ownPostingsOnly"]);
  });

  it("refuses a tampered cursor, another list's cursor and a first out of range (BAD_USER_INPUT, field named); writes nothing", async () => {
    const before = await tableCounts(t.db);
    const { endCursor } = ok(await t.gql<FeedPage>(FEED, { first: 2 }, partner)).postingChanges;
    const [body, mac] = endCursor.split(".") as [string, string];
    const forged = Buffer.from(Buffer.from(body, "base64url").toString("utf8").replace(/\.\d+$/, ".1"), "utf8").toString("base64url");
    const postingsCursor = ok(await t.gql<{ postings: { pageInfo: { endCursor: string } } }>(POSTINGS, {}, partner)).postings.pageInfo.endCursor;
    // Empty: from the start, as null.
    expect(codeOf(await t.gql(LEAN_FEED, { after: "" }, partner))).toBeUndefined();
    for (const after of [`${forged}.${mac}`, `${body}.${mac.slice(1)}A`, body, postingsCursor, "not a cursor", `${body}.${mac}.x`]) {
      const r = await t.gql(FEED, { after }, partner);
      expect([after, codeOf(r), r.errors![0]!.extensions!.field]).toEqual([after, "BAD_USER_INPUT", "after"]);
      expect(r.errors![0]!.message).toMatch(/not one this change feed issued/);
    }
    // A feed cursor is no `postings` cursor either.
    expect(codeOf(await t.gql(POSTINGS, { after: endCursor }, partner))).toBe("BAD_USER_INPUT");
    for (const first of [0, -1, 1001]) {
      const r = await t.gql(LEAN_FEED, { first }, partner);
      expect([first, codeOf(r), r.errors![0]!.extensions!.field]).toEqual([first, "BAD_USER_INPUT", "first"]);
    }
    // 1000 lean events are one page; 1000 with their postings' fields cost more than one operation may.
    expect(codeOf(await t.gql(LEAN_FEED, { first: 1000 }, partner))).toBeUndefined();
    expect(codeOf(await t.gql(FEED, { first: 1000 }, partner))).toBe("QUERY_TOO_COMPLEX");
    expect(codeOf(await t.gql(FEED, { first: 400 }, partner))).toBeUndefined();
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it("is for partner keys with postings:read, administrators and caseworkers", async () => {
    const { fuzhou } = await standardTokens(t);
    const employer = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    const writer = (await issuePartnerKey(t.db, "test", { name: `只写平台${unique()}`, scopes: ["postings:write"] })).apiKey;
    expect(codeOf(await t.gql(FEED, {}))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(FEED, {}, { token: employer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(FEED, {}, { apiKey: writer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(HEAD, {}, { apiKey: writer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(FEED, { first: 1 }, { token: fuzhou }))).toBeUndefined();
    expect(codeOf(await t.gql(FEED, { first: 1 }, { token: admin }))).toBeUndefined();
  });

  it("postings(filter: { updatedSince }, sort: UPDATED) pages by update time, public statuses included; cursors stay in their order", async () => {
    const since = new Date(Date.now() - 1000);
    const [a, b, c] = [await makePosting(t.db), await makePosting(t.db), await makePosting(t.db)];
    ok(await t.gql(CLOSE, { id: a.id }, { token: admin }));
    await t.db.execute(sql`update postings set updated_at = now() - interval '1 hour' where id = ${c.id}`);
    const read = async (after: string | null) =>
      ok(await t.gql<{ postings: { edges: { cursor: string; node: { id: string; status: string; updatedAt: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
        POSTINGS.replace("first: 100", "first: 1"),
        { after, filter: { status: PUBLIC, updatedSince: since.toISOString() }, sort: "UPDATED" },
        partner,
      )).postings;
    const seen: { id: string; status: string; updatedAt: string }[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await read(after);
      seen.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const mine = seen.filter((p) => [a.id, b.id, c.id].includes(p.id));
    expect(mine.map((p) => p.id)).toEqual([b.id, a.id]); // c changed before `since`; a last
    expect(mine.map((p) => p.status)).toEqual(["OPEN", "CLOSED"]);
    const times = seen.map((p) => p.updatedAt);
    expect([...times].sort()).toEqual(times);
    const newestCursor = ok(await t.gql<{ postings: { pageInfo: { endCursor: string } } }>(POSTINGS, {}, partner)).postings.pageInfo.endCursor;
    const mixed = await t.gql(POSTINGS, { after: newestCursor, sort: "UPDATED" }, partner);
    expect([codeOf(mixed), mixed.errors![0]!.extensions!.field]).toEqual(["BAD_USER_INPUT", "after"]);
    expect(codeOf(await t.gql(POSTINGS, { after: (await read(null)).pageInfo.endCursor }, partner))).toBe("BAD_USER_INPUT");
  });

  // PGlite has one connection: transactions there never overlap. On PostgreSQL they do.
  it.runIf(Boolean(process.env.DATABASE_URL))("never skips a change whose transaction commits after a later one was read (PostgreSQL)", async () => {
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, {}, partner)).postingChangesHead;
    const early = await makePosting(t.db);
    const late = await makePosting(t.db);
    const caughtUp = await follow([endpoint(t.url)], partner, new Map(), head);
    const slow = new pg.Client({ connectionString: (t.config.database as { url: string }).url });
    await slow.connect();
    let held: { cursor: string; changes: Change[] };
    try {
      // The slow transaction logs its change first (the lower txid) and commits last.
      await slow.query("begin");
      await slow.query("update postings set headcount = 77, updated_at = now() where id = $1", [early.id]);
      ok(await t.gql(UPDATE, { id: late.id, i: { headcount: 88 } }, { token: admin }));
      held = await follow([endpoint(t.url)], partner, new Map(), caughtUp.cursor);
      // The committed change waits behind the open transaction: not read yet, and the cursor does not pass it.
      expect(held.changes).toEqual([]);
      await slow.query("commit");
    } finally {
      await slow.end();
    }
    const after = await follow([endpoint(t.url)], partner, new Map(), held.cursor);
    expect(after.changes.map((c) => [c.postingId, c.changedFields, c.posting?.headcount])).toEqual([
      [early.id, ["headcount"], 77],
      [late.id, ["headcount"], 88],
    ]);
  });

  describe.runIf(Boolean(process.env.DATABASE_URL))("on two API processes at once (PostgreSQL)", () => {
    const servers: ServerProcess[] = [];
    afterAll(async () => {
      for (const s of servers) await s.kill();
    });

    it("a copy followed across both replicas equals `postings` after writes through both", async () => {
      const env = { DATABASE_URL: (t.config.database as { url: string }).url, POSTING_EXPIRY_SWEEP_SECONDS: "1" };
      servers.push(...(await Promise.all([startServerProcess("A", env), startServerProcess("B", env)])));
      const via = servers.map((s) => endpoint(s.url));
      const ids = await somePostings(8);
      const copy = new Map<string, PostingView>();
      // Each page from the other replica: their cursors are one another's.
      const first = await follow(via, partner, copy, null, 5);
      expect(sorted(copy)).toEqual(sorted(await publicPostings(via[0]!, partner)));
      await churn(via, ids, "by the API processes");
      await follow(via, partner, copy, first.cursor, 3);
      expect(sorted(copy)).toEqual(sorted(await publicPostings(via[1]!, partner)));
    }, 120_000);
  });
});

describe("the change feed's retention", () => {
  let t: TestApp;
  let partner: Credentials;
  beforeAll(async () => {
    t = await startTestApp();
    partner = { apiKey: (await issuePartnerKey(t.db, "test", { name: `订阅平台${unique()}`, scopes: ["postings:read"] })).apiKey };
  });
  afterAll(() => t.close());

  it("answers a cursor from before the pruning horizon RESYNC_REQUIRED; a new start begins at the horizon; the retention is never under 30 days", async () => {
    const old = await makePosting(t.db);
    const stale = ok(await t.gql<FeedPage>(FEED, { first: 1 }, partner)).postingChanges.changes[0]!.cursor;
    for (let i = 0; i < 3; i++) await makePosting(t.db);
    await t.app.search.drain(); // this process's index has passed every change
    // Everything so far is older than the retention (30 days)…
    await t.db.execute(sql`update posting_changes set at = now() - interval '40 days'`);
    const kept = await makePosting(t.db);
    await t.app.search.drain();
    expect(await pruneChangeLogByPolicy(t.db)).toBeGreaterThan(0);
    const [horizon] = await queryRows<{ txid: string; seq: number }>(t.db, sql`select txid::text as txid, seq from change_log_horizon`);
    const [lastGone] = await queryRows<{ seq: number }>(t.db, sql`select max(seq)::int as seq from posting_changes`);
    expect(Number(horizon!.seq)).toBeLessThan(lastGone!.seq);

    const refused = await t.gql(FEED, { after: stale }, partner);
    expect([codeOf(refused), refused.errors![0]!.extensions!.field]).toEqual(["RESYNC_REQUIRED", "after"]);
    expect(refused.errors![0]!.message).toMatch(/resync through postings\(filter: \{ updatedSince \}\)/);
    // A new start: from the horizon, which holds the one change kept.
    const fresh = ok(await t.gql<FeedPage>(FEED, {}, partner)).postingChanges;
    expect(fresh.changes.map((c) => c.postingId)).toEqual([kept.id]);
    expect(fresh.changes.map((c) => c.postingId)).not.toContain(old.id);

    const admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const SET = `mutation($d: Int!) { setChangeLogPolicy(retentionDays: $d) { version retentionDays } }`;
    for (const d of [3, 29]) {
      const r = await t.gql(SET, { d }, { token: admin });
      expect([d, codeOf(r), r.errors![0]!.extensions!.field]).toEqual([d, "BAD_USER_INPUT", "retentionDays"]);
    }
    // The table refuses it too, whoever writes.
    await expect(t.db.execute(sql`insert into change_log_policies (id, version, retention_days, effective_from, created_by) values (gen_random_uuid(), 99, 3, current_date, 'test')`)).rejects.toThrow();
    expect(ok(await t.gql(SET, { d: 30 }, { token: admin }))).toEqual({ setChangeLogPolicy: { version: 2, retentionDays: 30 } });
  });
});
