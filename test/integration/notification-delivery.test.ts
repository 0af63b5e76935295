import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { serviceToday } from "../../src/dates.js";
import { queryRows } from "../../src/db/client.js";
import { claimSms, sendDueSms } from "../../src/modules/notifications/sms.service.js";
import { notificationPolicyAt } from "../../src/modules/notifications/notification-policy.js";
import { HttpSmsGateway } from "../../src/modules/notifications/sms-gateway.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, makeReferral, openCampaignWindow } from "../helpers/factories.js";
import { FakeGateway } from "../helpers/fake-sms-gateway.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/** An instant on a Fujian day (offset in days from today) at a Fujian time of day. */
function fujian(dayOffset: number, time: string): Date {
  const day = serviceToday(new Date(Date.now() + dayOffset * 86_400_000));
  return new Date(`${day}T${time}:00+08:00`);
}

const POLICY = `mutation($i: NotificationPolicyInput!) { setNotificationPolicy(input: $i) { version quietFrom quietUntil gatherSeconds } }`;
const basePolicy = { quietFrom: "22:00", quietUntil: "08:00", smsKinds: ["REFERRAL", "INTERVIEW_INVITATION", "FAIR_INVITATION", "MENTOR_ASSIGNED"], gatherSeconds: 0, maxAttempts: 3, retryBaseSeconds: 60, retryMaxSeconds: 600, deliveryGraceDays: 7, smsMaxPostings: 3 };

interface SmsLine {
  id: string;
  to: string;
  text: string;
}

const readLines = (file: string): SmsLine[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as SmsLine)
    : [];

async function smsOf(t: TestApp, personId: string) {
  return queryRows<{ id: string; day: string; status: string; attempts: number; error: string | null; body: string | null; provider_id: string | null }>(
    t.db,
    sql`select id, day::text as day, status, attempts, error, body, provider_id from sms_messages where person_id = ${personId} order by day`,
  );
}

describe("notification delivery: SMS through the log provider, quiet hours, one a day (issue 21)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  let logFile: string;
  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), "sms-")), "sms.jsonl");
    t = await startTestApp({ SMS_PROVIDER: "log", SMS_LOG_FILE: logFile });
    tokens = await standardTokens(t);
    expect((await t.gql(POLICY, { i: basePolicy }, { token: tokens.admin })).errors).toBeUndefined();
  });
  afterAll(() => t.close());

  it("a campaign run: one in-app notification per referral, one SMS per person per day listing the postings, none in quiet hours", async () => {
    await openCampaignWindow(t.db);
    const school = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    const firms = await Promise.all([1, 2, 3].map((i) => makeEmployer(t.db, { regionCode: "350102", name: `福州测试${i}有限公司` })));
    for (let i = 0; i < 6; i++) await makePosting(t.db, { employerId: firms[i % 3]!.id, regionCode: "350102", title: `出纳岗${i}`, minEducation: "ASSOCIATE", validUntil: days(30) });
    await t.app.search.drain();
    const people: string[] = [];
    for (let i = 0; i < 4; i++) people.push((await makePerson(t, { institutionId: school, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["出纳"] })).id);
    // Over a region (the people here are the only ones in it).
    const run = await t.gql(`mutation($s: FulfilScopeInput!) { fulfilReferralMinimums(scope: $s) { id } }`, { s: { regionCode: "350102" } }, { token: tokens.admin });
    expect(run.errors).toBeUndefined();
    await t.app.runner.drain();
    const [inApp] = await queryRows<{ referrals: number; notified: number }>(
      t.db,
      sql`select (select count(*) from referrals where person_id = any(${sql.param(people)}::uuid[]))::int as referrals,
                 (select count(*) from notifications where person_id = any(${sql.param(people)}::uuid[]) and kind = 'REFERRAL')::int as notified`,
    );
    expect(inApp!.referrals).toBe(12);
    expect(inApp!.notified).toBe(12);

    // 23:30 Fujian: quiet hours. The messages are made for tomorrow (they cannot go today), nothing is sent.
    const before = readLines(logFile).length;
    await t.app.notifications.drain(fujian(0, "23:30"));
    expect(readLines(logFile).length).toBe(before);
    for (const p of people) expect(await smsOf(t, p)).toEqual([expect.objectContaining({ status: "QUEUED", attempts: 0, day: serviceToday(fujian(1, "08:00")) })]);
    // 07:59 the next morning: still quiet.
    await t.app.notifications.drain(fujian(1, "07:59"));
    expect(readLines(logFile).length).toBe(before);
    // 08:00: one SMS each, masked, naming the postings, no ID number.
    await t.app.notifications.drain(fujian(1, "08:00"));
    const lines = readLines(logFile).slice(before);
    expect(lines).toHaveLength(4);
    const messages = (await Promise.all(people.map((p) => smsOf(t, p)))).map((m) => m[0]!);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set(messages.map((m) => m.id)));
    for (const line of lines) {
      expect(line.to).toMatch(/^1\d\d\*{4}\d{4}$/);
      expect(line.text).toMatch(/^您有3条新的就业服务消息，为您推荐岗位：出纳岗\d（福州测试\d有限公司）、/);
      expect(line.text).not.toMatch(/\d{17}[\dX]/);
    }
    expect(messages.every((m) => m.status === "DELIVERED" && m.attempts === 1)).toBe(true);
    // Every send is audited with its purpose.
    const [audit] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where purpose = '就业帮扶岗位推送' and person_id = any(${sql.param(people)}::uuid[]) and fields = '{phone}'`);
    expect(audit!.n).toBe(4);
    // The notifications they carried are delivered (SMS), not fetched (app).
    const [state] = await queryRows<{ delivered: number; fetched: number }>(
      t.db,
      sql`select count(*) filter (where delivered_at is not null)::int as delivered, count(*) filter (where fetched_at is not null)::int as fetched from notifications where person_id = any(${sql.param(people)}::uuid[])`,
    );
    expect(state).toEqual({ delivered: 12, fetched: 0 });

    // More news the same day: no second SMS that day; it waits for the next day's.
    const extra = await makePosting(t.db, { employerId: firms[0]!.id, regionCode: "350102", title: "会计助理", minEducation: "ASSOCIATE", validUntil: days(30) });
    await makeReferral(t.db, people[0]!, extra.id);
    await t.app.notifications.drain(fujian(1, "12:00"));
    expect(readLines(logFile).length).toBe(before + 4);
    const two = await smsOf(t, people[0]!);
    expect(two.map((m) => [m.day, m.status])).toEqual([
      [serviceToday(fujian(1, "08:00")), "DELIVERED"],
      [serviceToday(fujian(2, "08:00")), "QUEUED"],
    ]);
    await t.app.notifications.drain(fujian(2, "08:00"));
    const last = readLines(logFile).slice(before + 4);
    expect(last).toHaveLength(1);
    expect(last[0]!.text).toBe("您有1条新的就业服务消息，为您推荐岗位：会计助理（福州测试1有限公司），请登录福建省公共就业服务平台查看详情。回T退订");
  });

  it("shows each notification's state per channel, and its text from the templates", async () => {
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const firm = await makeEmployer(t.db, { regionCode: "350102", name: "厦门示例科技有限公司" });
    await makeReferral(t.db, person.id, (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: "前台文员", minEducation: "ASSOCIATE", validUntil: days(30) })).id);
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const Q = `{ viewer { notifications(first: 5) { edges { node { text deliveredAt fetchedAt deliveries { channel status attempts error } } } } } }`;
    type R = { viewer: { notifications: { edges: { node: { text: string; deliveredAt: string | null; fetchedAt: string | null; deliveries: { channel: string; status: string; attempts: number; error: string | null }[] } }[] } } };
    const first = (await t.gql<R>(Q, {}, { token: seeker })).data!.viewer.notifications.edges[0]!.node;
    expect(first.text).toBe("为您推荐岗位：前台文员（厦门示例科技有限公司）");
    // This fetch is the app's delivery; the SMS waits for the dispatcher.
    expect(first.deliveries).toEqual([
      { channel: "IN_APP", status: "DELIVERED", attempts: 1, error: null },
      { channel: "SMS", status: "QUEUED", attempts: 0, error: null },
    ]);
    await t.app.notifications.drain(fujian(5, "10:00"));
    const again = (await t.gql<R>(Q, {}, { token: seeker })).data!.viewer.notifications.edges[0]!.node;
    expect(again.deliveries).toEqual([
      { channel: "IN_APP", status: "DELIVERED", attempts: 1, error: null },
      { channel: "SMS", status: "DELIVERED", attempts: 1, error: null },
    ]);
  });

  it("an opt-out is the person's own, and honoured on the next send: a queued SMS is cancelled, later news skipped", async () => {
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const other = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const posting = async () => (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    await makeReferral(t.db, person.id, await posting());
    // Queued during quiet hours, then the person turns SMS off before it goes.
    await t.app.notifications.drain(fujian(10, "23:00"));
    expect((await smsOf(t, person.id)).map((m) => m.status)).toEqual(["QUEUED"]);
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const SET = `mutation($c: NotificationChannel!, $on: Boolean!) { setNotificationChannel(channel: $c, enabled: $on) { channel enabled } }`;
    expect(codeOf(await t.gql(SET, { c: "IN_APP", on: false }, { token: seeker }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SET, { c: "SMS", on: false }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    const off = await t.gql<{ setNotificationChannel: { channel: string; enabled: boolean }[] }>(SET, { c: "SMS", on: false }, { token: seeker });
    expect(off.data!.setNotificationChannel).toEqual([
      { channel: "IN_APP", enabled: true },
      { channel: "SMS", enabled: false },
    ]);
    const before = readLines(logFile).length;
    await t.app.notifications.drain(fujian(11, "09:00"));
    expect(readLines(logFile).slice(before)).toEqual([]);
    expect(await smsOf(t, person.id)).toEqual([expect.objectContaining({ status: "CANCELLED", error: "OPTED_OUT" })]);
    await makeReferral(t.db, person.id, await posting());
    await t.app.notifications.drain(fujian(12, "09:00"));
    const [skipped] = await queryRows<{ sms_skipped: string }>(t.db, sql`select sms_skipped from notifications where person_id = ${person.id} order by id desc limit 1`);
    expect(skipped!.sms_skipped).toBe("OPTED_OUT");
    // Someone else's channel is untouched; turning it back on sends the next news.
    await makeReferral(t.db, other.id, await posting());
    await t.app.notifications.drain(fujian(12, "09:00"));
    expect((await smsOf(t, other.id)).map((m) => m.status)).toEqual(["DELIVERED"]);
    expect((await t.gql<{ setNotificationChannel: { enabled: boolean }[] }>(SET, { c: "SMS", on: true }, { token: seeker })).data!.setNotificationChannel[1]!.enabled).toBe(true);
    await makeReferral(t.db, person.id, await posting());
    await t.app.notifications.drain(fujian(13, "09:00"));
    expect((await smsOf(t, person.id)).map((m) => m.status)).toEqual(["CANCELLED", "DELIVERED"]);
  });

  it("templates are data: a missing or unknown variable, or a stray brace, is refused when saved (nothing written); a new version is used from the next SMS", async () => {
    const SET = `mutation($c: String!, $b: String!) { setMessageTemplate(code: $c, body: $b) { code version body requiredVariables } }`;
    const versions = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from message_templates`))[0]!.n;
    const n = await versions();
    for (const body of ["今天有新的岗位{postings}", "您有{news}条消息，{name}您好", "您有{news}条消息{postings", "", "您有{news}条消息\u0007"]) {
      const r = await t.gql(SET, { c: "SMS_DIGEST", b: body }, { token: tokens.admin });
      expect(codeOf(r), body).toBe("BAD_USER_INPUT");
    }
    expect(codeOf(await t.gql(SET, { c: "NO_SUCH", b: "x" }, { token: tokens.admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SET, { c: "SMS_DIGEST", b: "您有{news}条消息" }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    expect(await versions()).toBe(n);
    const saved = await t.gql<{ setMessageTemplate: { version: number; requiredVariables: string[] } }>(SET, { c: "SMS_DIGEST", b: "【测试】您有{news}条新消息{postings}。" }, { token: tokens.admin });
    expect(saved.data!.setMessageTemplate).toEqual({ code: "SMS_DIGEST", version: 2, body: "【测试】您有{news}条新消息{postings}。", requiredVariables: ["news"] });
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const firm = await makeEmployer(t.db, { regionCode: "350102", name: "泉州样例有限公司" });
    await makeReferral(t.db, person.id, (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: "仓管员", minEducation: "ASSOCIATE", validUntil: days(30) })).id);
    const before = readLines(logFile).length;
    await t.app.notifications.drain(fujian(20, "09:00"));
    const mine = readLines(logFile).slice(before);
    expect(mine.map((l) => l.text)).toEqual(["【测试】您有1条新消息，为您推荐岗位：仓管员（泉州样例有限公司）。"]);
    expect((await smsOf(t, person.id))[0]).toMatchObject({ body: mine[0]!.text });
  });

  it("the policy is data: bad values are refused whole, nothing written", async () => {
    const count = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from notification_policies`))[0]!.n;
    const n = await count();
    for (const bad of [
      { ...basePolicy, quietFrom: "22:00", quietUntil: null },
      { ...basePolicy, quietFrom: "25:00" },
      { ...basePolicy, quietFrom: "08:00", quietUntil: "08:00" },
      { ...basePolicy, smsKinds: ["REFERRAL", "NOPE"] },
      { ...basePolicy, maxAttempts: 0 },
      { ...basePolicy, retryBaseSeconds: 600, retryMaxSeconds: 60 },
      { ...basePolicy, effectiveFrom: "2020-01-01" },
    ]) {
      const r = await t.gql(POLICY, { i: bad }, { token: tokens.admin });
      expect(codeOf(r), JSON.stringify(bad)).toBe("BAD_USER_INPUT");
    }
    expect(codeOf(await t.gql(POLICY, { i: basePolicy }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    expect(await count()).toBe(n);
    const now = await t.gql<{ notificationPolicy: { quietFrom: string; quietUntil: string; gatherSeconds: number } }>(`{ notificationPolicy { quietFrom quietUntil gatherSeconds } }`);
    expect(now.data!.notificationPolicy).toEqual({ quietFrom: "22:00:00", quietUntil: "08:00:00", gatherSeconds: 0 });
  });
});

describe("notification delivery: an HTTP gateway that fails, times out, refuses; receipts; a crash mid-send (issue 21)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  const gateway = new FakeGateway();
  const RECEIPT_TOKEN = "receipt-token-0123456789-0123456789-abcdef";
  let gatewayUrl: string;
  beforeAll(async () => {
    const url = (gatewayUrl = await gateway.start());
    t = await startTestApp({ SMS_PROVIDER: "http", SMS_HTTP_URL: url, SMS_HTTP_KEY: "k", SMS_SIGNATURE: "福建就业", SMS_HTTP_TIMEOUT_MS: "300", SMS_RECEIPT_TOKEN: RECEIPT_TOKEN });
    tokens = await standardTokens(t);
    expect((await t.gql(POLICY, { i: basePolicy }, { token: tokens.admin })).errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.close();
    await gateway.close();
  });

  async function personWithNews() {
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    await makeReferral(t.db, person.id, (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id);
    return person;
  }
  const receipts = (body: unknown, token = RECEIPT_TOKEN) =>
    fetch(new URL("/sms/receipts", t.url), { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it("a gateway answering 500, then timing out: retried with backoff, then FAILED with the reason; the in-app copy is delivered anyway", async () => {
    const person = await personWithNews();
    let calls = 0;
    gateway.answer = () => (++calls === 2 ? "hang" : { status: 500, body: { code: "isv.SYSTEM_ERROR", message: "busy" } });
    const t0 = fujian(30, "10:00");
    await t.app.notifications.drain(t0);
    let [m] = await smsOf(t, person.id);
    expect(m).toMatchObject({ status: "QUEUED", attempts: 1, error: "gateway answered 500 (isv.SYSTEM_ERROR: busy)" });
    // Not again before the backoff (60 s ± 10 %) is over.
    await t.app.notifications.drain(new Date(t0.getTime() + 50_000));
    expect((await smsOf(t, person.id))[0]!.attempts).toBe(1);
    await t.app.notifications.drain(new Date(t0.getTime() + 70_000));
    [m] = await smsOf(t, person.id);
    expect(m).toMatchObject({ status: "QUEUED", attempts: 2, error: "gateway timed out after 300 ms" });
    // The third (last) attempt: 120 s ± 10 % later.
    await t.app.notifications.drain(new Date(t0.getTime() + 70_000 + 140_000));
    [m] = await smsOf(t, person.id);
    expect(m).toMatchObject({ status: "FAILED", attempts: 3, error: "gateway answered 500 (isv.SYSTEM_ERROR: busy) (attempt 3 of 3)" });
    expect(gateway.requests.filter((r) => r.outId === m!.id)).toHaveLength(3);
    // The same text and idempotency key each time; the number in clear only to the gateway.
    expect(new Set(gateway.requests.filter((r) => r.outId === m!.id).map((r) => `${r.key}|${r.content}`)).size).toBe(1);
    expect(gateway.requests.find((r) => r.outId === m!.id)!.phone).toMatch(/^1\d{10}$/);
    // The app delivers it all the same.
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const inbox = await t.gql<{ viewer: { notifications: { edges: { node: { deliveredAt: string | null; deliveries: { channel: string; status: string; error: string | null }[] } }[] } } }>(
      `{ viewer { notifications { edges { node { deliveredAt deliveries { channel status error } } } } } }`,
      {},
      { token: seeker },
    );
    const node = inbox.data!.viewer.notifications.edges[0]!.node;
    expect(node.deliveredAt).not.toBeNull();
    expect(node.deliveries).toEqual([
      { channel: "IN_APP", status: "DELIVERED", error: null },
      { channel: "SMS", status: "FAILED", error: "gateway answered 500 (isv.SYSTEM_ERROR: busy) (attempt 3 of 3)" },
    ]);
  });

  it("a number the gateway refuses fails at once (a refusal is not retried)", async () => {
    const person = await personWithNews();
    // A gateway echoing the number: the reason keeps its words, the number masked.
    gateway.answer = (body) => ({ status: 400, body: { code: "isv.MOBILE_NUMBER_ILLEGAL", message: `invalid number ${body.phone}` } });
    await t.app.notifications.drain(fujian(31, "10:00"));
    const [failed] = await smsOf(t, person.id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed!.error).toMatch(/^gateway answered 400 \(isv\.MOBILE_NUMBER_ILLEGAL: invalid number 1\d\d\*{4}\d{4}\)$/);
    await t.app.notifications.drain(fujian(31, "12:00"));
    expect((await smsOf(t, person.id))[0]!.attempts).toBe(1);
  });

  it("SENT waits for its receipt: DELIVERED delivers the notifications; FAILED says why; receipts are authenticated and checked whole", async () => {
    const a = await personWithNews();
    const b = await personWithNews();
    gateway.answer = (body) => ({ status: 200, body: { messageId: `gw-${body.outId}` } });
    await t.app.notifications.drain(fujian(32, "10:00"));
    const [ma] = await smsOf(t, a.id);
    const [mb] = await smsOf(t, b.id);
    expect([ma!.status, mb!.status]).toEqual(["SENT", "SENT"]);
    expect(ma!.provider_id).toBe(`gw-${ma!.id}`);
    expect((await receipts([{ outId: ma!.id, status: "DELIVERED" }], "wrong-token")).status).toBe(401);
    const bad = await receipts([{ messageId: mb!.provider_id, status: "DELIVERED" }, { status: "DELIVERED" }]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("BAD_USER_INPUT");
    expect((await smsOf(t, b.id))[0]!.status).toBe("SENT");
    const ok = await receipts({ receipts: [{ messageId: ma!.provider_id, status: "DELIVERED" }, { outId: mb!.id, status: "FAILED", error: "UNDELIV: phone off" }, { outId: "01900000-0000-7000-8000-00000000ffff", status: "DELIVERED" }] });
    expect(await ok.json()).toEqual({ settled: 2 });
    expect((await smsOf(t, a.id))[0]!.status).toBe("DELIVERED");
    expect(await smsOf(t, b.id)).toEqual([expect.objectContaining({ status: "FAILED", error: "UNDELIV: phone off" })]);
    const delivered = async (p: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from notifications where person_id = ${p} and delivered_at is not null`))[0]!.n;
    expect([await delivered(a.id), await delivered(b.id)]).toEqual([1, 0]);
    // A second receipt for a settled message changes nothing.
    expect(await (await receipts([{ outId: mb!.id, status: "DELIVERED" }])).json()).toEqual({ settled: 0 });
    expect((await smsOf(t, b.id))[0]!.status).toBe("FAILED");
  });

  it("a process that dies mid-send: after its lease the message goes again under the same idempotency key; a receipt first settles it, and SENT is never sent again", async () => {
    const person = await personWithNews();
    gateway.answer = (body) => ({ status: 200, body: { messageId: `gw-${body.outId}` } });
    const t0 = fujian(40, "10:00");
    // The dead process: made the message and claimed it (as a send would), and wrote nothing after.
    await t.app.notifications.drain(fujian(40, "07:00"));
    const [queued] = await smsOf(t, person.id);
    expect(queued!.status).toBe("QUEUED");
    const claimed = await claimSms(t.db, t0, 120_000, 10);
    expect(claimed.map((c) => c.id)).toContain(queued!.id);
    // Within the lease nobody else sends it.
    await t.app.notifications.drain(new Date(t0.getTime() + 60_000));
    expect(gateway.requests.filter((r) => r.outId === queued!.id)).toHaveLength(0);
    // After it, it is sent once more, with the same key (a gateway honouring it sends it once).
    await t.app.notifications.drain(new Date(t0.getTime() + 121_000));
    const sent = gateway.requests.filter((r) => r.outId === queued!.id);
    expect(sent.map((r) => r.key)).toEqual([queued!.id]);
    expect((await smsOf(t, person.id))[0]).toMatchObject({ status: "SENT", attempts: 2 });
    // SENT, then a restart: nothing is sent again, and the late receipt settles it.
    await t.app.notifications.drain(new Date(t0.getTime() + 3_600_000));
    expect(gateway.requests.filter((r) => r.outId === queued!.id)).toHaveLength(1);
    expect(await (await receipts([{ outId: queued!.id, status: "DELIVERED" }])).json()).toEqual({ settled: 1 });

    // A receipt that beats the dead process's lease: nothing is sent again.
    const other = await personWithNews();
    await t.app.notifications.drain(fujian(41, "07:00"));
    const [m2] = await smsOf(t, other.id);
    await claimSms(t.db, fujian(41, "10:00"), 120_000, 10);
    expect(await (await receipts([{ outId: m2!.id, status: "DELIVERED" }])).json()).toEqual({ settled: 1 });
    await t.app.notifications.drain(fujian(41, "11:00"));
    expect(gateway.requests.filter((r) => r.outId === m2!.id)).toHaveLength(0);
    expect((await smsOf(t, other.id))[0]!.status).toBe("DELIVERED");
  });

  it("a retry carried past midnight joins the next day's message: never two SMS to one person on one day", async () => {
    const slow = { ...basePolicy, maxAttempts: 3, retryBaseSeconds: 3600, retryMaxSeconds: 3600 };
    expect((await t.gql(POLICY, { i: slow }, { token: tokens.admin })).errors).toBeUndefined();
    try {
      const person = await personWithNews();
      // 21:30: the gateway fails; the retry is due about 22:30, in quiet hours.
      gateway.answer = () => ({ status: 503 });
      await t.app.notifications.drain(fujian(50, "21:30"));
      expect(await smsOf(t, person.id)).toEqual([expect.objectContaining({ status: "QUEUED", attempts: 1, day: serviceToday(fujian(50, "12:00")) })]);
      // 21:45: more news; it cannot join a message already tried, so it waits for the next day's.
      const firm = await makeEmployer(t.db, { regionCode: "350102" });
      await makeReferral(t.db, person.id, (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id);
      await t.app.notifications.drain(fujian(50, "21:45"));
      expect((await smsOf(t, person.id)).map((m) => [m.day, m.status])).toEqual([
        [serviceToday(fujian(50, "12:00")), "QUEUED"],
        [serviceToday(fujian(51, "12:00")), "QUEUED"],
      ]);
      // 08:00 the next day: the old retry gives its news to today's message; one SMS with both.
      gateway.answer = (body) => ({ status: 200, body: { messageId: `gw-${body.outId}` } });
      const before = gateway.requests.length;
      await t.app.notifications.drain(fujian(51, "08:00"));
      const sent = gateway.requests.slice(before).filter((r) => r.phone === gateway.requests[before]?.phone);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.content).toMatch(/^您有2条新的就业服务消息/);
      expect((await smsOf(t, person.id)).map((m) => [m.status, m.error])).toEqual([
        ["CANCELLED", "CARRIED_OVER"],
        ["SENT", null],
      ]);
    } finally {
      expect((await t.gql(POLICY, { i: basePolicy }, { token: tokens.admin })).errors).toBeUndefined();
    }
  });

  it("a delivery receipt for a send that timed out settles it: no retry follows, and the push is delivered", async () => {
    const person = await personWithNews();
    gateway.answer = () => "hang";
    await t.app.notifications.drain(fujian(55, "10:00"));
    const [m] = await smsOf(t, person.id);
    expect(m).toMatchObject({ status: "QUEUED", attempts: 1, error: "gateway timed out after 300 ms" });
    expect(await (await receipts([{ outId: m!.id, status: "DELIVERED" }])).json()).toEqual({ settled: 1 });
    gateway.answer = (body) => ({ status: 200, body: { messageId: `gw-${body.outId}` } });
    await t.app.notifications.drain(fujian(55, "12:00"));
    expect(gateway.requests.filter((r) => r.outId === m!.id)).toHaveLength(1);
    expect((await smsOf(t, person.id))[0]!.status).toBe("DELIVERED");
    const [n] = await queryRows<{ delivered: boolean }>(t.db, sql`select delivered_at is not null as delivered from notifications where person_id = ${person.id}`);
    expect(n!.delivered).toBe(true);
  });

  it("a batch whose claim runs out mid-way sends no more of it: the rest go once, from the next claim", async () => {
    const people = [await personWithNews(), await personWithNews(), await personWithNews()];
    gateway.answer = (body) => ({ status: 200, body: { messageId: `gw-${body.outId}` } });
    const t0 = fujian(60, "10:00");
    await t.app.notifications.drain(fujian(60, "07:00"));
    const ids = (await Promise.all(people.map((p) => smsOf(t, p.id)))).map((m) => m[0]!.id);
    // A clock that runs 40 s a send against a 60 s lease: the first goes, then the claim is too short for another.
    let calls = 0;
    const clock = () => new Date(t0.getTime() + 40_000 * calls++);
    const policy = await notificationPolicyAt(t.db, t0);
    const gw = new HttpSmsGateway({ url: gatewayUrl, key: "k", signature: "福建就业", timeoutMs: 300 });
    const first = await sendDueSms(t.db, { gateway: gw, pii: t.app.pii }, policy, t0, { leaseMs: 60_000, limit: 10, concurrency: 1, sendTimeoutMs: 300, clock });
    expect(first).toMatchObject({ claimed: 3, sent: 1, skipped: 2 });
    const states = async () => (await Promise.all(people.map((p) => smsOf(t, p.id)))).map((m) => m[0]!.status).sort();
    expect(await states()).toEqual(["SENDING", "SENDING", "SENT"]);
    // After the lease, another process takes the two left: each id reaches the gateway once in all.
    await t.app.notifications.drain(new Date(t0.getTime() + 61_000));
    expect(await states()).toEqual(["SENT", "SENT", "SENT"]);
    for (const id of ids) expect(gateway.requests.filter((r) => r.outId === id)).toHaveLength(1);
  });
});
