import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger as DrizzleLogger } from "drizzle-orm/logger";

/**
 * Counts the SQL statements a unit of work (one GraphQL request, one benchmark call) runs, so tests
 * and benchmarks can assert batching rather than just results.
 */
const counter = new AsyncLocalStorage<{ statements: number }>();

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
