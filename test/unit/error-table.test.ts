import { describe, expect, it } from "vitest";
import { ERRORS, findPgError, type ErrorCode } from "../../src/errors.js";

const codes = (pick: (rule: (typeof ERRORS)[ErrorCode]) => boolean) =>
  (Object.keys(ERRORS) as ErrorCode[]).filter((code) => pick(ERRORS[code])).sort();

describe("the error table (src/errors.ts)", () => {
  it("answers a whole refused request with its code's status", () => {
    expect(Object.fromEntries(Object.entries(ERRORS).map(([code, rule]) => [code, rule.http]))).toMatchObject({
      BAD_USER_INPUT: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      RATE_LIMITED: 429,
      RESYNC_REQUIRED: 410,
      INTERNAL_SERVER_ERROR: 500,
      BAD_REQUEST: 400,
      PAYLOAD_TOO_LARGE: 413,
      REQUEST_TIMEOUT: 408,
      TOO_MANY_CONNECTIONS: 503,
      QUERY_TOO_COMPLEX: 400,
      IDEMPOTENCY_KEY_REUSED: 422,
      IDEMPOTENCY_KEY_IN_USE: 409,
    });
  });

  it("keeps no Idempotency-Key answer that says 'not now' or 'failed' — UNAUTHENTICATED and a key in use included", () => {
    expect(codes((rule) => !rule.keptForIdempotency)).toEqual(
      ["IDEMPOTENCY_KEY_IN_USE", "INTERNAL_SERVER_ERROR", "RATE_LIMITED", "REQUEST_TIMEOUT", "SEARCH_UNAVAILABLE", "TOO_MANY_CONNECTIONS", "UNAUTHENTICATED"],
    );
  });

  it("passes through only the codes of malformed or refused requests; domain-only codes come from a DomainError", () => {
    expect(codes((rule) => !rule.passesThrough)).toEqual(
      ["CAPACITY_EXCEEDED", "CONFLICT", "IDEMPOTENCY_KEY_IN_USE", "IDEMPOTENCY_KEY_REUSED", "INTERNAL_SERVER_ERROR", "NOT_FOUND", "PAYLOAD_TOO_LARGE", "REQUEST_TIMEOUT", "RESYNC_REQUIRED", "SEARCH_UNAVAILABLE", "TOO_MANY_CONNECTIONS"],
    );
  });

  it("finds the driver's SQLSTATE inside drizzle's wrapping", () => {
    expect(findPgError(new Error("query failed", { cause: Object.assign(new Error("x"), { code: "23P01", constraint: "no_overlap" }) }))).toMatchObject({ code: "23P01", constraint: "no_overlap" });
    expect(findPgError(new Error("plain"))).toBeUndefined();
  });
});
