import { msg, type Message } from "./i18n.js";

/**
 * Error codes: every `extensions.code` a client can get, from any layer, in one table. Domain
 * errors are the only way a service tells a caller it did something wrong; they become GraphQL
 * errors with a stable `extensions.code` in one place (graphql/format-error.ts).
 */

/** What a service may throw (a DomainError). */
export type DomainErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "CAPACITY_EXCEEDED"
  | "RATE_LIMITED"
  | "SEARCH_UNAVAILABLE"
  | "RESYNC_REQUIRED";

/** Every code a client can see: the domain's, the transport's (HTTP, Idempotency-Key, limits) and graphql-js/Apollo's. */
export type ErrorCode =
  | DomainErrorCode
  | "INTERNAL_SERVER_ERROR"
  | "BAD_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "REQUEST_TIMEOUT"
  | "TOO_MANY_CONNECTIONS"
  | "GRAPHQL_PARSE_FAILED"
  | "GRAPHQL_VALIDATION_FAILED"
  | "OPERATION_RESOLUTION_FAILURE"
  | "PERSISTED_QUERY_NOT_FOUND"
  | "PERSISTED_QUERY_NOT_SUPPORTED"
  | "QUERY_TOO_DEEP"
  | "TOO_MANY_ALIASES"
  | "QUERY_TOO_COMPLEX"
  | "IDEMPOTENCY_KEY_REUSED"
  | "IDEMPOTENCY_KEY_IN_USE";

export interface ErrorCodeRule {
  /**
   * The status when this code refuses a whole request (credentials, rate limits, Idempotency-Key,
   * limits, the import endpoint, a malformed request). An error raised while resolving travels in
   * a 200 answer beside the data, whatever its code. Apollo's own codes are listed as Apollo sends them.
   */
  http: number;
  /**
   * Whether an Idempotency-Key answer carrying this code is kept for replay. False means "not
   * cached" (a retry runs again), not "retryable": UNAUTHENTICATED is not kept either.
   */
  keptForIdempotency: boolean;
  /**
   * Whether a GraphQLError (graphql-js, Apollo, our limits, the rate limiter, type-graphql) with
   * this code reaches the client as it is. The other codes reach it only from a DomainError; any
   * other error claiming them is masked as INTERNAL_SERVER_ERROR.
   */
  passesThrough: boolean;
}

export const ERRORS = {
  BAD_USER_INPUT: { http: 400, keptForIdempotency: true, passesThrough: true },
  UNAUTHENTICATED: { http: 401, keptForIdempotency: false, passesThrough: true },
  FORBIDDEN: { http: 403, keptForIdempotency: true, passesThrough: true },
  NOT_FOUND: { http: 404, keptForIdempotency: true, passesThrough: false },
  CONFLICT: { http: 409, keptForIdempotency: true, passesThrough: false },
  CAPACITY_EXCEEDED: { http: 409, keptForIdempotency: true, passesThrough: false },
  RATE_LIMITED: { http: 429, keptForIdempotency: false, passesThrough: true },
  SEARCH_UNAVAILABLE: { http: 503, keptForIdempotency: false, passesThrough: false },
  // A change-feed cursor older than the log's retention (410 Gone, were it a whole request): resync from `postings`.
  RESYNC_REQUIRED: { http: 410, keptForIdempotency: true, passesThrough: false },
  INTERNAL_SERVER_ERROR: { http: 500, keptForIdempotency: false, passesThrough: false },
  BAD_REQUEST: { http: 400, keptForIdempotency: true, passesThrough: true },
  PAYLOAD_TOO_LARGE: { http: 413, keptForIdempotency: true, passesThrough: false },
  // The body did not arrive in time (HTTP_BODY_TIMEOUT_MS): answered, then the connection is closed.
  REQUEST_TIMEOUT: { http: 408, keptForIdempotency: false, passesThrough: false },
  // One address holds HTTP_MAX_CONNECTIONS_PER_ADDRESS connections already: answered and closed at once.
  TOO_MANY_CONNECTIONS: { http: 503, keptForIdempotency: false, passesThrough: false },
  GRAPHQL_PARSE_FAILED: { http: 400, keptForIdempotency: true, passesThrough: true },
  GRAPHQL_VALIDATION_FAILED: { http: 400, keptForIdempotency: true, passesThrough: true },
  OPERATION_RESOLUTION_FAILURE: { http: 400, keptForIdempotency: true, passesThrough: true },
  // Apollo answers these 200 (automatic persisted queries are off: see graphql/apollo.ts).
  PERSISTED_QUERY_NOT_FOUND: { http: 200, keptForIdempotency: true, passesThrough: true },
  PERSISTED_QUERY_NOT_SUPPORTED: { http: 200, keptForIdempotency: true, passesThrough: true },
  QUERY_TOO_DEEP: { http: 400, keptForIdempotency: true, passesThrough: true },
  TOO_MANY_ALIASES: { http: 400, keptForIdempotency: true, passesThrough: true },
  QUERY_TOO_COMPLEX: { http: 400, keptForIdempotency: true, passesThrough: true },
  IDEMPOTENCY_KEY_REUSED: { http: 422, keptForIdempotency: true, passesThrough: false },
  IDEMPOTENCY_KEY_IN_USE: { http: 409, keptForIdempotency: false, passesThrough: false },
} as const satisfies Record<ErrorCode, ErrorCodeRule>;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERRORS, code);
}

/** The status for a request refused with `code` as a whole (400 for a code not in the table). */
export function httpStatusOf(code: string): number {
  return isErrorCode(code) ? ERRORS[code].http : 400;
}

export interface ErrorDetails {
  /** The input field at fault, as a path (`input.salaryMin`, `postings.3.regionCode`). */
  field?: string;
  [key: string]: unknown;
}

export class DomainError extends Error {
  /** What the caller is told, in their language (Error.message, for logs, is the English). */
  readonly text: Message | string;
  constructor(
    readonly code: DomainErrorCode,
    message: Message,
    readonly details: ErrorDetails = {},
  ) {
    super(typeof message === "string" ? message : message.en);
    this.text = message;
    this.name = "DomainError";
  }
}

export const badInput = (field: string, message: Message, extra: Omit<ErrorDetails, "field"> = {}) =>
  new DomainError("BAD_USER_INPUT", message, { field, ...extra });
/** What a NOT_FOUND names: the kind of thing, in both languages (`Posting` → 岗位). */
const THINGS = {
  Campaign: "专项行动",
  Employer: "用人单位",
  FairBooking: "招聘会预约",
  FairSession: "招聘会场次",
  JobFair: "招聘会",
  Mentor: "红娘",
  Notification: "通知",
  Partner: "合作平台",
  "Partner application": "合作平台代为提交的申请",
  "Partner consent": "合作平台授权",
  "Partner key": "合作平台密钥",
  "Partner link": "合作平台关联",
  "Partner link request": "合作平台关联申请",
  Person: "人员",
  Posting: "岗位",
  Referral: "推荐",
  Registration: "登记申请",
  "Subsidy claim": "补贴申领",
  "Subsidy scheme": "补贴项目",
  Webhook: "Webhook",
  "Webhook delivery": "Webhook 投递",
  "Webhook URL approval": "Webhook 网址审批",
} as const satisfies Record<string, string>;
export const notFound = (what: keyof typeof THINGS, id: string) => new DomainError("NOT_FOUND", msg(`未找到${THINGS[what]} ${id}`, `${what} ${id} not found`), { id });
export const forbidden = (message: Message) => new DomainError("FORBIDDEN", message);
export const SIGN_IN = msg("请先登录再进行此操作", "Sign in to do this");
export const unauthenticated = (message: Message = SIGN_IN) => new DomainError("UNAUTHENTICATED", message);
export const conflict = (message: Message, extra: ErrorDetails = {}) => new DomainError("CONFLICT", message, extra);
/** The search engine cannot be reached: a search or match is refused (writes go on through the outbox). */
export const searchUnavailable = () => new DomainError("SEARCH_UNAVAILABLE", msg("搜索暂时不可用，请稍后再试", "Search is unavailable just now: try again shortly"));

/**
 * A change-feed cursor points before the log's pruning horizon: events after it may be gone, so the
 * reader must copy the current state again (`postings(filter: { updatedSince })`) and follow from a new start.
 */
export const resyncRequired = (field: string) =>
  new DomainError(
    "RESYNC_REQUIRED",
    msg(
      "游标早于变更日志的保留期限，其后的部分变更已被清理：请通过 postings(filter: { updatedSince }) 重新同步，再从新的起点（after 为空）读取变更",
      "The cursor is older than the change log's retention and events after it may be gone: resync through postings(filter: { updatedSince }), then follow the feed from a new start (after: null)",
    ),
    { field },
  );

/** PostgreSQL's exclusion_violation (an EXCLUDE constraint such as "no two bookings overlap"), as both drivers report it. */
export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  const e = findPgError(error);
  return e?.code === "23P01" && (constraint === undefined || e.constraint === constraint);
}

/** PostgreSQL's unique_violation, as both drivers report it. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = findPgError(error);
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

/** The driver's error inside whatever wraps it (drizzle puts it in `cause`): its SQLSTATE `code` and `constraint`. */
export function findPgError(error: unknown): { code?: string; constraint?: string } | undefined {
  // drizzle wraps driver errors; the driver's error sits in `cause`.
  let current = error as { code?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code)) return current;
    current = current.cause as typeof current;
  }
  return undefined;
}
