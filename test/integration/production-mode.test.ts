import { sql } from "drizzle-orm";
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const PRODUCTION = { NODE_ENV: "production", AUTH_JWT_SECRET: "production-test-secret-production-test-0001", PII_KEY: Buffer.alloc(32, 9).toString("base64"), LOG_LEVEL: "info" };

describe("production mode", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(PRODUCTION, { captureLogs: true });
  });
  afterAll(() => t.close());

  it("answers no introspection and gives no schema hints in errors", async () => {
    const introspection = await t.gql(`{ __schema { types { name } } }`);
    expect(introspection.status).toBe(400);
    expect(codeOf(introspection)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(introspection.data).toBeUndefined();
    // Nor the explorer, nor CORS for localhost.
    const base = t.url.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/graphiql`)).status).toBe(404);
    expect((await fetch(`${base}/graphiql/assets/graphiql.js`)).status).toBe(404);
    const preflight = await fetch(t.url, { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const typo = await t.gql(`{ postingz { edges { cursor } } }`);
    expect(typo.status).toBe(400);
    expect(typo.errors![0]!.message).not.toMatch(/Did you mean/);
    const typoArg = await t.gql(`{ postings(frist: 1) { edges { cursor } } }`);
    expect(typoArg.errors![0]!.message).not.toMatch(/Did you mean|first/);
    // Variables' errors too: a wrong enum value, a wrong input field.
    const badEnum = await t.gql(`query($f: PostingFilter) { postings(filter: $f) { edges { cursor } } }`, { f: { status: ["OPN"] } });
    expect(badEnum.status).toBe(400);
    expect(badEnum.errors![0]!.message).not.toMatch(/Did you mean|OPEN/);
    const badField = await t.gql(`query($f: PostingFilter) { postings(filter: $f) { edges { cursor } } }`, { f: { statuz: "OPEN" } });
    expect(badField.errors![0]!.message).not.toMatch(/Did you mean|"status"/);
  });

  it("masks an internal error from the client but logs it with the request id", async () => {
    // A real fault: the table behind the query is gone for a moment (a region's children are read from
    // it; a region by code comes from the process's copy of the regions). Aliased, so that the error's
    // path does not name the table the message must not.
    await t.db.execute(sql`alter table regions rename to regions_away`);
    try {
      const broken = await t.gql(`{ divisions: regions(parentCode: "350100") { name } }`);
      expect(codeOf(broken)).toBe("INTERNAL_SERVER_ERROR");
      expect(broken.errors![0]!.message).toBe("Internal server error");
      expect(JSON.stringify(broken.errors)).not.toMatch(/regions|relation|SQL|select/i);
      const requestId = broken.headers.get("x-request-id")!;
      const logged = t.logs.map((l) => JSON.parse(l) as { requestId?: string; msg?: string; err?: { cause?: { message?: string } } }).find((l) => l.requestId === requestId && l.msg === "unexpected error while resolving");
      expect(logged?.err?.cause?.message).toMatch(/regions/);
      expect(JSON.stringify(logged)).not.toContain("params"); // the query's parameters (personal data) stay out of logs
    } finally {
      await t.db.execute(sql`alter table regions_away rename to regions`);
    }
    expect((await t.gql(`{ regions(parentCode: "350100") { name } }`)).errors).toBeUndefined();
  });

  it("refuses simple-request POSTs and GET mutations (CSRF), and batched requests", async () => {
    const simple = await fetch(t.url, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"query":"{ __typename }"}' });
    expect(simple.status).toBe(400);
    const form = await fetch(t.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "query=%7B__typename%7D" });
    expect(form.status).toBe(400);
    const getWithoutPreflight = await fetch(`${t.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(getWithoutPreflight.status).toBe(400);
    const batch = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]) });
    expect(batch.status).toBe(400);
    const single = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(await single.json()).toEqual({ data: { __typename: "Query" }, extensions: { cost: { requested: 1, maximum: 12_000 } } });
  });
});

/**
 * The GraphQL-over-HTTP audit suite (graphql-http's serverAudits) against the real server, with
 * introspection on (a non-production instance): every MUST passes; the SHOULD and MAY ones are reported.
 */
describe("GraphQL over HTTP compliance", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("passes every MUST audit of graphql-http, and reports the rest", async () => {
    const results = [];
    for (const audit of serverAudits({ url: t.url, fetchFn: fetch })) results.push({ ...(await audit.fn()), name: audit.name, id: audit.id });
    const failedMust = results.filter((r) => r.name.startsWith("MUST") && r.status !== "ok");
    const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    console.log(`graphql-http audits: ${results.length} — ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}`);
    for (const r of results.filter((r) => r.status !== "ok")) console.log(`  ${r.status}: ${r.name}${"reason" in r ? ` — ${String(r.reason).slice(0, 160)}` : ""}`);
    expect(failedMust.map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`)).toEqual([]);
    expect(results.filter((r) => r.name.startsWith("MUST")).length).toBeGreaterThan(10);
  });
});
