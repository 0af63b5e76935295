import { sql } from "drizzle-orm";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { days, makeEmployer, makeInstitution, makeMentor, makeMentorship, makePerson, makePosting, makeReferral, openCampaignWindow } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

const INBOX = `query($unread: Boolean) { viewer { unreadNotifications notifications(first: 50, unreadOnly: $unread) { totalCount edges { node { id kind status referralId deliveredAt readAt posting { id } } } } } }`;
type Inbox = {
  viewer: {
    unreadNotifications: number | null;
    notifications: { totalCount: number; edges: { node: { id: string; kind: string; status: string | null; referralId: string | null; deliveredAt: string | null; readAt: string | null; posting: { id: string } | null } }[] } | null;
  };
};

describe("notifications: the in-app inbox (issue 21, first part)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
  });
  afterAll(() => t.close());

  const inbox = async (token: string, unread = false) => (await t.gql<Inbox>(INBOX, { unread }, { token })).data!.viewer;

  it("tells the person of every event that concerns them — in the event's transaction, never of their own moves", async () => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const employer = await t.token({ sub: "hr-inbox", role: Role.EMPLOYER, employerId: firm.id });
    const posting = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    expect(await inbox(seeker)).toMatchObject({ unreadNotifications: 0, notifications: { totalCount: 0 } });
    // Recommended: one notification, delivered in the app by this first fetch.
    const referral = await makeReferral(t.db, person.id, posting);
    const first = await inbox(seeker);
    expect(first.unreadNotifications).toBe(1);
    expect(first.notifications!.edges.map((e) => e.node)).toEqual([expect.objectContaining({ kind: "REFERRAL", status: "RECOMMENDED", referralId: referral.id, posting: { id: posting }, readAt: null })]);
    expect(first.notifications!.edges[0]!.node.deliveredAt).not.toBeNull();
    // Their own application tells them nothing; the employer's invitation and step do.
    expect((await t.gql(`mutation($p: ID!) { applyToPosting(postingId: $p) { id } }`, { p: posting }, { token: seeker })).errors).toBeUndefined();
    expect((await inbox(seeker)).notifications!.totalCount).toBe(1);
    expect((await t.gql(`mutation($a: ID!) { inviteToInterview(applicationId: $a) { invitedAt } }`, { a: referral.id }, { token: employer })).errors).toBeUndefined();
    expect((await t.gql(`mutation($r: ID!) { updateReferralStatus(referralId: $r, status: INTERVIEWED) { status } }`, { r: referral.id }, { token: employer })).errors).toBeUndefined();
    const now = await inbox(seeker);
    expect(now.notifications!.edges.map((e) => [e.node.kind, e.node.status])).toEqual([
      ["REFERRAL_STATUS", "INTERVIEWED"],
      ["INTERVIEW_INVITATION", null],
      ["REFERRAL", "RECOMMENDED"],
    ]);
    // A refused recommendation writes no referral, so tells nobody anything.
    const closed = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", status: "CLOSED" })).id;
    const refused = await t.gql<{ recommendPostings: { error: { code: string } | null }[] }>(`mutation($p: ID!, $q: [ID!]!) { recommendPostings(personId: $p, postingIds: $q) { error { code } } }`, { p: person.id, q: [closed] }, { token: tokens.fuzhou });
    expect(refused.data!.recommendPostings[0]!.error?.code).toBe("BAD_USER_INPUT");
    expect((await inbox(seeker)).notifications!.totalCount).toBe(3);
  });

  it("delivers in the app only what the client fetched (a count delivers nothing); ids made one after another sort in that order", async () => {
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    await makeReferral(t.db, person.id, (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id);
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const delivered = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from notifications where person_id = ${person.id} and delivered_at is not null`))[0]!.n;
    expect((await t.gql<{ viewer: { notifications: { totalCount: number } } }>(`{ viewer { notifications { totalCount pageInfo { hasNextPage } } } }`, {}, { token: seeker })).data!.viewer.notifications.totalCount).toBe(1);
    expect(await delivered()).toBe(0);
    await inbox(seeker);
    expect(await delivered()).toBe(1);
    // Made within the same millisecond or not, one after another, the ids sort in the order they were made.
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await queryRows<{ id: string }>(t.db, sql`select notification_id()::text as id`))[0]!.id);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  });

  it("marks the person's own notifications read, and no one else's", async () => {
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const other = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    for (const who of [person, other]) await makeReferral(t.db, who.id, (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id);
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const otherSeeker = await t.token({ sub: `seeker-${other.id}`, role: Role.SEEKER, personId: other.id });
    const mine = (await inbox(seeker)).notifications!.edges[0]!.node.id;
    const theirs = (await inbox(otherSeeker)).notifications!.edges[0]!.node.id;
    const READ = `mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }`;
    expect(codeOf(await t.gql(READ, { id: theirs }, { token: seeker }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(READ, { id: mine }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    const read = await t.gql<{ markNotificationRead: { readAt: string } }>(READ, { id: mine }, { token: seeker });
    expect(read.data!.markNotificationRead.readAt).not.toBeNull();
    expect((await t.gql<{ markNotificationRead: { readAt: string } }>(READ, { id: mine }, { token: seeker })).data!.markNotificationRead.readAt).toBe(read.data!.markNotificationRead.readAt);
    expect(await inbox(seeker, true)).toMatchObject({ unreadNotifications: 0, notifications: { totalCount: 0 } });
    expect((await inbox(otherSeeker)).unreadNotifications).toBe(1);
    // Nobody but a seeker has an inbox here.
    expect((await inbox(tokens.admin)).notifications).toBeNull();
  });

  it("a campaign run tells each person of each posting it recommended, in the run's own transactions", async () => {
    await openCampaignWindow(t.db);
    const school = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    const firms = await Promise.all([1, 2, 3].map(() => makeEmployer(t.db, { regionCode: "350102" })));
    for (let i = 0; i < 6; i++) await makePosting(t.db, { employerId: firms[i % 3]!.id, regionCode: "350102", title: `出纳${i}`, minEducation: "ASSOCIATE", validUntil: days(30) });
    await t.app.search.drain();
    const people: string[] = [];
    for (let i = 0; i < 4; i++) people.push((await makePerson(t, { institutionId: school, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["出纳"] })).id);
    const run = await t.gql<{ fulfilReferralMinimums: { id: string } }>(`mutation($s: FulfilScopeInput!) { fulfilReferralMinimums(scope: $s) { id } }`, { s: { institutionId: school } }, { token: tokens.admin });
    expect(run.errors).toBeUndefined();
    await t.app.runner.drain();
    const [tally] = await queryRows<{ referrals: number; notified: number; unmatched: number }>(
      t.db,
      sql`select (select count(*) from referrals where person_id = any(${sql.param(people)}::uuid[]) and source = 'SYSTEM')::int as referrals,
                 (select count(*) from notifications where person_id = any(${sql.param(people)}::uuid[]) and kind = 'REFERRAL')::int as notified,
                 (select count(*) from referrals r where r.person_id = any(${sql.param(people)}::uuid[]) and not exists (select 1 from notifications n where n.referral_id = r.id and n.person_id = r.person_id))::int as unmatched`,
    );
    expect(tally!.referrals).toBe(4 * 3);
    expect(tally!.notified).toBe(tally!.referrals);
    expect(tally!.unmatched).toBe(0);
  });

  it("tells the person of a fair booking made for them, not of one they made themself", async () => {
    const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const employer = await t.token({ sub: "hr-fair-inbox", role: Role.EMPLOYER, employerId: firm.id });
    const posting = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", validUntil: days(30) })).id;
    const person = await makePerson(t, { institutionId: null });
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const fair = (await t.gql<{ createJobFair: { id: string } }>(`mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`, { i: { title: "通知测试", kind: "OTHER", startsAt: hours(-1), endsAt: hours(100) } }, { token: tokens.fuzhou })).data!.createJobFair.id;
    await t.gql(`mutation($id: ID!) { setJobFairStatus(id: $id, status: OPEN) { status } }`, { id: fair }, { token: tokens.fuzhou });
    await t.gql(`mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`, { f: fair, p: [posting] }, { token: employer });
    const slot = async (h: number) => (await t.gql<{ addFairSession: { id: string } }>(`mutation($i: AddFairSessionInput!) { addFairSession(input: $i) { id } }`, { i: { fairId: fair, kind: "INTERVIEW", title: `面试${h}`, startsAt: hours(h), endsAt: hours(h + 0.5) } }, { token: employer })).data!.addFairSession.id;
    const [byCaseworker, bySelf] = [await slot(10), await slot(20)];
    await t.gql(`mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p) { invited } }`, { f: fair, p: person.id }, { token: tokens.fuzhou });
    const BOOK = `mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`;
    expect((await t.gql(BOOK, { s: byCaseworker, p: person.id, post: posting }, { token: tokens.fuzhou })).errors).toBeUndefined();
    const own = await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: bySelf, p: person.id, post: posting }, { token: seeker });
    expect(own.errors).toBeUndefined();
    expect((await inbox(seeker)).notifications!.edges.map((e) => [e.node.kind, e.node.posting?.id])).toEqual([["FAIR_BOOKING", posting]]);
    // Their own cancellation tells them nothing (the fair closing, which calls off the other session, does: below).
    expect((await t.gql(`mutation($b: ID!) { cancelBooking(bookingId: $b) { status } }`, { b: own.data!.bookInterview.id }, { token: seeker })).errors).toBeUndefined();
    expect((await inbox(seeker)).notifications!.totalCount).toBe(1);
    // An organiser's invitation to a fair, and a 红娘 mentor assigned, tell the person too; the notification names the fair.
    const invited = await makePerson(t, { institutionId: null });
    const invitedSeeker = await t.token({ sub: `seeker-${invited.id}`, role: Role.SEEKER, personId: invited.id });
    expect((await t.gql(`mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p, invite: true) { invited } }`, { f: fair, p: invited.id }, { token: tokens.fuzhou })).errors).toBeUndefined();
    await makeMentorship(t.db, invited.id, (await makeMentor(t)).id);
    const told = await t.gql<{ viewer: { notifications: { edges: { node: { kind: string; fair: { id: string } | null } }[] } } }>(`{ viewer { notifications { edges { node { kind fair { id } } } } } }`, {}, { token: invitedSeeker });
    expect(told.data!.viewer.notifications.edges.map((e) => [e.node.kind, e.node.fair?.id ?? null])).toEqual([["MENTOR_ASSIGNED", null], ["FAIR_INVITATION", fair]]);
    expect((await t.gql(`mutation($id: ID!) { setJobFairStatus(id: $id, status: CLOSED) { status } }`, { id: fair }, { token: tokens.fuzhou })).errors).toBeUndefined();
    expect((await inbox(seeker)).notifications!.edges.map((e) => [e.node.kind, e.node.posting?.id])).toEqual([
      ["FAIR_BOOKING_CANCELLED", posting],
      ["FAIR_BOOKING", posting],
    ]);
  });

  it("sends a seeker their new notifications live over graphql-ws — each only their own; a non-seeker is refused", async () => {
    const follow = (token: string) => {
      const got: { kind: string; referralId: string | null; posting: { id: string } | null }[] = [];
      const errors: { extensions?: { code?: string } }[] = [];
      const client = createClient({ url: t.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
      client.subscribe<{ myNotifications: (typeof got)[number] }>(
        { query: `subscription { myNotifications { kind referralId posting { id } } }` },
        { next: (r) => (r.data?.myNotifications ? got.push(r.data.myNotifications) : errors.push(...((r.errors ?? []) as never[]))), error: (e) => Array.isArray(e) && errors.push(...(e as never[])), complete: () => undefined },
      );
      return { got, errors, close: () => client.dispose() };
    };
    const until = async (what: () => boolean, label: string) => {
      const deadline = Date.now() + 5000;
      while (!what()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const [me, other] = [await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" }), await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" })];
    const mine = follow(await t.token({ sub: `seeker-${me.id}`, role: Role.SEEKER, personId: me.id }));
    const theirs = follow(await t.token({ sub: `seeker-${other.id}`, role: Role.SEEKER, personId: other.id }));
    const official = follow(tokens.fuzhou);
    await until(() => t.app.notificationEvents.size >= 2, "both seekers at the hub");
    await until(() => official.errors.length > 0, "the caseworker's refusal");
    expect(official.errors[0]!.extensions?.code).toBe("FORBIDDEN");
    const posting = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    const referral = await makeReferral(t.db, me.id, posting);
    await until(() => mine.got.length >= 1, "my notification");
    expect(mine.got).toEqual([{ kind: "REFERRAL", referralId: referral.id, posting: { id: posting } }]);
    // The other seeker's stream is told of their own only.
    await makeReferral(t.db, other.id, posting);
    await until(() => theirs.got.length >= 1, "their notification");
    expect(theirs.got.map((n) => n.posting?.id)).toEqual([posting]);
    expect(mine.got).toHaveLength(1);
    for (const c of [mine, theirs, official]) await c.close();
  });
});
