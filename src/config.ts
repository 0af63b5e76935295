import { isIP } from "node:net";
import { z } from "zod";

/**
 * The most one GraphQL operation may cost (see `fieldCost` in graphql/limits.ts): about 100 people
 * with 10 matches each, or 1,000 plain nodes. Here because a cost budget per minute must allow one.
 */
export const MAX_QUERY_COST = 12_000;

/**
 * The one place that reads process.env. Every problem is listed at once; production refuses to
 * start without real secrets, while development and tests fall back to dev secrets (and say so).
 */
const DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production-0000";
const DEV_PII_KEY = "ZGV2LW9ubHktcGlpLWtleS1kby1ub3QtdXNlLWluLXByb2Q="; // base64 of a 32-byte dev key

/** "30d", "12h", "90m", "45s" or plain seconds, in seconds. */
function spanSeconds(span: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(span.trim())!;
  return Number(m[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "" | "s" | "m" | "h" | "d"];
}

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

/** A TRUSTED_PROXIES entry: an IPv4/IPv6 address or CIDR. */
function proxyEntry(entry: string): boolean {
  const [address, bits, extra] = entry.split("/");
  const family = address ? isIP(address) : 0;
  if (extra !== undefined || family === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
}

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(["development", "test", "production"]).default("development")),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(4000)),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  PGLITE_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default(".data/pglite")),
  MEILISEARCH_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  MEILISEARCH_API_KEY: optionalString,
  MEILISEARCH_SEARCH_KEY: optionalString,
  MEILISEARCH_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(120_000).default(5_000)),
  AUTH_JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  AUTH_JWT_ISSUER: z.preprocess(emptyAsUndefined, z.string().default("jiuye-bangfu")),
  AUTH_MAX_TOKEN_LIFETIME: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+\s*[smhd]?$/, "a span such as 30d, 12h, 90m or 3600 (seconds)")
      .default("30d")
      .transform(spanSeconds)
      .refine((s) => s >= 60 && s <= 366 * 86_400, "between 1 minute and 366 days"),
  ),
  PII_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded (openssl rand -base64 32)")
      .optional(),
  ),
  SEED_DEMO: z.preprocess(emptyAsUndefined, z.enum(["auto", "always", "never"]).default("auto")),
  POSTING_EXPIRY_SWEEP_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(60)),
  IMPORT_MAX_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1024).default(200 * 1024 * 1024)),
  REGISTRATION_PENDING_CAP: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(100)),
  IMPORT_MAX_ROW_CHARS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(65_536)),
  SEARCH_RELAY_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(500)),
  CAMPAIGN_RUN_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(1000)),
  CATEGORY_REEVALUATION_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(1000)),
  REPORT_LINK_TTL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).max(86_400).default(300)),
  REPORT_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(2)),
  MAX_PARTNER_BATCH: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(5000).default(500)),
  EXPOSE_SQL_COUNT: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).optional()),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
  RATE_LIMIT_REQUESTS_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(600)),
  RATE_LIMIT_COST_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(200_000)),
  TRUSTED_PROXIES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((v) => v.split(",").map((e) => e.trim()).filter((e) => e.length > 0))
      .refine((entries) => entries.every(proxyEntry), "must be a comma-separated list of IP addresses or CIDRs (10.0.0.0/8, ::1)")
      .default([]),
  ),
  CORS_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((v) => v.split(",").map((e) => e.trim()).filter((e) => e.length > 0))
      .refine((entries) => entries.every((e) => /^https?:\/\/[^/\s:*]+(:(\d{1,5}|\*))?$/.test(e)), "must be a comma-separated list of origins (https://job.example.cn, or http://localhost:* for any port)")
      .optional(),
  ),
  COMPRESS_MIN_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(1024)),
  SUBSCRIPTION_RECHECK_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3600).default(30)),
  MIGRATE_ON_START: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default("true")),
  RATE_LIMIT_KEY_PREFIX: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default("jb")),
  GRAPHQL_MAX_FRAGMENT_SPREADS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(50)),
  GRAPHQL_MAX_SELECTIONS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).default(1000)),
  GRAPHQL_MAX_ENGINE_CALLS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(100)),
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(256)),
  HTTP_HEADERS_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(10_000)),
  HTTP_BODY_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(10_000)),
  HTTP_REQUEST_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(300_000)),
  SMS_PROVIDER: z.preprocess(emptyAsUndefined, z.enum(["log", "http", "off"]).optional()),
  SMS_LOG_FILE: optionalString,
  SMS_HTTP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  SMS_HTTP_KEY: optionalString,
  SMS_SIGNATURE: optionalString,
  SMS_HTTP_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(60_000).default(5_000)),
  SMS_RECEIPT_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  SMS_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(256).default(16)),
  SMS_BATCH: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(128)),
  NOTIFICATION_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(1000)),
  WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).optional()),
  WEBHOOK_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1024).default(64)),
});

export interface Config {
  env: "development" | "test" | "production";
  /**
   * The listener, and what one client may hold of it: open connections per address (0: no cap; the
   * WebSocket cap of subscriptions.ts applies on top), the time to send the headers, a body's
   * time (a /graphql body whole, an import's between two chunks: 408 and closed after it), and a
   * whole request's (Node's requestTimeout, long enough for the largest import).
   */
  http: { host: string; port: number; maxConnectionsPerAddress: number; headersTimeoutMs: number; bodyTimeoutMs: number; requestTimeoutMs: number };
  /**
   * Limits on one GraphQL document and its run: fragment spreads and selections as written (counted
   * before validation, whose work they bound), and calls to the search engine (searchPostings,
   * Person.matches, JobFair.recommendedPostings) counted as they run.
   */
  graphql: { maxFragmentSpreads: number; maxSelections: number; maxEngineCalls: number };
  log: { level: string };
  database:
    | { driver: "postgres"; url: string; poolSize: number }
    | { driver: "pglite"; dataDir: string };
  search: { meilisearchUrl?: string; meilisearchApiKey?: string; meilisearchSearchKey?: string; meilisearchTimeoutMs: number; relayIntervalMs: number };
  /** How often the background runner looks for campaign-run work (0: only on demand). */
  campaignRunIntervalMs: number;
  /** How often the server's worker looks for category re-decisions to work (0: only on demand). */
  categoryReevaluationIntervalMs: number;
  /** `maxTokenLifetimeSeconds`: a token living longer (exp − iat, or exp − now) is refused. */
  auth: { jwtSecret: string; issuer: string; maxTokenLifetimeSeconds: number };
  pii: { key: Buffer };
  seedDemo: "auto" | "always" | "never";
  postingExpirySweepSeconds: number;
  maxPartnerBatch: number;
  /** Signed report links live `linkTtlSeconds` (REPORT_LINK_TTL_SECONDS); at most `concurrency` reports are made at once per process (REPORT_CONCURRENCY). */
  reports: { linkTtlSeconds: number; concurrency: number };
  /** Largest CSV accepted by POST /imports/people (it is streamed, never held whole). */
  importMaxBytes: number;
  /** The longest row (record) an import reads, in characters; a longer one is refused as a bad row, never parsed. */
  importMaxRowChars: number;
  /** Registrations one caller may have awaiting another region's review; at the cap that caller registers nothing more until some are resolved. */
  registrationPendingCap: number;
  /**
   * Counts each GraphQL request's SQL statements, for an `X-Sql-Statements` header and the request's
   * log line: diagnostics for tests and benchmarks; off in production unless asked for (counting
   * costs every promise an async hook while a request runs, on Node 20).
   */
  exposeSqlCount: boolean;
  /**
   * Per caller (a user, a partner key, or an address for the public), per minute: requests, and the
   * summed cost of their operations (0: no limit). Shared through Redis when `redisUrl` is set, else
   * counted in this process.
   */
  rateLimits: { requestsPerMinute: number; costPerMinute: number; redisUrl?: string; keyPrefix: string };
  /**
   * Reverse proxies (addresses, CIDRs) whose X-Forwarded-For is believed: the client is the right-most
   * untrusted address in it. Empty (the default): the peer's address, whatever the header says.
   */
  trustedProxies: string[];
  /**
   * Browser origins that may call the API over HTTP and WebSocket (CORS_ORIGINS; `http://localhost:*`
   * for any port). Default: none in production; any port on localhost otherwise (a front end's
   * development server).
   */
  corsOrigins: string[];
  /** Responses this large or larger are compressed (br or gzip, as the client accepts); 0: never. */
  compressMinBytes: number;
  /** How often an open WebSocket's credential is checked again (a revoked partner key closes it 4403). */
  subscriptionRecheckSeconds: number;
  /** Apply migrations at start-up (the default); false when the server runs as a least-privilege role and the owner migrates. */
  migrateOnStart: boolean;
  /**
   * The SMS channel (issue 21): `log` writes what it would send (masked numbers) to `logFile`, or to
   * the server's log; `http` posts to a gateway (URL, key, the SMS signature 短信签名); `off` sends
   * nothing (notifications wait in the queue). `intervalMs`: how often the dispatcher looks for due
   * messages (0: only on demand). `receiptToken`: what the gateway presents on POST /sms/receipts.
   */
  sms: {
    provider: "log" | "http" | "off";
    logFile?: string;
    http?: { url: string; key: string; signature: string; timeoutMs: number };
    receiptToken?: string;
    concurrency: number;
    /** Messages one claim takes (its lease covers them all: see smsLeaseMs). */
    batch: number;
    intervalMs: number;
  };
  /**
   * Partner webhooks (issue 22): `httpsOnly` in production; `allowPrivate` lets endpoints be on
   * loopback and private addresses (WEBHOOK_ALLOW_PRIVATE; default outside production only, never in
   * it); `concurrency`: requests in flight from one process to all endpoints together (each endpoint's
   * own share is policy data). The dispatcher's interval is NOTIFICATION_INTERVAL_MS.
   */
  webhooks: { httpsOnly: boolean; allowPrivate: boolean; concurrency: number };
  /** Dev secrets in use: the server says so loudly at start-up. */
  usingDevSecrets: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  // Production's secret rules are checked in the same round, so every problem is listed at once.
  const blank = (v: string | undefined) => v === undefined || v.trim() === "";
  if (env.NODE_ENV === "production") {
    if (blank(env.AUTH_JWT_SECRET)) problems.push("AUTH_JWT_SECRET: required in production");
    if (blank(env.PII_KEY)) problems.push("PII_KEY: required in production");
    if (env.AUTH_JWT_SECRET === DEV_JWT_SECRET) problems.push("AUTH_JWT_SECRET: the dev secret cannot be used in production");
    if (env.PII_KEY === DEV_PII_KEY) problems.push("PII_KEY: the dev key cannot be used in production");
  }
  // The log provider sends nothing and reports its lines delivered: a production push would count as delivered.
  if (env.NODE_ENV === "production" && env.SMS_PROVIDER === "log") problems.push("SMS_PROVIDER: log cannot be used in production (it sends nothing, and counts its lines delivered): http, or off");
  if (env.SMS_PROVIDER === "http") {
    for (const name of ["SMS_HTTP_URL", "SMS_HTTP_KEY", "SMS_SIGNATURE"] as const) if (blank(env[name])) problems.push(`${name}: required when SMS_PROVIDER=http`);
    if (env.NODE_ENV === "production" && env.SMS_HTTP_URL && !env.SMS_HTTP_URL.startsWith("https://")) problems.push("SMS_HTTP_URL: must be https:// in production (phone numbers travel in it)");
  }
  // An endpoint on a private address from a production server is a way into the network it runs in (SSRF).
  if (env.NODE_ENV === "production" && env.WEBHOOK_ALLOW_PRIVATE === "true") problems.push("WEBHOOK_ALLOW_PRIVATE: cannot be true in production (webhooks to private addresses would reach the server's own network)");
  // A budget below one operation's most would refuse the dearest allowed queries for ever.
  if (parsed.success && parsed.data.RATE_LIMIT_COST_PER_MINUTE > 0 && parsed.data.RATE_LIMIT_COST_PER_MINUTE < MAX_QUERY_COST) {
    problems.push(`RATE_LIMIT_COST_PER_MINUTE: must be 0 (no limit) or at least ${MAX_QUERY_COST}, the most one operation may cost`);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const production = e.NODE_ENV === "production";

  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      maxConnectionsPerAddress: e.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.HTTP_BODY_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    },
    graphql: { maxFragmentSpreads: e.GRAPHQL_MAX_FRAGMENT_SPREADS, maxSelections: e.GRAPHQL_MAX_SELECTIONS, maxEngineCalls: e.GRAPHQL_MAX_ENGINE_CALLS },
    log: { level: e.LOG_LEVEL },
    database: e.DATABASE_URL
      ? { driver: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { driver: "pglite", dataDir: e.PGLITE_DATA_DIR },
    search: {
      meilisearchUrl: e.MEILISEARCH_URL,
      meilisearchApiKey: e.MEILISEARCH_API_KEY,
      meilisearchSearchKey: e.MEILISEARCH_SEARCH_KEY,
      meilisearchTimeoutMs: e.MEILISEARCH_TIMEOUT_MS,
      relayIntervalMs: e.SEARCH_RELAY_INTERVAL_MS,
    },
    campaignRunIntervalMs: e.CAMPAIGN_RUN_INTERVAL_MS,
    categoryReevaluationIntervalMs: e.CATEGORY_REEVALUATION_INTERVAL_MS,
    auth: { jwtSecret: e.AUTH_JWT_SECRET ?? DEV_JWT_SECRET, issuer: e.AUTH_JWT_ISSUER, maxTokenLifetimeSeconds: e.AUTH_MAX_TOKEN_LIFETIME },
    pii: { key: Buffer.from(e.PII_KEY ?? DEV_PII_KEY, "base64") },
    seedDemo: e.SEED_DEMO,
    postingExpirySweepSeconds: e.POSTING_EXPIRY_SWEEP_SECONDS,
    maxPartnerBatch: e.MAX_PARTNER_BATCH,
    reports: { linkTtlSeconds: e.REPORT_LINK_TTL_SECONDS, concurrency: e.REPORT_CONCURRENCY },
    importMaxBytes: e.IMPORT_MAX_BYTES,
    importMaxRowChars: e.IMPORT_MAX_ROW_CHARS,
    registrationPendingCap: e.REGISTRATION_PENDING_CAP,
    exposeSqlCount: e.EXPOSE_SQL_COUNT ? e.EXPOSE_SQL_COUNT === "true" : !production,
    rateLimits: { requestsPerMinute: e.RATE_LIMIT_REQUESTS_PER_MINUTE, costPerMinute: e.RATE_LIMIT_COST_PER_MINUTE, keyPrefix: e.RATE_LIMIT_KEY_PREFIX, ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}) },
    trustedProxies: e.TRUSTED_PROXIES,
    corsOrigins: e.CORS_ORIGINS ?? (production ? [] : ["http://localhost:*", "http://127.0.0.1:*"]),
    compressMinBytes: e.COMPRESS_MIN_BYTES,
    subscriptionRecheckSeconds: e.SUBSCRIPTION_RECHECK_SECONDS,
    migrateOnStart: e.MIGRATE_ON_START === "true",
    usingDevSecrets: !e.AUTH_JWT_SECRET || !e.PII_KEY,
    sms: {
      provider: e.SMS_PROVIDER ?? (production ? "off" : "log"),
      ...(e.SMS_LOG_FILE ? { logFile: e.SMS_LOG_FILE } : {}),
      ...(e.SMS_PROVIDER === "http" ? { http: { url: e.SMS_HTTP_URL!, key: e.SMS_HTTP_KEY!, signature: e.SMS_SIGNATURE!, timeoutMs: e.SMS_HTTP_TIMEOUT_MS } } : {}),
      ...(e.SMS_RECEIPT_TOKEN ? { receiptToken: e.SMS_RECEIPT_TOKEN } : {}),
      concurrency: e.SMS_CONCURRENCY,
      batch: e.SMS_BATCH,
      intervalMs: e.NOTIFICATION_INTERVAL_MS,
    },
    webhooks: { httpsOnly: production, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE ? e.WEBHOOK_ALLOW_PRIVATE === "true" : !production, concurrency: e.WEBHOOK_CONCURRENCY },
  };
}
