import { sql } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import WebSocket from "ws";
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from "../../src/http/subscriptions.js";
import { publishFairEvent } from "../../src/modules/fairs/fair-events.js";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, openCampaignWindow } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp, standardTokens } from "../helpers/test-app.js";

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
const CREATE = `mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`;
const STATUS = `mutation($id: ID!, $s: FairStatus!) { setJobFairStatus(id: $id, status: $s) { status } }`;
const SESSION = `mutation($i: AddFairSessionInput!) { addFairSession(input: $i) { id } }`;
const BOOTH = `mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`;
const REGISTER = `mutation($f: ID!, $p: ID!, $inv: Boolean) { registerForFair(fairId: $f, personId: $p, invite: $inv) { invited } }`;
const BOOK = `mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`;
const CANCEL = `mutation($id: ID!) { cancelBooking(bookingId: $id) { status } }`;
const OUTCOME = `mutation($b: ID!, $o: FairOutcome!) { recordFairOutcome(bookingId: $b, outcome: $o) { outcome } }`;
const EVENTS = `subscription($f: ID!) { fairEvents(fairId: $f) { kind fairId sessionId seatsLeft fairStatus bookingId } }`;

interface FairEvent {
  kind: string;
  fairId: string;
  sessionId: string | null;
  seatsLeft: number | null;
  fairStatus: string | null;
  bookingId: string | null;
}

/** A graphql-ws client over `ws`, collecting one subscription's events and errors. */
function listen(t: TestApp, fairId: string, connectionParams: Record<string, unknown> = {}) {
  const events: FairEvent[] = [];
  const errors: { extensions?: { code?: string } }[] = [];
  let closeCode: number | undefined;
  let completed = false;
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
  client.subscribe<{ fairEvents: FairEvent }>(
    { query: EVENTS, variables: { f: fairId } },
    {
      next: (r) => {
        if (r.data?.fairEvents) events.push(r.data.fairEvents);
        if (r.errors) errors.push(...(r.errors as never[]));
      },
      error: (e) => {
        if (Array.isArray(e)) errors.push(...(e as never[]));
      },
      complete: () => (completed = true),
    },
  );
  const until = async (what: () => boolean, label: string) => {
    const deadline = Date.now() + 5000;
    while (!what()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; events: ${JSON.stringify(events)}; errors: ${JSON.stringify(errors)}; close: ${closeCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    events,
    errors,
    ready,
    closeCode: () => closeCode,
    completed: () => completed,
    /** Waits until `n` events have arrived. */
    count: (n: number) => until(() => events.length >= n, `${n} events`),
    until,
    close: () => client.dispose(),
  };
}

describe("job fairs: recommendations, figures, coverage and live updates", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let employer: string;
  let employerId: string;
  const booth: Record<"accounting" | "doctorate" | "other", string> = { accounting: "", doctorate: "", other: "" };
  let outsideBooth: string;
  const seekers: string[] = [];
  let seekerToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    await openCampaignWindow(t.db);
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    employerId = firm.id;
    employer = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId });
    const base = { employerId, regionCode: "350102", validUntil: days(30) };
    booth.accounting = (await makePosting(t.db, { ...base, title: "会计", skills: ["记账", "报税"], majors: ["会计学"] })).id;
    booth.doctorate = (await makePosting(t.db, { ...base, title: "会计研究员", majors: ["会计学"], minEducation: "DOCTORATE" })).id;
    booth.other = (await makePosting(t.db, { ...base, title: "仓库管理员", skills: ["仓储"], majors: [], minEducation: "HIGH_SCHOOL" })).id;
    // A better match for the person that is not at the fair: never recommended there.
    outsideBooth = (await makePosting(t.db, { ...base, title: "会计 出纳", skills: ["记账", "报税", "出纳"], majors: ["会计学"] })).id;
    await t.app.search.drain();
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    for (let i = 0; i < 4; i++) {
      seekers.push((await makePerson(t, { institutionId: school.id, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] })).id);
    }
    seekerToken = await t.token({ sub: "seeker0", role: Role.SEEKER, personId: seekers[0]! });
  });

  /** Each test's own open key-group fair of Fuzhou, with the employer's booth of `postings` if any. */
  const openFair = async (postings: string[] = []) => {
    const id = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "福州市网络招聘会", kind: "CAMPUS", startsAt: hours(-1), endsAt: hours(240), audience: { populations: ["KEY_GROUP_GRADUATE"] } } }, { token: fuzhou })).data!.createJobFair.id;
    expect((await t.gql(STATUS, { id, s: "OPEN" }, { token: fuzhou })).errors).toBeUndefined();
    if (postings.length) expect((await t.gql(BOOTH, { f: id, p: postings }, { token: employer })).errors).toBeUndefined();
    return id;
  };
  afterAll(() => t.close());

  it("ranks only the fair's booth postings for a person, with the matching engine's rules and reasons; refuses bad input", async () => {
    const RECOMMENDED = `query($f: ID!, $p: ID!, $n: Int) { jobFair(id: $f) { recommendedPostings(personId: $p, first: $n) { items { posting { id } score reasons { factor } } note } } }`;
    type Recommended = { jobFair: { recommendedPostings: { items: { posting: { id: string }; score: number; reasons: { factor: string }[] }[]; note: string | null } } };
    const fairId = await openFair();
    const empty = await t.gql<Recommended>(RECOMMENDED, { f: fairId, p: seekers[0] }, { token: seekerToken });
    expect(empty.data!.jobFair.recommendedPostings).toEqual({ items: [], note: "该招聘会尚无展位岗位。" });

    expect((await t.gql(BOOTH, { f: fairId, p: Object.values(booth) }, { token: employer })).errors).toBeUndefined();
    const ranked = (await t.gql<Recommended>(RECOMMENDED, { f: fairId, p: seekers[0] }, { token: seekerToken })).data!.jobFair.recommendedPostings;
    // The doctorate post does not fit a bachelor; the better match outside the booth is not at this fair.
    expect(ranked.items.map((i) => i.posting.id)).toEqual([booth.accounting, booth.other]);
    expect(ranked.items[0]!.score).toBeGreaterThan(ranked.items[1]!.score);
    expect(ranked.items[0]!.reasons.map((r) => r.factor)).toContain("OCCUPATION");
    // The ordinary matches do include the posting outside the booth.
    const matches = await t.gql<{ person: { matches: { items: { posting: { id: string } }[] } } }>(`query($p: ID!) { person(id: $p) { matches(first: 10) { items { posting { id } } } } }`, { p: seekers[0] }, { token: seekerToken });
    expect(matches.data!.person.matches.items.map((i) => i.posting.id)).toContain(outsideBooth);

    // A posting already referred to the person stays among the fair's recommendations.
    await t.gql(`mutation($p: ID!, $post: ID!) { recommendPosting(personId: $p, postingId: $post) { id } }`, { p: seekers[0], post: booth.accounting }, { token: fuzhou });
    const again = (await t.gql<Recommended>(RECOMMENDED, { f: fairId, p: seekers[0], n: 1 }, { token: fuzhou })).data!.jobFair.recommendedPostings;
    expect(again.items.map((i) => i.posting.id)).toEqual([booth.accounting]);

    expect(codeOf(await t.gql(RECOMMENDED, { f: fairId, p: seekers[1] }, { token: seekerToken }))).toBe("NOT_FOUND"); // another person
    expect(codeOf(await t.gql(RECOMMENDED, { f: fairId, p: seekers[0] }, { token: xiamen }))).toBe("NOT_FOUND"); // outside the caseworker's scope
    expect(codeOf(await t.gql(RECOMMENDED, { f: fairId, p: seekers[0] }, { token: employer }))).toBe("FORBIDDEN"); // employers see no one
    expect(codeOf(await t.gql(RECOMMENDED, { f: fairId, p: seekers[0], n: 101 }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(RECOMMENDED, { f: fairId, p: "not-an-id" }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
  });

  it("sends live updates over graphql-ws as changes commit, each shaped for its subscriber; refuses bad credentials and queries", async () => {
    const fairId = await openFair(Object.values(booth));
    for (const p of seekers) expect(codeOf(await t.gql(REGISTER, { f: fairId, p }, { token: fuzhou }))).toBeUndefined();
    const slot = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "INTERVIEW", title: "面试", startsAt: hours(2), endsAt: hours(2.25) } }, { token: employer })).data!.addFairSession.id;

    const mine = listen(t, fairId, { authorization: `Bearer ${seekerToken}` });
    const other = listen(t, fairId, { authorization: `Bearer ${await t.token({ sub: "seeker1", role: Role.SEEKER, personId: seekers[1]! })}` });
    const theEmployer = listen(t, fairId, { authorization: `Bearer ${employer}` });
    const anonymous = listen(t, fairId);
    const organiser = listen(t, fairId, { authorization: `Bearer ${fuzhou}` });
    const otherEmployer = listen(t, fairId, { headers: { Authorization: `Bearer ${await t.token({ sub: "emp-x", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id })}` } } as never);
    const all = [mine, other, theEmployer, anonymous, organiser, otherEmployer];
    await Promise.all(all.map((s) => s.ready));
    await mine.until(() => t.app.fairEvents.size === 6, "six subscribers at the hub");

    const booked = await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slot, p: seekers[0], post: booth.accounting }, { token: fuzhou });
    const bookingId = booked.data!.bookInterview.id;
    // A refused booking (the slot is taken) sends no event (that NOTIFY waits for the commit is tested below).
    expect(codeOf(await t.gql(BOOK, { s: slot, p: seekers[1], post: booth.accounting }, { token: fuzhou }))).toBe("CONFLICT");
    expect((await t.gql(CANCEL, { id: bookingId }, { token: seekerToken })).errors).toBeUndefined();
    for (const s of all) await s.count(2);
    expect(mine.events).toEqual([
      { kind: "BOOKING_CONFIRMED", fairId, sessionId: slot, seatsLeft: 0, fairStatus: null, bookingId },
      { kind: "SLOT_FREED", fairId, sessionId: slot, seatsLeft: 1, fairStatus: null, bookingId },
    ]);
    for (const s of [theEmployer, organiser]) expect(s.events.map((e) => [e.kind, e.bookingId])).toEqual([["BOOKING_CONFIRMED", bookingId], ["SLOT_FREED", bookingId]]);
    for (const s of [other, anonymous, otherEmployer]) {
      expect(s.events).toEqual([
        { kind: "SLOT_TAKEN", fairId, sessionId: slot, seatsLeft: 0, fairStatus: null, bookingId: null },
        { kind: "SLOT_FREED", fairId, sessionId: slot, seatsLeft: 1, fairStatus: null, bookingId: null },
      ]);
    }

    expect((await t.gql(STATUS, { id: fairId, s: "LIVE" }, { token: fuzhou })).errors).toBeUndefined();
    expect((await t.gql(`mutation($s: ID!) { startSession(sessionId: $s) { status } }`, { s: slot }, { token: employer })).errors).toBeUndefined();
    expect((await t.gql(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: slot }, { token: employer })).errors).toBeUndefined();
    await anonymous.count(5);
    expect(anonymous.events.slice(2).map((e) => [e.kind, e.fairStatus, e.sessionId])).toEqual([
      ["FAIR_STATUS", "LIVE", null],
      ["SESSION_STARTED", null, slot],
      ["SESSION_ENDED", null, slot],
    ]);
    // Another fair's changes are not sent here.
    const elsewhere = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "别的招聘会", kind: "OTHER", startsAt: hours(-1), endsAt: hours(10) } }, { token: fuzhou })).data!.createJobFair.id;
    await t.gql(STATUS, { id: elsewhere, s: "OPEN" }, { token: fuzhou });
    await t.gql(STATUS, { id: fairId, s: "CLOSED" }, { token: fuzhou });
    await anonymous.count(6);
    expect(anonymous.events.at(-1)).toMatchObject({ kind: "FAIR_STATUS", fairStatus: "CLOSED", fairId });
    expect(anonymous.events.every((e) => e.fairId === fairId)).toBe(true);

    for (const s of all) await s.close();
    await mine.until(() => t.app.fairEvents.size === 0, "the hub to forget closed subscribers");

    // A wrong credential is refused — a bad or expired token 4401, two credentials 4403 — never downgraded to anonymous; a token's expiry ends the connection (4401).
    const forged = listen(t, fairId, { authorization: "Bearer not.a.token" });
    await forged.until(() => forged.closeCode() !== undefined, "the forged connection to close");
    expect(forged.closeCode()).toBe(4401);
    const expired = listen(t, fairId, { authorization: `Bearer ${await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" }, Math.floor(Date.now() / 1000) - 10)}` });
    await expired.until(() => expired.closeCode() !== undefined, "the expired token's connection to close");
    expect(expired.closeCode()).toBe(4401);
    const both = listen(t, fairId, { authorization: `Bearer ${fuzhou}`, "x-api-key": "jbpk_whatever" });
    await both.until(() => both.closeCode() !== undefined, "two credentials to be refused");
    expect(both.closeCode()).toBe(4403);
    const shortLived = listen(t, fairId, { authorization: `Bearer ${await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" }, Math.floor(Date.now() / 1000) + 2)}` });
    await shortLived.ready;
    await shortLived.until(() => shortLived.closeCode() !== undefined, "the expired connection to close");
    expect(shortLived.closeCode()).toBe(4401);

    // A draft is not found by others; queries and mutations go over HTTP only; a malformed fair id is bad input.
    const draft = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "草稿", kind: "OTHER", startsAt: hours(1), endsAt: hours(10) } }, { token: fuzhou })).data!.createJobFair.id;
    const peek = listen(t, draft, { authorization: `Bearer ${xiamen}` });
    await peek.until(() => peek.errors.length > 0, "an error");
    expect(peek.errors[0]!.extensions?.code).toBe("NOT_FOUND");
    const bad = listen(t, "nope");
    await bad.until(() => bad.errors.length > 0, "an error");
    expect(bad.errors[0]!.extensions?.code).toBe("BAD_USER_INPUT");
    for (const s of [forged, expired, both, shortLived, peek, bad]) await s.close();

    const query = createClient({ url: t.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => {
      query.subscribe({ query: `mutation { setJobFairStatus(id: "${draft}", status: OPEN) { status } }` }, { next: () => undefined, error: resolve, complete: () => resolve(null) });
    });
    expect((refused as { extensions?: { code?: string } }[])[0]!.extensions?.code).toBe("BAD_REQUEST");
    await query.dispose();
    const [still] = await queryRows<{ status: string }>(t.db, sql`select status::text from job_fairs where id = ${draft}`);
    expect(still!.status).toBe("DRAFT");

    // Over HTTP a subscription is refused before it runs.
    const overHttp = await t.gql(EVENTS, { f: fairId });
    expect([overHttp.status, codeOf(overHttp)]).toEqual([400, "BAD_REQUEST"]);
  });

  it("publishes only when the transaction commits, limits subscriptions per connection, and tells subscribers of sessions a closing fair calls off", async () => {
    const fair = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "提交才发送", kind: "OTHER", startsAt: hours(-1), endsAt: hours(50) } }, { token: fuzhou })).data!.createJobFair.id;
    await t.gql(STATUS, { id: fair, s: "OPEN" }, { token: fuzhou });
    const direct = t.app.fairEvents.subscribe(fair);
    await expect(
      t.db.transaction(async (tx) => {
        await publishFairEvent(tx, { kind: "SLOT_FREED", fairId: fair, seatsLeft: 99 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await t.db.transaction(async (tx) => publishFairEvent(tx, { kind: "SLOT_FREED", fairId: fair, seatsLeft: 1 }));
    // The fair's own OPEN may still be on its way (NOTIFY is delivered asynchronously): the first slot event
    // must be the committed one — the rolled-back one never came.
    let event = (await direct.next()).value as { kind: string };
    while (event.kind === "FAIR_STATUS") event = (await direct.next()).value as { kind: string };
    expect(event).toMatchObject({ kind: "SLOT_FREED", seatsLeft: 1 });
    await direct.return!();

    const client = createClient({ url: t.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
    const outcomes: string[] = [];
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION + 1; i++) {
      client.subscribe({ query: EVENTS, variables: { f: fair } }, { next: () => undefined, error: (e) => void outcomes.push((e as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? "?"), complete: () => undefined });
    }
    const deadline = Date.now() + 5000;
    while (outcomes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(outcomes).toEqual(["BAD_REQUEST"]);

    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const firmToken = await t.token({ sub: "firm-close", role: Role.EMPLOYER, employerId: firm.id });
    await t.gql(BOOTH, { f: fair, p: [(await makePosting(t.db, { employerId: firm.id, regionCode: "350102", validUntil: days(30) })).id] }, { token: firmToken });
    const later = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: fair, kind: "PRESENTATION", title: "宣讲", startsAt: hours(5), endsAt: hours(6) } }, { token: firmToken })).data!.addFairSession.id;
    const watcher = listen(t, fair);
    await watcher.ready;
    await watcher.until(() => t.app.fairEvents.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION + 1, "the watcher at the hub");
    await t.gql(STATUS, { id: fair, s: "CLOSED" }, { token: fuzhou });
    await watcher.count(2);
    expect(watcher.events.map((e) => [e.kind, e.sessionId])).toEqual([["FAIR_STATUS", null], ["SESSION_CANCELLED", later]]);
    await watcher.close();
    await client.dispose();
  });

  it("closes even when a WebSocket peer stops answering", async () => {
    const own = await startTestApp();
    const url = new URL(own.url);
    // A raw upgrade that never reads again: the server's close frame goes unanswered.
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`GET /graphql HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16, 7).toString("base64")}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.pause();
    let closed = false;
    const closing = own.close().then(() => (closed = true));
    // ws would wait 30 s for the close handshake; the server cuts the peer off after its grace (a
    // second). The bound sits well between the two, so a loaded machine does not fail it.
    await Promise.race([closing, new Promise((r) => setTimeout(r, 20_000))]);
    expect(closed).toBe(true);
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.resume(); // reads what the server sent, then the end of the connection
    await ended;
  }, 45_000);

  it.runIf(Boolean(process.env.DATABASE_URL))("tells subscribers to re-read when the listening connection is lost, and carries on after it reopens (PostgreSQL)", async () => {
    const fair = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "断线重连", kind: "OTHER", startsAt: hours(-1), endsAt: hours(10) } }, { token: fuzhou })).data!.createJobFair.id;
    await t.gql(STATUS, { id: fair, s: "OPEN" }, { token: fuzhou });
    const s = listen(t, fair);
    await s.ready;
    await new Promise((r) => setTimeout(r, 100));
    const [killed] = await queryRows<{ n: number }>(t.db, sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and query = 'listen fair_events'`);
    expect(killed!.n).toBe(1);
    await s.until(() => s.events.some((e) => e.kind === "RESYNC"), "RESYNC");
    await t.gql(STATUS, { id: fair, s: "LIVE" }, { token: fuzhou });
    await s.until(() => s.events.some((e) => e.kind === "FAIR_STATUS"), "an event after reopening");
    // The OPEN's own event may reach the subscriber late (its NOTIFY was in flight when it subscribed): what
    // matters is what follows the lost connection — the RESYNC, then the event made after reopening.
    const kinds = s.events.map((e) => e.kind);
    expect(kinds.slice(0, kinds.indexOf("RESYNC")).every((k) => k === "FAIR_STATUS")).toBe(true);
    expect(kinds.slice(kinds.indexOf("RESYNC"))).toEqual(["RESYNC", "FAIR_STATUS"]);
    await s.close();
  });

  it("gives the organiser the fair's figures, counted as the database holds them", async () => {
    const fair = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "就业援助月专场", kind: "EMPLOYMENT_AID_MONTH", startsAt: hours(-1), endsAt: hours(100) } }, { token: fuzhou })).data!.createJobFair.id;
    await t.gql(STATUS, { id: fair, s: "OPEN" }, { token: fuzhou });
    await t.gql(BOOTH, { f: fair, p: [booth.accounting, booth.other] }, { token: employer });
    const second = await makeEmployer(t.db, { regionCode: "350102" });
    const secondToken = await t.token({ sub: "emp2", role: Role.EMPLOYER, employerId: second.id });
    const secondPosting = (await makePosting(t.db, { employerId: second.id, regionCode: "350102", validUntil: days(30) })).id;
    await t.gql(BOOTH, { f: fair, p: [secondPosting] }, { token: secondToken });
    const slots: string[] = [];
    for (let i = 0; i < 3; i++) slots.push((await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: fair, kind: "INTERVIEW", title: `面试${i}`, startsAt: hours(3 + i), endsAt: hours(3.25 + i) } }, { token: employer })).data!.addFairSession.id);
    const group = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: fair, kind: "GROUP", employerId: second.id, title: "群面", startsAt: hours(3), endsAt: hours(4), capacity: 10 } }, { token: fuzhou })).data!.addFairSession.id;
    for (const p of seekers) await t.gql(REGISTER, { f: fair, p }, { token: fuzhou });
    const invitee = (await makePerson(t, { institutionId: null, birthDate: "1980-01-01", registeredPoverty: true })).id;
    await t.gql(REGISTER, { f: fair, p: invitee, inv: true }, { token: fuzhou });
    const b = async (s: string, p: string, post?: string) => (await t.gql<{ bookInterview: { id: string } }>(BOOK, { s, p, post }, { token: fuzhou })).data!.bookInterview.id;
    const b0 = await b(slots[0]!, seekers[0]!, booth.accounting);
    const b1 = await b(slots[1]!, seekers[1]!, booth.other);
    const b2 = await b(slots[2]!, seekers[2]!, booth.accounting);
    await b(group, seekers[3]!, secondPosting);
    await t.gql(CANCEL, { id: b2 }, { token: fuzhou });
    await t.gql(STATUS, { id: fair, s: "LIVE" }, { token: fuzhou });
    await t.gql(`mutation($s: ID!, $p: ID!) { checkIn(sessionId: $s, personId: $p) { status } }`, { s: slots[0], p: seekers[0] }, { token: employer });
    // Outcomes once the sessions have started: the person applies, the employer records the rest.
    for (const s of [slots[0], slots[1]]) await t.gql(`mutation($s: ID!) { startSession(sessionId: $s) { status } }`, { s }, { token: employer });
    expect((await t.gql(OUTCOME, { b: b0, o: "APPLIED" }, { token: seekerToken })).errors).toBeUndefined();
    expect((await t.gql(OUTCOME, { b: b0, o: "OFFERED" }, { token: employer })).errors).toBeUndefined();
    await t.gql(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: slots[1] }, { token: employer });
    expect((await t.gql(OUTCOME, { b: b1, o: "NO_SHOW" }, { token: employer })).errors).toBeUndefined();

    const STATS = `query($f: ID!) { jobFair(id: $f) { stats {
      registrations invited registrationsByCategory { categoryCode registrations } registrationsWithoutCategory
      sessions seats bookings cancelledBookings checkedIn attendees applied interviewed offered hired noShow
      byEmployer { employerId employer { name } boothPostings sessions seats bookings checkedIn applied offered hired noShow } } } }`;
    type Stats = { jobFair: { stats: Record<string, unknown> & { byEmployer: Record<string, unknown>[]; registrationsByCategory: { categoryCode: string; registrations: number }[] } } };
    const stats = (await t.gql<Stats>(STATS, { f: fair }, { token: fuzhou })).data!.jobFair.stats;
    // Tallied from each registered person's categories as the ledger shows them.
    const tally = new Map<string, number>();
    let withoutCategory = 0;
    for (const p of [...seekers, invitee]) {
      const codes = (await t.gql<{ person: { targetCategories: { category: { code: string } }[] } }>(`query($p: ID!) { person(id: $p) { targetCategories { category { code } } } }`, { p }, { token: fuzhou })).data!.person.targetCategories.map((c) => c.category.code);
      if (codes.length === 0) withoutCategory++;
      for (const c of codes) tally.set(c, (tally.get(c) ?? 0) + 1);
    }
    const byCategory = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([categoryCode, registrations]) => ({ categoryCode, registrations }));
    expect(byCategory.length).toBeGreaterThan(0);
    expect(stats.registrationsWithoutCategory).toBe(withoutCategory);
    expect(stats).toMatchObject({
      registrations: 5,
      invited: 1,
      registrationsByCategory: byCategory,
      sessions: 4,
      seats: 13,
      bookings: 3,
      cancelledBookings: 1,
      checkedIn: 1,
      attendees: 1,
      applied: 1,
      interviewed: 1,
      offered: 1,
      hired: 0,
      noShow: 1,
    });
    const mine = stats.byEmployer.find((e) => e.employerId === employerId)!;
    expect(mine).toMatchObject({ boothPostings: 2, sessions: 3, seats: 3, bookings: 2, checkedIn: 1, applied: 1, offered: 1, hired: 0, noShow: 1 });
    expect(stats.byEmployer.find((e) => e.employerId === second.id)).toMatchObject({ employer: { name: second.name }, boothPostings: 1, sessions: 1, seats: 10, bookings: 1, checkedIn: 0, applied: 0 });

    // Booths are public; bookings are seen as far as the viewer may.
    const BOOTHS = `query($f: ID!) { jobFair(id: $f) { booths { employer { id } postings { id } } sessions { id seatsLeft } } }`;
    const shown = (await t.gql<{ jobFair: { booths: { employer: { id: string }; postings: { id: string }[] }[]; sessions: { id: string; seatsLeft: number }[] } }>(BOOTHS, { f: fair })).data!.jobFair;
    expect(shown.booths.map((b) => [b.employer.id, b.postings.map((p) => p.id).sort()]).sort()).toEqual(
      [[employerId, [booth.accounting, booth.other].sort()], [second.id, [secondPosting]]].sort(),
    );
    expect(shown.sessions.find((x) => x.id === group)!.seatsLeft).toBe(9);
    expect(shown.sessions.find((x) => x.id === slots[2])!.seatsLeft).toBe(1); // its booking was cancelled
    const BOOKINGS = `query($f: ID!, $p: ID) { jobFair(id: $f) { bookings(personId: $p, first: 10) { totalCount edges { node { id personId status } } } } }`;
    type Bookings = { jobFair: { bookings: { totalCount: number; edges: { node: { id: string; personId: string | null; status: string } }[] } } };
    const seen = async (token: string | undefined, p?: string) => (await t.gql<Bookings>(BOOKINGS, { f: fair, p }, token ? { token } : {})).data?.jobFair.bookings;
    expect((await seen(fuzhou))!.totalCount).toBe(4); // the organiser: all, cancelled included
    expect((await seen(seekerToken))!.edges.map((e) => e.node)).toEqual([{ id: b0, personId: seekers[0], status: "CHECKED_IN" }]);
    const theirs = (await seen(employer))!;
    expect(theirs.edges.map((e) => e.node.id).sort()).toEqual([b0, b1, b2].sort());
    expect(theirs.edges.every((e) => e.node.personId === null)).toBe(true);
    expect((await seen(xiamen))!.totalCount).toBe(0);
    expect((await seen(fuzhou, seekers[1]))!.edges.map((e) => e.node.id)).toEqual([b1]);
    expect(codeOf(await t.gql(BOOKINGS, { f: fair }))).toBe("UNAUTHENTICATED");

    // For the organiser only.
    expect(codeOf(await t.gql(STATS, { f: fair }, { token: xiamen }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(STATS, { f: fair }, { token: employer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(STATS, { f: fair }, { token: seekerToken }))).toBe("FORBIDDEN");
    expect((await t.gql(STATS, { f: fair }, { token: admin })).errors).toBeUndefined();
  });

  it("lists the institutions and HR bureaus that held fewer key-group fairs in the year than the policy asks; the fair rules are policy data", async () => {
    const year = Number(serviceToday().slice(0, 4));
    const held = await makeInstitution(t.db, { regionCode: "350102" });
    const calledOff = await makeInstitution(t.db, { regionCode: "350102" });
    const xmSchool = await makeInstitution(t.db, { regionCode: "350203" });
    const cw = async (institutionId: string) => t.token({ sub: `cw-${institutionId.slice(0, 8)}`, role: Role.CASEWORKER, institutionId });
    const fairBy = async (token: string, audience: Record<string, string[]> | null, live: boolean) => {
      const id = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "校园招聘会", kind: "CAMPUS", startsAt: hours(-1), endsAt: hours(5), audience } }, { token })).data!.createJobFair.id;
      await t.gql(STATUS, { id, s: "OPEN" }, { token });
      if (live) await t.gql(STATUS, { id, s: "LIVE" }, { token });
      await t.gql(STATUS, { id, s: "CLOSED" }, { token });
    };
    await fairBy(await cw(held.id), { categoryCodes: ["KG1_HARDSHIP_HOUSEHOLD"] }, true); // a key-group category: held
    await fairBy(await cw(calledOff.id), { populations: ["KEY_GROUP_GRADUATE"] }, false); // closed without going live: called off
    // Xiamen's bureau (a caseworker scoped to its 6-digit code runs what it creates): open to all, not aimed at key groups.
    await fairBy(await t.token({ sub: "cw-xm2", role: Role.CASEWORKER, regionCode: "350200" }), null, true);
    const [xmFair] = await queryRows<{ status: string; live: boolean }>(t.db, sql`select status::text, went_live_at is not null as live from job_fairs where organiser_region_code = '350200'`);
    expect(xmFair).toEqual({ status: "CLOSED", live: true });
    // Putian's bureau holds one key-group fair, and so does Fuzhou's (whatever other tests held: it is at least one).
    await fairBy(await t.token({ sub: "cw-pt", role: Role.CASEWORKER, regionCode: "350300" }), { populations: ["KEY_GROUP_GRADUATE"] }, true);
    await fairBy(fuzhou, { populations: ["KEY_GROUP_GRADUATE"] }, true);

    const COVERAGE = `query($y: Int!) { fairCoverage(year: $y) { year required institutions institutionsWithout { id } bureaus bureausWithout { code } } }`;
    type Coverage = { fairCoverage: { year: number; required: number; institutions: number; institutionsWithout: { id: string }[]; bureaus: number; bureausWithout: { code: string }[] } };
    const all = (await t.gql<Coverage>(COVERAGE, { y: year }, { token: admin })).data!.fairCoverage;
    const without = new Set(all.institutionsWithout.map((i) => i.id));
    expect(without.has(held.id)).toBe(false);
    expect(without.has(calledOff.id)).toBe(true);
    expect(without.has(xmSchool.id)).toBe(true);
    const bureausWithout = new Set(all.bureausWithout.map((b) => b.code));
    expect(bureausWithout.has("350100")).toBe(false);
    expect(bureausWithout.has("350300")).toBe(false);
    expect(bureausWithout.has("350200")).toBe(true);
    expect(bureausWithout.has("350000")).toBe(true);
    const [fujian] = await queryRows<{ n: number; i: number }>(t.db, sql`select (select count(*) from regions where code like '35%')::int as n, (select count(*) from institutions)::int as i`);
    expect(all).toMatchObject({ year, bureaus: fujian!.n, institutions: fujian!.i });
    expect(all.bureausWithout).toHaveLength(fujian!.n - 2);
    // The number each should hold is policy data: asking two, the institution that held one falls short.
    expect(all.required).toBe(1);
    await t.db.execute(sql`update fair_policies set key_group_fairs_per_year = 2 where version = (select max(version) from fair_policies)`);
    try {
      const stricter = (await t.gql<Coverage>(COVERAGE, { y: year }, { token: admin })).data!.fairCoverage;
      expect(stricter.required).toBe(2);
      expect(stricter.institutionsWithout.map((i) => i.id)).toContain(held.id);
      expect(stricter.bureausWithout.map((b) => b.code)).toContain("350300");
    } finally {
      await t.db.execute(sql`update fair_policies set key_group_fairs_per_year = 1 where version = (select max(version) from fair_policies)`);
    }
    // So is how long a fair may run.
    const long = { i: { title: "长期招聘会", kind: "OTHER", startsAt: hours(1), endsAt: hours(24 * 70) } };
    expect(codeOf(await t.gql(CREATE, long, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    await t.db.execute(sql`update fair_policies set max_fair_days = 90 where version = (select max(version) from fair_policies)`);
    try {
      expect((await t.gql(CREATE, long, { token: fuzhou })).errors).toBeUndefined();
    } finally {
      await t.db.execute(sql`update fair_policies set max_fair_days = 62 where version = (select max(version) from fair_policies)`);
    }
    // Another year: nobody held one.
    expect((await t.gql<Coverage>(COVERAGE, { y: year - 1 }, { token: admin })).data!.fairCoverage.bureausWithout).toHaveLength(fujian!.n);

    // A caseworker sees their own region's; bad years and other roles are refused.
    const xm = (await t.gql<Coverage>(COVERAGE, { y: year }, { token: xiamen })).data!.fairCoverage;
    expect(xm.bureausWithout.every((b) => b.code.startsWith("3502"))).toBe(true);
    expect(xm.institutionsWithout.map((i) => i.id)).toContain(xmSchool.id);
    expect(xm.institutionsWithout.map((i) => i.id)).not.toContain(calledOff.id);
    expect(codeOf(await t.gql(COVERAGE, { y: 1999 }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(COVERAGE, { y: year }, { token: employer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(COVERAGE, { y: year }, { token: seekerToken }))).toBe("FORBIDDEN");
  });

  it("lists fairs newest first, drafts only to their organisers", async () => {
    const LIST = `query($s: FairStatus, $after: String) { jobFairs(status: $s, first: 2, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } totalCount } }`;
    type List = { jobFairs: { edges: { node: { id: string; status: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number } };
    // Its own fairs: three public (two pages of two) and a draft.
    for (let i = 0; i < 3; i++) await openFair();
    await t.gql(CREATE, { i: { title: "福州的草稿", kind: "OTHER", startsAt: hours(1), endsAt: hours(10) } }, { token: fuzhou });
    const [counts] = await queryRows<{ public: number; all: number }>(t.db, sql`select count(*) filter (where status <> 'DRAFT')::int as public, count(*)::int as all from job_fairs`);
    const anonymousList = (await t.gql<List>(LIST, {})).data!.jobFairs;
    expect(anonymousList.totalCount).toBe(counts!.public);
    expect(anonymousList.edges.every((e) => e.node.status !== "DRAFT")).toBe(true);
    expect((await t.gql<List>(LIST, {}, { token: admin })).data!.jobFairs.totalCount).toBe(counts!.all);
    const drafts = (await t.gql<List>(LIST, { s: "DRAFT" }, { token: fuzhou })).data!.jobFairs;
    expect(drafts.totalCount).toBeGreaterThan(0);
    expect((await t.gql<List>(LIST, { s: "DRAFT" }, { token: xiamen })).data!.jobFairs.totalCount).toBe(0);
    const next = (await t.gql<List>(LIST, { after: anonymousList.pageInfo.endCursor })).data!.jobFairs;
    expect(next.edges[0]!.node.id < anonymousList.edges[1]!.node.id).toBe(true);
    expect(codeOf(await t.gql(LIST, { after: "junk" }))).toBe("BAD_USER_INPUT");
  });
});
