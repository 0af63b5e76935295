import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { sql } from "drizzle-orm";
import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

// Several servers a test, on a machine that may be busy: generous timeouts (guards, never assertions).
/**
 * Issue 15, findings 3, 4, 11 and 12: query limits, rate limits, connections and engine calls, attacked
 * through real HTTP and WebSocket. Each test asserts the refusal or the cap, never a duration.
 */
const opened: TestApp[] = [];
const start = async (env: Record<string, string> = {}, opts: { captureLogs?: boolean } = {}) => {
  const t = await startTestApp(env, opts);
  opened.push(t);
  return t;
};
afterAll(async () => {
  for (const t of opened) await t.close();
});

/** A raw request on its own socket: what comes back before the server closes it (or `wait` ms pass: then whatever came). */
function raw(t: TestApp, request: string | Buffer, opts: { wait?: number; socket?: Socket } = {}): Promise<string> {
  const url = new URL(t.url);
  return new Promise((resolve) => {
    const socket = opts.socket ?? connect(Number(url.port), url.hostname);
    let received = "";
    const done = () => {
      clearTimeout(guard);
      socket.destroy();
      resolve(received);
    };
    // A guard, not an assertion: a server that never answers shows up as an empty answer.
    const guard = setTimeout(done, opts.wait ?? 10_000);
    socket.on("data", (d) => (received += d.toString("latin1")));
    socket.on("end", done);
    socket.on("error", done);
    socket.write(request);
  });
}

/** Sends one subscribe over graphql-ws and answers the first error's code ("complete" or "next" otherwise). */
async function subscribeOnce(t: TestApp, query: string): Promise<string> {
  const client = createClient({ url: t.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    return await new Promise<string>((resolve) => {
      client.subscribe(
        { query },
        {
          next: () => resolve("next"),
          error: (e) => resolve(Array.isArray(e) ? String((e as { extensions?: { code?: string } }[])[0]?.extensions?.code) : `closed`),
          complete: () => resolve("complete"),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

describe("attacks on the limits (issue 15)", () => {
  it("3 (medium): a document spreading hundreds of fragments, or holding thousands of selections, is refused before validation, and a failed validation is charged like a run", async () => {
    const t = await start({ RATE_LIMIT_COST_PER_MINUTE: "12000" });
    // 300 fragments spread at the root, a random comment against the document cache: 400 before validation.
    const spreads = Array.from({ length: 300 }, (_, i) => `...F${i}`).join(" ");
    const fragments = Array.from({ length: 300 }, (_, i) => `fragment F${i} on Query { __typename }`).join(" ");
    const burn = await t.gql(`# ${randomUUID()}\n{ ${spreads} } ${fragments}`);
    expect([burn.status, codeOf(burn), burn.sqlStatements]).toEqual([400, "QUERY_TOO_COMPLEX", 0]);
    expect(burn.errors![0]!.extensions).toMatchObject({ fragmentSpreads: 300 });
    // The same without fragments: thousands of selections of one field.
    const wide = await t.gql(`{ ${Array.from({ length: 2000 }, () => "__typename").join(" ")} }`);
    expect([wide.status, codeOf(wide)]).toEqual([400, "QUERY_TOO_COMPLEX"]);
    expect(wide.errors![0]!.extensions).toMatchObject({ selections: 2000 });
    // A document that fails validation is charged its price: the budget runs out, and then even it is refused 429.
    const failing = `{ employers(first: 13) { edges { node { postings(first: 100) { edges { node { id nope } } } } } } }`;
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) codes.push(codeOf(await t.gql(failing)));
    expect(codes.slice(0, 2)).toEqual(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_VALIDATION_FAILED"]);
    expect(codes.at(-1)).toBe("RATE_LIMITED");
  }, 120_000);

  it("4 (medium): rate limits bypassed — invalid-JSON and oversized bodies are counted before the body is read, and WebSocket subscribes count against the same limit", async () => {
    const t = await start({ RATE_LIMIT_REQUESTS_PER_MINUTE: "3" });
    const post = (body: string) => fetch(t.url, { method: "POST", headers: { "content-type": "application/json" }, body });
    // Bad bodies count: two invalid-JSON requests and one valid, then the address is spent.
    expect((await post("{not json")).status).toBe(400);
    expect((await post("{not json")).status).toBe(400);
    expect((await t.gql(`{ __typename }`)).status).toBe(200);
    // Over the limit, a bad or oversized body gets 429 first (its body is never read).
    expect((await post("{not json")).status).toBe(429);
    expect((await post(JSON.stringify({ query: `{ __typename }`, pad: "x".repeat(1_100_000) }))).status).toBe(429);
    // …and so does a subscribe over WebSocket from the same address.
    expect(await subscribeOnce(t, `subscription { fairEvents(fairId: "${randomUUID()}") { kind } }`)).toBe("RATE_LIMITED");

    // Each subscribe counts: three over WebSocket spend the address's three requests.
    const ws = await start({ RATE_LIMIT_REQUESTS_PER_MINUTE: "3" });
    for (let i = 0; i < 3; i++) expect(await subscribeOnce(ws, `subscription { fairEvents(fairId: "${randomUUID()}") { kind } }`)).not.toBe("RATE_LIMITED");
    expect(await subscribeOnce(ws, `subscription { fairEvents(fairId: "${randomUUID()}") { kind } }`)).toBe("RATE_LIMITED");
    const http = await ws.gql(`{ __typename }`);
    expect([http.status, codeOf(http)]).toEqual([429, "RATE_LIMITED"]);
  }, 120_000);

  it("11 (low): slow bodies are cut at their timeout (408), connections per address are capped, a client abort is no error, and NOT_FOUND answers keep no Idempotency-Key row", async () => {
    const t = await start({ HTTP_BODY_TIMEOUT_MS: "300", HTTP_MAX_CONNECTIONS_PER_ADDRESS: "4" }, { captureLogs: true });
    const host = new URL(t.url).host;
    // A body that never finishes: 408 and the connection closed, at the configured timeout.
    const slow = await raw(t, `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`);
    expect(statusOf(slow)).toBe(408);
    expect(slow).toMatch(/REQUEST_TIMEOUT/);

    // Four open connections from one address are allowed; a fifth is refused 503 until one closes.
    const held: Socket[] = [];
    const url = new URL(t.url);
    for (let i = 0; i < 4; i++) {
      const socket = connect(Number(url.port), url.hostname);
      held.push(socket);
      // Answered on a kept-alive connection, so the server has counted it.
      const answer = await new Promise<string>((resolve) => {
        socket.once("data", (d) => resolve(d.toString("latin1")));
        socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      });
      expect(statusOf(answer)).toBe(200);
    }
    expect(statusOf(await raw(t, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`, { wait: 3000 }))).toBe(503);
    await Promise.all(held.map((s) => new Promise((r) => (s.once("close", r), s.destroy()))));
    let after = 0;
    for (let i = 0; i < 50 && after !== 200; i++) {
      after = statusOf(await raw(t, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { wait: 3000 }));
      if (after !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(after).toBe(200);

    // A client that goes away mid-body: logged as such, not as an error with a stack.
    const requestLines = () => t.logs.filter((l) => l.includes(`"msg":"request"`)).length;
    const before = requestLines();
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once("connect", r));
    socket.write(`POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    for (let i = 0; i < 200 && requestLines() === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(requestLines()).toBeGreaterThan(before);
    const errors = t.logs.filter((l) => (JSON.parse(l) as { level: number }).level >= 50 || l.includes(`"stack"`));
    expect(errors.map((l) => l.slice(0, 300))).toEqual([]);

    // A mutation answered NOT_FOUND under a new key keeps no row for 24 h.
    const admin = await t.token({ sub: "admin-idem-nf", role: Role.ADMIN });
    const rows = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from idempotency_keys`))[0]!.n;
    const keys = await rows();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(t.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${admin}`, "idempotency-key": randomUUID() },
        body: JSON.stringify({ query: `mutation($id: ID!) { closePosting(id: $id) { id } }`, variables: { id: randomUUID() } }),
      });
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("NOT_FOUND");
    }
    expect(await rows()).toBe(keys);
  }, 120_000);

  it("11 (low): a trusted reverse proxy is not held to the per-address cap (every client behind it shares its address)", async () => {
    const t = await start({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: "2", TRUSTED_PROXIES: "127.0.0.1, ::1, ::ffff:127.0.0.1" });
    const url = new URL(t.url);
    const host = url.host;
    const held: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = connect(Number(url.port), url.hostname);
      held.push(socket);
      const answer = await new Promise<string>((resolve) => {
        socket.once("data", (d) => resolve(d.toString("latin1")));
        socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      });
      expect(statusOf(answer)).toBe(200);
    }
    await Promise.all(held.map((s) => new Promise((r) => (s.once("close", r), s.destroy()))));
  }, 120_000);

  it("12 (low): engine calls are priced — thousands of aliased matches are refused, searches with totals and facets spend the budget, and a request's engine calls are capped", async () => {
    const t = await start({ RATE_LIMIT_COST_PER_MINUTE: "12000", GRAPHQL_MAX_ENGINE_CALLS: "3" });
    const admin = await t.token({ sub: "admin-engine", role: Role.ADMIN });
    // 100 people × 30 aliased matches: 3,000 engine queries, refused by its price before any runs.
    const aliases = Array.from({ length: 30 }, (_, i) => `m${i}: matches(first: 1) { items { score } }`).join(" ");
    const fan = await t.gql(`{ people(first: 100) { edges { node { ${aliases} } } } }`, {}, { token: admin });
    expect([fan.status, codeOf(fan), fan.sqlStatements]).toEqual([400, "QUERY_TOO_COMPLEX", 0]);
    // 30 aliased searches with totals and facets: priced as the scans they are, so the second one in a minute is over a 12,000 budget.
    const facets = `facets { regions { value label count } kinds { value count } education { value count } salaryBands { value count } }`;
    const searches = `{ ${Array.from({ length: 30 }, (_, i) => `s${i}: searchPostings(first: 1) { totalCount ${facets} }`).join(" ")} }`;
    const other = await t.token({ sub: "searcher", role: Role.ADMIN });
    expect(codeOf(await t.gql(`{ __typename }`, {}, { token: other }))).toBeUndefined();
    const outcomes: number[] = [];
    for (let i = 0; i < 2; i++) outcomes.push((await t.gql(searches, {}, { token: other })).status);
    expect(outcomes).toContain(429);
    // Engine calls counted as they run: a fourth search in one request is refused (the cap is 3 here).
    const searching = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `s${i}: searchPostings(first: 1) { edges { cursor } }`).join(" ")} }`;
    expect((await t.gql(searching(3))).errors).toBeUndefined();
    const four = await t.gql(searching(4));
    expect(four.errors?.map((e) => [e.extensions?.code, e.extensions?.maxEngineCalls])).toEqual([["QUERY_TOO_COMPLEX", 3]]);
  }, 120_000);
});
