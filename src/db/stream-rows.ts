import pg from "pg";
import Cursor from "pg-cursor";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { countingDrizzleLogger } from "./sql-count.js";
import { queryRows, type Database } from "./client.js";

const dialect = new PgDialect();

/**
 * The rows of one statement, `batch` at a time, without holding them all: on PostgreSQL a cursor
 * (pg-cursor: one statement whose rows are read in portions over one pooled connection); on the
 * embedded PGlite, which has no cursor API, the whole answer at once (the embedded database serves
 * demos, not a province). Stopping early (`break`, a thrown error) closes the cursor and releases the
 * connection. Counted as one SQL statement.
 */
export async function* streamRows<T>(db: Database, query: SQL, batch = 1_000): AsyncGenerator<T[], void, undefined> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (!(client instanceof pg.Pool)) {
    const rows = await queryRows<T>(db, query);
    for (let i = 0; i < rows.length; i += batch) yield rows.slice(i, i + batch);
    return;
  }
  const { sql: text, params } = dialect.sqlToQuery(query);
  countingDrizzleLogger.logQuery(text, params);
  const connection = await client.connect();
  const cursor = connection.query(new Cursor<T>(text, params as unknown[]));
  let failed: unknown = null;
  try {
    for (;;) {
      const rows = await cursor.read(batch);
      if (rows.length === 0) return;
      yield rows;
    }
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    // A cursor that failed may have broken its connection: the pool drops it rather than reuse it.
    await cursor.close().catch(() => undefined);
    connection.release(failed instanceof Error ? failed : undefined);
  }
}
