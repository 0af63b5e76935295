import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import {
  dropBenchDatabase,
  fulfilBenchDatabase,
  fulfilOnce,
  fulfilRegion,
  median,
  postGraphql,
  printRuns,
  printTable,
  quantile,
  repeatRuns,
  resetReferrals,
  rssMb,
  runsOrOne,
  seekerTokens,
  startBenchServer,
  type BenchServer,
} from "./harness.js";

const INBOX = JSON.stringify({ query: "{ viewer { notifications(first: 10) { edges { node { id } } } } }" });
const TYPENAME = JSON.stringify({ query: "{ __typename }" });

/** The SMS log provider's file: its lines, and the message ids written more than once. */
function smsLog(file: string): { lines: number; ids: Set<string>; twice: number } {
  const ids = new Set<string>();
  let lines = 0;
  let twice = 0;
  for (const line of existsSync(file) ? readFileSync(file, "utf8").split("\n") : []) {
    if (line.length === 0) continue;
    lines++;
    const { id } = JSON.parse(line) as { id: string };
    if (ids.has(id)) twice++;
    ids.add(id);
  }
  return { lines, ids, twice };
}

interface Queue {
  /** Notifications the SMS channel has not taken up (neither carried by a message nor skipped). */
  pending: boolean;
  /** Messages not settled yet (DELIVERED, FAILED and CANCELLED are). */
  open: boolean;
}

/** Whether anything waits (existence only, by the queue's own partial indexes: polled every second beside the work). */
async function queue(client: pg.Client): Promise<Queue> {
  const { rows: [q] } = await client.query<Queue>(
    `select exists (select 1 from notifications where sms_id is null and sms_skipped is null) as pending,
            exists (select 1 from sms_messages where status in ('QUEUED', 'SENDING', 'SENT')) as open`,
  );
  return q!;
}

/** Polls until the SMS channel has taken up every notification and settled every message (or `timeoutMs`). */
async function untilDelivered(client: pg.Client, timeoutMs: number, each?: () => void): Promise<{ done: boolean; last: Queue }> {
  const began = performance.now();
  for (;;) {
    each?.();
    const q = await queue(client);
    if (!q.pending && !q.open) return { done: true, last: q };
    if (performance.now() - began > timeoutMs) return { done: false, last: q };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface Delivery {
  notifications: number;
  smsCarried: number;
  skipped: string;
  delivered: number;
  messages: number;
  messagesDelivered: number;
  statuses: string;
  lagP50: number;
  lagP99: number;
  /** First notification created → last delivered, s. */
  span: number;
  /** First message made → last message delivered, s (the SMS channel's own span). */
  smsSpan: number;
  /** First notification created → last created, s (how fast the fulfil produced them). */
  produced: number;
}

/** What the database says of a delivery: counts, lag per notification (delivered − created) and spans. */
async function delivery(client: pg.Client): Promise<Delivery> {
  const { rows: [d] } = await client.query<Omit<Delivery, "skipped" | "statuses">>(
    `select (select count(*) from notifications)::int as notifications,
            (select count(*) from notifications where sms_id is not null)::int as "smsCarried",
            (select count(*) from notifications where delivered_at is not null)::int as delivered,
            (select count(*) from sms_messages)::int as messages,
            (select count(*) from sms_messages where status = 'DELIVERED')::int as "messagesDelivered",
            l.p50 as "lagP50", l.p99 as "lagP99",
            extract(epoch from (select max(delivered_at) - min(created_at) from notifications))::float8 as span,
            extract(epoch from (select max(delivered_at) - min(created_at) from sms_messages))::float8 as "smsSpan",
            extract(epoch from (select max(created_at) - min(created_at) from notifications))::float8 as produced
       from (select percentile_cont(0.5) within group (order by extract(epoch from delivered_at - created_at))::float8 as p50,
                    percentile_cont(0.99) within group (order by extract(epoch from delivered_at - created_at))::float8 as p99
               from notifications where delivered_at is not null) l`,
  );
  const { rows: skipped } = await client.query<{ reason: string; n: number }>("select sms_skipped as reason, count(*)::int as n from notifications where sms_skipped is not null group by 1 order by 2 desc");
  const { rows: statuses } = await client.query<{ status: string; n: number }>("select status, count(*)::int as n from sms_messages group by 1 order by 2 desc");
  return {
    ...d!,
    skipped: skipped.map((s) => `${s.n} ${s.reason}`).join(", ") || "none",
    statuses: statuses.map((s) => `${s.n} ${s.status}`).join(", ") || "none",
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Pushes at scale (issue 21), on PostgreSQL: a campaign run over ~100,000 people (`--people`
 * generated, 320,000 by default: about a third are below their minimum) makes one notification
 * per referral in its own transaction (the triggers), ≥ 300,000 in all; a server process (built,
 * production mode, its dispatcher every 200 ms, quiet hours off and no gathering) delivers them
 * through the SMS log provider — at most one SMS a person a Fujian day — and then the inbox.
 *
 * 1. Live: the server is started, then `fulfil --region 35` runs in its own process; until every
 *    notification is taken up and every SMS DELIVERED: created, sent (the log file's lines =
 *    DELIVERED, no id twice), lag per notification (delivered − created) p50/p99, notifications
 *    delivered per second from the first created to the last delivered, the server's RSS each second.
 * 2. Backlog: the delivery state reset, a fresh server delivers all of it at once: notifications/s, SMS/s.
 * 3. Inbox: `clients` seekers at a time fetch a random person's inbox (first: 10) for `seconds`:
 *    in-app deliveries/s and p50/p99, against `{ __typename }` with the same tokens and clients.
 * 4. Trigger cost: the fulfil with the notification trigger disabled, then enabled (no server running).
 * The baseline for the throughputs: a `select 1` round trip on the same PostgreSQL, in the same run.
 *
 * The inbox is warmed up first (a tenth of the people, at most 200, fetching once; not counted). One run by default (the
 * run over 320,000 people takes many minutes; its lags and latencies are percentiles over all its
 * notifications and requests); `runs` repeats phases 2 and 3 — the backlog and the inbox, from the
 * same undelivered state each time — and reports their medians. Phases 1 and 4 run once.
 */
export async function notificationsBench(opts: { people?: number; clients?: number; seconds?: number; runs?: number } = {}): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("notifications bench: set DATABASE_URL");
    return false;
  }
  const clients = opts.clients ?? 20;
  const seconds = opts.seconds ?? 10;
  const runs = runsOrOne(opts.runs, "a run over 320,000 people takes many minutes, and reports percentiles over all its notifications and requests");
  const { databaseUrl, env, client } = await fulfilBenchDatabase(opts.people ?? 320_000);
  const dir = mkdtempSync(join(tmpdir(), "jb-notifications-"));
  let server: BenchServer | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    // Quiet hours off and no gathering: a new version of the policy in force from today (Fujian), the rest as the latest.
    await client.query(`
      insert into notification_policies (id, version, effective_from, quiet_from, quiet_until, sms_kinds, gather_seconds, max_attempts,
                                         retry_base_seconds, retry_max_seconds, delivery_grace_days, sms_max_postings, created_by)
      select gen_random_uuid(), p.version + 1, (now() at time zone 'Asia/Shanghai')::date, null, null, p.sms_kinds, 0, p.max_attempts,
             p.retry_base_seconds, p.retry_max_seconds, p.delivery_grace_days, p.sms_max_postings, 'bench:notifications'
        from notification_policies p order by p.version desc limit 1`);

    // Baseline: one trivial round trip to the same PostgreSQL (median of 1,000).
    const trips: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const began = performance.now();
      await client.query("select 1");
      trips.push(performance.now() - began);
    }
    const roundTrip = median(trips);

    const serverEnv = (logFile: string) => ({
      DATABASE_URL: databaseUrl,
      SEED_DEMO: "never",
      // The log provider is refused in production (it sends nothing and counts its lines delivered): this server runs as `test`.
      NODE_ENV: "test",
      SMS_PROVIDER: "log",
      SMS_LOG_FILE: logFile,
      NOTIFICATION_INTERVAL_MS: "200",
      // The fulfil is the CLI's, in its own process (as in the fulfil benchmark): the server only delivers.
      CAMPAIGN_RUN_INTERVAL_MS: "0",
    });

    // 1. Live: the server delivering while the fulfil runs.
    await resetReferrals(client);
    const liveLog = join(dir, "live.jsonl");
    server = await startBenchServer(serverEnv(liveLog), { reuseDatabase: true });
    const pid = server.pid;
    const rss: { at: number; mb: number }[] = [];
    sampler = setInterval(() => rss.push({ at: Date.now(), mb: rssMb(pid) }), 1000);
    const fulfil = await fulfilRegion(env);
    const live = await untilDelivered(client, 600_000);
    clearInterval(sampler);
    rss.push({ at: Date.now(), mb: rssMb(pid) });
    const liveFigures = await delivery(client);
    const liveFile = smsLog(liveLog);
    // Warm-up: the first sample 10 s after the first SMS went (the dispatcher has run full batches by then).
    const { rows: [first] } = await client.query<{ at: Date | null }>("select min(delivered_at) as at from sms_messages");
    const warmAt = (first!.at?.getTime() ?? rss[0]!.at) + 10_000;
    const afterWarmUp = rss.filter((s) => s.at >= warmAt);
    const warm = afterWarmUp[0]?.mb ?? rss.at(-1)!.mb;
    const rssLast = rss.at(-1)!.mb;
    const rssFlat = rssLast <= 1.3 * warm;
    const liveRate = liveFigures.delivered / liveFigures.span;
    await server.stop({ keepDatabase: true });
    server = undefined;

    /** Phases 2 and 3, from everything undelivered: the backlog delivered by a fresh server, then the inbox on it. */
    let backlogRuns = 0;
    const backlogAndInbox = async () => {
      // 2. Backlog: everything undelivered again, a fresh server delivers it at once.
      await client.query("update notifications set sms_id = null, sms_skipped = null, delivered_at = null, fetched_at = null");
      await client.query("delete from sms_messages");
      await client.query("vacuum analyze notifications, sms_messages");
      // A log file per run: each run's SMS are counted on their own.
      const backlogLog = join(dir, `backlog-${++backlogRuns}.jsonl`);
      const startedAt = performance.now();
      server = await startBenchServer(serverEnv(backlogLog), { reuseDatabase: true });
      const readyAt = performance.now();
      const backlogRss: number[] = [];
      const backlog = await untilDelivered(client, 600_000, () => backlogRss.push(rssMb(server!.pid)));
      const backlogWall = (performance.now() - readyAt) / 1000;
      const backlogFigures = await delivery(client);
      const backlogFile = smsLog(backlogLog);
      const backlogRate = backlogFigures.delivered / backlogFigures.smsSpan;
      const smsRate = backlogFigures.messagesDelivered / backlogFigures.smsSpan;

      // 3. Inbox: seekers fetching their notifications (the in-app delivery), with the server still up.
      const { rows: inboxPeople } = await client.query<{ person_id: string }>("select person_id from (select distinct person_id from notifications) p order by random() limit 30000");
      const tokens = await seekerTokens(inboxPeople.map((p) => p.person_id));
      const url = new URL(server.url);
      const agent = new Agent({ keepAlive: true, maxSockets: clients });
      const drive = async (body: string, forSeconds: number, from: number) => {
        const latencies: number[] = [];
        const codes = new Map<string, number>();
        let next = from;
        const until = performance.now() + forSeconds * 1000;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (performance.now() < until) {
              const r = await postGraphql(agent, url, tokens[next++ % tokens.length]!, body);
              latencies.push(r.ms);
              const code = r.status !== 200 ? `HTTP ${r.status}` : (r.code ?? "OK");
              codes.set(code, (codes.get(code) ?? 0) + 1);
            }
          }),
        );
        return { latencies: latencies.sort((a, b) => a - b), codes };
      };
      const baseline = await drive(TYPENAME, Math.max(3, seconds / 2), 0);
      // Warm-up, not counted: the last tenth of the people (at most 200) fetch once — few, so the timed fetches
      // still find their inboxes undelivered; what they fetched is taken off the count.
      let nextWarm = tokens.length - Math.min(200, Math.floor(tokens.length / 10));
      await Promise.all(Array.from({ length: clients }, async () => {
        while (nextWarm < tokens.length) await postGraphql(agent, url, tokens[nextWarm++]!, INBOX);
      }));
      const fetchedCount = async () =>
        (await client.query<{ n: number; people: number }>("select count(*)::int as n, count(distinct person_id)::int as people from notifications where fetched_at is not null")).rows[0]!;
      const warmFetched = await fetchedCount();
      const inboxBegan = performance.now();
      // Each request a person not fetched before (while the tokens last): each fetch delivers what it reads.
      const inbox = await drive(INBOX, seconds, 0);
      const inboxSeconds = (performance.now() - inboxBegan) / 1000;
      agent.destroy();
      const after = await fetchedCount();
      const fetched = { n: after.n - warmFetched.n, people: after.people - warmFetched.people };
      const inboxRate = fetched.n / inboxSeconds;
      await server.stop({ keepDatabase: true });
      server = undefined;
      return { backlog, backlogWall, backlogFigures, backlogFile, backlogRate, smsRate, backlogRss, readyAt, startedAt, inbox, inboxSeconds, fetched, inboxRate, baseline };
    };
    let last!: Awaited<ReturnType<typeof backlogAndInbox>>;
    let allBacklogsDone = true;
    const repeated = await repeatRuns(runs, async () => {
      last = await backlogAndInbox();
      allBacklogsDone &&= last.backlog.done && last.backlogFigures.delivered === last.backlogFigures.notifications && last.backlogFile.twice === 0 && last.backlogFile.lines === last.backlogFigures.messagesDelivered;
      return {
        "backlog notifications/s": last.backlogRate,
        "backlog SMS/s": last.smsRate,
        "inbox deliveries/s": last.inboxRate,
        "inbox p50 ms": quantile(last.inbox.latencies, 0.5),
        "inbox p99 ms": quantile(last.inbox.latencies, 0.99),
        "baseline p50 ms": quantile(last.baseline.latencies, 0.5),
      };
    }, "backlog and inbox, run");
    const { backlog, backlogWall, backlogFigures, backlogFile, backlogRss, readyAt, startedAt, inbox, inboxSeconds, fetched } = last;
    const inboxRate = repeated.median["inbox deliveries/s"];
    const inboxP50 = repeated.median["inbox p50 ms"];
    const baselineP50 = repeated.median["baseline p50 ms"];
    const backlogRate = repeated.median["backlog notifications/s"];
    const smsRate = repeated.median["backlog SMS/s"];

    // 4. The triggers' cost: the same fulfil without notifications, then with them (no server running).
    await client.query("alter table referral_events disable trigger referral_events_notify");
    let off: Awaited<ReturnType<typeof fulfilOnce>>;
    try {
      off = await fulfilOnce(client, env);
    } finally {
      await client.query("alter table referral_events enable trigger referral_events_notify");
    }
    const { rows: [offCount] } = await client.query<{ n: number }>("select count(*)::int as n from notifications");
    const on = await fulfilOnce(client, env);
    const { rows: [onCount] } = await client.query<{ n: number }>("select count(*)::int as n from notifications");

    const s = (x: number) => `${x.toFixed(1)} s`;
    const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
    const noDuplicates = liveFile.twice === 0 && backlogFile.twice === 0;
    const sentEqual = liveFile.lines === liveFigures.messagesDelivered && backlogFile.lines === backlogFigures.messagesDelivered;
    if (runs > 1) {
      console.log(`\nbacklog and inbox: each run's figures and their medians (the table below gives the medians; counts and spans are the last run's)\n`);
      printRuns(repeated);
    }
    console.log(`\nnotifications — ${fmt(fulfil.total)} people in the run, ${fmt(liveFigures.notifications)} notifications, SMS log provider, quiet hours off, no gathering (postgres)\n`);
    printTable([
      { measure: "baseline: `select 1` round trip (median of 1,000)", value: ms(roundTrip) },
      { measure: "live: fulfil (CLI, server delivering beside it): run · people · referrals", value: `${s(fulfil.runMs / 1000)} · ${fmt(fulfil.total)} · ${fmt(fulfil.created)}` },
      { measure: "live: notifications created (skipped by SMS)", value: `${fmt(liveFigures.notifications)} (${liveFigures.skipped})` },
      { measure: "live: notifications delivered (all settled, or the state at the timeout)", value: `${fmt(liveFigures.delivered)} of ${fmt(liveFigures.notifications)}${live.done ? "" : ` — TIMED OUT ${JSON.stringify(live.last)}`}` },
      { measure: "live: SMS sent: log lines · DELIVERED · messages (statuses) · ids twice", value: `${fmt(liveFile.lines)} · ${fmt(liveFigures.messagesDelivered)} · ${fmt(liveFigures.messages)} (${liveFigures.statuses}) · ${liveFile.twice}` },
      { measure: "live: notifications produced by the fulfil (first → last created)", value: `${s(liveFigures.produced)} (${fmt(liveFigures.notifications / liveFigures.produced)}/s)` },
      { measure: "live: delivered/s (first created → last delivered)", value: `${fmt(liveRate)}/s over ${s(liveFigures.span)}` },
      { measure: "live: queue lag per notification (delivered − created) p50 · p99", value: `${s(liveFigures.lagP50)} · ${s(liveFigures.lagP99)}` },
      { measure: "live: server RSS after warm-up · median · max · last (flat: last ≤ 1.3 × warm-up)", value: `${fmt(warm)} · ${afterWarmUp.length > 0 ? fmt(median(afterWarmUp.map((x) => x.mb))) : "—"} · ${fmt(Math.max(...rss.map((x) => x.mb)))} · ${fmt(rssLast)} MB (${rssFlat ? "flat" : "GREW"}; ${rss.length} samples)` },
      { measure: "backlog: server start → ready (index build) · ready → all delivered", value: `${s((readyAt - startedAt) / 1000)} · ${s(backlogWall)} (${fmt(backlogFigures.delivered)} of ${fmt(backlogFigures.notifications)}${backlog.done ? "" : ` — TIMED OUT ${JSON.stringify(backlog.last)}`})` },
      { measure: "backlog: notifications/s · SMS/s (first message made → last delivered)", value: `${fmt(backlogRate)}/s · ${fmt(smsRate)}/s over ${s(backlogFigures.smsSpan)}` },
      { measure: "backlog: SMS log lines · DELIVERED · ids twice · peak RSS", value: `${fmt(backlogFile.lines)} · ${fmt(backlogFigures.messagesDelivered)} · ${backlogFile.twice} · ${fmt(Math.max(...backlogRss))} MB` },
      { measure: "backlog: ms per notification / `select 1` round trip", value: `${(1000 / backlogRate).toFixed(3)} ms → ${(1000 / backlogRate / roundTrip).toFixed(2)} round trips` },
      { measure: `inbox: ${clients} clients × ${inboxSeconds.toFixed(1)} s: requests · in-app deliveries/s (people)`, value: `${fmt(inbox.latencies.length)} · ${fmt(inboxRate)}/s (${fmt(fetched!.people)}) · ${[...inbox.codes].map(([c, n]) => `${c} ${n}`).join(", ")}` },
      { measure: "inbox: p50 · p99 (baseline `{ __typename }` p50 · p99)", value: `${ms(inboxP50)} · ${ms(repeated.median["inbox p99 ms"])} (${ms(baselineP50)} · ${ms(quantile(last.baseline.latencies, 0.99))})` },
      { measure: "inbox: p50 / baseline p50", value: (inboxP50 / baselineP50).toFixed(1) },
      { measure: "fulfil, triggers off · on (no server): run (notifications)", value: `${s(off.runMs / 1000)} (${fmt(offCount!.n)}) · ${s(on.runMs / 1000)} (${fmt(onCount!.n)})` },
      { measure: "fulfil on / off", value: `${(on.runMs / off.runMs).toFixed(3)} (${(((on.runMs / off.runMs) - 1) * 100).toFixed(1)} %)` },
    ]);
    const allDelivered = liveFigures.delivered === liveFigures.notifications && allBacklogsDone;
    const ok = live.done && allDelivered && backlogRate >= 2000 && rssFlat && noDuplicates && sentEqual && liveFigures.notifications >= 300_000;
    console.log(
      ok
        ? "OK"
        : "BELOW TARGET (≥ 300,000 notifications, all delivered, ≥ 2,000 notifications/s delivered from a backlog, RSS flat, every SMS in the log once and only the DELIVERED)",
    );
    return ok;
  } finally {
    if (sampler) clearInterval(sampler);
    await server?.stop({ keepDatabase: true });
    await client.query("alter table referral_events enable trigger referral_events_notify").catch(() => undefined);
    await client.end();
    await dropBenchDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  }
}
