import { webhooksBench } from "./feed-webhooks.js";
import pg from "pg";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { comparePositions, parsePosition } from "../../src/search/change-log.js";
import { BENCH_SECRET, printTable, repeatRuns, startBenchServer, type BenchServer } from "./harness.js";

/**
 * `npm run bench -- feed` (issue 22): the partner change feed over 100,000 posting events. The
 * events are written in SQL — postings inserted (the trigger logs CREATED), then edited (UPDATED)
 * and closed (CLOSED) — and read back whole through GraphQL over HTTP by a partner key, three times
 * each way (`runs`, after an untimed one; each run's figures printed, medians in the table); the
 * baseline is the same rows read by keyset straight from PostgreSQL, in the same run.
 *
 * Sections: each takes the running server and its database and returns whether it passed, so another
 * (the webhooks' deliveries) can be appended to FEED_SECTIONS.
 */
export interface FeedBenchContext {
  server: BenchServer;
  client: pg.Client;
  /** Public events in the log. */
  events: number;
  admin: string;
  /** Measured runs of each read, after a warm-up (medians reported). */
  runs: number;
  /** The webhook section's sizes (its defaults when absent). */
  webhooks: Omit<Parameters<typeof webhooksBench>[0], "runs">;
}

export type FeedSection = (ctx: FeedBenchContext) => Promise<boolean>;

const TARGET_EVENTS_PER_SECOND = 20_000;

const LEAN = `query($after: String, $first: Int) { postingChanges(after: $after, first: $first) { endCursor hasNextPage changes { cursor type postingId changedFields at } } }`;
const WITH_POSTING = `query($after: String, $first: Int) { postingChanges(after: $after, first: $first) { endCursor hasNextPage changes { cursor type postingId changedFields at posting { id title status regionCode salaryMin salaryMax validUntil } } } }`;

async function gql<T>(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors || !body.data) throw new Error(`feed bench: ${res.status} ${JSON.stringify(body.errors).slice(0, 300)}`);
  return body.data;
}

/** The whole feed from the start, `first` at a time: events read and seconds taken. */
async function readWholeFeed(url: string, headers: Record<string, string>, query: string, first: number): Promise<{ events: number; seconds: number; pages: number }> {
  const began = performance.now();
  let after: string | null = null;
  let events = 0;
  let pages = 0;
  for (;;) {
    const page: { postingChanges: { endCursor: string; hasNextPage: boolean; changes: unknown[] } } = await gql(url, headers, query, { after, first });
    events += page.postingChanges.changes.length;
    pages++;
    after = page.postingChanges.endCursor;
    if (!page.postingChanges.hasNextPage) break;
  }
  return { events, seconds: (performance.now() - began) / 1000, pages };
}

/**
 * The baseline: the same rows, keyset pages of `first`, straight from PostgreSQL (no HTTP, no GraphQL).
 * The watermark is taken once per statement (a subquery): called per row, pg_current_snapshot() alone
 * made the scan seven times slower than the feed itself. The order is the table's columns (`c.txid`):
 * a bare `txid` names the output column, the text, which sorted every row left instead of walking
 * the index.
 */
async function readRawLog(client: pg.Client, first: number): Promise<{ events: number; seconds: number }> {
  const began = performance.now();
  let after = { txid: "0", seq: 0 };
  let events = 0;
  for (;;) {
    const { rows } = await client.query<{ txid: string; seq: string }>(
      `select c.txid::text as txid, c.seq, c.event, c.fields, c.at, c.posting_id from posting_changes c
       where c.event is not null and (c.txid, c.seq) > ($1::xid8, $2::bigint) and c.txid < (select pg_snapshot_xmin(pg_current_snapshot()))
       order by c.txid, c.seq limit $3`,
      [after.txid, after.seq, first],
    );
    events += rows.length;
    if (rows.length < first) break;
    after = { txid: rows.at(-1)!.txid, seq: Number(rows.at(-1)!.seq) };
  }
  return { events, seconds: (performance.now() - began) / 1000 };
}

/** Feed read throughput: lean events (1000 a page) and events with their postings (500 a page), against the raw scan. */
export const feedReadSection: FeedSection = async ({ server, client, events, admin, runs }) => {
  const issued = await gql<{ issuePartnerKey: { apiKey: string } }>(server.url, { authorization: `Bearer ${admin}` }, `mutation { issuePartnerKey(name: "压测订阅平台", scopes: [POSTINGS_READ]) { apiKey } }`, {});
  const partner = { "x-api-key": issued.issuePartnerKey.apiKey };
  const measure = async (what: string, read: () => Promise<{ events: number; seconds: number }>) => {
    await read(); // warm-up (plans, JIT, connections)
    const { median } = await repeatRuns(
      runs,
      async () => {
        const r = await read();
        if (r.events !== events) throw new Error(`feed bench: read ${r.events} events, the log holds ${events}`);
        return { "events/s": r.events / r.seconds, seconds: r.seconds };
      },
      what,
    );
    return { rate: median["events/s"], seconds: median.seconds };
  };
  const raw = await measure("raw scan", () => readRawLog(client, 1000));
  const lean = await measure("feed, first 1000", () => readWholeFeed(server.url, partner, LEAN, 1000));
  const lean100 = await measure("feed, first 100", () => readWholeFeed(server.url, partner, LEAN, 100));
  const full = await measure("feed with postings, first 500", () => readWholeFeed(server.url, partner, WITH_POSTING, 500));
  const row = (what: string, m: { rate: number; seconds: number }) => ({
    read: what,
    [`events/s (median of ${runs})`]: Math.round(m.rate).toLocaleString("en"),
    "s per read": m.seconds.toFixed(2),
    "× baseline": (m.rate / raw.rate).toFixed(3),
  });
  console.log(`\nChange feed: ${events.toLocaleString("en")} public events, ${server.driver}`);
  printTable([
    row("baseline: raw SQL keyset scan, 1000 a page", raw),
    row("postingChanges(first: 1000), event fields", lean),
    row("postingChanges(first: 100), event fields", lean100),
    row("postingChanges(first: 500), with posting { 7 fields }", full),
  ]);
  const pass = lean.rate >= TARGET_EVENTS_PER_SECOND;
  console.log(`feed read ${pass ? "PASS" : "FAIL"}: ${Math.round(lean.rate)} events/s (target ≥ ${TARGET_EVENTS_PER_SECOND} at first = 1000${server.driver === "postgres" ? "" : "; judged on PostgreSQL"})`);
  return pass || server.driver !== "postgres";
};

/**
 * The webhooks' deliveries (feed-webhooks.ts): a server of their own with local receivers, run after
 * the read (the feed's server and events stay; the two measurements never share the machine).
 */
const webhookSection: FeedSection = ({ runs, webhooks }) => webhooksBench({ ...webhooks, runs });

/** Sections run in order on one server and one set of events. */
export const FEED_SECTIONS: FeedSection[] = [feedReadSection, webhookSection];

/** Writes `target` public events in SQL: inserts (CREATED), then edits (UPDATED) and closes (CLOSED) of some of them. */
async function writeEvents(client: pg.Client, target: number): Promise<number> {
  const created = Math.round(target * 0.6);
  const updated = Math.round(target * 0.25);
  const closed = target - created - updated;
  // One statement each (the triggers log statement by statement), in batches so no one transaction is huge.
  for (let done = 0; done < created; done += 20_000) {
    await client.query(
      `insert into postings (id, employer_id, title, description, occupation, skills, majors, min_education, region_code, salary_min, salary_max, headcount, kind, for_key_groups, status, valid_until, published_at, source, created_by)
       select gen_random_uuid(), p.employer_id, p.title || ' ' || g, p.description, p.occupation, p.skills, p.majors, p.min_education, p.region_code,
              p.salary_min, p.salary_max, p.headcount, p.kind, p.for_key_groups, 'OPEN', now() + interval '60 days', now(), 'EMPLOYER', 'bench-feed'
       from (select * from postings where status = 'OPEN' order by id limit 50) p cross join generate_series(1, $1) g
       limit $1`,
      [Math.min(20_000, created - done)],
    );
  }
  await client.query(`update postings set title = title || ' 改', updated_at = now() where id in (select id from postings where created_by = 'bench-feed' order by id limit $1)`, [updated]);
  await client.query(
    `update postings set status = 'CLOSED', closed_at = now(), closed_by = 'bench', updated_at = now() where id in (select id from postings where created_by = 'bench-feed' order by id desc limit $1)`,
    [closed],
  );
  const { rows: [n] } = await client.query<{ n: number }>(`select count(*)::int as n from posting_changes where event is not null`);
  return n!.n;
}

/** Until the server's own search index has followed the log to its last change (its reading would otherwise share the measurement). */
async function untilIndexed(server: BenchServer, client: pg.Client): Promise<void> {
  const { rows: [last] } = await client.query<{ txid: string; seq: string }>(`select txid::text as txid, seq from posting_changes order by txid desc, seq desc limit 1`);
  const head = { txid: last!.txid, seq: Number(last!.seq) };
  const readyz = server.url.replace(/\/graphql$/, "/readyz");
  for (let i = 0; i < 1200; i++) {
    const body = (await (await fetch(readyz)).json()) as { search?: { position?: string | null } };
    const at = body.search?.position ? parsePosition(body.search.position) : null;
    if (at && comparePositions(at, head) >= 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("feed bench: the server's index did not reach the log's head in 5 minutes");
}

export async function feedBench(opts: { events?: number; runs?: number; webhooks?: FeedBenchContext["webhooks"] } = {}): Promise<boolean> {
  const target = opts.events ?? 100_000;
  const server = await startBenchServer();
  const client = new pg.Client({ connectionString: server.databaseUrl ?? "" });
  try {
    if (server.driver !== "postgres") {
      console.log("feed: needs PostgreSQL (DATABASE_URL): the events are written in SQL beside the running server.");
      return true;
    }
    await client.connect();
    const began = performance.now();
    const events = await writeEvents(client, target);
    console.log(`feed: wrote ${events.toLocaleString("en")} public events in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    await untilIndexed(server, client);
    const admin = await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" }, { sub: "bench-admin", role: Role.ADMIN });
    let ok = true;
    for (const section of FEED_SECTIONS) ok = (await section({ server, client, events, admin, runs: opts.runs ?? 3, webhooks: opts.webhooks ?? {} })) && ok;
    return ok;
  } finally {
    await client.end().catch(() => undefined);
    await server.stop();
  }
}
