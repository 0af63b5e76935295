import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { getOperationAST, Kind, parse, visit, type DocumentNode, type FieldNode, type SelectionSetNode } from "graphql";
import { MAX_TOKENS } from "../graphql/limits.js";
import type { PiiCipher } from "../pii/pii-crypto.js";
import type { Database } from "../db/client.js";
import { ERRORS, type ErrorCode } from "../errors.js";
import { idempotencyKeys } from "./idempotency.table.js";
import { msg, type Message } from "../i18n.js";

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
  /** Refused as a whole: answered with ERRORS[code].http. */
  | { kind: "refuse"; code: ErrorCode; message: Message };

/** Root fields whose answers hold secrets: never kept for a replay. */
const SECRET_ANSWERS = new Set(["issuePartnerKey"]);

/**
 * The root fields an operation selects, with fragments resolved: inline fragments (`... on Mutation { … }`,
 * `... @include(if: …) { … }`) and named ones, nested to any depth, each named fragment walked once.
 */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode): FieldNode[] {
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const fields: FieldNode[] = [];
  const walked = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!walked.has(selection.name.value)) {
        walked.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment);
      }
    }
  };
  walk(selectionSet);
  return fields;
}

/**
 * What an Idempotency-Key may do with a request: "none" for anything but a mutation (queries ignore
 * keys; a document that does not parse is left to Apollo), "refuse" for a mutation whose answer holds
 * a secret or personal data in clear (an API key, `unmasked: true`) — such answers are not kept —
 * and "keep" for the rest.
 */
export function idempotencyFor(body: unknown): "none" | "refuse" | "keep" {
  if (typeof body !== "object" || body === null) return "none";
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return "none";
  let document;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS });
  } catch {
    return "none";
  }
  const operation = getOperationAST(document, typeof operationName === "string" ? operationName : undefined);
  if (operation?.operation !== "mutation") return "none";
  // A root field that answers with a secret, however it is reached (through fragments too).
  let secret = rootFields(document, operation.selectionSet).some((field) => SECRET_ANSWERS.has(field.name.value));
  // `unmasked` anywhere in the document (fragments included, used or not) unless it is literally false.
  visit(document, {
    Argument(node) {
      if (node.name.value === "unmasked" && !(node.value.kind === Kind.BOOLEAN && !node.value.value)) secret = true;
    },
  });
  return secret ? "refuse" : "keep";
}

/** Codes whose answers are not kept (ERRORS' keptForIdempotency): "not now" or "failed" rather than "done", so a retry runs again. */
const NOT_KEPT = new Set<string>(Object.entries(ERRORS).filter(([, rule]) => !rule.keptForIdempotency).map(([code]) => code));
/** Their statuses (401, 409, 429, 500, 503), and any other 5xx: an answer with one is not kept whatever its body says. */
const NOT_KEPT_STATUSES = new Set<number>(Object.values(ERRORS).filter((rule) => !rule.keptForIdempotency).map((rule) => rule.http));

/**
 * Codes that say "nothing here to act on": an answer whose errors are only these, with no root field
 * answered, changed nothing and is not kept — a retry would answer the same without a row kept for
 * 24 hours per new key (probing ids under fresh keys kept one each). Answers that refuse a change
 * (BAD_USER_INPUT, FORBIDDEN, CONFLICT …) are still kept: the same mistake again gets the same answer.
 */
const NOTHING_TO_ACT_ON = new Set(["NOT_FOUND"]);

function worthKeeping(status: number, body: string): boolean {
  if (status >= 500 || NOT_KEPT_STATUSES.has(status)) return false;
  try {
    const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: unknown } }[] };
    const errors = parsed.errors ?? [];
    if (errors.some((e) => NOT_KEPT.has(String(e.extensions?.code)))) return false;
    const nothingDone = Object.values(parsed.data ?? {}).every((value) => value === null);
    return !(errors.length > 0 && nothingDone && errors.every((e) => NOTHING_TO_ACT_ON.has(String(e.extensions?.code))));
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
 * told 409 to retry later. An answer that says "not now" or "failed" (a code ERRORS marks not kept —
 * INTERNAL_SERVER_ERROR, SEARCH_UNAVAILABLE … — or its status, or any 5xx) is not kept, so a retry runs again. Kept answers
 * are sealed with the PII key.
 */
export async function claimIdempotencyKey(db: Database, cipher: PiiCipher, actor: string, key: string, hash: string): Promise<Claim> {
  if (!KEY.test(key)) return { kind: "refuse", code: "BAD_REQUEST", message: msg("Idempotency-Key 须为 1–255 个可打印 ASCII 字符", "Idempotency-Key must be 1–255 printable ASCII characters") };
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  const mine = and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key));
  for (;;) {
    const [inserted] = await db
      .insert(idempotencyKeys)
      .values({ actor, key, requestHash: hash, expiresAt: sql`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})` })
      .onConflictDoNothing()
      .returning({ createdAt: idempotencyKeys.createdAt });
    if (inserted) {
      // This claim's own row (a takeover after ABANDONED_AFTER_MS makes a new one): `finish` touches only it.
      const ours = and(mine, eq(idempotencyKeys.createdAt, inserted.createdAt), sql`${idempotencyKeys.responseStatus} is null`);
      return {
        kind: "run",
        finish: async (status, body) => {
          // The answer is kept sealed (it may hold personal data the caller was shown), or let go.
          if (worthKeeping(status, body)) await db.update(idempotencyKeys).set({ responseStatus: status, responseBody: cipher.encrypt(body) }).where(ours);
          else await db.delete(idempotencyKeys).where(ours);
        },
      };
    }
    const [row] = await db.select().from(idempotencyKeys).where(mine);
    if (!row) continue; // the first let go of the key: run this one
    if (row.expiresAt.getTime() <= Date.now()) {
      await db.delete(idempotencyKeys).where(and(mine, eq(idempotencyKeys.createdAt, row.createdAt)));
      continue;
    }
    if (row.requestHash !== hash) return { kind: "refuse", code: "IDEMPOTENCY_KEY_REUSED", message: msg("此 Idempotency-Key 已用于另一个请求", "This Idempotency-Key was used for a different request") };
    if (row.responseStatus !== null) return { kind: "replay", status: row.responseStatus, body: cipher.decrypt(row.responseBody ?? "") };
    if (row.createdAt.getTime() < Date.now() - ABANDONED_AFTER_MS) {
      // Its first request died with its process: let go of the key and run this one.
      await db.delete(idempotencyKeys).where(and(mine, sql`${idempotencyKeys.responseStatus} is null`, eq(idempotencyKeys.createdAt, row.createdAt)));
      continue;
    }
    if (Date.now() > deadline) return { kind: "refuse", code: "IDEMPOTENCY_KEY_IN_USE", message: msg("使用此 Idempotency-Key 的首个请求仍在处理中，请稍后重试", "The first request with this Idempotency-Key is still running: retry later") };
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Drops keys past their 24 hours (the server's sweep). */
export async function sweepIdempotencyKeys(db: Database): Promise<number> {
  return (await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, sql`now()`)).returning({ key: idempotencyKeys.key })).length;
}
