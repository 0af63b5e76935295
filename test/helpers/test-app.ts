import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { Role } from "../../src/auth/viewer.js";
import { signToken, type TokenClaims } from "../../src/auth/jwt.js";
import { loadConfig, type Config } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import type { SearchEngine } from "../../src/search/search-port.js";

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: { message: string; extensions?: { code?: string; field?: string; [k: string]: unknown }; path?: unknown[] }[] | undefined;
  /** The answer's extensions (the operation's cost). */
  extensions?: Record<string, unknown> | undefined;
  /** SQL statements the request ran (X-Sql-Statements). */
  sqlStatements: number;
}

export interface Credentials {
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: App;
  url: string;
  db: Database;
  config: Config;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, credentials?: Credentials): Promise<GqlResult<T>>;
  token(claims: TokenClaims, expiresIn?: string | number): Promise<string>;
  /** Every log line the server wrote, when started with `captureLogs`. */
  logs: string[];
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let pgliteDump: Buffer | undefined;
/** The migrated PGlite template (global-setup.ts), read once per worker; undefined without one (an empty cluster, migrated at start). */
function pgliteTemplate(): Blob | undefined {
  const file = inject("pgliteTemplate");
  if (!file) return undefined;
  pgliteDump ??= readFileSync(file);
  return new Blob([pgliteDump]);
}

/** A test app on in-memory PGlite starts from the template (one on disk, as a test may ask, starts empty). */
function pgliteOptions(config: Config): { loadDataDir?: Blob } {
  const dump = config.database.driver === "pglite" && config.database.dataDir === "memory://" ? pgliteTemplate() : undefined;
  return dump ? { loadDataDir: dump } : {};
}

/**
 * A real server on a free loopback port with its own database: an in-memory PGlite, or (with
 * DATABASE_URL) a fresh copy of the migrated template. Nothing is shared between test files.
 */
export async function startTestApp(env: Record<string, string> = {}, opts: { captureLogs?: boolean; searchEngine?: SearchEngine } = {}): Promise<TestApp> {
  const template = inject("pgTemplate");
  let dropDatabase: (() => Promise<void>) | undefined;
  const baseEnv: Record<string, string> = {
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    POSTING_EXPIRY_SWEEP_SECONDS: "0",
    // Tests drain the search outbox themselves (app.search.drain()), so nothing races them.
    SEARCH_RELAY_INTERVAL_MS: "0",
    CAMPAIGN_RUN_INTERVAL_MS: "0",
    CATEGORY_REEVALUATION_INTERVAL_MS: "0",
    // Tests deliver notifications themselves (app.notifications.drain(clock)).
    NOTIFICATION_INTERVAL_MS: "0",
    SEED_DEMO: "never",
  };
  if (template) {
    const name = `jb_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    // A short-lived admin connection each time (one held open would die with a PostgreSQL restart).
    const asAdmin = async (statement: string) => {
      const admin = new pg.Client({ connectionString: template.serverUrl });
      admin.on("error", () => undefined);
      await admin.connect();
      try {
        await admin.query(statement);
      } finally {
        await admin.end().catch(() => undefined);
      }
    };
    await asAdmin(`create database ${name} template ${template.template}`);
    baseEnv.DATABASE_URL = withDatabase(template.serverUrl, name);
    baseEnv.DATABASE_POOL_SIZE = "20";
    dropDatabase = () => asAdmin(`drop database if exists ${name} with (force)`);
  } else {
    baseEnv.PGLITE_DATA_DIR = "memory://";
  }
  const config = loadConfig({ ...baseEnv, ...env });
  const logs: string[] = [];
  const log = opts.captureLogs ? createLogger("trace", { write: (line: string) => void logs.push(line) }) : createLogger(config.log.level);
  const app = await createApp(config, log, await openDatabase(config.database, log, pgliteOptions(config)), opts.searchEngine ? { searchEngine: opts.searchEngine } : {});
  const url = await app.listen();

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    db: app.database.db,
    config,
    async gql<T>(query: string, variables?: Record<string, unknown>, credentials: Credentials = {}) {
      // English, which the suite's assertions on messages are written in (the server's default, Chinese,
      // is asserted where it is the point: test/integration/integrators.test.ts, test/unit/i18n.test.ts).
      const headers: Record<string, string> = { "content-type": "application/json", "accept-language": "en", ...credentials.headers };
      if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
      if (credentials.apiKey) headers["x-api-key"] = credentials.apiKey;
      const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      let body: { data?: T | null; errors?: GqlResult<T>["errors"]; extensions?: Record<string, unknown> } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new Error(`Non-JSON response ${res.status}: ${text.slice(0, 200)}`);
      }
      return {
        status: res.status,
        headers: res.headers,
        data: body.data,
        errors: body.errors,
        extensions: body.extensions,
        sqlStatements: Number(res.headers.get("x-sql-statements") ?? NaN),
      };
    },
    token: (claims, expiresIn) => signToken(config.auth, claims, expiresIn),
    logs,
    // Once: a test may close its app early and leave it on a list closed again afterwards.
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await dropDatabase?.();
      })()),
  };
}

/** The error code of the first error, for terse assertions. */
export function codeOf(result: GqlResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

/** The callers most tests need: an administrator and the Fuzhou and Xiamen caseworkers. */
export async function standardTokens(t: TestApp): Promise<{ admin: string; fuzhou: string; xiamen: string }> {
  return {
    admin: await t.token({ sub: "admin", role: Role.ADMIN }),
    fuzhou: await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" }),
    xiamen: await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" }),
  };
}
