import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { migrationsFolder } from "../paths.js";
import * as schema from "./schema.js";
import { countingDrizzleLogger } from "./sql-count.js";

export type Schema = typeof schema;
/** One type for both drivers: every query is written once and runs on PostgreSQL and PGlite alike. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema>;
/** Repositories take either the database or an open transaction. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: "postgres" | "pglite";
  /** Applies migrations/ (the same files on both drivers). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

// Several server processes may start at once against one PostgreSQL: they migrate one at a time.
const MIGRATION_LOCK_KEY = 73_202_020;

export async function openDatabase(config: Config["database"], log?: Logger): Promise<DatabaseHandle> {
  if (config.driver === "postgres") {
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
    // An idle connection that the server drops (restart, failover) must not crash the process:
    // the pool discards it and opens a new one on the next query.
    pool.on("error", (err) => log?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "idle database connection lost"));
    const db = drizzleNodePg(pool, { schema, logger: countingDrizzleLogger }) as unknown as Database;
    return {
      db,
      driver: "postgres",
      migrate: async () => {
        // A session-level advisory lock belongs to one connection: lock, migrate and unlock on the same client.
        const client = await pool.connect();
        try {
          await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
          await migrateNodePg(drizzleNodePg(client), { migrationsFolder });
        } finally {
          await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  if (!config.dataDir.startsWith("memory://")) mkdirSync(config.dataDir, { recursive: true });
  const client = await PGlite.create(config.dataDir);
  const db = drizzlePglite(client, { schema, logger: countingDrizzleLogger }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    close: () => client.close(),
  };
}

/** Rows of a raw `execute`: node-postgres and PGlite both answer `{ rows }`. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function databaseNow(db: Executor): Promise<Date> {
  const [row] = await queryRows<{ now: Date | string }>(db, sql`select now() as now`);
  return new Date(row!.now);
}
