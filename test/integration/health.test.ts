import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

describe("health, readiness and HTTP basics", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("answers /healthz and /readyz once migrated", async () => {
    const base = t.url.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    // The search index says how far it has followed the posting change log (replicas compare these).
    expect(await ready.json()).toEqual({ status: "ready", search: { engine: "embedded", position: expect.stringMatching(/^\d+:\d+$/) } });
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it("gives every request its own id, and keeps a caller's well-formed one beside it", async () => {
    const mine = await t.gql("{ __typename }", undefined, { headers: { "x-request-id": "abc-123" } });
    expect(mine.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(mine.headers.get("x-client-request-id")).toBe("abc-123");
    const bad = await t.gql("{ __typename }", undefined, { headers: { "x-request-id": "no spaces or <tags>" } });
    expect(bad.headers.get("x-client-request-id")).toBeNull();
  });

  it("refuses a body that is not JSON and one that is too large", async () => {
    const notJson = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(notJson.status).toBe(400);
    const huge = await fetch(t.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1_100_000) } }),
    });
    expect(huge.status).toBe(413);
  });

  it("refuses a GET mutation and a simple-request POST (CSRF prevention)", async () => {
    const csrf = await fetch(t.url, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"query":"{ __typename }"}' });
    expect(csrf.status).toBe(400);
    const getMutation = await fetch(`${t.url}?query=${encodeURIComponent("mutation { closePosting(id: \"x\") { id } }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(getMutation.status).toBe(405);
  });
});
