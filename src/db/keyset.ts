/**
 * The SQL of a keyset page (see KeysetPage in src/pagination.ts) over a list ordered by id —
 * newest first unless said otherwise: the cursors' range and the order to read in. Lists nested
 * under many parents (one statement for all) use the same direction in their window functions.
 */
import { and, asc, desc, gt, lt, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { KeysetPage } from "../pagination.js";

/** A list's order by id: its newest rows first (most lists), or its oldest. */
export type ListOrder = "newest" | "oldest";

/**
 * Rows between the cursors: past `afterId` and short of `beforeId` in the list's order. `bind` gives
 * a cursor as a prepared statement's placeholder (named `afterId`, `beforeId`) instead of its value.
 */
export function keysetRange(id: AnyColumn, page: KeysetPage, order: ListOrder = "newest", bind: (name: string, value: string) => unknown = (_name, value) => value): SQL | undefined {
  const [past, shortOf] = order === "newest" ? [lt, gt] : [gt, lt];
  return and(page.afterId ? past(id, bind("afterId", page.afterId)) : undefined, page.beforeId ? shortOf(id, bind("beforeId", page.beforeId)) : undefined);
}

/** The list's order, or — read backward — its reverse (the page is turned round afterwards). */
export function keysetOrder(id: AnyColumn, page: KeysetPage, order: ListOrder = "newest"): SQL {
  return (order === "newest") !== Boolean(page.backward) ? desc(id) : asc(id);
}

/** The same as `keysetOrder`, as `asc`/`desc` for raw SQL (a window's `order by`). */
export function keysetDirection(page: KeysetPage, order: ListOrder = "newest"): SQL {
  return sql.raw((order === "newest") !== Boolean(page.backward) ? "desc" : "asc");
}
