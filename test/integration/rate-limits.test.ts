import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { codeOf, startTestApp, type GqlResult, type TestApp } from "../helpers/test-app.js";

const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const opened: TestApp[] = [];
const start = async (env: Record<string, string>) => {
  const t = await startTestApp(env);
  opened.push(t);
  return t;
};
afterAll(async () => {
  for (const t of opened) await t.close();
});

const limited = (r: GqlResult<unknown>) => {
  expect(r.status).toBe(429);
  expect(codeOf(r)).toBe("RATE_LIMITED");
  const retryAfter = Number(r.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(r.errors![0]!.extensions?.retryAfter).toBe(retryAfter);
};

describe("rate limits", () => {
  it("counts requests per user, per partner key and per address for the public; the one over is refused with Retry-After and changes nothing", async () => {
    const t = await start({ RATE_LIMIT_REQUESTS_PER_MINUTE: "5" });
    const a = await t.token({ sub: "cw-a", role: Role.CASEWORKER, regionCode: "3501" });
    const b = await t.token({ sub: "cw-b", role: Role.CASEWORKER, regionCode: "3501" });
    for (let i = 0; i < 5; i++) expect((await t.gql(`{ viewer { role } }`, {}, { token: a })).errors).toBeUndefined();
    const [before] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from job_fairs`);
    const over = await t.gql(`mutation { createJobFair(input: { title: "限流", kind: OTHER, startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z" }) { id } }`, {}, { token: a, headers: { "accept-language": "zh" } });
    limited(over);
    expect(over.errors![0]!.message).toMatch(/^请求过多：每分钟最多 5 次/);
    expect([over.errors![0]!.extensions?.rateLimit, over.headers.get("ratelimit")?.replace(/t=\d+$/, "")]).toEqual(["requests", '"requests";r=0;']);
    const [after] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from job_fairs`);
    expect(after!.n).toBe(before!.n);
    // Another user, a partner key and the public each have their own count.
    expect((await t.gql(`{ viewer { role } }`, {}, { token: b })).errors).toBeUndefined();
    const { apiKey } = await issuePartnerKey(t.db, "test", { name: "限流测试", scopes: ["postings:read"] });
    for (let i = 0; i < 5; i++) expect((await t.gql(`{ viewer { role } }`, {}, { apiKey })).status).toBe(200);
    limited(await t.gql(`{ viewer { role } }`, {}, { apiKey }));
    for (let i = 0; i < 5; i++) expect((await t.gql(`{ __typename }`)).status).toBe(200);
    limited(await t.gql(`{ __typename }`));
    // Wrong credentials count against the address they come from (guessing keys is limited too).
    const elsewhere = await start({ RATE_LIMIT_REQUESTS_PER_MINUTE: "3" });
    for (let i = 0; i < 3; i++) expect((await elsewhere.gql(`{ __typename }`, {}, { apiKey: `jbpk_guess${i}` })).status).toBe(401);
    limited(await elsewhere.gql(`{ __typename }`, {}, { token: "not.a.token" }));
    // A people import counts as a request too.
    const imported = await fetch(t.url.replace(/\/graphql$/, "/imports/people"), { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${a}` }, body: "x" });
    expect(imported.status).toBe(429);
  });

  it("charges each operation's cost to a per-minute budget", async () => {
    const t = await start({ RATE_LIMIT_COST_PER_MINUTE: "12000" });
    const q = `{ employers(first: 13) { edges { node { postings(first: 100) { edges { node { id } } } } } } }`; // costs 3,953: three fit in 12,000
    for (let i = 0; i < 3; i++) expect((await t.gql(q)).errors).toBeUndefined();
    const over = await t.gql(q);
    limited(over);
    expect(over.errors![0]!.message).toMatch(/query cost/);
    expect(over.errors![0]!.extensions?.rateLimit).toBe("cost");
    expect(over.headers.get("ratelimit")).toMatch(/^"cost";r=0;t=\d+$/);
    // The header names the limit by the refusal, not by its wording: the same in Chinese.
    const inChinese = await t.gql(q, {}, { headers: { "accept-language": "zh-CN" } });
    limited(inChinese);
    expect(inChinese.errors![0]!.message).toMatch(/查询开销过多/);
    expect(inChinese.headers.get("ratelimit")).toMatch(/^"cost";r=0;t=\d+$/);
    expect(over.sqlStatements).toBe(0);
    const other = await t.token({ sub: "other", role: Role.ADMIN });
    expect((await t.gql(q, {}, { token: other })).status).toBe(200); // another caller has their own budget
  });

  it("shares the counts between server processes through Redis", async () => {
    const env = { REDIS_URL: REDIS, RATE_LIMIT_KEY_PREFIX: `test-${randomBytes(4).toString("hex")}`, RATE_LIMIT_REQUESTS_PER_MINUTE: "5" };
    const [one, two] = [await start(env), await start(env)];
    const token = await one.token({ sub: "shared", role: Role.ADMIN });
    for (const t of [one, two, one, two, one]) expect((await t.gql(`{ viewer { role } }`, {}, { token })).status).toBe(200);
    limited(await two.gql(`{ viewer { role } }`, {}, { token }));
    limited(await one.gql(`{ viewer { role } }`, {}, { token }));
  });

  it("keeps limiting in memory when Redis cannot be reached", async () => {
    const t = await start({ REDIS_URL: "redis://127.0.0.1:1", RATE_LIMIT_REQUESTS_PER_MINUTE: "3" });
    const token = await t.token({ sub: "no-redis", role: Role.ADMIN });
    for (let i = 0; i < 3; i++) expect((await t.gql(`{ viewer { role } }`, {}, { token })).status).toBe(200);
    limited(await t.gql(`{ viewer { role } }`, {}, { token }));
  });
});
