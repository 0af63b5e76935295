import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { getOperationAST, parse } from "graphql";
import type { Database } from "../db/client.js";
import { idempotencyKeys } from "./idempotency.table.js";

/** How long a key's answer is kept. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** How long a repeat waits for the first request under its key to finish before it is told to retry. */
const WAIT_FOR_FIRST_MS = 10_000;
/** A first request unanswered for this long died with its process (requests take seconds). */
const ABANDONED_AFTER_MS = 120_000;
/** Printable ASCII, as the draft's examples (a UUID is typical). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export type Claim =
  /** The first under this key: run it, then `finish` with the answer. */
  | { kind: "run"; finish(status: number, body: string): Promise<void> }
  /** Done before with the same payload: send this again. */
  | { kind: "replay"; status: number; body: string }
  | { kind: "refuse"; status: number; code: string; message: string };

/** Whether a GraphQL request body is a mutation (a document that does not parse is left to Apollo). */
export function isMutation(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return false;
  try {
    return getOperationAST(parse(query, { maxTokens: 5000 }), typeof operationName === "string" ? operationName : undefined)?.operation === "mutation";
  } catch {
    return false;
  }
}

/** JSON with object keys sorted, so the same payload always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(body: { query?: unknown; operationName?: unknown; variables?: unknown }): string {
  return createHash("sha256").update(canonical({ query: body.query, operationName: body.operationName ?? null, variables: body.variables ?? {} })).digest("hex");
}

/**
 * Claims a caller's Idempotency-Key for a request. The first claim inserts the key (the primary key
 * makes concurrent firsts one); a repeat with the same payload waits for the first's answer and gets
 * it again (a single effect), with a different payload is refused 422; one still waiting after 10 s is
 * told 409 to retry later. An answer of 5xx, 429 or 409 is not kept, so a retry runs again.
 */
export async function claimIdempotencyKey(db: Database, actor: string, key: string, hash: string): Promise<Claim> {
  if (!KEY.test(key)) return { kind: "refuse", status: 400, code: "BAD_REQUEST", message: "Idempotency-Key must be 1–255 printable ASCII characters" };
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.actor, actor), lt(idempotencyKeys.expiresAt, sql`now()`)));
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ actor, key, requestHash: hash, expiresAt: sql`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})` })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length > 0) {
      return {
        kind: "run",
        finish: async (status, body) => {
          const where = and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key));
          // Answers that say "not now" (rate limited, busy) or "failed" are not kept: a retry runs again.
          if (status >= 500 || status === 429 || status === 409) await db.delete(idempotencyKeys).where(where);
          else await db.update(idempotencyKeys).set({ responseStatus: status, responseBody: body }).where(where);
        },
      };
    }
    const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key)));
    if (!row) continue; // the first failed and let go of the key: run this one
    if (row.requestHash !== hash) return { kind: "refuse", status: 422, code: "IDEMPOTENCY_KEY_REUSED", message: "This Idempotency-Key was used for a different request" };
    if (row.responseStatus !== null) return { kind: "replay", status: row.responseStatus, body: row.responseBody ?? "" };
    if (row.createdAt.getTime() < Date.now() - ABANDONED_AFTER_MS) {
      // Its first request died with its process: let go of the key and run this one.
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.responseStatus} is null`, eq(idempotencyKeys.createdAt, row.createdAt)));
      continue;
    }
    if (Date.now() > deadline) return { kind: "refuse", status: 409, code: "IDEMPOTENCY_KEY_IN_USE", message: "The first request with this Idempotency-Key is still running: retry later" };
    await new Promise((r) => setTimeout(r, 50));
  }
}
