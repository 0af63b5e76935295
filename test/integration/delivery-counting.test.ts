import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { newId } from "../../src/db/ids.js";
import { serviceToday } from "../../src/dates.js";
import { REASONS } from "../../src/modules/referrals/campaign-batch.service.js";
import { countsTowardMinimum } from "../../src/modules/referrals/referral.sql.js";
import { days, makeEmployer, makePerson, makePosting, openCampaignWindow, unique } from "../helpers/factories.js";
import { FakeGateway } from "../helpers/fake-sms-gateway.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 21, part 3: a campaign that counts pushes when DELIVERED counts a recommendation (on the day
 * it was made) only once its notification reached the person — before the window's end plus the
 * notification policy's delivery grace. RECORDED campaigns (the default, and the 2020 one) count it at once.
 */

const CREATE = `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id code pushCountsWhen } }`;
const PROGRESS = `query($id: ID!, $c: ID) { person(id: $id) { referralProgress(campaignId: $c) { required counted remaining met } } }`;
const COMPLIANCE = `query($c: ID) { referralCompliance(campaignId: $c, first: 100) { below { required counted remaining lastRunReason person { id } } } }`;
const RECOMMEND = `mutation($p: ID!, $x: [ID!]!) { recommendPostings(personId: $p, postingIds: $x) { referral { id } error { code } } }`;
const FULFIL = `mutation($p: ID!, $c: ID) { fulfilReferralMinimums(scope: { personId: $p }, campaignId: $c) { id status total } }`;
const RUN = `query($id: ID!) { campaignRun(id: $id) { status total created stillBelow reasons { reason count } stillBelowPeople { personId remaining reason } } }`;

type Progress = { required: number; counted: number; remaining: number; met: boolean };
type Below = { required: number; counted: number; remaining: number; lastRunReason: string | null; person: { id: string } };
type Run = { status: string; total: number; created: number; stillBelow: number; reasons: { reason: string; count: number }[]; stillBelowPeople: { personId: string; remaining: number; reason: string }[] };

describe("counting pushes when delivered (issue 21, part 3)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let poverty: string;

  /** A campaign of its own kind (kinds are data; so no other campaign's window is in the way), binding poverty labourers with a minimum of 3. */
  const campaign = async (pushCountsWhen: "RECORDED" | "DELIVERED", startsOn: string, endsOn: string, activate = true) => {
    const kind = `DELIVERY_${unique()}`;
    await t.db.execute(sql`insert into campaign_kinds (code, name) values (${kind}, '送达计数测试')`);
    const created = await t.gql<{ createCampaign: { id: string; code: string; pushCountsWhen: string } }>(
      CREATE,
      { i: { code: `DC-${kind.replace("_", "-")}`, name: "送达计数测试行动", kind, cohortYear: 2020, startsOn, endsOn, pushCountsWhen, categories: [{ categoryId: poverty, minReferrals: 3 }] } },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCampaign.pushCountsWhen).toBe(pushCountsWhen);
    const id = created.data!.createCampaign.id;
    if (activate) expect(codeOf(await t.gql(`mutation($id: ID!) { activateCampaign(id: $id) { status } }`, { id }, { token: admin }))).toBeUndefined();
    return id;
  };
  /** A registered-poverty labourer (minimum 3 in the campaigns here) of Fuzhou, and their own seeker token. */
  const labourer = async () => {
    const person = await makePerson(t, { institutionId: null, registeredPoverty: true, birthDate: "1990-03-01", intentionKeywords: ["会计"] });
    return { id: person.id, seeker: await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id }) };
  };
  const postingsFor = async (n: number) => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const made = [];
    for (let i = 0; i < n; i++) made.push((await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: `会计${unique()}`, minEducation: "NONE", validUntil: days(30) })).id);
    await t.app.search.drain();
    return made;
  };
  const progress = async (person: string, c: string) => {
    const r = await t.gql<{ person: { referralProgress: Progress[] } }>(PROGRESS, { id: person, c }, { token: fuzhou });
    expect(r.errors).toBeUndefined();
    return r.data!.person.referralProgress[0]!;
  };
  const counted = async (person: string, c: string) => (await progress(person, c)).counted;
  /** The person's row among those below in the campaign's compliance report (undefined: at the minimum). */
  const belowIn = async (person: string, c: string) => {
    const r = await t.gql<{ referralCompliance: { below: Below[] } }>(COMPLIANCE, { c }, { token: fuzhou });
    expect(r.errors).toBeUndefined();
    return r.data!.referralCompliance.below.find((b) => b.person.id === person);
  };
  /** The person's own client fetches their newest `first` notifications: their delivery in the app. */
  const fetchInbox = async (seeker: string, first = 50) => {
    const r = await t.gql<{ viewer: { notifications: { edges: { node: { id: string } }[] } } }>(`query($n: Int) { viewer { notifications(first: $n) { edges { node { id } } } } }`, { n: first }, { token: seeker });
    expect(r.errors).toBeUndefined();
    return r.data!.viewer.notifications.edges.length;
  };
  const recommend = async (person: string, postings: string[]) => {
    const r = await t.gql<{ recommendPostings: { referral: { id: string } | null }[] }>(RECOMMEND, { p: person, x: postings }, { token: fuzhou });
    expect(r.data!.recommendPostings.map((x) => x.referral !== null)).toEqual(postings.map(() => true));
  };

  // The SMS gateway: refuses or delivers as a test says.
  const gateway = new FakeGateway();
  beforeAll(async () => {
    t = await startTestApp({ SMS_PROVIDER: "http", SMS_HTTP_URL: await gateway.start(), SMS_HTTP_KEY: "k", SMS_SIGNATURE: "福建就业" });
    ({ admin, fuzhou } = await standardTokens(t));
    await openCampaignWindow(t.db);
    poverty = (await queryRows<{ id: string }>(t.db, sql`select id from target_categories where code = 'PL_POVERTY_LABOURER' order by version desc limit 1`))[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    await gateway.close();
  });

  it("a DELIVERED campaign counts a push once the person's client has fetched it; a RECORDED one counts it when made", async () => {
    const delivered = await campaign("DELIVERED", serviceToday(days(-30)), serviceToday(days(60)));
    const recorded = await campaign("RECORDED", serviceToday(days(-30)), serviceToday(days(60)));
    // The 2020 campaign stays RECORDED.
    const all = await t.gql<{ campaigns: { code: string; pushCountsWhen: string }[] }>(`{ campaigns { code pushCountsWhen } }`, {}, { token: admin });
    expect(all.data!.campaigns.find((c) => c.code === "FJ-2020-KG")!.pushCountsWhen).toBe("RECORDED");

    const person = await labourer();
    await recommend(person.id, await postingsFor(3));
    const [{ madeBy }] = (await queryRows<{ madeBy: string }>(t.db, sql`select clock_timestamp()::text as "madeBy"`)) as [{ madeBy: string }];
    expect(await progress(person.id, delivered)).toEqual({ required: 3, counted: 0, remaining: 3, met: false });
    expect(await progress(person.id, recorded)).toEqual({ required: 3, counted: 3, remaining: 0, met: true });
    expect(await belowIn(person.id, delivered)).toMatchObject({ required: 3, counted: 0, remaining: 3 });
    expect(await belowIn(person.id, recorded)).toBeUndefined();

    // The client fetches the newest one only: that push alone is delivered, and counts.
    expect(await fetchInbox(person.seeker, 1)).toBe(1);
    expect(await progress(person.id, delivered)).toEqual({ required: 3, counted: 1, remaining: 2, met: false });
    expect(await belowIn(person.id, delivered)).toMatchObject({ counted: 1, remaining: 2 });
    // Then all of them: at the minimum.
    expect(await fetchInbox(person.seeker)).toBe(3);
    expect(await progress(person.id, delivered)).toEqual({ required: 3, counted: 3, remaining: 0, met: true });
    expect(await belowIn(person.id, delivered)).toBeUndefined();
    expect(await counted(person.id, recorded)).toBe(3);

    // As things stood at an instant (the reports of a past day): made by then; delivered since, within
    // the grace, it counts on the day it was made (quiet hours never push a push out of its day).
    const asOf = async (instant: string) =>
      (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals r where r.person_id = ${person.id} and ${countsTowardMinimum("r", sql`${delivered}::uuid`, { asOfEnd: sql`${instant}::timestamptz` })}`))[0]!.n;
    expect(await asOf(new Date(Date.parse(madeBy) - 60_000).toISOString())).toBe(0);
    expect(await asOf(madeBy)).toBe(3);
    // Its figures are frozen on closing: not before the grace has run out.
    const closing = await t.gql(`mutation($id: ID!) { closeCampaign(id: $id) { status } }`, { id: delivered }, { token: admin });
    expect(codeOf(closing)).toBe("CONFLICT");
    expect((closing.errors![0]!.extensions as { until: string }).until).toBe(`${serviceToday(days(60 + 1 + 7))} 00:00`);
    expect(codeOf(await t.gql(`mutation($id: ID!) { closeCampaign(id: $id) { status } }`, { id: recorded }, { token: admin }))).toBeUndefined();
  });

  it("a push delivered after the window and the delivery grace in force on its last day does not count", async () => {
    // Two windows that closed before today: one 10 days ago (with version 1's 7 days of grace, the
    // deadline was 2 days ago), one 3 days ago (the deadline is 5 days ahead).
    const longAgo = await campaign("DELIVERED", serviceToday(days(-30)), serviceToday(days(-10)), false);
    const lately = await campaign("DELIVERED", serviceToday(days(-30)), serviceToday(days(-3)), false);
    const person = await labourer();
    await recommend(person.id, await postingsFor(3));
    // No API records a referral in the past: its recommendation is moved 15 days back, inside both
    // windows (the referrals, their events and their notifications). Its delivery, now, is the API's.
    await t.db.execute(sql`update referrals set made_at = made_at - interval '15 days' where person_id = ${person.id}`);
    await t.db.execute(sql`update referral_events e set at = e.at - interval '15 days' from referrals r where r.id = e.referral_id and r.person_id = ${person.id}`);
    await t.db.execute(sql`update notifications set created_at = created_at - interval '15 days' where person_id = ${person.id}`);
    expect([await counted(person.id, longAgo), await counted(person.id, lately)]).toEqual([0, 0]);
    expect(await fetchInbox(person.seeker)).toBe(3);
    expect([await counted(person.id, longAgo), await counted(person.id, lately)]).toEqual([0, 3]);
    expect(await belowIn(person.id, longAgo)).toMatchObject({ required: 3, counted: 0 });

    // The grace is policy data, read as in force on each campaign's last day. A new version cannot
    // begin in the past through the API (setNotificationPolicy): these versions are written here. 14 days from 12 days ago holds on the first's last day; none from 5
    // days ago, on the second's.
    const version = (from: string, graceDays: number) =>
      t.db.execute(sql`insert into notification_policies (id, version, effective_from, quiet_from, quiet_until, sms_kinds, gather_seconds, max_attempts, retry_base_seconds, retry_max_seconds, delivery_grace_days, sms_max_postings, created_by)
                       select ${newId()}, (select max(version) + 1 from notification_policies), ${from}::date, quiet_from, quiet_until, sms_kinds, gather_seconds, max_attempts, retry_base_seconds, retry_max_seconds, ${graceDays}, sms_max_postings, 'test' from notification_policies where version = 1`);
    await version(serviceToday(days(-12)), 14);
    await version(serviceToday(days(-5)), 0);
    expect([await counted(person.id, longAgo), await counted(person.id, lately)]).toEqual([3, 0]);
  });

  it("a run over a DELIVERED campaign sends nothing more while pushes are on their way, and reports the person below", async () => {
    const delivered = await campaign("DELIVERED", serviceToday(days(-30)), serviceToday(days(60)));
    const person = await labourer();
    await postingsFor(5);
    const referrals = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where person_id = ${person.id}`))[0]!.n;
    const fulfil = async () => {
      const started = await t.gql<{ fulfilReferralMinimums: { id: string; status: string; total: number } }>(FULFIL, { p: person.id, c: delivered }, { token: admin });
      expect(started.errors).toBeUndefined();
      await t.app.runner.drain();
      return (await t.gql<{ campaignRun: Run }>(RUN, { id: started.data!.fulfilReferralMinimums.id }, { token: admin })).data!.campaignRun;
    };
    const awaiting = { stillBelow: 1, reasons: [{ reason: REASONS.awaitingDelivery, count: 1 }], stillBelowPeople: [{ personId: person.id, remaining: 3, reason: REASONS.awaitingDelivery }] };

    // The first run recommends three postings: recorded, not yet delivered, so still below.
    expect(await fulfil()).toEqual({ status: "DONE", total: 1, created: 3, ...awaiting });
    expect(await referrals()).toBe(3);
    // A second run, the pushes still in flight: the person is in it and below, and gets nothing more.
    expect(await fulfil()).toEqual({ status: "DONE", total: 1, created: 0, ...awaiting });
    expect(await referrals()).toBe(3);
    expect(await belowIn(person.id, delivered)).toEqual({ required: 3, counted: 0, remaining: 3, lastRunReason: REASONS.awaitingDelivery, person: { id: person.id } });

    // Delivered: at the minimum, and a third run has nobody to serve.
    expect(await fetchInbox(person.seeker)).toBe(3);
    expect(await progress(person.id, delivered)).toEqual({ required: 3, counted: 3, remaining: 0, met: true });
    expect(await fulfil()).toMatchObject({ status: "DONE", total: 0, created: 0, stillBelow: 0 });
    expect(await referrals()).toBe(3);
  });

  it("a person whose SMS failed stays below until some channel delivers: the app's fetch; an SMS delivered counts without one", async () => {
    const delivered = await campaign("DELIVERED", serviceToday(days(-30)), serviceToday(days(60)));
    // Quiet hours off and no gathering: the SMS go when drained, whatever the hour.
    expect(codeOf(await t.gql(`mutation($i: NotificationPolicyInput!) { setNotificationPolicy(input: $i) { version } }`, {
      i: { quietFrom: null, quietUntil: null, smsKinds: ["REFERRAL"], gatherSeconds: 0, maxAttempts: 1, retryBaseSeconds: 60, retryMaxSeconds: 60, deliveryGraceDays: 7, smsMaxPostings: 3 },
    }, { token: admin }))).toBeUndefined();
    const refused = await labourer();
    const reached = await labourer();
    await recommend(refused.id, await postingsFor(3));
    await recommend(reached.id, await postingsFor(3));
    gateway.answer = (body) => (body.phone === phones.get(refused.id) ? { status: 400, body: { code: "isv.BLACK_KEY_CONTROL_LIMIT", message: "refused" } } : { status: 200, body: { messageId: `gw-${body.outId}`, status: "DELIVERED" } });
    const phones = new Map<string, string>();
    for (const p of [refused, reached]) {
      const [row] = await queryRows<{ phone_sealed: string }>(t.db, sql`select phone_sealed from people where id = ${p.id}`);
      phones.set(p.id, t.app.pii.decrypt(row!.phone_sealed));
    }
    await t.app.notifications.drain();
    const status = async (p: string) => (await queryRows<{ status: string }>(t.db, sql`select status from sms_messages where person_id = ${p}`)).map((r) => r.status);
    expect([await status(refused.id), await status(reached.id)]).toEqual([["FAILED"], ["DELIVERED"]]);
    // The SMS that reached its person counts all three pushes it carried; the failed one counts none.
    expect(await progress(reached.id, delivered)).toMatchObject({ counted: 3, met: true });
    expect(await progress(refused.id, delivered)).toMatchObject({ counted: 0, met: false });
    expect(await belowIn(refused.id, delivered)).toMatchObject({ counted: 0, remaining: 3 });
    // Until the person's client fetches them: the app delivers, and they count.
    expect(await fetchInbox(refused.seeker)).toBe(3);
    expect(await progress(refused.id, delivered)).toMatchObject({ counted: 3, met: true });
    expect(await belowIn(refused.id, delivered)).toBeUndefined();
  });
});
