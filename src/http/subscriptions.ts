import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, Server } from "node:http";
import { getOperationAST, GraphQLError, parse, specifiedRules, subscribe, validate, type ExecutionResult, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { decodeJwt } from "jose";
import { WebSocketServer } from "ws";
import { viewerFromRequest } from "../auth/viewer-from-request.js";
import type { Viewer } from "../auth/viewer.js";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import { badInput, DomainError, unauthenticated } from "../errors.js";
import { createLoaders } from "../graphql/context.js";
import { createFormatError } from "../graphql/format-error.js";
import { aliasLimit, depthLimit, MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS } from "../graphql/limits.js";
import type { Logger } from "../logger.js";
import type { FairEventHub } from "../modules/fairs/fair-events.js";
import type { NotificationHub } from "../modules/notifications/notification-events.js";
import type { InboxContext } from "../modules/notifications/notification.resolver.js";
import type { SubscriptionContext } from "../modules/fairs/fair.resolver.js";
import { partnerKeyActive } from "../modules/partners/partner.service.js";
import type { PiiCipher } from "../pii/pii-crypto.js";
import type { SearchEngine } from "../search/search-port.js";
import { clientAddress, trustedProxies } from "./client-address.js";
import { checkParsedDocument } from "../graphql/document-limits.js";
import { rateKey, type RateLimiter } from "./rate-limit.js";
import { OriginPolicy } from "./cors.js";
import { msg, negotiateLanguage, say, withLanguage, type Language } from "../i18n.js";

/** Whether a browser's Origin is the server's own host (a page it served itself). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
/** Connections one server process holds; more are turned away with 1013 (try again later). */
export const MAX_CONNECTIONS = 10_000;
/** Connections from one address (a campus NAT holds many seekers; one client needs one). */
export const MAX_CONNECTIONS_PER_ADDRESS = 200;
/** How long closing waits for clients to answer the close before cutting them off. */
const CLOSE_GRACE_MS = 1000;
const languageOf = (request: IncomingMessage) => negotiateLanguage(request.headers["accept-language"]);
/** The language of each subscription's context (the upgrade request's). */
const languages = new WeakMap<object, Language>();

/**
 * A subscription's event stream whose every step runs in `language`: graphql-ws pulls events from
 * its own loop, outside the context the subscription was started in.
 */
function speaking<T>(language: Language, result: AsyncGenerator<T> | T): AsyncGenerator<T> | T {
  if (typeof result !== "object" || result === null || !(Symbol.asyncIterator in result)) return result;
  const events = result as AsyncGenerator<T>;
  const stream: AsyncGenerator<T> = {
    [Symbol.asyncIterator]: () => stream,
    next: (...args) => withLanguage(language, () => events.next(...args)),
    return: (value) => withLanguage(language, () => events.return(value)),
    throw: (error) => withLanguage(language, () => events.throw(error)),
  };
  return stream;
}

/** A single message's largest size: subscribe messages are small. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface SubscriptionDeps {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  pii: PiiCipher;
  search: SearchEngine;
  fairEvents: FairEventHub;
  notificationEvents: NotificationHub;
  schema: GraphQLSchema;
  /** The same per-caller limits as HTTP: each subscribe counts as a request. */
  rateLimiter?: RateLimiter;
}

interface ConnectionState {
  viewer?: Viewer;
  connectionId?: string;
  expiry?: NodeJS.Timeout;
  /** When the token expires (ms), if it does. */
  expiresAt?: number;
  /** The periodic re-check of a partner key (SUBSCRIPTION_RECHECK_SECONDS). */
  recheck?: NodeJS.Timeout;
}

/**
 * The credentials of a connection: in `connection_init`'s payload — `{ authorization }`,
 * `{ "x-api-key" }`, or the same inside `{ headers: … }` as some clients send them (browsers cannot
 * set WebSocket headers) — else the upgrade request's. Something credential-like that is not a
 * string is refused, never read as anonymous.
 */
export function credentialHeaders(params: Record<string, unknown> | undefined, upgrade: IncomingHttpHeaders): IncomingHttpHeaders {
  const nested = params?.headers;
  const sources = [params ?? {}, typeof nested === "object" && nested !== null ? (nested as Record<string, unknown>) : {}];
  const found: IncomingHttpHeaders = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      const name = key.toLowerCase();
      if (name !== "authorization" && name !== "x-api-key") continue;
      if (typeof value !== "string") throw unauthenticated(msg(`${key} 须为字符串`, `${key} must be a string`));
      if (found[name] !== undefined && found[name] !== value) throw badInput("connectionParams", msg(`${key} 重复给出`, `${key} is given twice`));
      found[name] = value;
    }
  }
  if (found.authorization !== undefined || found["x-api-key"] !== undefined) return found;
  return { ...(upgrade.authorization !== undefined ? { authorization: upgrade.authorization } : {}), ...(upgrade["x-api-key"] !== undefined ? { "x-api-key": upgrade["x-api-key"] } : {}) };
}

/**
 * GraphQL subscriptions over graphql-ws (the graphql-transport-ws protocol) on the HTTP server's own
 * port and path, /graphql. Authenticated like HTTP — `Authorization: Bearer` or `X-Api-Key`, in the
 * connection_init payload or the upgrade request; a wrong credential is refused (4401 for a bad or
 * expired token, 4403 otherwise), never downgraded to anonymous; a token's expiry closes the
 * connection (4401), and a partner key revoked while the socket is open closes it (4403): the key is
 * checked again on every subscribe and every SUBSCRIPTION_RECHECK_SECONDS. Only subscriptions travel
 * here: queries and mutations go over HTTP, where they are logged and limited.
 */
export function attachSubscriptions(http: Server, deps: SubscriptionDeps): { close(): Promise<void> } {
  const { config, log, database } = deps;
  const formatError = createFormatError(log, { hideHints: config.env === "production" });
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));
  const origins = new OriginPolicy(config.corsOrigins);
  // A browser always sends Origin: a page on an origin not allowed cannot open a socket with its
  // visitor's credentials (cross-site WebSocket hijacking). Clients that are not browsers send none.
  const wss = new WebSocketServer({
    server: http,
    path: "/graphql",
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ origin, req }: { origin: string | undefined; req: IncomingMessage }) => !origin || origins.allows(origin) || sameOrigin(origin, req.headers.host),
  });
  const states = new WeakMap<object, ConnectionState>();
  const trusted = trustedProxies(config.trustedProxies);
  type Closable = { close(code: number, reason: string): void };
  /** A token past its expiry closes the socket (4401): true if so. */
  const expired = (state: ConnectionState, socket: Closable): boolean => {
    if (state.expiresAt === undefined || Date.now() < state.expiresAt) return false;
    socket.close(4401, "The token has expired");
    return true;
  };
  /** Whether a partner connection's key still holds; a revoked one closes the socket (4403). Other viewers: true. */
  const keyHolds = async (state: ConnectionState, socket: Closable): Promise<boolean> => {
    const viewer = state.viewer;
    if (viewer?.kind !== "partner" || (await partnerKeyActive(database.db, viewer.keyId))) return true;
    log.info({ connectionId: state.connectionId, keyId: viewer.keyId }, "subscription connection closed: partner key revoked");
    socket.close(4403, "The API key has been revoked");
    return false;
  };
  const stateOf = (extra: object) => {
    let state = states.get(extra);
    if (!state) states.set(extra, (state = {}));
    return state;
  };

  /** A subscribe message parsed, validated and checked to be a subscription; errors reach the client through onError, formatted like HTTP's. */
  const prepare = (payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) => {
    let document;
    try {
      document = parse(payload.query, { maxTokens: MAX_TOKENS });
    } catch (error) {
      return [new GraphQLError(error instanceof GraphQLError ? error.message : say(msg("这不是 GraphQL 文档", "Not a GraphQL document")), { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
    }
    // Fragment spreads and selections capped before validation, as over HTTP.
    const tooComplex = checkParsedDocument(document, config.graphql);
    if (tooComplex) return [new GraphQLError(tooComplex.message, { extensions: { ...tooComplex.extensions, http: undefined } })];
    const errors = validate(deps.schema, document, [...specifiedRules, depthLimit(MAX_QUERY_DEPTH), aliasLimit(MAX_ALIASES)]);
    if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
    const operation = getOperationAST(document, payload.operationName);
    if (operation?.operation !== "subscription") {
      return [new GraphQLError(say(msg("WebSocket 只承载订阅：查询和变更请通过 HTTP 发送", "Only subscriptions travel over WebSocket: send queries and mutations over HTTP")), { extensions: { code: "BAD_REQUEST" } })];
    }
    return { schema: deps.schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };

  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema: deps.schema,
      isProd: config.env === "production",
      // The subscription runs — and each event is shaped — in the upgrade request's language.
      subscribe: async (args) => {
        const language = languages.get(args.contextValue as object) ?? "zh";
        return speaking(language, await withLanguage(language, () => subscribe(args)));
      },
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        if (wss.clients.size > MAX_CONNECTIONS) {
          socket.close(1013, "Too many connections: try again later");
          return false;
        }
        const state = stateOf(ctx.extra);
        state.connectionId = randomUUID();
        let headers: IncomingHttpHeaders;
        try {
          headers = credentialHeaders(ctx.connectionParams ?? undefined, request.headers);
          state.viewer = await viewerFromRequest(database.db, config, headers);
        } catch (error) {
          if (error instanceof DomainError) {
            log.info({ connectionId: state.connectionId, code: error.code }, "subscription connection refused");
            // 4401: sign in again (a missing, bad or expired token); 4403: refused.
            if (error.code === "UNAUTHENTICATED") socket.close(4401, error.message.slice(0, 120));
            return false;
          }
          throw error;
        }
        const token = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ""))?.[1];
        const exp = token ? decodeJwt(token).exp : undefined;
        // The socket may have closed while the credentials were checked: then no timer.
        if (exp !== undefined) state.expiresAt = exp * 1000;
        if (exp !== undefined && socket.readyState === socket.OPEN) {
          state.expiry = setTimeout(() => socket.close(4401, "The token has expired"), Math.min(Math.max(exp * 1000 - Date.now(), 0), 2 ** 31 - 1));
          state.expiry.unref();
        }
        // A partner key can be revoked at any time: checked again periodically (and on each subscribe).
        if (state.viewer.kind === "partner" && socket.readyState === socket.OPEN) {
          state.recheck = setInterval(() => {
            keyHolds(state, socket).catch((err: unknown) => log.warn({ connectionId: state.connectionId, err: { message: (err as Error).message } }, "could not re-check a partner key"));
          }, config.subscriptionRecheckSeconds * 1000);
          state.recheck.unref();
        }
        log.info({ connectionId: state.connectionId, viewer: state.viewer.kind }, "subscription connection");
        return true;
      },
      onClose: (ctx) => {
        const state = stateOf(ctx.extra);
        if (state.expiry) clearTimeout(state.expiry);
        if (state.recheck) clearInterval(state.recheck);
      },
      onSubscribe: (ctx, _id, payload) => withLanguage(languageOf(ctx.extra.request), () => {
        // Counted before anything is awaited: graphql-ws holds a subscription from its message on, so a
        // burst of subscribes sees its own.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [new GraphQLError(say(msg(`每个连接最多 ${MAX_SUBSCRIPTIONS_PER_CONNECTION} 个订阅`, `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`)), { extensions: { code: "BAD_REQUEST" } })];
        }
        const state = stateOf(ctx.extra);
        const gone = [new GraphQLError(say(msg("凭据已失效", "The credential no longer holds")), { extensions: { code: "UNAUTHENTICATED" } })];
        // The credential is checked again: an expired token (4401) or a revoked partner key (4403) closes the socket before anything runs.
        if (expired(state, ctx.extra.socket)) return gone;
        return (async () => {
          if (state.viewer?.kind === "partner" && !(await keyHolds(state, ctx.extra.socket))) return gone;
          // Each subscribe is a request to the caller's per-minute limit (the same count as HTTP's), before it is parsed.
          if (deps.rateLimiter && state.viewer) {
            const refused = await deps.rateLimiter.request(rateKey(state.viewer, clientAddress(ctx.extra.request, trusted)));
            if (refused) return [new GraphQLError(refused.message, { extensions: { code: "RATE_LIMITED", rateLimit: refused.extensions.rateLimit, retryAfter: refused.extensions.retryAfter } })];
          }
          return prepare(payload);
        })();
      }),
      context: (ctx): SubscriptionContext & InboxContext => {
        const state = stateOf(ctx.extra);
        const viewer = state.viewer!;
        const requestId = state.connectionId!;
        const context: SubscriptionContext & InboxContext = {
          viewer,
          db: database.db,
          config,
          pii: deps.pii,
          search: deps.search,
          loaders: createLoaders(database.db, deps.search, { viewer, requestId }),
          requestId,
          log: log.child({ connectionId: requestId }),
          fairEvents: deps.fairEvents,
          notificationEvents: deps.notificationEvents,
        };
        languages.set(context, languageOf(ctx.extra.request));
        return context;
      },
      // Errors in the language of the upgrade request's Accept-Language (a browser sends its own).
      onNext: (ctx, _id, _payload, _args, result: ExecutionResult) => (result.errors ? { ...result, errors: withLanguage(languageOf(ctx.extra.request), () => format(result.errors!)) } : undefined),
      onError: (ctx, _id, _payload, errors) => withLanguage(languageOf(ctx.extra.request), () => format(errors)),
    },
    wss,
  );

  // One address may hold only so many sockets (initialised or not).
  const perAddress = new Map<string, number>();
  wss.on("connection", (socket, request) => {
    const address = clientAddress(request, trusted);
    const n = (perAddress.get(address) ?? 0) + 1;
    perAddress.set(address, n);
    socket.once("close", () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    if (n > MAX_CONNECTIONS_PER_ADDRESS) socket.close(1013, "Too many connections from this address: try again later");
  });

  return {
    close: async () => {
      // Clients are asked to close; any that do not answer within the grace are cut off, so a
      // stalled peer cannot hold up the server's shutdown.
      const cutOff = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, CLOSE_GRACE_MS);
      cutOff.unref();
      await server.dispose();
      clearTimeout(cutOff);
    },
  };
}
