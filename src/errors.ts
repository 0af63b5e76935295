/**
 * Domain errors: the only way a service tells a caller it did something wrong. They become GraphQL
 * errors with a stable `extensions.code` in one place (graphql/format-error.ts).
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "CAPACITY_EXCEEDED"
  | "RATE_LIMITED"
  | "SEARCH_UNAVAILABLE";

export interface ErrorDetails {
  /** The input field at fault, as a path (`input.salaryMin`, `postings.3.regionCode`). */
  field?: string;
  [key: string]: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const badInput = (field: string, message: string, extra: Omit<ErrorDetails, "field"> = {}) =>
  new DomainError("BAD_USER_INPUT", message, { field, ...extra });
export const notFound = (what: string, id: string) => new DomainError("NOT_FOUND", `${what} ${id} not found`, { id });
export const forbidden = (message: string) => new DomainError("FORBIDDEN", message);
export const unauthenticated = (message = "Sign in to do this") => new DomainError("UNAUTHENTICATED", message);
export const conflict = (message: string, extra: ErrorDetails = {}) => new DomainError("CONFLICT", message, extra);
/** The search engine cannot be reached: a search or match is refused (writes go on through the outbox). */
export const searchUnavailable = () => new DomainError("SEARCH_UNAVAILABLE", "Search is unavailable just now: try again shortly");

/** PostgreSQL's unique_violation, as both drivers report it. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = findPgError(error);
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

export function findPgError(error: unknown): { code?: string; constraint?: string } | undefined {
  // drizzle wraps driver errors; the driver's error sits in `cause`.
  let current = error as { code?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code)) return current;
    current = current.cause as typeof current;
  }
  return undefined;
}
