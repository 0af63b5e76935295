import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { issuePartnerKey, revokePartnerKey } from "../../src/modules/partners/partner.service.js";
import { days, FUZHOU_GULOU, makeEmployer, makeInstitution, personDraft } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * Red team, issue 15 — identity: whose answer a replay is, whose bucket a request counts against,
 * which address a request comes from, what a credential still may after it is revoked, and what the
 * database lets the application's own role do to the audit log.
 */

const CREATE_POSTING = `mutation($input: CreatePostingInput!) { createPosting(input: $input) { id title } }`;
const EVENTS = `subscription($f: ID!) { fairEvents(fairId: $f) { kind fairId } }`;

/** A graphql-ws connection over `ws`: its close code, and one subscription at a time. */
function connect(t: TestApp, connectionParams: Record<string, unknown>) {
  let closeCode: number | undefined;
  let acked!: () => void;
  const ready = new Promise<void>((r) => (acked = r));
  const client: Client = createClient({
    url: t.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { connected: () => acked(), closed: (e) => (closeCode = (e as { code?: number }).code) },
    onNonLazyError: () => undefined,
  });
  const errors: unknown[] = [];
  return {
    ready,
    closeCode: () => closeCode,
    errors,
    subscribe: (fairId: string) =>
      client.subscribe({ query: EVENTS, variables: { f: fairId } }, { next: (r) => r.errors && errors.push(...r.errors), error: (e) => errors.push(e), complete: () => undefined }),
    /** Waits (at most 10 s) until the server closed the connection. */
    closed: async () => {
      const deadline = Date.now() + 10_000;
      while (closeCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return closeCode;
    },
    dispose: () => client.dispose(),
  };
}

describe("red team: identity (issue 15)", () => {
  let t: TestApp;
  /** Requests limited to 3 a minute, the loopback trusted as a reverse proxy, partner keys re-checked every second. */
  let proxied: TestApp;
  let admin: string;
  let fuzhou: string;

  const post = async (app: TestApp, query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await fetch(app.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
    const body = await res.text();
    return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body, json: JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] } };
  };
  const count = async (app: TestApp, table: string) => (await queryRows<{ n: number }>(app.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

  beforeAll(async () => {
    t = await startTestApp();
    proxied = await startTestApp({ RATE_LIMIT_REQUESTS_PER_MINUTE: "3", TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8", SUBSCRIPTION_RECHECK_SECONDS: "1" }, { captureLogs: true });
    ({ admin, fuzhou } = await standardTokens(t));
  }, 180_000);
  afterAll(async () => {
    await Promise.all([t?.close(), proxied?.close()]);
  });

  it("6 (medium): the Idempotency-Key cache and the rate limits are scoped by the caller's whole identity; secret-returning fields are found through fragments", async () => {
    // Two employer tokens with one `sub` but different employers: B never gets A's answer.
    const [a, b] = [await makeEmployer(t.db), await makeEmployer(t.db)];
    const tokenA = await t.token({ sub: "shared-sub", role: Role.EMPLOYER, employerId: a.id });
    const tokenB = await t.token({ sub: "shared-sub", role: Role.EMPLOYER, employerId: b.id });
    const input = { title: "租户甲的草稿", description: "内部岗位", minEducation: "ASSOCIATE", regionCode: FUZHOU_GULOU, headcount: 1, kind: "REGULAR", validUntil: days(30).toISOString() };
    const key = randomUUID();
    const first = await post(t, CREATE_POSTING, { input }, { authorization: `Bearer ${tokenA}`, "idempotency-key": key });
    expect(first.status).toBe(200);
    const second = await post(t, CREATE_POSTING, { input }, { authorization: `Bearer ${tokenB}`, "idempotency-key": key });
    expect(second.replayed).toBeNull();
    const idA = (first.json.data!.createPosting as { id: string }).id;
    const idB = (second.json.data!.createPosting as { id: string }).id;
    expect(idB).not.toBe(idA);
    const owners = await queryRows<{ id: string; employer_id: string }>(t.db, sql`select id, employer_id from postings where id in (${idA}, ${idB}) order by employer_id`);
    expect(Object.fromEntries(owners.map((o) => [o.id, o.employer_id]))).toEqual({ [idA]: a.id, [idB]: b.id });
    // A's own repeat is still a replay.
    const again = await post(t, CREATE_POSTING, { input }, { authorization: `Bearer ${tokenA}`, "idempotency-key": key });
    expect([again.replayed, again.body]).toEqual(["true", first.body]);

    // …and one does not spend the other's requests.
    const bucketA = await proxied.token({ sub: "shared-sub", role: Role.EMPLOYER, employerId: a.id });
    const bucketB = await proxied.token({ sub: "shared-sub", role: Role.EMPLOYER, employerId: b.id });
    for (let i = 0; i < 3; i++) expect((await proxied.gql(`{ __typename }`, {}, { token: bucketA })).status).toBe(200);
    expect(codeOf(await proxied.gql(`{ __typename }`, {}, { token: bucketA }))).toBe("RATE_LIMITED");
    expect((await proxied.gql(`{ __typename }`, {}, { token: bucketB })).status).toBe(200);

    // An API key in the answer is refused under a key however the root field is reached, and nothing is issued or kept.
    const keysBefore = await count(t, "partner_api_keys");
    const keptBefore = await count(t, "idempotency_keys");
    for (const document of [
      `mutation { ... on Mutation { issuePartnerKey(name: "x") { apiKey } } }`,
      `mutation { ...Issue } fragment Issue on Mutation { issuePartnerKey(name: "y") { apiKey } }`,
      `mutation { ...Outer } fragment Outer on Mutation { ... on Mutation { ...Inner } } fragment Inner on Mutation { k: issuePartnerKey(name: "z") { apiKey } }`,
      `mutation { ... @include(if: true) { issuePartnerKey(name: "w") { key { id } apiKey } } }`,
    ]) {
      const r = await post(t, document, {}, { authorization: `Bearer ${admin}`, "idempotency-key": randomUUID() });
      expect([document, r.status, r.json.errors?.[0]?.extensions?.code]).toEqual([document, 400, "BAD_REQUEST"]);
    }
    expect(await count(t, "partner_api_keys")).toBe(keysBefore);
    expect(await count(t, "idempotency_keys")).toBe(keptBefore);
  });

  it("10 (low): the poverty household number is masked, and shown in clear only with a purpose, audited; mentor phones likewise", async () => {
    const school = await makeInstitution(t.db, { regionCode: FUZHOU_GULOU });
    const householdNo = "35010200012345";
    const registered = await t.gql<{ registerPerson: { person: { id: string } } }>(
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } } }`,
      { i: { ...personDraft(), registeredPoverty: true, povertyHouseholdNo: householdNo, institutionId: school.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } },
      { token: admin },
    );
    expect(registered.errors).toBeUndefined();
    const personId = registered.data!.registerPerson.person.id;
    const created = await t.gql<{ createMentor: { id: string } }>(`mutation($i: CreateMentorInput!) { createMentor(input: $i) { id } }`, { i: { name: "陈老师", capacity: 3, regionCode: FUZHOU_GULOU, phone: "13905917788", userId: "mentor-hh" } }, { token: admin });
    expect(created.errors).toBeUndefined();
    const mentorId = created.data!.createMentor.id;
    expect((await t.gql(`mutation($p: ID!, $m: ID) { assignMentor(personId: $p, mentorId: $m) { id } }`, { p: personId, m: mentorId }, { token: admin })).errors).toBeUndefined();
    const mentor = await t.token({ sub: "mentor-hh", role: Role.MENTOR });
    const audited = async (field: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where ${field} = any(fields)`))[0]!.n;

    // The mentor sees their mentee's number masked, and cannot unmask it.
    const MENTEE = `query($m: ID!) { mentor(id: $m) { mentees { povertyHouseholdNo } } }`;
    const seen = await t.gql<{ mentor: { mentees: { povertyHouseholdNo: string | null }[] } }>(MENTEE, { m: mentorId }, { token: mentor });
    expect(seen.errors).toBeUndefined();
    const masked = seen.data!.mentor.mentees[0]!.povertyHouseholdNo!;
    expect(masked).toContain("*");
    expect(masked).not.toContain(householdNo.slice(4, 10));
    const UNMASK = `query($p: ID!, $why: String) { person(id: $p) { povertyHouseholdNo(unmasked: true, purpose: $why) } }`;
    const byMentor = await t.gql(`query($m: ID!) { mentor(id: $m) { mentees { povertyHouseholdNo(unmasked: true, purpose: "回访核对") } } }`, { m: mentorId }, { token: mentor });
    expect(codeOf(byMentor)).toBe("FORBIDDEN");
    // A caseworker in scope: not without a purpose; with one, in clear and audited.
    expect(codeOf(await t.gql(UNMASK, { p: personId }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(await audited("povertyHouseholdNo")).toBe(0);
    const byCaseworker = await t.gql<{ person: { povertyHouseholdNo: string } }>(UNMASK, { p: personId, why: "核对建档立卡信息" }, { token: fuzhou });
    expect(byCaseworker.data?.person.povertyHouseholdNo).toBe(householdNo);
    expect(await audited("povertyHouseholdNo")).toBe(1);

    // A mentor's phone: masked by default, in clear only with a purpose, audited; never to another mentor.
    const PHONE = `query($m: ID!, $u: Boolean!, $why: String) { mentor(id: $m) { phone(unmasked: $u, purpose: $why) } }`;
    const maskedPhone = await t.gql<{ mentor: { phone: string } }>(PHONE, { m: mentorId, u: false }, { token: fuzhou });
    expect(maskedPhone.data?.mentor.phone).toBe("139****7788");
    expect(codeOf(await t.gql(PHONE, { m: mentorId, u: true }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    const clear = await t.gql<{ mentor: { phone: string } }>(PHONE, { m: mentorId, u: true, why: "联系红娘安排回访" }, { token: fuzhou });
    expect(clear.data?.mentor.phone).toBe("13905917788");
    expect(await audited("Mentor.phone")).toBe(1);
    const stranger = await t.gql<{ mentor: unknown }>(PHONE, { m: mentorId, u: true, why: "想联系" }, { token: await t.token({ sub: "mentor-other", role: Role.MENTOR }) });
    expect(stranger.data?.mentor ?? null).toBeNull();
    expect(await audited("Mentor.phone")).toBe(1);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("13 (low): the application's database role cannot change or unguard the audit log (least-privilege role, PostgreSQL)", async () => {
    const { grantAppRole } = await import("../../src/db/app-role.js");
    const role = `jb_app_t${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    await grantAppRole(t.db, role, { password });
    const url = new URL(t.config.database.driver === "postgres" ? t.config.database.url : "");
    url.username = role;
    url.password = password;
    const asApp = new pg.Client({ connectionString: url.toString() });
    await asApp.connect();
    const refused = async (statement: string) => {
      const error = await asApp.query(statement).then(
        () => null,
        (e: { code?: string }) => e,
      );
      return [statement, error?.code ?? "accepted"];
    };
    try {
      await asApp.query(`insert into audit_log (id, actor, actor_role, person_id, fields, purpose, request_id) values ($1, 'admin:x', 'ADMIN', $2, '{idNumber}', '测试', 'r1')`, [randomUUID(), randomUUID()]);
      expect((await asApp.query(`select count(*)::int as n from audit_log`)).rows[0].n).toBeGreaterThan(0);
      for (const statement of [
        `update audit_log set purpose = '改写'`,
        `delete from audit_log`,
        `truncate audit_log`,
        `drop trigger audit_log_no_change on audit_log`,
        `alter table audit_log disable trigger all`,
        `drop table audit_log`,
        `alter table audit_log owner to ${role}`,
      ]) {
        expect(await refused(statement)).toEqual([statement, "42501"]);
      }
    } finally {
      await asApp.end();
    }
    // The server runs as that role (migrated beforehand by the owner), and an unmasked read is still audited.
    const app = await startTestApp({ DATABASE_URL: url.toString(), MIGRATE_ON_START: "false" });
    try {
      const tokens = await standardTokens(app);
      const person = await app.gql<{ registerPerson: { person: { id: string } } }>(`mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } } }`, { i: personDraft() }, { token: tokens.admin });
      expect(person.errors).toBeUndefined();
      const read = await app.gql<{ person: { idNumber: string } }>(`query($p: ID!) { person(id: $p) { idNumber(unmasked: true, purpose: "核对身份") } }`, { p: person.data!.registerPerson.person.id }, { token: tokens.admin });
      expect(read.errors).toBeUndefined();
    } finally {
      await app.close();
      await t.db.execute(sql.raw(`drop owned by ${role}`));
      await t.db.execute(sql.raw(`drop role ${role}`));
    }
  }, 120_000);

  it("13 (low): behind a trusted reverse proxy each client is its own address (X-Forwarded-For, right-most untrusted), and an untrusted peer cannot pick one", async () => {
    const anonymous = (app: TestApp, forwardedFor: string) => app.gql(`{ __typename }`, {}, { headers: { "x-forwarded-for": forwardedFor } });
    // Through the proxy: 203.0.113.7 spends its own three requests…
    for (let i = 0; i < 3; i++) expect((await anonymous(proxied, "203.0.113.7")).status).toBe(200);
    expect(codeOf(await anonymous(proxied, "203.0.113.7"))).toBe("RATE_LIMITED");
    // …a spoofed left-most entry does not help it (the right-most untrusted address counts; 10.x are proxies)…
    expect(codeOf(await anonymous(proxied, "198.51.100.99, 203.0.113.7, 10.1.2.3"))).toBe("RATE_LIMITED");
    // …and another client behind the same proxy is not refused for it.
    expect((await anonymous(proxied, "203.0.113.8")).status).toBe(200);
    const logged = proxied.logs.map((l) => JSON.parse(l) as { msg?: string; client?: string; status?: number }).filter((l) => l.msg === "request");
    expect(logged.some((l) => l.client === "203.0.113.8" && l.status === 200)).toBe(true);
    expect(logged.some((l) => l.client === "203.0.113.7" && l.status === 429)).toBe(true);

    // Without TRUSTED_PROXIES (the default) the header is ignored: a client cannot rotate it for fresh buckets.
    const direct = await startTestApp({ RATE_LIMIT_REQUESTS_PER_MINUTE: "3" });
    try {
      for (let i = 0; i < 3; i++) expect((await anonymous(direct, `192.0.2.${i + 1}`)).status).toBe(200);
      expect(codeOf(await anonymous(direct, "192.0.2.200"))).toBe("RATE_LIMITED");
    } finally {
      await direct.close();
    }
  }, 120_000);

  it("13 (low): a revoked partner key is refused on an open WebSocket: at the next subscribe and by the periodic re-check", async () => {
    const fairId = (await t.gql<{ createJobFair: { id: string } }>(`mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`, { i: { title: "撤销测试招聘会", kind: "CAMPUS", startsAt: days(1).toISOString(), endsAt: days(2).toISOString() } }, { token: fuzhou })).data!.createJobFair.id;
    expect((await t.gql(`mutation($id: ID!) { setJobFairStatus(id: $id, status: OPEN) { status } }`, { id: fairId }, { token: fuzhou })).errors).toBeUndefined();

    // At the next subscribe (the periodic check is 30 s away here).
    const issued = await issuePartnerKey(t.db, "test", { name: "撤销测试网", scopes: ["postings:read"] });
    const socket = connect(t, { "x-api-key": issued.apiKey });
    await socket.ready;
    const first = socket.subscribe(fairId);
    await revokePartnerKey(t.db, issued.key.id);
    first();
    socket.subscribe(fairId);
    expect(await socket.closed()).toBe(4403);
    await socket.dispose();

    // With nothing sent, by the periodic re-check (every second on this server).
    const other = await issuePartnerKey(proxied.db, "test", { name: "撤销测试网二", scopes: ["postings:read"] });
    const idle = connect(proxied, { "x-api-key": other.apiKey });
    await idle.ready;
    await revokePartnerKey(proxied.db, other.key.id);
    expect(await idle.closed()).toBe(4403);
    await idle.dispose();
  });
});
