import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { days, makeEmployer, makeInstitution, makePosting, openCampaignWindow, personDraft } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 15, findings 1, 7 and 8: the online job fairs, attacked with the roles' own tokens.
 */

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
const CREATE = `mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`;
const STATUS = `mutation($id: ID!, $s: FairStatus!) { setJobFairStatus(id: $id, status: $s) { status } }`;
const SESSION = `mutation($i: AddFairSessionInput!) { addFairSession(input: $i) { id } }`;
const BOOTH = `mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`;
const REGISTER = `mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p) { invited } }`;
const BOOK = `mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`;
const CHECKIN = `mutation($s: ID!, $p: ID!) { checkIn(sessionId: $s, personId: $p) { status } }`;
const START = `mutation($s: ID!) { startSession(sessionId: $s) { status } }`;
const OUTCOME = `mutation($b: ID!, $o: FairOutcome!) { recordFairOutcome(bookingId: $b, outcome: $o) { outcome } }`;
const BOOKINGS = `query($f: ID!, $p: ID) { jobFair(id: $f) { bookings(personId: $p, first: 10) { totalCount edges { node { id } } } } }`;
const CANDIDATES = `query($id: ID!) { posting(id: $id) { referrals { status candidate { name degreeLevel major } } } }`;

describe("red team: online job fairs (issue 15)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let employer: string;
  let employerId: string;
  let posting: string;
  let school: string;

  const registerPerson = async () =>
    (
      await t.gql<{ registerPerson: { person: { id: string } } }>(
        `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } } }`,
        { i: { ...personDraft(), institutionId: school, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01", degreeLevel: "BACHELOR" } },
        { token: fuzhou },
      )
    ).data!.registerPerson.person.id;
  const ledger = async (personId: string) =>
    (
      await queryRows<{ status: string; jobs: number; referrals: number }>(
        t.db,
        sql`select employment_status::text as status, (select count(*) from employment_history h where h.person_id = p.id and h.status = 'EMPLOYED')::int as jobs,
                   (select count(*) from referrals r where r.person_id = p.id)::int as referrals from people p where p.id = ${personId}`,
      )
    )[0]!;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    await openCampaignWindow(t.db);
    employerId = (await makeEmployer(t.db, { regionCode: "350102" })).id;
    employer = await t.token({ sub: "emp-attacker", role: Role.EMPLOYER, employerId });
    posting = (await makePosting(t.db, { employerId, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30) })).id;
    school = (await makeInstitution(t.db, { regionCode: "350102" })).id;
  });
  afterAll(() => t.close());

  it("1 (high): an employer cannot identify a person or write false employment through fair outcomes", async () => {
    const fair = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "网络招聘会", kind: "CAMPUS", startsAt: hours(-1), endsAt: hours(240), audience: { populations: ["KEY_GROUP_GRADUATE"] } } }, { token: fuzhou })).data!
      .createJobFair.id;
    await t.gql(STATUS, { id: fair, s: "OPEN" }, { token: fuzhou });
    expect(codeOf(await t.gql(BOOTH, { f: fair, p: [posting] }, { token: employer }))).toBeUndefined();
    const slot = async (h: number) => (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: fair, kind: "INTERVIEW", title: "面试", startsAt: hours(h), endsAt: hours(h + 0.25) } }, { token: employer })).data!.addFairSession.id;
    const [slotA, slotB] = [await slot(2), await slot(3)];
    const [victim, absent] = [await registerPerson(), await registerPerson()];
    const victimToken = await t.token({ sub: "victim", role: Role.SEEKER, personId: victim });
    const absentToken = await t.token({ sub: "absent", role: Role.SEEKER, personId: absent });
    for (const p of [victim, absent]) await t.gql(REGISTER, { f: fair, p }, { token: fuzhou });
    const bookingA = (await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slotA, p: victim, post: posting }, { token: fuzhou })).data!.bookInterview.id;
    const bookingB = (await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slotB, p: absent, post: posting }, { token: fuzhou })).data!.bookInterview.id;

    // The attack as reported: the fair only OPEN, the employer reads its sessions' booking ids…
    const seen = (await t.gql<{ jobFair: { bookings: { edges: { node: { id: string } }[] } } }>(BOOKINGS, { f: fair }, { token: employer })).data!.jobFair.bookings.edges.map((e) => e.node.id);
    expect(seen.sort()).toEqual([bookingA, bookingB].sort());
    // …and says the person applied: employers never produce APPLIED.
    expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o: "APPLIED" }, { token: employer }))).toBe("FORBIDDEN");
    // No outcome before the session started and the person checked in.
    for (const o of ["HIRED", "INTERVIEWED", "OFFERED", "NO_SHOW"]) expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o }, { token: employer })), o).toBe("CONFLICT");
    expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o: "APPLIED" }, { token: victimToken }))).toBe("CONFLICT"); // not the seeker either, yet
    // Nothing was written: no referral, no employment, no name for the employer.
    expect(await ledger(victim)).toEqual({ status: "UNEMPLOYED", jobs: 0, referrals: 0 });
    expect((await t.gql<{ posting: { referrals: unknown[] } }>(CANDIDATES, { id: posting }, { token: employer })).data!.posting.referrals).toEqual([]);

    // The fair goes live, the victim is checked in (the employer may do so), the session starts.
    await t.gql(STATUS, { id: fair, s: "LIVE" }, { token: fuzhou });
    expect(codeOf(await t.gql(CHECKIN, { s: slotA, p: victim }, { token: employer }))).toBeUndefined();
    for (const s of [slotA, slotB]) expect(codeOf(await t.gql(START, { s }, { token: employer }))).toBeUndefined();
    // Still the employer cannot say the person applied, nor skip to the later stages before they did.
    expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o: "APPLIED" }, { token: employer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o: "HIRED" }, { token: employer }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o: "INTERVIEWED" }, { token: employer }))).toBe("CONFLICT");
    expect(await ledger(victim)).toEqual({ status: "UNEMPLOYED", jobs: 0, referrals: 0 });
    expect((await t.gql<{ posting: { referrals: unknown[] } }>(CANDIDATES, { id: posting }, { token: employer })).data!.posting.referrals).toEqual([]);

    // The person applies: now, and only now, the employer learns who they are.
    expect((await t.gql(OUTCOME, { b: bookingA, o: "APPLIED" }, { token: victimToken })).data).toEqual({ recordFairOutcome: { outcome: "APPLIED" } });
    expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o: "APPLIED" }, { token: victimToken }))).toBe("CONFLICT"); // once per booking
    const candidates = (await t.gql<{ posting: { referrals: { status: string; candidate: { name: string } }[] } }>(CANDIDATES, { id: posting }, { token: employer })).data!.posting.referrals;
    expect(candidates.map((r) => r.status)).toEqual(["APPLIED"]);
    expect((await t.gql(OUTCOME, { b: bookingA, o: "INTERVIEWED" }, { token: employer })).errors).toBeUndefined();
    expect((await t.gql(OUTCOME, { b: bookingA, o: "HIRED" }, { token: employer })).errors).toBeUndefined();
    // Each outcome once; NO_SHOW after HIRED is refused; nothing goes back.
    for (const o of ["HIRED", "NO_SHOW", "OFFERED", "APPLIED"]) expect(codeOf(await t.gql(OUTCOME, { b: bookingA, o }, { token: o === "APPLIED" ? victimToken : employer })), o).toBe("CONFLICT");
    expect(await ledger(victim)).toEqual({ status: "EMPLOYED", jobs: 1, referrals: 1 });
    const trail = await queryRows<{ outcome: string; by: string }>(t.db, sql`select outcome, "by" from fair_outcome_events where booking_id = ${bookingA} order by at, id`);
    expect(trail).toEqual([
      { outcome: "APPLIED", by: "seeker:victim" },
      { outcome: "INTERVIEWED", by: "employer:emp-attacker" },
      { outcome: "HIRED", by: "employer:emp-attacker" },
    ]);
    expect((await queryRows<{ outcome: string }>(t.db, sql`select outcome from fair_bookings where id = ${bookingA}`))[0]!.outcome).toBe("HIRED");

    // A no-show only once the session is over (while it runs the person may still come: an employer cannot shut them out)…
    expect(codeOf(await t.gql(OUTCOME, { b: bookingB, o: "NO_SHOW" }, { token: employer }))).toBe("CONFLICT");
    await t.gql(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: slotB }, { token: employer });
    // …and it excludes every later outcome, and a check-in after it.
    expect((await t.gql(OUTCOME, { b: bookingB, o: "NO_SHOW" }, { token: employer })).errors).toBeUndefined();
    expect(codeOf(await t.gql(CHECKIN, { s: slotB, p: absent }, { token: fuzhou }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(OUTCOME, { b: bookingB, o: "APPLIED" }, { token: absentToken }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(OUTCOME, { b: bookingB, o: "HIRED" }, { token: employer }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(OUTCOME, { b: bookingB, o: "HIRED" }, { token: fuzhou }))).toBe("CONFLICT");
    expect(await ledger(absent)).toEqual({ status: "UNEMPLOYED", jobs: 0, referrals: 0 });

    // However a referral got there, a step the employer recorded itself does not hand it the name:
    // only the person's applying (or a step by someone acting for them) does.
    const other = await registerPerson();
    const referralId = (await t.gql<{ recommendPostings: { referral: { id: string } }[] }>(
      `mutation($p: ID!, $ids: [ID!]!) { recommendPostings(personId: $p, postingIds: $ids) { referral { id } } }`,
      { p: other, ids: [posting] },
      { token: fuzhou },
    )).data!.recommendPostings[0]!.referral.id;
    await t.db.execute(sql`update referrals set status = 'INTERVIEWED' where id = ${referralId}`);
    await t.db.execute(sql`insert into referral_events (id, referral_id, from_status, to_status, "by") values (gen_random_uuid(), ${referralId}, 'RECOMMENDED', 'INTERVIEWED', 'employer:emp-attacker')`);
    const names = (await t.gql<{ posting: { referrals: { status: string }[] } }>(CANDIDATES, { id: posting }, { token: employer })).data!.posting.referrals;
    expect(names.map((r) => r.status)).toEqual(["HIRED"]); // the victim's, who applied; not the other's
    expect(codeOf(await t.gql(`mutation($r: ID!) { updateReferralStatus(referralId: $r, status: OFFERED) { candidate { name } } }`, { r: referralId }, { token: employer }))).toBe("NOT_FOUND");
  });

  it("7 (low): a draft fair is NOT_FOUND to all but its organisers, and an employer cannot test who booked", async () => {
    const draft = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "草稿招聘会", kind: "OTHER", startsAt: hours(-1), endsAt: hours(100) } }, { token: fuzhou })).data!.createJobFair.id;
    const random = "0190a0b0-0000-7000-8000-00000000dead";
    const session = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: draft, kind: "INTERVIEW", employerId, title: "面试", startsAt: hours(5), endsAt: hours(5.25) } }, { token: fuzhou })).data!.addFairSession.id;
    const person = await registerPerson();
    const seeker = await t.token({ sub: "draft-seeker", role: Role.SEEKER, personId: person });
    const before = await queryRows(t.db, sql`select (select count(*) from fair_booths)::int as booths, (select count(*) from fair_registrations)::int as regs, (select count(*) from fair_sessions)::int as sessions`);
    // Each probe: the draft answers exactly as an id that does not exist.
    for (const [what, query, vars, token] of [
      ["setJobFairStatus", STATUS, (f: string) => ({ id: f, s: "OPEN" }), xiamen],
      ["registerBooth", BOOTH, (f: string) => ({ f, p: [posting] }), employer],
      ["registerForFair (seeker)", REGISTER, (f: string) => ({ f, p: person }), seeker],
      ["registerForFair (caseworker)", REGISTER, (f: string) => ({ f, p: person }), xiamen],
      ["addFairSession", SESSION, (f: string) => ({ i: { fairId: f, kind: "GROUP", title: "x", startsAt: hours(6), endsAt: hours(7), capacity: 5 } }), xiamen],
      ["jobFair", `query($f: ID!) { jobFair(id: $f) { id } }`, (f: string) => ({ f }), employer],
    ] as const) {
      const [onDraft, onNothing] = [await t.gql(query, vars(draft), { token }), await t.gql(query, vars(random), { token })];
      expect([codeOf(onDraft), onDraft.data], what).toEqual([codeOf(onNothing), onNothing.data]);
    }
    // The draft's session, to the employer it was added for and to a seeker: NOT_FOUND.
    expect(codeOf(await t.gql(START, { s: session }, { token: employer }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(CHECKIN, { s: session, p: person }, { token: employer }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(BOOK, { s: session, p: person, post: posting }, { token: seeker }))).toBe("NOT_FOUND");
    expect(await queryRows(t.db, sql`select (select count(*) from fair_booths)::int as booths, (select count(*) from fair_registrations)::int as regs, (select count(*) from fair_sessions)::int as sessions`)).toEqual(before);
    // The organiser still hears why.
    expect(codeOf(await t.gql(REGISTER, { f: draft, p: person }, { token: fuzhou }))).toBe("CONFLICT");

    // bookings(personId:) is refused to employers whoever is named: a booked person and a stranger look the same.
    const fair = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "公开招聘会", kind: "OTHER", startsAt: hours(-1), endsAt: hours(100) } }, { token: fuzhou })).data!.createJobFair.id;
    await t.gql(STATUS, { id: fair, s: "OPEN" }, { token: fuzhou });
    await t.gql(BOOTH, { f: fair, p: [posting] }, { token: employer });
    const slot = (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: fair, kind: "INTERVIEW", title: "面试", startsAt: hours(8), endsAt: hours(8.25) } }, { token: employer })).data!.addFairSession.id;
    await t.gql(REGISTER, { f: fair, p: person }, { token: fuzhou });
    expect(codeOf(await t.gql(BOOK, { s: slot, p: person, post: posting }, { token: fuzhou }))).toBeUndefined();
    const stranger = await registerPerson();
    const [booked, notBooked] = [await t.gql(BOOKINGS, { f: fair, p: person }, { token: employer }), await t.gql(BOOKINGS, { f: fair, p: stranger }, { token: employer })];
    expect([codeOf(booked), codeOf(notBooked)]).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    expect(booked.data).toEqual(notBooked.data);
    // Without the filter the employer still sees its sessions' bookings (without who); the organiser may filter.
    expect((await t.gql<{ jobFair: { bookings: { totalCount: number } } }>(BOOKINGS, { f: fair }, { token: employer })).data!.jobFair.bookings.totalCount).toBe(1);
    expect((await t.gql<{ jobFair: { bookings: { totalCount: number } } }>(BOOKINGS, { f: fair, p: person }, { token: fuzhou })).data!.jobFair.bookings.totalCount).toBe(1);
  });

  it("8 (low): a fair counts towards the yearly obligation only if it went live inside its own window", async () => {
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const now = Date.now();
    // A window in this year that does not hold now: January if we are past it, else December.
    const jan = [new Date(`${year}-01-05T09:00:00+08:00`), new Date(`${year}-01-10T18:00:00+08:00`)] as const;
    const dec = [new Date(`${year}-12-20T09:00:00+08:00`), new Date(`${year}-12-25T18:00:00+08:00`)] as const;
    const [startsAt, endsAt] = now > jan[1].getTime() + 86_400_000 ? jan : dec;
    const hold = async (window: readonly [string, string]) => {
      const institution = (await makeInstitution(t.db, { regionCode: "350102" })).id;
      const token = await t.token({ sub: `cw-cov-${institution.slice(-6)}`, role: Role.CASEWORKER, institutionId: institution });
      const id = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "重点群体专场", kind: "CAMPUS", startsAt: window[0], endsAt: window[1], audience: { populations: ["KEY_GROUP_GRADUATE"] } } }, { token })).data!.createJobFair.id;
      for (const s of ["OPEN", "LIVE", "CLOSED"]) expect(codeOf(await t.gql(STATUS, { id, s }, { token })), s).toBeUndefined();
      return institution;
    };
    const retroactive = await hold([startsAt.toISOString(), endsAt.toISOString()]);
    const held = await hold([hours(-1), hours(5)]);
    const coverage = (await t.gql<{ fairCoverage: { institutionsWithout: { id: string }[] } }>(`query($y: Int!) { fairCoverage(year: $y) { institutionsWithout { id } } }`, { y: year }, { token: admin })).data!.fairCoverage;
    const without = coverage.institutionsWithout.map((i) => i.id);
    expect(without).toContain(retroactive);
    expect(without).not.toContain(held);
  });

  it("1 (high), the honest flow kept: a caseworker records APPLIED for a person without an account, and a referral already further along stays", async () => {
    const fair = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: "代为申请", kind: "CAMPUS", startsAt: hours(-1), endsAt: hours(240), audience: { populations: ["KEY_GROUP_GRADUATE"] } } }, { token: fuzhou })).data!
      .createJobFair.id;
    await t.gql(STATUS, { id: fair, s: "OPEN" }, { token: fuzhou });
    const other = (await makePosting(t.db, { employerId, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30) })).id;
    expect(codeOf(await t.gql(BOOTH, { f: fair, p: [posting, other] }, { token: employer }))).toBeUndefined();
    const slotAt = async (h: number) => (await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId: fair, kind: "INTERVIEW", title: "面试", startsAt: hours(h), endsAt: hours(h + 0.25) } }, { token: employer })).data!.addFairSession.id;
    // Hours no other test here gives this employer: one employer's sessions never overlap.
    const [slot, slot2] = [await slotAt(12), await slotAt(13)];
    const [noAccount, further] = [await registerPerson(), await registerPerson()];
    for (const p of [noAccount, further]) await t.gql(REGISTER, { f: fair, p }, { token: fuzhou });
    // `further` was already interviewed for `other` before the fair.
    const recommended = await t.gql<{ recommendPostings: { referral: { id: string } | null }[] }>(`mutation($p: ID!, $post: [ID!]!) { recommendPostings(personId: $p, postingIds: $post) { referral { id } } }`, { p: further, post: [other] }, { token: fuzhou });
    const referral = recommended.data!.recommendPostings[0]!.referral!.id;
    for (const status of ["APPLIED", "INTERVIEWED"]) expect(codeOf(await t.gql(`mutation($id: ID!, $s: ReferralStatus!) { updateReferralStatus(referralId: $id, status: $s) { status } }`, { id: referral, s: status }, { token: fuzhou }))).toBeUndefined();
    const bookA = (await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slot, p: noAccount, post: posting }, { token: fuzhou })).data!.bookInterview.id;
    const bookB = (await t.gql<{ bookInterview: { id: string } }>(BOOK, { s: slot2, p: further, post: other }, { token: fuzhou })).data!.bookInterview.id;
    await t.gql(STATUS, { id: fair, s: "LIVE" }, { token: fuzhou });
    for (const [s, p] of [[slot, noAccount], [slot2, further]] as const) {
      await t.gql(START, { s }, { token: employer });
      expect(codeOf(await t.gql(CHECKIN, { s, p }, { token: fuzhou }))).toBeUndefined();
    }
    // The caseworker of the person's region records APPLIED for them; the employer takes it from there.
    expect(codeOf(await t.gql(OUTCOME, { b: bookA, o: "APPLIED" }, { token: employer }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(OUTCOME, { b: bookA, o: "APPLIED" }, { token: xiamen }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(OUTCOME, { b: bookA, o: "APPLIED" }, { token: fuzhou }))).toBeUndefined();
    expect(codeOf(await t.gql(OUTCOME, { b: bookA, o: "INTERVIEWED" }, { token: employer }))).toBeUndefined();
    // A referral already INTERVIEWED: APPLIED at the fair joins the booking's trail, the referral stays where it is.
    expect(codeOf(await t.gql(OUTCOME, { b: bookB, o: "APPLIED" }, { token: fuzhou }))).toBeUndefined();
    const [{ status }] = (await queryRows<{ status: string }>(t.db, sql`select status::text from referrals where id = ${referral}`)) as [{ status: string }];
    expect(status).toBe("INTERVIEWED");
  });
});
