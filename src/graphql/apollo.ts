import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { Server } from "node:http";
import { GraphQLError } from "graphql";
import { msg, say } from "../i18n.js";
import type { Config } from "../config.js";
import { ERRORS } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Context } from "./context.js";
import type { RateLimiter } from "../http/rate-limit.js";
import { createFormatError, logUnexpectedErrors } from "./format-error.js";
import { aliasLimit, costLimitPlugin, depthLimit, MAX_ALIASES, MAX_QUERY_COST, MAX_QUERY_DEPTH, MAX_TOKENS } from "./limits.js";
import { getSchema } from "./schema.js";

/** The Apollo server, not listening: the HTTP layer hands it requests. */
export async function createApolloServer(config: Config, log: Logger, httpServer: Server, rateLimiter?: RateLimiter): Promise<ApolloServer<Context>> {
  const production = config.env === "production";
  const apollo = new ApolloServer<Context>({
    schema: await getSchema(),
    // Masks; the plugin below logs each unexpected error with its request's id.
    formatError: createFormatError(undefined, { hideHints: production }),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: a hash-only retry would slip past Idempotency-Key (and the cost is priced from the text anyway).
    persistedQueries: false,
    validationRules: [depthLimit(MAX_QUERY_DEPTH), aliasLimit(MAX_ALIASES)],
    parseOptions: { maxTokens: MAX_TOKENS },
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // The default landing page loads Apollo Sandbox from a CDN; this service has no business calling out.
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; the default cache-control plugin would wrap every field resolver for nothing.
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin(MAX_QUERY_COST, rateLimiter, !production),
      logUnexpectedErrors(log),
      // Subscriptions travel over graphql-ws; over HTTP one would run as a plain execution and fail inside.
      {
        requestDidStart: async () => ({
          didResolveOperation: async ({ operation }) => {
            if (operation?.operation === "subscription") {
              throw new GraphQLError(say(msg("订阅须经 WebSocket（graphql-ws）发送，路径相同", "Subscriptions go over WebSocket (graphql-ws) at this same path")), { extensions: { code: "BAD_REQUEST", http: { status: ERRORS.BAD_REQUEST.http } } });
            }
          },
        }),
      },
    ],
  });
  await apollo.start();
  return apollo;
}
