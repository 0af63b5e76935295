import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
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
  /**
   * LISTENs on a channel: `onPayload` gets each NOTIFY payload (sent on commit only), `onGap` is
   * told when notifications may have been missed (a lost connection, reopened). Resolves to stop.
   */
  listen(channel: string, onPayload: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

// Several server processes may start at once against one PostgreSQL: they migrate one at a time.
const MIGRATION_LOCK_KEY = 73_202_020;

/**
 * `loadDataDir` (PGlite only): start from this dump of a data directory (`PGlite.dumpDataDir`)
 * instead of an empty cluster — the tests' migrated template, copied in a second rather than
 * created and migrated in four.
 */
export async function openDatabase(config: Config["database"], log?: Logger, opts: { loadDataDir?: Blob } = {}): Promise<DatabaseHandle> {
  if (config.driver === "postgres") {
    // JIT compilation costs more than it saves on an API's short queries (160 ms of a 280 ms report).
    // A connection attempt that hangs (a server mid-restart) fails after 10 s rather than never.
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, options: "-c jit=off", connectionTimeoutMillis: 10_000 });
    // An idle connection that the server drops (restart, failover) must not crash the process:
    // the pool discards it and opens a new one on the next query.
    pool.on("error", (err) => log?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "idle database connection lost"));
    // A connection lost while checked out (mid-transaction, between statements) emits its error with
    // no pool listener attached: without one of its own the process would crash. Its next query fails
    // instead, and the pool drops it on release.
    pool.on("connect", (client) => {
      client.on("error", (err) => log?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "database connection lost while in use"));
    });
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
      listen: (channel, onPayload, onGap) => listenPostgres(config.url, channel, onPayload, onGap, log),
      close: () => pool.end(),
    };
  }
  const releaseLock = config.dataDir.startsWith("memory://") ? () => undefined : lockDataDir(config.dataDir);
  let client: PGlite;
  try {
    // btree_gist: the exclusion constraints of job fairs (no overlapping sessions or bookings).
    client = await PGlite.create(config.dataDir, { extensions: { btree_gist }, ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const db = drizzlePglite(client, { schema, logger: countingDrizzleLogger }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    listen: async (channel, onPayload) => {
      if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
      return client.listen(channel, onPayload);
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/** How often the listening connection is checked, and how long a check may take. */
const LISTEN_CHECK_MS = 30_000;
const LISTEN_CHECK_TIMEOUT_MS = 10_000;

/**
 * A dedicated connection LISTENing on a channel (a pooled connection would be handed to queries).
 * A lost connection is reopened, a second later and then less often, and `onGap` told. Losses that
 * send no error (a failover, a firewall dropping an idle connection) are found by TCP keep-alive and
 * a `select 1` every 30 s that must answer within 10 s.
 */
async function listenPostgres(url: string, channel: string, onPayload: (payload: string) => void, onGap: (() => void) | undefined, log?: Logger): Promise<() => Promise<void>> {
  if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;
  let delay = 1000;
  const reopenLater = () => {
    if (stopped) return;
    retry = setTimeout(() => {
      open().then(
        (opened) => opened && onGap?.(),
        (err: Error) => {
          log?.warn({ channel, err: { message: err.message } }, "could not reopen the listening connection");
          reopenLater();
        },
      );
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, 30_000);
  };
  /** Opens and listens; false when stopped meanwhile (the connection is closed again). */
  const open = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 10_000 });
    let ready = false;
    let gone = false;
    const lost = (err?: Error) => {
      // Before it is ready, a failure rejects `open` instead.
      if (!ready || gone || stopped) return;
      gone = true;
      client = undefined;
      if (check) clearInterval(check);
      log?.warn({ channel, err: err ? { message: err.message } : undefined }, "listening connection lost; reopening");
      c.end().catch(() => undefined);
      reopenLater();
    };
    c.on("notification", (n) => n.channel === channel && onPayload(n.payload ?? ""));
    c.on("error", lost);
    c.on("end", () => lost());
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
    } catch (error) {
      gone = true;
      c.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      gone = true;
      await c.end().catch(() => undefined);
      return false;
    }
    ready = true;
    client = c;
    delay = 1000;
    check = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("the listening connection did not answer a check")), LISTEN_CHECK_TIMEOUT_MS);
      });
      Promise.race([c.query("select 1"), timeout]).then(
        () => clearTimeout(timer),
        (err: Error) => {
          clearTimeout(timer);
          lost(err);
        },
      );
    }, LISTEN_CHECK_MS);
    check.unref();
    return true;
  };
  await open();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    if (check) clearInterval(check);
    const c = client;
    client = undefined;
    // A connection whose server went away may never answer the goodbye: not waited for past 2 s.
    await Promise.race([c?.end().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  };
}

/**
 * PGlite is one process's database: a second process opening the same directory (a CLI command
 * while the server runs) could corrupt it. A lock file with the owner's pid refuses that clearly.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = `${dataDir.replace(/\/+$/, "")}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockFile, "utf8"));
      if (owner && owner !== process.pid && processAlive(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${owner}. Stop it first, or set DATABASE_URL to use PostgreSQL.`,
        );
      }
      rmSync(lockFile, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
