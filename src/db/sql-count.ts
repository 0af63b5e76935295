import type { Logger as DrizzleLogger } from "drizzle-orm/logger";
import { ScopedStorage } from "../scoped-storage.js";

/**
 * Counts the SQL statements a unit of work (one GraphQL request, one benchmark call) runs, so tests
 * and benchmarks can assert batching rather than just results. Counting holds an async store for
 * the work's duration (see ScopedStorage): the HTTP layer counts only when asked to (EXPOSE_SQL_COUNT).
 */
const counter = new ScopedStorage<{ statements: number }>();

export async function countSqlStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const store = { statements: 0 };
  const result = await counter.run(store, work);
  return { result, statements: store.statements };
}

export function runWithSqlCounter<T>(store: { statements: number }, work: () => T): T {
  return counter.run(store, work);
}

export const countingDrizzleLogger: DrizzleLogger = {
  logQuery() {
    const store = counter.getStore();
    if (store) store.statements++;
  },
};
