import { Role, type Viewer } from "../../auth/viewer.js";
import type { Executor } from "../../db/client.js";
import { badInput, forbidden, resyncRequired, unauthenticated } from "../../errors.js";
import { msg } from "../../i18n.js";
import { comparePositions, laterOf, type LogPosition } from "../../search/change-log.js";
import { isPublicStatus } from "./posting.access.js";
import { decodeFeedCursor, encodeFeedCursor } from "./posting-change.cursor.js";
import type { PostingChangeFilter } from "./posting-change.inputs.js";
import { readFeedEvents, type FeedQuery } from "./posting-change.repository.js";
import { PostingChangeType, type PostingChangeRow } from "./posting-change.type.js";
import type { PostingRow } from "./posting.table.js";

/** The most events one page of the change feed gives (a partner syncing reads many; each is small). */
export const MAX_FEED_PAGE_SIZE = 1000;
export const DEFAULT_FEED_PAGE_SIZE = 100;

export interface FeedPage {
  changes: PostingChangeRow[];
  endCursor: string;
  hasNextPage: boolean;
}

/**
 * Who reads the feed: partner sites (a key with postings:read), administrators and caseworkers. It
 * carries only public events, but it is an integrator's API, not the portal's: the public has
 * `postings` and `searchPostings`.
 */
function assertMayReadFeed(viewer: Viewer): void {
  if (viewer.kind === "anonymous") throw unauthenticated();
  if (viewer.kind === "partner") {
    if (!viewer.scopes.includes("postings:read")) throw forbidden(msg("此 API 密钥没有 postings:read 权限范围", "This API key lacks the postings:read scope"));
    return;
  }
  if (viewer.role !== Role.ADMIN && viewer.role !== Role.CASEWORKER) throw forbidden(msg("变更订阅仅向合作平台、管理员和经办人员开放", "The change feed is for partner sites, administrators and caseworkers"));
}

/** The filter as the feed reads it, and as its cursors are bound to (a cursor read under one filter is refused under another). */
function feedQueryOf(viewer: Viewer, filter: PostingChangeFilter | null | undefined): { query: Omit<FeedQuery, "after" | "limit">; scope: string } {
  if (filter?.ownPostingsOnly && viewer.kind !== "partner") throw badInput("filter.ownPostingsOnly", msg("ownPostingsOnly 仅适用于合作平台密钥", "ownPostingsOnly is for partner keys only"));
  const kinds = filter?.kind && filter.kind.length > 0 ? [...new Set(filter.kind)].sort() : undefined;
  const partnerId = filter?.ownPostingsOnly && viewer.kind === "partner" ? viewer.partnerId : undefined;
  const query = {
    ...(filter?.regionCode ? { regionPrefix: filter.regionCode } : {}),
    ...(kinds ? { kinds } : {}),
    ...(filter?.forKeyGroups != null ? { forKeyGroups: filter.forKeyGroups } : {}),
    ...(partnerId ? { partnerId } : {}),
  };
  return { query, scope: JSON.stringify([query.regionPrefix ?? null, query.kinds ?? null, query.forKeyGroups ?? null, query.partnerId ?? null]) };
}

function feedPageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_FEED_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_FEED_PAGE_SIZE) throw badInput("first", msg(`first 须在 1 至 ${MAX_FEED_PAGE_SIZE} 之间`, `first must be 1–${MAX_FEED_PAGE_SIZE}`));
  return size;
}

/**
 * The partner change feed (issue 22): public posting events after `after` (none: from the oldest the
 * log holds), in commit order — read below the visibility watermark, so a transaction that commits
 * late is never skipped. A cursor before the log's horizon (pruned past it) is RESYNC_REQUIRED.
 */
export async function readPostingChanges(
  db: Executor,
  viewer: Viewer,
  key: Buffer,
  args: { after?: string | null; first?: number | null; filter?: PostingChangeFilter | null },
): Promise<FeedPage> {
  assertMayReadFeed(viewer);
  const size = feedPageSize(args.first);
  const { query, scope } = feedQueryOf(viewer, args.filter);
  const after = args.after ? decodeFeedCursor(key, scope, args.after, "after") : null;
  const read = await readFeedEvents(db, { ...query, after, limit: size + 1 });
  if (after && comparePositions(after, read.horizon) < 0) throw resyncRequired("after");
  const hasNextPage = read.events.length > size;
  const events = read.events.slice(0, size);
  const position = (e: { txid: string; seq: number }): LogPosition => ({ txid: e.txid, seq: e.seq });
  const start = after ?? read.horizon;
  const last = events.at(-1);
  // A full page ends at its last event; a short one at the watermark too: no change can commit below it
  // any more, so an empty page still moves the reader (and keeps a quiet filter's cursor within retention).
  const end = hasNextPage ? position(last!) : laterOf(last ? position(last) : start, read.watermark);
  return {
    changes: events.map((e) => ({
      cursor: encodeFeedCursor(key, scope, position(e)),
      type: PostingChangeType[e.event],
      postingId: e.postingId,
      changedFields: e.fields,
      at: e.at,
    })),
    endCursor: encodeFeedCursor(key, scope, end),
    hasNextPage,
  };
}

/** A cursor at the log's head now (the watermark): take it before copying the postings, then follow the feed from it. */
export async function postingChangesHead(db: Executor, viewer: Viewer, key: Buffer, filter?: PostingChangeFilter | null): Promise<string> {
  assertMayReadFeed(viewer);
  const { query, scope } = feedQueryOf(viewer, filter);
  // limit 0: the watermark alone, from the same statement the feed reads with.
  const read = await readFeedEvents(db, { ...query, after: null, limit: 0 });
  return encodeFeedCursor(key, scope, laterOf(read.horizon, read.watermark));
}

/** An event's posting as it is now, only while it is public (REMOVED: never; the event says all there is). */
export async function postingOfChange(change: PostingChangeRow, load: (id: string) => Promise<PostingRow | null | undefined>): Promise<PostingRow | null> {
  if (change.type === PostingChangeType.REMOVED) return null;
  const posting = await load(change.postingId);
  return posting && isPublicStatus(posting.status) ? posting : null;
}
