/**
 * The change feed's edges (issue 22), found by a review: a filtered reader and a filtered webhook
 * after a posting leaves the filter, derived changes (an employer renamed, a link decided) in the feed
 * and in `updatedSince`, and a sync by `updatedSince` with the README's margin against late commits.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { updateEmployer } from "../../src/modules/employers/employer.repository.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { FUZHOU_GULOU, makePosting, unique, XIAMEN_SIMING } from "../helpers/factories.js";
import { startTestApp, type Credentials, type GqlResult, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const FEED = `query($after: String, $filter: PostingChangeFilter) {
  postingChanges(after: $after, first: 50, filter: $filter) {
    endCursor hasNextPage
    changes { cursor type postingId changedFields posting { id regionCode status } }
  }
}`;
const HEAD = `query($filter: PostingChangeFilter) { postingChangesHead(filter: $filter) }`;
const POSTINGS = `query($after: String, $filter: PostingFilter) {
  postings(first: 100, after: $after, filter: $filter, sort: UPDATED) { edges { node { id updatedAt employer { name } } } pageInfo { hasNextPage endCursor } }
}`;
const BLOCK = `mutation($id: ID!) { blockPosting(id: $id, reason: "虚假招聘") { status } }`;
const UNBLOCK = `mutation($id: ID!) { unblockPosting(id: $id) { status } }`;
const UPDATE = `mutation($id: ID!, $i: UpdatePostingInput!) { updatePosting(id: $id, input: $i) { id } }`;
const PUBLIC = ["OPEN", "CLOSED", "EXPIRED"];

type Change = { cursor: string; type: string; postingId: string; changedFields: string[] | null; posting: { id: string; regionCode: string; status: string } | null };
type FeedPage = { postingChanges: { endCursor: string; hasNextPage: boolean; changes: Change[] } };

function ok<T>(r: GqlResult<T>): T {
  expect(r.errors).toBeUndefined();
  return r.data!;
}

describe("the change feed: filters, derived changes, late commits", () => {
  let t: TestApp;
  let admin: string;
  let partner: Credentials;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    partner = { apiKey: (await issuePartnerKey(t.db, "test", { name: `复核平台${unique()}`, scopes: ["postings:read", "postings:write"] })).apiKey };
  });
  afterAll(() => t.close());

  /** Reads the feed to its end under `filter`, applying each event to `copy`. */
  async function follow(copy: Set<string>, after: string, filter: Record<string, unknown>): Promise<{ cursor: string; changes: Change[] }> {
    const all: Change[] = [];
    let cursor = after;
    for (;;) {
      const page = ok(await t.gql<FeedPage>(FEED, { after: cursor, filter }, partner)).postingChanges;
      for (const c of page.changes) {
        if (c.type === "REMOVED") copy.delete(c.postingId);
        else if (c.posting) copy.add(c.postingId);
      }
      all.push(...page.changes);
      cursor = page.endCursor;
      if (!page.hasNextPage) return { cursor, changes: all };
    }
  }

  it("a filtered copy is told REMOVED for a posting blocked and then moved out of the filter while the reader was away", async () => {
    const filter = { regionCode: "3502" };
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, { filter }, partner)).postingChangesHead;
    const p = await makePosting(t.db, { regionCode: XIAMEN_SIMING });
    const copy = new Set<string>();
    const first = await follow(copy, head, filter);
    expect(copy.has(p.id)).toBe(true);

    // While the partner is not reading: blocked (REMOVED, still in 3502), unblocked to DRAFT, its region fixed (no event: a draft).
    ok(await t.gql(BLOCK, { id: p.id }, { token: admin }));
    ok(await t.gql(UNBLOCK, { id: p.id }, { token: admin }));
    ok(await t.gql(UPDATE, { id: p.id, i: { regionCode: FUZHOU_GULOU } }, { token: admin }));

    const second = await follow(copy, first.cursor, filter);
    // The posting is not public (and not in 3502): the copy must have dropped it.
    expect(second.changes.filter((c) => c.postingId === p.id).map((c) => c.type)).toContain("REMOVED");
    expect(copy.has(p.id)).toBe(false);
  });

  it("the REMOVED written by one statement that also moves the posting out of the filter carries the moved field (fields are dropped for REMOVED)", async () => {
    const filter = { regionCode: "3502" };
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, { filter }, partner)).postingChangesHead;
    const p = await makePosting(t.db, { regionCode: XIAMEN_SIMING });
    const copy = new Set<string>();
    const first = await follow(copy, head, filter);
    expect(copy.has(p.id)).toBe(true);
    // As a partner re-push of an approved, unlinked posting does (held again, with its new content): one UPDATE.
    await t.db.execute(sql`update postings set status = 'PENDING_REVIEW', region_code = ${FUZHOU_GULOU}, updated_at = now() where id = ${p.id}`);
    await follow(copy, first.cursor, filter);
    expect(copy.has(p.id)).toBe(false);
  });

  it("postings(filter: { updatedSince }) lists a posting whose employer was renamed since (its public employer.name changed)", async () => {
    const p = await makePosting(t.db);
    const since = new Date(Date.now() + 5);
    await new Promise((r) => setTimeout(r, 20));
    await updateEmployer(t.db, p.employerId, { name: `改名后的单位${unique()}有限公司` });
    const r = ok(await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(POSTINGS, { filter: { status: PUBLIC, updatedSince: since.toISOString() } }, partner));
    expect(r.postings.edges.map((e) => e.node.id)).toContain(p.id);
  });

  it("a webhook subscribed to a region filter is told when a posting moves out of it (the feed sends that UPDATED)", async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const issued = await issuePartnerKey(t.db, "test", { name: `订阅推送${unique()}` });
      ok(await t.gql(`mutation($p: ID!, $u: String!) { approveWebhookUrl(partnerId: $p, urlPrefix: $u) { id } }`, { p: issued.partner.id, u: receiver.url("/hooks") }, { token: admin }));
      const reg = ok(
        await t.gql<{ registerWebhook: { webhook: { id: string } } }>(
          `mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { webhook { id } } }`,
          { i: { url: receiver.url("/hooks/jobs"), events: ["POSTING_CREATED", "POSTING_UPDATED", "POSTING_REMOVED"], filter: { ownPostingsOnly: false, regionPrefix: "3502" } } },
          { apiKey: issued.apiKey },
        ),
      );
      const webhookId = reg.registerWebhook.webhook.id;
      const p = await makePosting(t.db, { regionCode: XIAMEN_SIMING });
      ok(await t.gql(UPDATE, { id: p.id, i: { regionCode: FUZHOU_GULOU } }, { token: admin }));
      const queued = await queryRows<{ event_type: string }>(t.db, sql`select event_type from webhook_deliveries where webhook_id = ${webhookId} and payload->'data'->>'id' = ${p.id} order by created_at, id`);
      expect(queued.map((q) => q.event_type)).toEqual(["POSTING_CREATED", "POSTING_UPDATED"]);
    } finally {
      await receiver.close();
    }
  });

  // PGlite has one connection: transactions never overlap there.
  it.runIf(Boolean(process.env.DATABASE_URL))("a sync by updatedSince that re-reads from its last updatedAt less the README's margin lists a change whose transaction committed after it read (PostgreSQL)", async () => {
    const early = await makePosting(t.db);
    const slow = new pg.Client({ connectionString: (t.config.database as { url: string }).url });
    await slow.connect();
    let lastSeen: string;
    try {
      await slow.query("begin");
      // now() is the transaction's start: this row's updated_at is earlier than the next write's.
      await slow.query("update postings set headcount = 77, updated_at = now() where id = $1", [early.id]);
      await new Promise((r) => setTimeout(r, 50));
      await makePosting(t.db);
      // A sync reads to the end and keeps the last updatedAt (as the README says).
      const seen = ok(await t.gql<{ postings: { edges: { node: { id: string; updatedAt: string } }[] } }>(POSTINGS, { filter: { status: PUBLIC } }, partner)).postings.edges;
      lastSeen = seen.at(-1)!.node.updatedAt;
      await slow.query("commit");
    } finally {
      await slow.end();
    }
    // updatedAt is the writing transaction's start (now()): the late commit carries an earlier time than
    // the last one the sync saw, so from lastSeen exactly it is missed — the README says to re-read with a
    // margin longer than any write transaction (5 minutes), deduplicating by id (or to follow the feed).
    const exact = ok(await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(POSTINGS, { filter: { status: PUBLIC, updatedSince: lastSeen } }, partner)).postings.edges;
    expect(exact.map((e) => e.node.id)).not.toContain(early.id);
    const withMargin = new Date(new Date(lastSeen).getTime() - 5 * 60_000).toISOString();
    const next = ok(await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(POSTINGS, { filter: { status: PUBLIC, updatedSince: withMargin } }, partner)).postings.edges;
    expect(next.map((e) => e.node.id)).toContain(early.id);
  });
});

describe("the change feed: employerVerified follows a link", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  it("a CLOSED partner posting whose partner becomes linked (employerVerified false → true) gets an UPDATED in the feed", async () => {
    const issued = await issuePartnerKey(t.db, "test", { name: `链接平台${unique()}`, scopes: ["postings:read", "postings:write"] });
    const p = await makePosting(t.db, { source: "PARTNER", partnerId: issued.partner.id, externalId: `ext-${unique()}`, status: "CLOSED" });
    const VERIFIED = `query($id: ID!) { posting(id: $id) { employerVerified } }`;
    expect(ok(await t.gql<{ posting: { employerVerified: boolean } }>(VERIFIED, { id: p.id }, { apiKey: issued.apiKey })).posting.employerVerified).toBe(false);
    const head = ok(await t.gql<{ postingChangesHead: string }>(HEAD, {}, { apiKey: issued.apiKey })).postingChangesHead;
    ok(await t.gql(`mutation($p: ID!, $e: ID!) { linkPartnerEmployer(partnerId: $p, employerId: $e) { id } }`, { p: issued.partner.id, e: p.employerId }, { token: admin }));
    expect(ok(await t.gql<{ posting: { employerVerified: boolean } }>(VERIFIED, { id: p.id }, { apiKey: issued.apiKey })).posting.employerVerified).toBe(true);
    const page = ok(await t.gql<FeedPage>(FEED, { after: head }, { apiKey: issued.apiKey })).postingChanges;
    expect(page.changes.filter((c) => c.postingId === p.id).map((c) => c.type)).toEqual(["UPDATED"]);
  });
});
