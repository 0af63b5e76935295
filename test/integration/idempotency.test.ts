import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { days, FUZHOU_GULOU, makeEmployer, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const UPSERT = `mutation Upsert($postings: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $postings) { created unchanged items { outcome posting { id } } } }`;
const CREATE = `mutation($input: CreatePostingInput!) { createPosting(input: $input) { id } }`;

describe("Idempotency-Key", () => {
  let t: TestApp;
  let apiKey: string;
  let employerToken: string;
  let employerId: string;
  const employer = { name: "幂等科技有限公司", creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), regionCode: FUZHOU_GULOU };
  const item = (externalId: string, title = `数据分析师 ${externalId}`) => ({
    externalId, title, description: "数据分析", skills: ["SQL"], minEducation: "BACHELOR", regionCode: FUZHOU_GULOU,
    salaryMin: 6000, salaryMax: 9000, headcount: 1, kind: "REGULAR", validUntil: days(30).toISOString(), employer,
  });
  // One expiry for every request here: identical requests must be identical to the byte.
  const validUntil = days(30).toISOString();
  const postingInput = () => ({ title: "客服专员", description: "在线客服", minEducation: "ASSOCIATE", regionCode: FUZHOU_GULOU, headcount: 2, kind: "REGULAR", validUntil });
  const post = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: await res.text() };
  };
  const count = async (table: "postings" | "idempotency_keys") => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

  beforeAll(async () => {
    t = await startTestApp();
    apiKey = (await issuePartnerKey(t.db, "test", { name: "幂等测试网", scopes: ["postings:read", "postings:write"] })).apiKey;
    employerId = (await makeEmployer(t.db)).id;
    employerToken = await t.token({ sub: "emp-idem", role: Role.EMPLOYER, employerId });
  });
  afterAll(() => t.close());

  it("answers a repeat of a partner push with the stored answer and a single effect; a different payload under the key is refused", async () => {
    const key = randomUUID();
    const batch = { postings: [item(`idem-${unique()}`), item(`idem-${unique()}`)] };
    const first = await post(UPSERT, batch, { "x-api-key": apiKey, "idempotency-key": key });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).data.upsertPartnerPostings).toMatchObject({ created: 2, unchanged: 0 });
    const postingsAfter = await count("postings");
    // Run again, the push itself would answer UNCHANGED: the repeat gets the first answer, byte for byte.
    const again = await post(UPSERT, batch, { "x-api-key": apiKey, "idempotency-key": key });
    expect([again.status, again.replayed, again.body]).toEqual([200, "true", first.body]);
    const changed = await post(UPSERT, { postings: [item(batch.postings[0]!.externalId, "别的标题")] }, { "x-api-key": apiKey, "idempotency-key": key });
    expect(changed.status).toBe(422);
    expect(JSON.parse(changed.body).errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await count("postings")).toBe(postingsAfter);
    const [title] = await queryRows<{ title: string }>(t.db, sql`select title from postings where external_id = ${batch.postings[0]!.externalId}`);
    expect(title!.title).not.toBe("别的标题");
  });

  it("makes ten parallel identical requests one effect, all answered alike", async () => {
    const key = randomUUID();
    const before = await count("postings");
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(CREATE, { input: postingInput() }, { authorization: `Bearer ${employerToken}`, "idempotency-key": key })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => JSON.parse(a.body).data.createPosting.id)).size).toBe(1);
    expect(answers.filter((a) => a.replayed === "true")).toHaveLength(9);
    expect(await count("postings")).toBe(before + 1);
    // Without a key, the same request twice is two postings.
    await post(CREATE, { input: postingInput() }, { authorization: `Bearer ${employerToken}` });
    await post(CREATE, { input: postingInput() }, { authorization: `Bearer ${employerToken}` });
    expect(await count("postings")).toBe(before + 3);
  });

  it("keeps keys per caller, ignores them on queries, and refuses malformed ones", async () => {
    const key = randomUUID();
    const other = await t.token({ sub: "emp-other", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    const before = await count("postings");
    for (const token of [employerToken, other]) expect((await post(CREATE, { input: postingInput() }, { authorization: `Bearer ${token}`, "idempotency-key": key })).replayed).toBeNull();
    expect(await count("postings")).toBe(before + 2);
    const keys = await count("idempotency_keys");
    const query = await post(`query { viewer { role } }`, {}, { authorization: `Bearer ${employerToken}`, "idempotency-key": randomUUID() });
    expect(query.status).toBe(200);
    expect(await count("idempotency_keys")).toBe(keys);
    for (const bad of ["x".repeat(256), "空格 key"]) {
      const refused = await post(CREATE, { input: postingInput() }, { authorization: `Bearer ${employerToken}`, "idempotency-key": encodeURI(bad) === bad ? bad : "a b" });
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe("BAD_REQUEST");
    }
    expect(await count("postings")).toBe(before + 2);
    // A refused mutation's answer (4xx) is kept too: the same mistake again gets the same answer.
    const k2 = randomUUID();
    const wrong = await post(CREATE, { input: { ...postingInput(), headcount: 0 } }, { authorization: `Bearer ${employerToken}`, "idempotency-key": k2 });
    const wrongAgain = await post(CREATE, { input: { ...postingInput(), headcount: 0 } }, { authorization: `Bearer ${employerToken}`, "idempotency-key": k2 });
    expect(codeOf({ status: wrong.status, errors: JSON.parse(wrong.body).errors } as never)).toBe("BAD_USER_INPUT");
    expect([wrongAgain.replayed, wrongAgain.body]).toEqual(["true", wrong.body]);
  });

  it("keeps answers sealed, refuses keys on answers holding secrets or personal data in clear, and does not keep failures", async () => {
    const admin = await t.token({ sub: "admin-idem", role: Role.ADMIN });
    // Stored sealed: the posting's title is nowhere in the table in clear.
    const key = randomUUID();
    const created = await post(CREATE, { input: { ...postingInput(), title: "密封标题岗位" } }, { authorization: `Bearer ${employerToken}`, "idempotency-key": key });
    expect(created.status).toBe(200);
    const [stored] = await queryRows<{ body: string }>(t.db, sql`select response_body as body from idempotency_keys where key = ${key}`);
    expect(stored!.body).not.toContain("createPosting");
    // An API key or an unmasked ID number would be kept for a replay: refused, nothing done.
    const keys = await count("idempotency_keys");
    const secret = await post(`mutation { issuePartnerKey(name: "幂等密钥", scopes: ["postings:read"]) { apiKey } }`, {}, { authorization: `Bearer ${admin}`, "idempotency-key": randomUUID() });
    expect([secret.status, JSON.parse(secret.body).errors[0].extensions.code]).toEqual([400, "BAD_REQUEST"]);
    const [partners] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from partners where name = '幂等密钥'`);
    expect(partners!.n).toBe(0);
    const clear = await post(`mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { idNumber(unmasked: true, purpose: "核对身份") } } }`, { i: { name: "幂等人", idNumber: "350102199903040021", householdRegionCode: FUZHOU_GULOU, originRegionCode: FUZHOU_GULOU } }, { authorization: `Bearer ${admin}`, "idempotency-key": randomUUID() });
    expect(clear.status).toBe(400);
    expect(await count("idempotency_keys")).toBe(keys);
    // An internal failure is not kept: the same key runs again once the fault is gone.
    const retryKey = randomUUID();
    await t.db.execute(sql`alter table postings rename to postings_away`);
    let failed;
    try {
      failed = await post(CREATE, { input: postingInput() }, { authorization: `Bearer ${employerToken}`, "idempotency-key": retryKey });
    } finally {
      await t.db.execute(sql`alter table postings_away rename to postings`);
    }
    expect(JSON.parse(failed.body).errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
    const retried = await post(CREATE, { input: postingInput() }, { authorization: `Bearer ${employerToken}`, "idempotency-key": retryKey });
    expect([retried.status, retried.replayed]).toEqual([200, null]);
    expect(JSON.parse(retried.body).data.createPosting.id).toBeTruthy();
    // No automatic persisted queries: a hash-only request cannot slip past a key.
    const apq = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${employerToken}`, "idempotency-key": randomUUID() }, body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } } }) });
    expect(((await apq.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("PERSISTED_QUERY_NOT_SUPPORTED");
  });
});
