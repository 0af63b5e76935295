import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { escapeLike } from "../../db/like.js";
import type { LogPosition } from "../../search/change-log.js";

/** The public events of the change log after a position, narrowed by the posting as it is now. */
export interface FeedQuery {
  /** Read after this position; null: from the log's horizon (the oldest position it still holds whole). */
  after: LogPosition | null;
  limit: number;
  regionPrefix?: string;
  kinds?: string[];
  forKeyGroups?: boolean;
  /** Only this partner's postings. */
  partnerId?: string;
}

export interface FeedEventRow {
  txid: string;
  seq: number;
  event: "CREATED" | "UPDATED" | "CLOSED" | "EXPIRED" | "REMOVED";
  fields: string[] | null;
  at: Date;
  postingId: string;
}

export interface FeedRead {
  events: FeedEventRow[];
  /** The visibility watermark: every change below it is committed; none can appear below it later. */
  watermark: LogPosition;
  /** The last position pruned: a reader before it may have missed events. */
  horizon: LogPosition;
}

/** The posting fields a filter looks at, as the log names them: an event changing one is sent even if the posting now misses the filter. */
function filterCondition(q: FeedQuery): SQL | undefined {
  const matches: SQL[] = [];
  const dimensions: string[] = [];
  if (q.regionPrefix) {
    matches.push(sql`p.region_code like ${`${escapeLike(q.regionPrefix)}%`}`);
    dimensions.push("region");
  }
  if (q.kinds && q.kinds.length > 0) {
    matches.push(sql`p.kind::text = any(${sql.param(q.kinds)}::text[])`);
    dimensions.push("kind");
  }
  if (q.forKeyGroups !== undefined) {
    matches.push(sql`p.for_key_groups = ${q.forKeyGroups}`);
    dimensions.push("forKeyGroups");
  }
  const parts: SQL[] = [];
  // REMOVED is sent whatever the posting is now: it may have left the filter after it stopped being public
  // (blocked, then edited as a draft; or held and moved in one write), and a copy that holds it must drop it.
  if (matches.length > 0) parts.push(sql`((${sql.join(matches, sql` and `)}) or c.fields && ${sql.param(dimensions)}::text[] or c.event = 'REMOVED')`);
  if (q.partnerId) parts.push(sql`p.partner_id = ${q.partnerId}`);
  return parts.length > 0 ? sql.join(parts, sql` and `) : undefined;
}

/**
 * One page of public events in (txid, seq) order, only below the watermark, with the watermark and
 * the horizon — one statement, so all three come from one snapshot (a prune moves the horizon in
 * its delete's own statement: a reader never sees rows gone and the horizon still behind them).
 */
export async function readFeedEvents(db: Executor, q: FeedQuery): Promise<FeedRead> {
  const filter = filterCondition(q);
  const fromHorizon = q.after === null;
  const rows = await queryRows<{ xmin: string; h_txid: string; h_seq: number | string; txid: string | null; seq: number | string | null; event: FeedEventRow["event"] | null; fields: string[] | null; at: Date | string | null; posting_id: string | null }>(
    db,
    sql`with w as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
         h as materialized (
           select coalesce((select txid from change_log_horizon where id = 1), '0'::xid8) as txid,
                  coalesce((select seq from change_log_horizon where id = 1), 0) as seq
         ),
         s as materialized (
           select case when ${fromHorizon} then h.txid else ${q.after?.txid ?? "0"}::xid8 end as txid,
                  case when ${fromHorizon} then h.seq else ${q.after?.seq ?? 0}::bigint end as seq
           from h
         ),
         page as (
           select c.txid, c.seq, c.event, c.fields, c.at, c.posting_id
           from posting_changes c${filter ? sql` join postings p on p.id = c.posting_id` : sql``}
           where c.event is not null
             and (c.txid, c.seq) > ((select txid from s), (select seq from s))
             and c.txid < (select xmin from w)
             ${filter ? sql`and ${filter}` : sql``}
           order by c.txid, c.seq
           limit ${q.limit}
         )
         select w.xmin::text as xmin, h.txid::text as h_txid, h.seq as h_seq,
                page.txid::text as txid, page.seq, page.event, page.fields, page.at, page.posting_id
         from w cross join h left join page on true
         order by page.txid, page.seq`,
  );
  const first = rows[0]!;
  const events: FeedEventRow[] = [];
  for (const r of rows) {
    if (r.txid === null) continue;
    events.push({ txid: r.txid, seq: Number(r.seq), event: r.event!, fields: r.fields, at: new Date(r.at!), postingId: r.posting_id! });
  }
  return { events, watermark: { txid: first.xmin, seq: 0 }, horizon: { txid: first.h_txid, seq: Number(first.h_seq) } };
}
