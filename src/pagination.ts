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

/** Where a page ends: the shape of GraphQL's PageInfo. */
export interface PageEnd {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageEnd;
  /** Counted only when a client asks for it. */
  totalCount: () => Promise<number>;
}

/** Rows fetched with `limit first + 1`: the extra row only says whether there is a next page. */
export function pageFromRows<T extends { id: string }>(rows: T[], first: number, count: () => Promise<number>): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  };
}
