/**
 * Lists a page at a time, whoever asks (GraphQL, the CLI, services): the `first` rule, opaque
 * cursors and pages sliced from `limit first + 1` rows. No transport here and no decorators — the
 * services and the benchmarks' tsx import it; the GraphQL connection types are in graphql/relay.ts.
 */
import { isUuid } from "./db/ids.js";
import { badInput } from "./errors.js";
import { msg } from "./i18n.js";

/** The most any list gives at once. */
export const MAX_PAGE_SIZE = 100;

/** A connection's page when the client gives neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 20;

/** `first` on any list (pages, matches, reports): a whole number from 1 to MAX_PAGE_SIZE. */
export function checkFirst(first: number, field = "first"): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(field, msg(`${field} 须在 1 至 ${MAX_PAGE_SIZE} 之间`, `${field} must be 1–${MAX_PAGE_SIZE}`));
  return first;
}

// Cursors are opaque to clients; inside they name the last row's id (a UUID v7, ordered by time).
export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined, field = "after"): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = decoded.startsWith("c:") ? decoded.slice(2) : "";
  if (!isUuid(id)) throw badInput(field, msg("游标无效：不是本接口返回的游标", "The cursor is not one this API issued"));
  return id;
}

/** A place in a list ordered by (a time, id): the time in milliseconds (the columns' precision) and the id. */
export interface TimeKey {
  at: Date;
  id: string;
}

// A different prefix from `c:`: a cursor of the list by id is refused in the list by time, and back.
export function encodeTimeCursor(key: TimeKey): string {
  return Buffer.from(`t:${key.at.getTime()}:${key.id}`, "utf8").toString("base64url");
}

export function decodeTimeCursor(cursor: string | null | undefined, field = "after"): TimeKey | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const m = /^t:(\d{1,15}):(.+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m || !isUuid(m[2]!)) throw badInput(field, msg("游标无效：不是本接口按此排序返回的游标", "The cursor is not one this API issued for this order"));
  return { at: new Date(Number(m[1])), id: m[2]! };
}

/** The arguments of a Relay connection (cursor connections spec): `first`/`after` forward, `last`/`before` back. */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * Which rows a page of a newest-first list (ordered by id, descending) asks for, by keyset: rows
 * older than `afterId` and newer than `beforeId`. Read forward, the newest `limit` of them; read
 * backward (`last`), the oldest `limit`, which come in ascending order and are turned round.
 */
export interface KeysetPage {
  afterId?: string | undefined;
  beforeId?: string | undefined;
  /** Rows to fetch: the page and one more, which says whether there is more in the direction read. */
  limit: number;
  backward?: boolean | undefined;
}

/** A page request read: its size and direction, its cursors decoded and checked. */
export interface Keyset extends KeysetPage {
  size: number;
  backward: boolean;
}

/** How many, and which way: `first` or `last` (1–MAX_PAGE_SIZE, not both); neither is the first `defaultSize`. */
export function pageSize(page: Pick<PageRequest, "first" | "last">, defaultSize = DEFAULT_PAGE_SIZE): { size: number; backward: boolean } {
  if (page.first != null && page.last != null) throw badInput("last", msg("first 与 last 只能给其一", "Give first or last, not both"));
  if (page.last != null) return { size: checkFirst(page.last, "last"), backward: true };
  return { size: checkFirst(page.first ?? defaultSize), backward: false };
}

export function keysetOf(page: PageRequest, defaultSize = DEFAULT_PAGE_SIZE): Keyset {
  const { size, backward } = pageSize(page, defaultSize);
  const afterId = decodeCursor(page.after, "after");
  const beforeId = decodeCursor(page.before, "before");
  return { ...(afterId ? { afterId } : {}), ...(beforeId ? { beforeId } : {}), size, limit: size + 1, backward };
}

/** Where a page begins and ends: the shape of GraphQL's PageInfo. */
export interface PageEnd {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageEnd;
  /** Counted only when a client asks for it. */
  totalCount: () => Promise<number>;
}

/**
 * A page from rows fetched with `keyset.limit` (one more than the page): the extra row says there is
 * more in the direction read; the other direction has more when the page began at a cursor (the
 * cursor's own row, at least — as the Relay spec allows, without another query).
 */
export function pageFromRows<T extends { id: string }>(rows: T[], keyset: Keyset, count: () => Promise<number>, cursorOf: (node: T) => string = cursorOfId): Page<T> {
  const more = rows.length > keyset.size;
  const nodes = rows.slice(0, keyset.size);
  if (keyset.backward) nodes.reverse();
  const edges = nodes.map((node) => new Edge(node, cursorOf));
  return {
    edges,
    pageInfo: {
      hasNextPage: keyset.backward ? keyset.beforeId !== undefined : more,
      hasPreviousPage: keyset.backward ? more : keyset.afterId !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: count,
  };
}

const cursorOfId = (node: { id: string }) => encodeCursor(node.id);

/** An edge whose cursor is written when it is read: a page is mostly read for its nodes (and its end's cursor). */
class Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (node: T) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}
