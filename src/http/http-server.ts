import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import { databaseReady } from "../db/migrate.js";
import { runWithSqlCounter } from "../db/sql-count.js";
import { DomainError, ERRORS, type ErrorCode } from "../errors.js";
import { lazyChild, loggableError, type Logger } from "../logger.js";
import type { PiiCipher } from "../pii/pii-crypto.js";
import type { SearchEngine } from "../search/search-port.js";
import { viewerFromRequest } from "../auth/viewer-from-request.js";
import { importPeople } from "../modules/people/person-import.service.js";
import { createLoaders, type Context } from "../graphql/context.js";
import { clientAddress, trustedProxies } from "./client-address.js";
import { rateKey, type RateLimiter } from "./rate-limit.js";
import { claimIdempotencyKey, idempotencyFor, requestHash, type Claim } from "./idempotency.js";
import { anonymous, identityOf, type Viewer } from "../auth/viewer.js";
import { checkDocument } from "../graphql/document-limits.js";
import { HttpError, isClientGone, limitBytes, readBody } from "./http-body.js";
import { handleSmsReceipts, SMS_RECEIPTS_PATH } from "./sms-receipts.js";
import { limitConnections } from "./connection-limits.js";
import { isReportPath, reportRoutes } from "./report-routes.js";
import { formatPosition, type LogPosition } from "../search/change-log.js";
import { compressed, handleCors, OriginPolicy } from "./cors.js";
import { msg, negotiateLanguage, say, withLanguage, type Message } from "../i18n.js";
import { INTERNAL } from "../graphql/format-error.js";
import { EXPLORER_PATH, serveExplorer } from "./explorer.js";

const MAX_BODY_BYTES = 1_000_000;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const GRAPHQL_URL: Readonly<URL> = new URL("/graphql", "http://localhost");

/**
 * The media type of the server's own answers: `application/graphql-response+json` when the client
 * asks for it (GraphQL over HTTP: then a client such as Apollo Client reads the error's code from
 * the body whatever the status), else `application/json`.
 */
export function answerType(accept: string | undefined): string {
  return /application\/graphql-response\+json/i.test(accept ?? "") ? "application/graphql-response+json; charset=utf-8" : "application/json; charset=utf-8";
}

/** Adds to the answer's `Vary` what it was chosen by, keeping what is there (each name once). */
function varyBy(res: ServerResponse, ...names: string[]): void {
  const current = res.getHeader("vary");
  // The usual case, on every answer: nothing but CORS's `Origin` so far, and distinct names from Origin on.
  if ((current === undefined || current === "Origin") && names[0] === "Origin") {
    res.setHeader("vary", names.join(", "));
    return;
  }
  const have = String(current ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  const seen = new Set<string>();
  const vary: string[] = [];
  for (const name of [...have, ...names]) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    vary.push(name);
  }
  res.setHeader("vary", vary.join(", "));
}

/** A JSON answer worded in the request's language: it varies by Accept-Language (and by Origin, for CORS). */
function sendJson(res: ServerResponse, status: number, body: unknown): void {
  varyBy(res, "Origin", "Accept-Language");
  res.writeHead(status, { "content-type": answerType(res.req?.headers.accept) });
  res.end(JSON.stringify(body));
}

function graphqlErrorBody(message: Message | string, code: ErrorCode) {
  return { errors: [{ message: say(message), extensions: { code } }] };
}

/** 429 with Retry-After, as the rate limiter worded it. */
function refuseRateLimited(res: ServerResponse, refusal: GraphQLError) {
  const retryAfter = Number(refusal.extensions.retryAfter);
  res.setHeader("retry-after", String(retryAfter));
  res.setHeader("ratelimit", `"${String(refusal.extensions.rateLimit)}";r=0;t=${retryAfter}`);
  sendJson(res, ERRORS.RATE_LIMITED.http, { errors: [{ message: refusal.message, extensions: { code: "RATE_LIMITED", rateLimit: refusal.extensions.rateLimit, retryAfter } }] });
  return { refused: "RATE_LIMITED" };
}

export interface HttpDeps {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  pii: PiiCipher;
  search: SearchEngine;
  /** How far this process's search index has followed the posting change log (on /readyz). */
  searchPosition?: () => LogPosition | null;
  apollo: () => ApolloServer<Context>;
  rateLimiter: RateLimiter;
}

/**
 * Node's HTTP server: /graphql (Apollo), /imports/people, /reports/campaigns/… (report-routes.ts),
 * /healthz (alive), /readyz (database reachable and migrated; the search index's change-log position). Each request gets an id (X-Request-Id in, or a new one), one JSON log line, and its
 * SQL statement count.
 */
export function createHttpServer(deps: HttpDeps): Server {
  const { config, log } = deps;

  const trusted = trustedProxies(config.trustedProxies);
  const origins = new OriginPolicy(config.corsOrigins);
  const handleReport = reportRoutes({ config, db: deps.database.db, rateLimiter: deps.rateLimiter, refuseRateLimited });

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, reqLog: Logger, address: string) {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    // Who is calling, and whether they may call now: before anything else is done for the request —
    // its body is not even read (a bad or oversized body counts like any other request).
    // A wrong credential counts against the address it came from, so guessing keys is limited too.
    let viewer: Viewer;
    try {
      viewer = await viewerFromRequest(deps.database.db, config, req.headers);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.setHeader("connection", "close"); // the body is left unread
      const limited = await deps.rateLimiter.request(rateKey(anonymous, address));
      if (limited) return refuseRateLimited(res, limited);
      sendJson(res, ERRORS[error.code].http, graphqlErrorBody(error.text, error.code));
      return { refused: error.code };
    }
    const key = rateKey(viewer, address);
    // The limits in force and what is left of the requests (IETF RateLimit-Policy / RateLimit); the cost is in the answer's extensions.
    const policy = deps.rateLimiter.policyHeader();
    if (policy) res.setHeader("ratelimit-policy", policy);
    const quota = (state: { remaining: number; resetSeconds: number }) => res.setHeader("ratelimit", `"requests";r=${state.remaining};t=${state.resetSeconds}`);
    // Over the requests a minute, or the cost budget already spent (documents failing validation spend it too).
    const limited = (await deps.rateLimiter.request(key, quota)) ?? (await deps.rateLimiter.costSpent(key));
    if (limited) {
      // Whichever limit refused, nothing is left of it until Retry-After.
      res.setHeader("connection", "close"); // the body is left unread
      return refuseRateLimited(res, limited);
    }

    let body: unknown = undefined;
    if (req.method === "POST") {
      const text = await readBody(req, MAX_BODY_BYTES, config.http.bodyTimeoutMs);
      const contentType = headers.get("content-type") ?? "";
      if (contentType.startsWith("application/json") || contentType.startsWith("application/graphql-response+json")) {
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          throw new HttpError("BAD_REQUEST", msg("请求正文不是有效的 JSON", "The request body is not valid JSON"));
        }
      } else {
        body = text;
      }
    }
    // Fragment spreads and selections capped before Apollo validates the document (whose work grows with their square).
    const query = req.method === "POST" ? (typeof body === "object" && body !== null ? (body as { query?: unknown }).query : undefined) : url.searchParams.get("query");
    const tooComplex = checkDocument(query, config.graphql);
    if (tooComplex) {
      if (config.exposeSqlCount) res.setHeader("x-sql-statements", "0");
      sendJson(res, ERRORS.QUERY_TOO_COMPLEX.http, { errors: [{ message: tooComplex.message, extensions: { ...tooComplex.extensions, http: undefined } }] });
      return { refused: "QUERY_TOO_COMPLEX" };
    }

    // Idempotency-Key on a mutation by a signed-in caller: the first runs, repeats get its answer.
    const idempotencyKey = headers.get("idempotency-key");
    let claim: Claim | undefined;
    if (idempotencyKey !== undefined && req.method === "POST" && viewer.kind !== "anonymous") {
      const use = idempotencyFor(body);
      if (use === "refuse") {
        sendJson(res, ERRORS.BAD_REQUEST.http, graphqlErrorBody(msg("含有密钥或明文个人信息的答复不能使用 Idempotency-Key（答复会被保存）：请去掉该请求头", "Idempotency-Key cannot be used for an answer holding a secret or personal data in clear (it would be kept): leave it out"), "BAD_REQUEST"));
        return { idempotency: "REFUSED" };
      }
      if (use === "keep") {
        claim = await claimIdempotencyKey(deps.database.db, deps.pii, identityOf(viewer), idempotencyKey, requestHash(body as Record<string, unknown>));
        if (claim.kind === "refuse") {
          sendJson(res, ERRORS[claim.code].http, graphqlErrorBody(claim.message, claim.code));
          return { idempotency: claim.code };
        }
        if (claim.kind === "replay") {
          res.writeHead(claim.status, { "content-type": "application/graphql-response+json; charset=utf-8", "idempotent-replayed": "true" });
          res.end(claim.body);
          return { idempotency: "REPLAYED" };
        }
      }
    }
    // Counted only when asked for (EXPOSE_SQL_COUNT): counting holds an async store for the request,
    // which on Node 20 costs every promise of the process a hook meanwhile (see ScopedStorage).
    const sql = { statements: 0 };
    const counted = <T>(work: () => T): T => (config.exposeSqlCount ? runWithSqlCounter(sql, work) : work());
    const execution = counted(() =>
      deps.apollo().executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async (): Promise<Context> => ({
          viewer,
          db: deps.database.db,
          config,
          pii: deps.pii,
          search: deps.search,
          loaders: createLoaders(deps.database.db, deps.search, { viewer, requestId }),
          requestId,
          log: reqLog,
          rateKey: key,
          engineCalls: { used: 0, max: config.graphql.maxEngineCalls },
        }),
      }),
    );
    // A request that fails outright lets go of its key, so a retry runs again.
    const response = await execution.catch(async (error: unknown) => {
      if (claim?.kind === "run") await claim.finish(500, "").catch(() => undefined);
      throw error;
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (config.exposeSqlCount) res.setHeader("x-sql-statements", String(sql.statements));
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      if (claim?.kind === "run") {
        // The answer is sent whatever becomes of keeping it; a key that could not be finished is let go after 2 minutes.
        await claim.finish(res.statusCode, response.body.string).catch((err: unknown) => reqLog.error({ err: loggableError(err) }, "could not keep the idempotent answer"));
      }
      const out = await compressed(req, response.body.string, config.compressMinBytes);
      varyBy(res, "Origin", "Accept-Encoding", "Accept-Language");
      if (out.encoding) {
        res.setHeader("content-encoding", out.encoding);
        res.removeHeader("content-length");
      }
      res.end(out.body);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    const operationName = typeof body === "object" && body !== null ? (body as { operationName?: unknown }).operationName : undefined;
    return { operationName: typeof operationName === "string" ? operationName.slice(0, 100) : undefined, ...(config.exposeSqlCount ? { sqlStatements: sql.statements } : {}) };
  }

  /**
   * POST /imports/people: a CSV streamed straight from the request (no size held in memory),
   * answered with the same report as the importPeople mutation. Content-Type text/csv is required,
   * which no browser form can send without a CORS preflight.
   */
  async function handlePeopleImport(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, reqLog: Logger, address: string) {
    if (req.method !== "POST") throw new HttpError("BAD_REQUEST", msg("请用 POST 将 CSV 文件提交到 /imports/people", "POST a CSV to /imports/people"), 405);
    if (!(req.headers["content-type"] ?? "").startsWith("text/csv")) throw new HttpError("BAD_REQUEST", msg("请以 Content-Type: text/csv 发送文件", "Send the file with Content-Type: text/csv"), 415);
    const encodingParam = (url.searchParams.get("encoding") ?? "auto").toLowerCase();
    if (!["auto", "utf-8", "utf8", "gbk"].includes(encodingParam)) throw new HttpError("BAD_REQUEST", msg("encoding 只能是 auto、utf-8 或 gbk", "encoding is auto, utf-8 or gbk"));
    try {
      const viewer = await viewerFromRequest(deps.database.db, config, req.headers);
      const refused = await deps.rateLimiter.request(rateKey(viewer, address));
      if (refused) {
        res.setHeader("connection", "close");
        return { import: refuseRateLimited(res, refused) };
      }
      const limited = limitBytes(req, config.importMaxBytes, config.http.bodyTimeoutMs);
      const report = await importPeople({ db: deps.database.db, pii: deps.pii }, viewer, limited, {
        encoding: encodingParam === "utf8" ? "utf-8" : (encodingParam as "auto" | "utf-8" | "gbk"),
        log: reqLog,
        maxRowChars: config.importMaxRowChars,
        pendingCap: config.registrationPendingCap,
      });
      sendJson(res, 200, { data: { importPeople: report } });
      return { import: { rows: report.rows, accepted: report.accepted, rejected: report.rejectedCount } };
    } catch (error) {
      if (error instanceof DomainError) {
        // A wrong credential counts against the address, as on /graphql.
        if (error.code === "UNAUTHENTICATED") {
          const limited = await deps.rateLimiter.request(rateKey(anonymous, address));
          if (limited) {
            res.setHeader("connection", "close");
            return refuseRateLimited(res, limited);
          }
        }
        // The rest of the body is not read: close the connection instead of reusing it.
        res.setHeader("connection", "close");
        sendJson(res, ERRORS[error.code].http, { errors: [{ message: say(error.text), extensions: { ...error.details, code: error.code } }] });
        return { import: { refused: error.code } };
      }
      throw error;
    }
  }

  // Node checks its header and request timeouts this often (30 s by default, too coarse for small timeouts).
  const connectionsCheckingInterval = Math.min(30_000, Math.max(250, Math.floor(config.http.headersTimeoutMs / 2)));
  // Each request is answered in the language it asks for (Accept-Language; Chinese by default).
  const server = createServer({ connectionsCheckingInterval }, (req, res) => withLanguage(negotiateLanguage(req.headers["accept-language"]), () => handle(req, res)));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    // The request id is always the server's own (audit rows cite it); a caller's well-formed id is
    // kept beside it, for tracing across systems.
    const requestId = randomUUID();
    const incomingId = req.headers["x-request-id"];
    const clientRequestId = typeof incomingId === "string" && REQUEST_ID.test(incomingId) ? incomingId : undefined;
    res.setHeader("x-request-id", requestId);
    if (clientRequestId) res.setHeader("x-client-request-id", clientRequestId);
    const reqLog = lazyChild(log, { requestId, ...(clientRequestId ? { clientRequestId } : {}) });
    // The endpoint's own path, as nearly every request asks it, is one URL parsed once (never changed by a handler).
    const url = req.url === "/graphql" ? GRAPHQL_URL : new URL(req.url ?? "/", "http://localhost");
    // The client's address (X-Forwarded-For only through TRUSTED_PROXIES): for rate limits and this log.
    const client = clientAddress(req, trusted);
    let extra: Record<string, unknown> = {};
    try {
      // CORS first: a preflight is answered before any check could refuse it (CSRF prevention included).
      if (handleCors(req, res, origins)) {
        extra = { preflight: true };
      } else if (url.pathname === "/healthz") {
        sendJson(res, 200, { status: "ok" });
      } else if (url.pathname === "/readyz") {
        const readiness = await databaseReady(deps.database);
        if (!readiness.ready) reqLog.warn({ reason: readiness.reason }, "not ready");
        // How far this process's search index has followed the change log: replicas agree once each is at the head.
        const position = deps.searchPosition?.();
        sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? "ready" : "not ready", search: { engine: deps.search.name, position: position ? formatPosition(position) : null } });
      } else if (url.pathname === SMS_RECEIPTS_PATH) {
        const receipts = await handleSmsReceipts(req, deps.database.db, config.sms.receiptToken, { maxBytes: 1024 * 1024, timeoutMs: config.http.bodyTimeoutMs });
        sendJson(res, 200, { settled: receipts.settled });
        extra = { smsReceipts: receipts };
      } else if (url.pathname === "/imports/people") {
        extra = await handlePeopleImport(req, res, url, requestId, reqLog, client);
      } else if (isReportPath(url.pathname)) {
        extra = await handleReport(req, res, url, reqLog, client);
      } else if (config.env !== "production" && (await serveExplorer(req, res, url.pathname))) {
        extra = { explorer: true };
      } else if (url.pathname === "/graphql" && req.method === "GET" && !url.searchParams.has("query") && config.env !== "production" && /text\/html/.test(req.headers.accept ?? "")) {
        // A browser opening the endpoint: the explorer (a GET without a query is no GraphQL request).
        res.writeHead(302, { location: EXPLORER_PATH }).end();
      } else if (url.pathname === "/graphql") {
        extra = await handleGraphql(req, res, url, requestId, reqLog, client);
      } else {
        sendJson(res, 404, { error: say(msg("未找到。接口地址为 /graphql。", "Not found. The API is at /graphql.")) });
      }
    } catch (error) {
      if (error instanceof HttpError) {
        // The rest of an oversized or late body is never read: close the connection rather than reuse it.
        if (error.status === 413 || error.status === 415 || error.status === 408) res.setHeader("connection", "close");
        if (!res.headersSent) sendJson(res, error.status, graphqlErrorBody(error.text, error.code));
      } else if (isClientGone(error, req)) {
        // Not our fault and nothing to answer: said without a stack.
        extra = { ...extra, clientGone: true };
        reqLog.info({ reason: error instanceof Error ? error.message : String(error) }, "client went away mid-request");
        res.destroy();
      } else {
        reqLog.error({ err: loggableError(error) }, "request failed");
        if (!res.headersSent) sendJson(res, ERRORS.INTERNAL_SERVER_ERROR.http, graphqlErrorBody(INTERNAL, "INTERNAL_SERVER_ERROR"));
        else res.destroy();
      }
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (log.isLevelEnabled("info")) reqLog.info({ method: req.method, path: url.pathname, client, status: res.statusCode, ms: Math.round(ms * 10) / 10, ...extra }, "request");
    }
  };
  limitConnections(server, config.http, log, trusted);
  return server;
}
