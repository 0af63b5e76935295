import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Context } from "./context.js";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { AuthenticationError, AuthorizationError } from "type-graphql";
import { DomainError, ERRORS, isErrorCode, SIGN_IN, type ErrorCode } from "../errors.js";
import { msg, say } from "../i18n.js";
import { loggableError, type Logger } from "../logger.js";

const ROLE_MAY_NOT = msg("您的角色无权进行此操作", "Your role may not do this");
export const INTERNAL = msg("服务器内部错误", "Internal server error");

/** Validation rules' own codes, which Apollo replaces with GRAPHQL_VALIDATION_FAILED: given back. */
const LIMIT_CODES = new Set<unknown>(["QUERY_TOO_DEEP", "TOO_MANY_ALIASES"] satisfies ErrorCode[]);

/**
 * The one error boundary: domain errors keep their code and details; a malformed request keeps the
 * code graphql-js gave it; anything else is INTERNAL_SERVER_ERROR, sent masked — `unexpected` is
 * then the original error, for the caller to log with the request's id.
 */
export function classifyError(formatted: GraphQLFormattedError, error: unknown): { formatted: GraphQLFormattedError; unexpected?: unknown } {
  const original = unwrapResolverError(error);
  const base = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };

  if (original instanceof DomainError) {
    return { formatted: { ...base, message: say(original.text), extensions: { ...original.details, code: original.code } } };
  }
  if (original instanceof AuthenticationError) {
    return { formatted: { ...base, message: say(SIGN_IN), extensions: { code: "UNAUTHENTICATED" } } };
  }
  if (original instanceof AuthorizationError) {
    return { formatted: { ...base, message: say(ROLE_MAY_NOT), extensions: { code: "FORBIDDEN" } } };
  }
  const inner = error instanceof GraphQLError ? error.originalError : undefined;
  const innerCode = inner instanceof GraphQLError ? inner.extensions?.code : undefined;
  if (formatted.extensions?.code === "GRAPHQL_VALIDATION_FAILED" && typeof innerCode === "string" && LIMIT_CODES.has(innerCode)) {
    return { formatted: { ...formatted, extensions: { ...formatted.extensions, code: innerCode } } };
  }
  // A malformed or refused request keeps the code graphql-js, Apollo, the limits or the rate limiter gave it (ERRORS' passesThrough).
  const code = formatted.extensions?.code;
  if (isErrorCode(code) && ERRORS[code].passesThrough && original instanceof GraphQLError) {
    return { formatted };
  }
  return { formatted: { ...base, message: say(INTERNAL), extensions: { code: "INTERNAL_SERVER_ERROR" } }, unexpected: original };
}

/** graphql-js's suggestions ("Did you mean …?") name the schema's fields and values. */
const HINT = /\s*Did you mean [^?]*\?/g;

/**
 * A formatError that masks unexpected errors, logging them to `log` when given (Apollo logs them per
 * request instead). With `hideHints` (production) no message suggests a field, argument or enum
 * value: introspection is off, and variables' errors would otherwise list the schema bit by bit.
 */
export function createFormatError(log?: Logger, opts: { hideHints?: boolean } = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = classifyError(formatted, error);
    if (result.unexpected !== undefined && log) log.error({ err: loggableError(result.unexpected), path: formatted.path }, "unexpected error while resolving");
    return opts.hideHints ? { ...result.formatted, message: result.formatted.message.replace(HINT, "") } : result.formatted;
  };
}

/** Logs each unexpected error of a request with the request's own logger (its id), as the client gets it masked. */
export function logUnexpectedErrors(fallback: Logger): ApolloServerPlugin<Context> {
  return {
    requestDidStart: async () => ({
      didEncounterErrors: async ({ errors, contextValue }) => {
        const log = contextValue?.log ?? fallback;
        for (const error of errors) {
          const { unexpected } = classifyError(error.toJSON(), error);
          if (unexpected !== undefined) log.error({ err: loggableError(unexpected), path: error.path }, "unexpected error while resolving");
        }
      },
    }),
  };
}
