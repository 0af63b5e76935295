import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, openCampaignWindow } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp, standardTokens } from "../helpers/test-app.js";

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
const CREATE = `mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id status organiserRegionCode audience { categoryCodes } } }`;
const STATUS = `mutation($id: ID!, $s: FairStatus!) { setJobFairStatus(id: $id, status: $s) { status } }`;
const SESSION = `mutation($i: AddFairSessionInput!) { addFairSession(input: $i) { id kind capacity booked } }`;
const BOOTH = `mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId postingIds } }`;
const REGISTER = `mutation($f: ID!, $p: ID!, $inv: Boolean) { registerForFair(fairId: $f, personId: $p, invite: $inv) { invited } }`;
const BOOK = `mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id status } }`;
type View = { person: { employmentStatus: string; referralProgress: { counted: number }[]; referrals: { status: string; source: string; posting: { id: string } }[] } };

describe("online job fairs", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let employer: string;
  let employerId: string;
  let fairId: string;
  const postingIds: string[] = [];
  const seekers: string[] = [];
  let outsider: string;
  const counts = async () =>
    (await queryRows<{ s: number; b: number; r: number; bk: number; ref: number }>(
      t.db,
      sql`select (select count(*) from fair_sessions)::int as s, (select count(*) from fair_booth_postings)::int as b, (select count(*) from fair_registrations)::int as r,
                 (select count(*) from fair_bookings)::int as bk, (select count(*) from referrals)::int as ref`,
    ))[0]!;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    await openCampaignWindow(t.db);
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    employerId = firm.id;
    employer = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId });
    for (let i = 0; i < 3; i++) postingIds.push((await makePosting(t.db, { employerId, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30) })).id);
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    for (let i = 0; i < 25; i++) seekers.push((await makePerson(t, { institutionId: school.id, degreeLevel: "BACHELOR" })).id);
    // A poverty labourer of 40, not a graduate: outside a key-group fair's audience.
    outsider = (await makePerson(t, { institutionId: null, birthDate: "1985-01-01", registeredPoverty: true })).id;
  });
  afterAll(() => t.close());

  it("an organiser creates and opens a fair; an employer brings a booth and sessions; bad ones are refused, writing nothing", async () => {
    const created = await t.gql<{ createJobFair: { id: string; status: string; organiserRegionCode: string } }>(
      CREATE,
      { i: { title: "2020年福州市高校毕业生网络招聘会", kind: "CAMPUS", startsAt: hours(-1), endsAt: hours(240), audience: { populations: ["KEY_GROUP_GRADUATE"] } } },
      { token: fuzhou },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createJobFair).toMatchObject({ status: "DRAFT", organiserRegionCode: "350100" });
    fairId = created.data!.createJobFair.id;
    for (const [input, code] of [
      [{ title: "x", kind: "CAMPUS", startsAt: hours(5), endsAt: hours(1) }, "BAD_USER_INPUT"],
      [{ title: "x", kind: "CAMPUS", startsAt: hours(1), endsAt: hours(24 * 70) }, "BAD_USER_INPUT"],
      [{ title: "x", kind: "CAMPUS", startsAt: hours(1), endsAt: hours(5), audience: { categoryCodes: ["NOPE"] } }, "BAD_USER_INPUT"],
    ] as const) {
      expect(codeOf(await t.gql(CREATE, { i: input }, { token: fuzhou })), JSON.stringify(input)).toBe(code);
    }
    expect(codeOf(await t.gql(STATUS, { id: fairId, s: "OPEN" }, { token: xiamen }))).toBe("NOT_FOUND"); // someone else's draft
    expect(codeOf(await t.gql(STATUS, { id: fairId, s: "LIVE" }, { token: fuzhou }))).toBe("BAD_USER_INPUT"); // DRAFT → LIVE skips registration
    expect((await t.gql(STATUS, { id: fairId, s: "OPEN" }, { token: fuzhou })).data).toEqual({ setJobFairStatus: { status: "OPEN" } });

    expect(codeOf(await t.gql(SESSION, { i: { fairId, kind: "INTERVIEW", title: "面试", startsAt: hours(2), endsAt: hours(3) } }, { token: employer }))).toBe("FORBIDDEN"); // no booth yet
    const booth = await t.gql<{ registerBooth: { postingIds: string[] } }>(BOOTH, { f: fairId, p: postingIds }, { token: employer });
    expect(booth.data?.registerBooth.postingIds).toHaveLength(3);
    const before = await counts();
    expect(codeOf(await t.gql(SESSION, { i: { fairId, kind: "INTERVIEW", title: "面试", startsAt: hours(-3), endsAt: hours(-2) } }, { token: employer }))).toBe("BAD_USER_INPUT"); // outside the window
    expect(codeOf(await t.gql(SESSION, { i: { fairId, kind: "GROUP", title: "小组", startsAt: hours(2), endsAt: hours(3) } }, { token: employer }))).toBe("BAD_USER_INPUT"); // GROUP needs a capacity
    expect(codeOf(await t.gql(SESSION, { i: { fairId, kind: "INTERVIEW", title: "面试", startsAt: hours(2), endsAt: hours(3), capacity: 3 } }, { token: employer }))).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);
  });

  it("registration follows the audience (the organiser may invite); 20 people race for one interview slot: exactly one seat; no overlapping bookings for a person", async () => {
    for (const p of seekers) expect(codeOf(await t.gql(REGISTER, { f: fairId, p }, { token: fuzhou }))).toBeUndefined();
    const before = await counts();
    expect(codeOf(await t.gql(REGISTER, { f: fairId, p: outsider }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(REGISTER, { f: fairId, p: seekers[0] }, { token: fuzhou }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(REGISTER, { f: fairId, p: outsider, inv: true }, { token: xiamen }))).toBe("NOT_FOUND"); // not in their scope
    expect(await counts()).toEqual(before);
    expect((await t.gql(REGISTER, { f: fairId, p: outsider, inv: true }, { token: fuzhou })).data).toEqual({ registerForFair: { invited: true } });

    const slot = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "INTERVIEW", title: "一对一面试", startsAt: hours(4), endsAt: hours(4.25) } }, { token: employer })).data!.addFairSession.id;
    // One employer's sessions never overlap.
    expect(codeOf(await t.gql(SESSION, { i: { fairId, kind: "INTERVIEW", title: "重叠", startsAt: hours(4.1), endsAt: hours(4.3) } }, { token: employer }))).toBe("CONFLICT");
    const results = await Promise.all(seekers.slice(0, 20).map((p) => t.gql(BOOK, { s: slot, p, post: postingIds[0] }, { token: fuzhou })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === "CONFLICT")).toHaveLength(19);
    const [seat] = await queryRows<{ booked: number; live: number }>(t.db, sql`select booked, (select count(*) from fair_bookings where session_id = ${slot} and status <> 'CANCELLED')::int as live from fair_sessions where id = ${slot}`);
    expect(seat).toEqual({ booked: 1, live: 1 });

    // A group session at the same time: the one who holds the slot may not book it too.
    const group = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "GROUP", employerId, title: "群面", startsAt: hours(4.2), endsAt: hours(5), capacity: 10 } }, { token: fuzhou })).data;
    expect(group).toBeNull(); // the employer's own interview slot overlaps it
    const otherFirm = await makeEmployer(t.db, { regionCode: "350102" });
    const groupId = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "GROUP", employerId: otherFirm.id, title: "群面", startsAt: hours(4.2), endsAt: hours(5), capacity: 10 } }, { token: fuzhou })).data!.addFairSession.id;
    const holder = (await queryRows<{ person_id: string }>(t.db, sql`select person_id from fair_bookings where session_id = ${slot} and status = 'BOOKED'`))[0]!.person_id;
    const before2 = await counts();
    expect(codeOf(await t.gql(BOOK, { s: groupId, p: holder }, { token: fuzhou }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(BOOK, { s: slot, p: seekers[21] }, { token: fuzhou }))).toBe("BAD_USER_INPUT"); // an interview names its posting
    expect(codeOf(await t.gql(BOOK, { s: groupId, p: (await makePerson(t, { institutionId: null })).id }, { token: fuzhou }))).toBe("BAD_USER_INPUT"); // not registered
    expect((await counts()).bk).toBe(before2.bk);
  });

  it("a posting that closes leaves the booth and cannot be booked; cancelling frees the seat; check-in, outcomes and referrals; a closed fair changes no more", async () => {
    const slotA = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "INTERVIEW", title: "面试A", startsAt: hours(6), endsAt: hours(6.25) } }, { token: employer })).data!.addFairSession.id;
    const slotB = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "INTERVIEW", title: "面试B", startsAt: hours(7), endsAt: hours(7.25) } }, { token: employer })).data!.addFairSession.id;
    expect((await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: postingIds[2] }, { token: employer })).errors).toBeUndefined();
    const [left] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from fair_booth_postings where posting_id = ${postingIds[2]}`);
    expect(left!.n).toBe(0);
    expect(codeOf(await t.gql(BOOK, { s: slotA, p: seekers[22], post: postingIds[2] }, { token: fuzhou }))).toBe("BAD_USER_INPUT");

    const booked = await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slotA, p: seekers[22], post: postingIds[1] }, { token: fuzhou });
    const bookingId = booked.data!.bookInterview.id;
    expect(codeOf(await t.gql(BOOK, { s: slotA, p: seekers[23], post: postingIds[1] }, { token: fuzhou }))).toBe("CONFLICT"); // taken
    const cancel = await t.gql<{ cancelBooking: { status: string } }>(`mutation($id: ID!) { cancelBooking(bookingId: $id) { status } }`, { id: bookingId }, { token: fuzhou });
    expect(cancel.data?.cancelBooking.status).toBe("CANCELLED");
    const rebooked = await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slotA, p: seekers[23], post: postingIds[1] }, { token: fuzhou });
    expect(rebooked.errors).toBeUndefined();
    const b2 = (await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slotB, p: seekers[24], post: postingIds[1] }, { token: fuzhou })).data!.bookInterview.id;

    const CHECKIN = `mutation($s: ID!, $p: ID!) { checkIn(sessionId: $s, personId: $p) { status } }`;
    expect(codeOf(await t.gql(CHECKIN, { s: slotA, p: seekers[23] }, { token: employer }))).toBe("CONFLICT"); // the fair is not live yet
    expect((await t.gql(STATUS, { id: fairId, s: "LIVE" }, { token: fuzhou })).errors).toBeUndefined();
    const stranger = (await makePerson(t, { institutionId: null })).id;
    expect(codeOf(await t.gql(CHECKIN, { s: slotA, p: stranger }, { token: employer }))).toBe("BAD_USER_INPUT"); // not registered
    expect((await t.gql(CHECKIN, { s: slotA, p: seekers[23] }, { token: employer })).data).toEqual({ checkIn: { status: "CHECKED_IN" } });
    expect((await t.gql(`mutation($s: ID!) { startSession(sessionId: $s) { status } }`, { s: slotA }, { token: employer })).data).toEqual({ startSession: { status: "LIVE" } });

    // Outcomes create and advance the person's referral (source JOB_FAIR), which counts toward the minimum.
    const OUTCOME = `mutation($b: ID!, $o: FairOutcome!) { recordFairOutcome(bookingId: $b, outcome: $o) { outcome } }`;
    const PROGRESS = `query($id: ID!) { person(id: $id) { employmentStatus referralProgress { counted } referrals { status source posting { id } } } }`;
    const rebookedId = rebooked.data!.bookInterview.id;
    expect(codeOf(await t.gql(OUTCOME, { b: rebookedId, o: "NO_SHOW" }, { token: employer }))).toBe("CONFLICT"); // checked in
    expect(codeOf(await t.gql(OUTCOME, { b: rebookedId, o: "INTERVIEWED" }, { token: employer }))).toBe("CONFLICT"); // the person has not applied
    const seeker23 = await t.token({ sub: "seeker23", role: Role.SEEKER, personId: seekers[23]! });
    expect((await t.gql(OUTCOME, { b: rebookedId, o: "APPLIED" }, { token: seeker23 })).data).toEqual({ recordFairOutcome: { outcome: "APPLIED" } });
    expect((await t.gql(OUTCOME, { b: rebookedId, o: "INTERVIEWED" }, { token: employer })).data).toEqual({ recordFairOutcome: { outcome: "INTERVIEWED" } });
    let view = (await t.gql<View>(PROGRESS, { id: seekers[23] }, { token: fuzhou })).data!.person;
    expect(view.referrals).toEqual([{ status: "INTERVIEWED", source: "JOB_FAIR", posting: { id: postingIds[1] } }]);
    expect(view.referralProgress.map((p) => p.counted)).toEqual([1]);
    expect(codeOf(await t.gql(OUTCOME, { b: rebookedId, o: "APPLIED" }, { token: employer }))).toBe("FORBIDDEN"); // the person applies, not the employer
    expect(codeOf(await t.gql(OUTCOME, { b: rebookedId, o: "APPLIED" }, { token: seeker23 }))).toBe("CONFLICT"); // once, never backwards
    expect((await t.gql(OUTCOME, { b: rebookedId, o: "HIRED" }, { token: employer })).errors).toBeUndefined();
    // HIRED again is refused: each outcome once per booking (one employment entry).
    expect(codeOf(await t.gql(OUTCOME, { b: rebookedId, o: "HIRED" }, { token: employer }))).toBe("CONFLICT");
    const [jobs] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from employment_history where person_id = ${seekers[23]} and status = 'EMPLOYED'`);
    expect(jobs!.n).toBe(1);
    // Employers are not told who booked; a booking with an outcome, or in a session that has begun, cannot be cancelled.
    expect((await t.gql(`mutation($s: ID!) { startSession(sessionId: $s) { status } }`, { s: slotB }, { token: employer })).errors).toBeUndefined();
    await t.gql(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: slotB }, { token: employer });
    const asEmployer = await t.gql<{ recordFairOutcome: { outcome: string; personId: string | null } }>(`mutation($b: ID!) { recordFairOutcome(bookingId: $b, outcome: NO_SHOW) { outcome personId } }`, { b: b2 }, { token: employer });
    expect(asEmployer.data!.recordFairOutcome).toEqual({ outcome: "NO_SHOW", personId: null });
    expect(codeOf(await t.gql(`mutation($id: ID!) { cancelBooking(bookingId: $id) { status } }`, { id: rebookedId }, { token: fuzhou }))).toBe("CONFLICT");
    view = (await t.gql<View>(PROGRESS, { id: seekers[23] }, { token: fuzhou })).data!.person;
    expect(view.employmentStatus).toBe("EMPLOYED");
    expect(view.referrals[0]!.status).toBe("HIRED");
    expect(codeOf(await t.gql(OUTCOME, { b: b2, o: "HIRED" }, { token: await t.token({ sub: "other", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id }) }))).toBe("NOT_FOUND");

    expect((await t.gql(STATUS, { id: fairId, s: "CLOSED" }, { token: fuzhou })).errors).toBeUndefined();
    const before = await counts();
    expect(codeOf(await t.gql(STATUS, { id: fairId, s: "OPEN" }, { token: fuzhou }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(SESSION, { i: { fairId, kind: "GROUP", title: "晚到", startsAt: hours(8), endsAt: hours(9), capacity: 5 } }, { token: fuzhou }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(BOOTH, { f: fairId, p: postingIds.slice(0, 1) }, { token: employer }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(REGISTER, { f: fairId, p: seekers[0] }, { token: fuzhou }))).toBe("CONFLICT");
    expect(await counts()).toEqual(before);
  });

  it("closing a fair calls off what has not begun and frees those times; an outcome for a closed posting makes no new referral; drafts are not public", async () => {
    const make = async (title: string) => {
      const id = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title, kind: "SPRING_BREEZE", startsAt: hours(-1), endsAt: hours(200) } }, { token: fuzhou })).data!.createJobFair.id;
      return id;
    };
    const first = await make("春风行动专场一");
    expect((await t.gql<{ jobFair: unknown }>(`query($id: ID!) { jobFair(id: $id) { id } }`, { id: first })).data!.jobFair).toBeNull(); // a draft, anonymous
    await t.gql(STATUS, { id: first, s: "OPEN" }, { token: fuzhou });
    expect((await t.gql<{ jobFair: { id: string } }>(`query($id: ID!) { jobFair(id: $id) { id } }`, { id: first })).data!.jobFair).toEqual({ id: first });
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const firmToken = await t.token({ sub: "firm2", role: Role.EMPLOYER, employerId: firm.id });
    const posting = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30) })).id;
    await t.gql(BOOTH, { f: first, p: [posting] }, { token: firmToken });
    const slot = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: first, kind: "INTERVIEW", title: "面试", startsAt: hours(50), endsAt: hours(50.25) } }, { token: firmToken })).data!.addFairSession.id;
    const person = seekers[10]!;
    await t.gql(REGISTER, { f: first, p: person }, { token: fuzhou });
    expect((await t.gql(BOOK, { s: slot, p: person, post: posting }, { token: fuzhou })).errors).toBeUndefined();
    expect((await t.gql(STATUS, { id: first, s: "CLOSED" }, { token: fuzhou })).errors).toBeUndefined();
    const [after] = await queryRows<{ session: string; booked: number; booking: string }>(
      t.db,
      sql`select s.status::text as session, s.booked, (select b.status::text from fair_bookings b where b.session_id = s.id) as booking from fair_sessions s where s.id = ${slot}`,
    );
    expect(after).toEqual({ session: "CANCELLED", booked: 0, booking: "CANCELLED" });
    // The same time at another fair: the employer may hold a session and the person book it.
    const second = await make("春风行动专场二");
    await t.gql(STATUS, { id: second, s: "OPEN" }, { token: fuzhou });
    await t.gql(BOOTH, { f: second, p: [posting] }, { token: firmToken });
    const again = await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: second, kind: "INTERVIEW", title: "面试", startsAt: hours(50), endsAt: hours(50.25) } }, { token: firmToken });
    expect(again.errors).toBeUndefined();
    await t.gql(REGISTER, { f: second, p: person }, { token: fuzhou });
    const booking = await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: again.data!.addFairSession.id, p: person, post: posting }, { token: fuzhou });
    expect(booking.errors).toBeUndefined();
    // The person checks in, the session starts, the posting closes before they apply: no new referral, CONFLICT, nothing written.
    await t.gql(STATUS, { id: second, s: "LIVE" }, { token: fuzhou });
    expect((await t.gql(`mutation($s: ID!, $p: ID!) { checkIn(sessionId: $s, personId: $p) { status } }`, { s: again.data!.addFairSession.id, p: person }, { token: firmToken })).errors).toBeUndefined();
    expect((await t.gql(`mutation($s: ID!) { startSession(sessionId: $s) { status } }`, { s: again.data!.addFairSession.id }, { token: firmToken })).errors).toBeUndefined();
    await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: posting }, { token: firmToken });
    const before = await counts();
    const seekerToken = await t.token({ sub: "seeker10", role: Role.SEEKER, personId: person });
    expect(codeOf(await t.gql(`mutation($b: ID!) { recordFairOutcome(bookingId: $b, outcome: APPLIED) { outcome } }`, { b: booking.data!.bookInterview.id }, { token: seekerToken }))).toBe("CONFLICT");
    expect(await counts()).toEqual(before);
  });
});
