import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { days, makeEmployer, makeInstitution, makeMentor, makeMentorship, makePerson, makePosting, makeReferral, openCampaignWindow } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

const ME = `{ viewer { role personId person {
  id name idNumber phone
  referrals { posting { id } status }
  fairBookings { id sessionId status postingId }
  mentor { name phoneMasked }
  matches(first: 3) { items { posting { id } } }
} } }`;
type Me = {
  viewer: {
    role: string | null;
    personId: string | null;
    person: {
      id: string;
      name: string;
      idNumber: string;
      phone: string | null;
      referrals: { posting: { id: string }; status: string }[];
      fairBookings: { id: string; sessionId: string; status: string; postingId: string | null }[];
      mentor: { name: string; phoneMasked: string | null } | null;
      matches: { items: { posting: { id: string } }[] };
    } | null;
  };
};

describe("the seeker's own view (viewer.person)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  let personId: string;
  let seeker: string;
  let postingId: string;
  let bookingId: string;
  let unreferred: string;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
    personId = (await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] })).id;
    seeker = await t.token({ sub: "seeker-self", role: Role.SEEKER, personId });
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    postingId = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: "会计", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    await makeReferral(t.db, personId, postingId);
    await makeMentorship(t.db, personId, (await makeMentor(t, { name: "林红娘", phone: "13912345678" })).id);
    // A fair with an interview slot, booked for the person by their caseworker.
    const fair = (await t.gql<{ createJobFair: { id: string } }>(`mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`, { i: { title: "求职者自助", kind: "OTHER", startsAt: hours(-1), endsAt: hours(100) } }, { token: tokens.fuzhou })).data!.createJobFair.id;
    expect((await t.gql(`mutation($id: ID!) { setJobFairStatus(id: $id, status: OPEN) { status } }`, { id: fair }, { token: tokens.fuzhou })).errors).toBeUndefined();
    const employer = await t.token({ sub: "firm-seeker-loop", role: Role.EMPLOYER, employerId: firm.id });
    expect((await t.gql(`mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`, { f: fair, p: [postingId] }, { token: employer })).errors).toBeUndefined();
    const slot = (await t.gql<{ addFairSession: { id: string } }>(`mutation($i: AddFairSessionInput!) { addFairSession(input: $i) { id } }`, { i: { fairId: fair, kind: "INTERVIEW", title: "面试", startsAt: hours(10), endsAt: hours(10.5) } }, { token: employer })).data!.addFairSession.id;
    expect((await t.gql(`mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p) { invited } }`, { f: fair, p: personId }, { token: tokens.fuzhou })).errors).toBeUndefined();
    bookingId = (await t.gql<{ bookInterview: { id: string } }>(`mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`, { s: slot, p: personId, post: postingId }, { token: tokens.fuzhou })).data!.bookInterview.id;
    unreferred = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: "会计助理", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  it("gives a seeker their own record — masked, with their referrals, fair bookings, mentor and matches", async () => {
    const me = await t.gql<Me>(ME, {}, { token: seeker });
    expect(me.errors).toBeUndefined();
    const { viewer } = me.data!;
    expect([viewer.role, viewer.personId, viewer.person?.id]).toEqual(["SEEKER", personId, personId]);
    expect(viewer.person!.idNumber).toMatch(/\*{4,}/); // masked unless they unmask it with a purpose
    expect(viewer.person!.referrals).toEqual([{ posting: { id: postingId }, status: "RECOMMENDED" }]);
    expect(viewer.person!.fairBookings.map((b) => [b.id, b.postingId])).toEqual([[bookingId, postingId]]);
    expect(viewer.person!.mentor).toMatchObject({ name: "林红娘", phoneMasked: "139****5678" });
    expect(viewer.person!.matches.items.map((m) => m.posting.id)).toContain(unreferred);
  });

  it("is null for anyone who is not a seeker, and a seeker sees no one else's record", async () => {
    for (const credentials of [{ token: tokens.fuzhou }, { token: tokens.admin }, {}]) {
      const answer = await t.gql<Me>(`{ viewer { personId person { id } } }`, {}, credentials);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.viewer).toEqual({ personId: null, person: null });
    }
    // Their caseworker sees the same bookings on the person; another region's sees no person at all.
    const PERSON = `query($id: ID!) { person(id: $id) { fairBookings { id } } }`;
    expect((await t.gql<{ person: { fairBookings: { id: string }[] } }>(PERSON, { id: personId }, { token: tokens.fuzhou })).data!.person.fairBookings.map((b) => b.id)).toEqual([bookingId]);
    expect((await t.gql<{ person: unknown }>(PERSON, { id: personId }, { token: tokens.xiamen })).data!.person).toBeNull();
    const other = (await makePerson(t, { institutionId: null })).id;
    expect((await t.gql<{ person: unknown }>(`query($id: ID!) { person(id: $id) { id } }`, { id: other }, { token: seeker })).data?.person ?? null).toBeNull();
  });
});

describe("applications from the portal (applyToPosting, withdrawApplication)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  let firmId: string;
  let school: string;
  const APPLY = `mutation($p: ID!, $n: String) { applyToPosting(postingId: $p, note: $n) { id source status posting { id } } }`;
  const WITHDRAW = `mutation($r: ID!) { withdrawApplication(referralId: $r) { id status } }`;
  const PROGRESS = `query($id: ID!) { person(id: $id) { referralProgress { required counted } referrals { posting { id } source status } } }`;
  type Applied = { applyToPosting: { id: string; source: string; status: string; posting: { id: string } } };
  type Progress = { person: { referralProgress: { required: number; counted: number }[]; referrals: { posting: { id: string }; source: string; status: string }[] } };

  const seekerOf = async () => {
    const id = (await makePerson(t, { institutionId: school, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] })).id;
    return { id, token: await t.token({ sub: `seeker-${id}`, role: Role.SEEKER, personId: id }) };
  };
  const posting = async (overrides: Parameters<typeof makePosting>[1] = {}) => (await makePosting(t.db, { employerId: firmId, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30), ...overrides })).id;
  const writes = async () => (await queryRows<{ n: number }>(t.db, sql`select (select count(*) from referrals)::int + (select count(*) from referral_events)::int as n`))[0]!.n;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
    await openCampaignWindow(t.db);
    firmId = (await makeEmployer(t.db, { regionCode: "350102" })).id;
    school = (await makeInstitution(t.db, { regionCode: "350102" })).id;
  });
  afterAll(() => t.close());

  it("applies to an open posting as the person's own (SELF, not counted toward the minimum), or takes up a recommendation (counted as before)", async () => {
    const me = await seekerOf();
    const [own, recommended] = [await posting(), await posting()];
    await makeReferral(t.db, me.id, recommended);
    const before = (await t.gql<Progress>(PROGRESS, { id: me.id }, { token: tokens.admin })).data!.person;
    expect(before.referralProgress[0]).toMatchObject({ required: 3, counted: 1 });
    const applied = await t.gql<Applied>(APPLY, { p: own, n: "我有三年出纳经验" }, { token: me.token });
    expect(applied.errors).toBeUndefined();
    expect(applied.data!.applyToPosting).toMatchObject({ source: "SELF", status: "APPLIED", posting: { id: own } });
    const takenUp = await t.gql<Applied>(APPLY, { p: recommended }, { token: me.token });
    expect(takenUp.data!.applyToPosting).toMatchObject({ source: "CASEWORKER", status: "APPLIED" });
    const after = (await t.gql<Progress>(PROGRESS, { id: me.id }, { token: tokens.admin })).data!.person;
    expect(after.referralProgress[0]).toMatchObject({ required: 3, counted: 1 }); // the own application does not count
    expect(after.referrals.map((r) => [r.posting.id, r.source, r.status]).sort()).toEqual([[own, "SELF", "APPLIED"], [recommended, "CASEWORKER", "APPLIED"]].sort());
    // A later recommendation of the posting they applied to is refused as CONFLICT.
    const again = await t.gql<{ recommendPostings: { error: { code: string } | null }[] }>(`mutation($p: ID!, $q: [ID!]!) { recommendPostings(personId: $p, postingIds: $q) { error { code } } }`, { p: me.id, q: [own] }, { token: tokens.admin });
    expect(again.data!.recommendPostings[0]!.error?.code).toBe("CONFLICT");
  });

  it("refuses, writing nothing: twice, a posting not open, a non-seeker, a flood of the same application at once", async () => {
    const me = await seekerOf();
    const open = await posting();
    expect((await t.gql(APPLY, { p: open }, { token: me.token })).errors).toBeUndefined();
    const refusals: [string, Record<string, unknown>, string][] = [
      ["twice", { p: open }, "CONFLICT"],
      ["closed", { p: await posting({ status: "CLOSED" }) }, "BAD_USER_INPUT"],
      ["expired", { p: await posting({ validUntil: days(-1) }) }, "BAD_USER_INPUT"],
      ["blocked", { p: await posting({ status: "BLOCKED", blockedReason: "虚假招聘" }) }, "NOT_FOUND"],
      ["draft", { p: await posting({ status: "DRAFT" }) }, "NOT_FOUND"],
      ["no such posting", { p: "01900000-0000-7000-8000-000000000001" }, "NOT_FOUND"],
      ["not an id", { p: "x" }, "BAD_USER_INPUT"],
      ["a note too long", { p: await posting(), n: "长".repeat(501) }, "BAD_USER_INPUT"],
    ];
    for (const [what, vars, code] of refusals) {
      const before = await writes();
      expect([what, codeOf(await t.gql(APPLY, vars, { token: me.token }))]).toEqual([what, code]);
      expect([what, await writes()]).toEqual([what, before]);
    }
    // Only a seeker applies, and only for themself (the token names them).
    for (const token of [tokens.fuzhou, tokens.admin, await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: firmId })]) expect(codeOf(await t.gql(APPLY, { p: open }, { token }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(APPLY, { p: open }))).toBe("UNAUTHENTICATED");
    // Ten of the same application at once: one is made, the others are CONFLICT.
    const target = await posting();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql<Applied>(APPLY, { p: target }, { token: me.token })));
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.filter((r) => codeOf(r) === "CONFLICT").length).toBe(9);
    const [pairs] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where person_id = ${me.id} and posting_id = ${target}`);
    expect(pairs!.n).toBe(1);
  });

  it("withdraws the person's own application (WITHDRAWN, not made again), and no one else's", async () => {
    const me = await seekerOf();
    const other = await seekerOf();
    const [mine, recommendedOnly] = [await posting(), await posting()];
    const id = (await t.gql<Applied>(APPLY, { p: mine }, { token: me.token })).data!.applyToPosting.id;
    const theirs = (await t.gql<Applied>(APPLY, { p: mine }, { token: other.token })).data!.applyToPosting.id;
    expect(codeOf(await t.gql(WITHDRAW, { r: theirs }, { token: me.token }))).toBe("NOT_FOUND");
    const referral = await makeReferral(t.db, me.id, recommendedOnly);
    expect(codeOf(await t.gql(WITHDRAW, { r: referral.id }, { token: me.token }))).toBe("BAD_USER_INPUT"); // recommended, not applied
    const withdrawn = await t.gql<{ withdrawApplication: { status: string } }>(WITHDRAW, { r: id }, { token: me.token });
    expect(withdrawn.data!.withdrawApplication.status).toBe("WITHDRAWN");
    expect(codeOf(await t.gql(WITHDRAW, { r: id }, { token: me.token }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(APPLY, { p: mine }, { token: me.token }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(WITHDRAW, { r: theirs }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
  });

  it("holds each person to the day's allowance, which officials set as policy data", async () => {
    const POLICY = `mutation($n: Int!) { setApplicationPolicy(maxPerDay: $n) { version maxPerDay effectiveFrom } }`;
    expect((await t.gql<{ applicationPolicy: { maxPerDay: number } }>(`{ applicationPolicy { maxPerDay } }`)).data!.applicationPolicy.maxPerDay).toBe(20);
    expect(codeOf(await t.gql(POLICY, { n: 0 }, { token: tokens.admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(POLICY, { n: 3 }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    expect((await t.gql<{ setApplicationPolicy: { maxPerDay: number } }>(POLICY, { n: 3 }, { token: tokens.admin })).data!.setApplicationPolicy.maxPerDay).toBe(3);
    const me = await seekerOf();
    for (let i = 0; i < 3; i++) expect((await t.gql(APPLY, { p: await posting() }, { token: me.token })).errors).toBeUndefined();
    const before = await writes();
    const over = await t.gql(APPLY, { p: await posting() }, { token: me.token });
    expect([codeOf(over), over.errors![0]!.extensions?.maxPerDay]).toEqual(["RATE_LIMITED", 3]);
    expect(await writes()).toBe(before);
    // Another person has their own allowance.
    expect((await t.gql(APPLY, { p: await posting() }, { token: (await seekerOf()).token })).errors).toBeUndefined();
  });
});

describe("the employer's pipeline: applicants, an interview invitation, consent to the phone, hiring", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  const APPLICANTS = `query($id: ID!) { posting(id: $id) { applicants(first: 10) { totalCount edges { node { id status appliedAt profile { name degreeLevel major skills intention { keywords } } invitation { response } phone } } } } }`;
  type Applicants = { posting: { applicants: { totalCount: number; edges: { node: { id: string; status: string; profile: { name: string }; invitation: { response: string | null } | null; phone: string | null } }[] } | null } };
  const audits = async (personId: string) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where person_id = ${personId} and 'phone' = any(fields)`))[0]!.n;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
  });
  afterAll(() => t.close());

  it("walks an application from the portal to HIRED: the employer sees no personal data until the person accepts an interview", async () => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const other = await makeEmployer(t.db, { regionCode: "350102" });
    const employer = await t.token({ sub: "hr-pipeline", role: Role.EMPLOYER, employerId: firm.id });
    const stranger = await t.token({ sub: "hr-other", role: Role.EMPLOYER, employerId: other.id });
    const postingId = await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: "出纳", minEducation: "ASSOCIATE", validUntil: days(30) }).then((p) => p.id);
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR", major: "会计学", phone: "13800138000" });
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    // The seeker asks who they are, and applies.
    expect((await t.gql<Me>(`{ viewer { personId person { id name } } }`, {}, { token: seeker })).data!.viewer.person).toMatchObject({ id: person.id });
    const application = (await t.gql<{ applyToPosting: { id: string } }>(`mutation($p: ID!) { applyToPosting(postingId: $p) { id } }`, { p: postingId }, { token: seeker })).data!.applyToPosting.id;
    // The employer sees the applicant: a name, education, skills — no phone yet; another employer sees nothing.
    const seen = (await t.gql<Applicants>(APPLICANTS, { id: postingId }, { token: employer })).data!.posting.applicants!;
    expect(seen.totalCount).toBe(1);
    expect(seen.edges[0]!.node).toMatchObject({ id: application, status: "APPLIED", profile: { name: person.name, degreeLevel: "BACHELOR", major: "会计学" }, invitation: null, phone: null });
    const refused = await t.gql<Applicants>(APPLICANTS, { id: postingId }, { token: stranger });
    expect([refused.data!.posting.applicants, codeOf(refused)]).toEqual([null, "FORBIDDEN"]);
    expect((await t.gql<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: person.id }, { token: employer })).data!.node).toBeNull();
    // Invited (once; another employer cannot), the person accepts (once): the phone is shown, one audit row per read.
    const INVITE = `mutation($a: ID!) { inviteToInterview(applicationId: $a, note: "周三上午十点，鼓楼区软件园") { invitedAt response } }`;
    expect(codeOf(await t.gql(INVITE, { a: application }, { token: stranger }))).toBe("NOT_FOUND");
    expect((await t.gql(INVITE, { a: application }, { token: employer })).errors).toBeUndefined();
    expect(codeOf(await t.gql(INVITE, { a: application }, { token: employer }))).toBe("CONFLICT");
    expect((await t.gql<Applicants>(APPLICANTS, { id: postingId }, { token: employer })).data!.posting.applicants!.edges[0]!.node).toMatchObject({ invitation: { response: null }, phone: null });
    expect(await audits(person.id)).toBe(0);
    const RESPOND = `mutation($a: ID!, $yes: Boolean!) { respondToInterview(applicationId: $a, accept: $yes) { response respondedAt } }`;
    expect(codeOf(await t.gql(RESPOND, { a: application, yes: true }, { token: await t.token({ sub: "someone", role: Role.SEEKER, personId: (await makePerson(t, { institutionId: null })).id }) }))).toBe("NOT_FOUND");
    expect((await t.gql<{ respondToInterview: { response: string } }>(RESPOND, { a: application, yes: true }, { token: seeker })).data!.respondToInterview.response).toBe("ACCEPTED");
    expect(codeOf(await t.gql(RESPOND, { a: application, yes: false }, { token: seeker }))).toBe("CONFLICT");
    const contact = (await t.gql<Applicants>(APPLICANTS, { id: postingId }, { token: employer })).data!.posting.applicants!.edges[0]!.node;
    expect(contact).toMatchObject({ invitation: { response: "ACCEPTED" }, phone: "13800138000" });
    expect(await audits(person.id)).toBe(1);
    // The seeker sees the invitation on their own referral.
    const mine = (await t.gql<{ viewer: { person: { referrals: { interviewInvitation: { response: string } | null }[] } } }>(`{ viewer { person { referrals { interviewInvitation { response } } } } }`, {}, { token: seeker })).data!.viewer.person.referrals;
    expect(mine.map((r) => r.interviewInvitation?.response)).toEqual(["ACCEPTED"]);
    // The hiring steps: forward only; HIRED writes EMPLOYED into the ledger.
    const STEP = `mutation($r: ID!, $s: ReferralStatus!) { updateReferralStatus(referralId: $r, status: $s) { status } }`;
    expect((await t.gql(STEP, { r: application, s: "OFFERED" }, { token: employer })).errors).toBeUndefined();
    expect(codeOf(await t.gql(STEP, { r: application, s: "INTERVIEWED" }, { token: employer }))).toBe("BAD_USER_INPUT");
    expect((await t.gql(STEP, { r: application, s: "HIRED" }, { token: employer })).errors).toBeUndefined();
    const ledger = await t.gql<{ person: { employmentStatus: string } }>(`query($id: ID!) { person(id: $id) { employmentStatus } }`, { id: person.id }, { token: tokens.fuzhou });
    expect(ledger.data!.person.employmentStatus).toBe("EMPLOYED");
    // All of an employer's applicants at once, as a connection.
    const all = await t.gql<{ employer: { applicants: { totalCount: number } | null } }>(`query($id: ID!) { employer(id: $id) { applicants(status: HIRED) { totalCount } } }`, { id: firm.id }, { token: employer });
    expect(all.data!.employer.applicants!.totalCount).toBe(1);
  });

  it("shows the person's note; a withdrawal takes the phone back, and an ended application's invitation cannot be accepted", async () => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const employer = await t.token({ sub: "hr-consent", role: Role.EMPLOYER, employerId: firm.id });
    const [first, second] = [await makePosting(t.db, { employerId: firm.id, regionCode: "350102", validUntil: days(30) }), await makePosting(t.db, { employerId: firm.id, regionCode: "350102", validUntil: days(30) })];
    const person = await makePerson(t, { institutionId: null, phone: "13600136000" });
    const seeker = await t.token({ sub: `seeker-consent-${person.id}`, role: Role.SEEKER, personId: person.id });
    const apply = async (postingId: string, note?: string) => (await t.gql<{ applyToPosting: { id: string } }>(`mutation($p: ID!, $n: String) { applyToPosting(postingId: $p, note: $n) { id } }`, { p: postingId, n: note ?? null }, { token: seeker })).data!.applyToPosting.id;
    const [a, b] = [await apply(first.id, "可随时到岗"), await apply(second.id)];
    for (const id of [a, b]) expect((await t.gql(`mutation($a: ID!) { inviteToInterview(applicationId: $a) { invitedAt } }`, { a: id }, { token: employer })).errors).toBeUndefined();
    const view = async (postingId: string) =>
      (await t.gql<{ posting: { applicants: { edges: { node: { note: string | null; phone: string | null } }[] } } }>(`query($id: ID!) { posting(id: $id) { applicants { edges { node { note phone } } } } }`, { id: postingId }, { token: employer })).data!.posting.applicants.edges[0]!.node;
    expect(await view(first.id)).toEqual({ note: "可随时到岗", phone: null });
    expect((await t.gql(`mutation($a: ID!) { respondToInterview(applicationId: $a, accept: true) { response } }`, { a }, { token: seeker })).errors).toBeUndefined();
    expect((await view(first.id)).phone).toBe("13600136000");
    // Withdrawn: the employer no longer gets the phone.
    expect((await t.gql(`mutation($r: ID!) { withdrawApplication(referralId: $r) { status } }`, { r: a }, { token: seeker })).errors).toBeUndefined();
    expect((await view(first.id)).phone).toBeNull();
    // An application withdrawn before the answer: its invitation can no longer be accepted.
    expect((await t.gql(`mutation($r: ID!) { withdrawApplication(referralId: $r) { status } }`, { r: b }, { token: seeker })).errors).toBeUndefined();
    expect(codeOf(await t.gql(`mutation($a: ID!) { respondToInterview(applicationId: $a, accept: true) { response } }`, { a: b }, { token: seeker }))).toBe("BAD_USER_INPUT");
    expect((await view(second.id)).phone).toBeNull();
  });

  it("refuses what the pipeline does not allow, writing nothing", async () => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const employer = await t.token({ sub: "hr-refusals", role: Role.EMPLOYER, employerId: firm.id });
    const postingId = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" });
    // Recommended but not applied: the employer does not learn of it, so it cannot invite.
    const referral = await makeReferral(t.db, person.id, postingId);
    const count = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from interview_invitations`))[0]!.n;
    const before = await count();
    expect(codeOf(await t.gql(`mutation($a: ID!) { inviteToInterview(applicationId: $a) { invitedAt } }`, { a: referral.id }, { token: employer }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(`mutation($a: ID!) { inviteToInterview(applicationId: $a) { invitedAt } }`, { a: referral.id }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(`mutation($a: ID!) { respondToInterview(applicationId: $a, accept: true) { response } }`, { a: referral.id }, { token: await t.token({ sub: "p", role: Role.SEEKER, personId: person.id }) }))).toBe("NOT_FOUND");
    expect(await count()).toBe(before);
    expect((await t.gql<Applicants>(APPLICANTS, { id: postingId }, { token: employer })).data!.posting.applicants!.totalCount).toBe(0);
  });
});

describe("employers sign up (requestEmployerRegistration)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  const SIGN_UP = `mutation($i: RegisterEmployerInput!) { requestEmployerRegistration(input: $i) { id name verified } }`;
  const code = (n: number) => syntheticCreditCode("350102", 900_000 + n);

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
  });
  afterAll(() => t.close());

  it("a company user signs up, drafts, is verified by a caseworker of its region, and publishes — with no employerId in the token", async () => {
    const user = await t.token({ sub: "idp:company-user-1", role: Role.EMPLOYER });
    expect((await t.gql<{ viewer: { employerId: string | null } }>(`{ viewer { employerId } }`, {}, { token: user })).data!.viewer.employerId).toBeNull();
    // Not linked yet: it cannot post.
    expect(codeOf(await t.gql(`mutation { createPosting(input: { title: "先发岗位", regionCode: "350102", validUntil: "2030-06-30T00:00:00Z" }) { id } }`, {}, { token: user }))).toBe("FORBIDDEN");
    const signed = await t.gql<{ requestEmployerRegistration: { id: string; verified: boolean } }>(SIGN_UP, { i: { name: "福州新注册科技有限公司", creditCode: code(1), regionCode: "350102" } }, { token: user });
    expect(signed.errors).toBeUndefined();
    const employerId = signed.data!.requestEmployerRegistration.id;
    expect(signed.data!.requestEmployerRegistration.verified).toBe(false);
    // A sign-up cannot make itself a poverty workshop (the status earns subsidies: an official records it).
    const workshop = await t.gql<{ requestEmployerRegistration: { isPovertyWorkshop: boolean } }>(`mutation($i: RegisterEmployerInput!) { requestEmployerRegistration(input: $i) { isPovertyWorkshop } }`, { i: { name: "自称扶贫车间", creditCode: code(7), regionCode: "350102", isPovertyWorkshop: true } }, { token: await t.token({ sub: "idp:company-user-7", role: Role.EMPLOYER }) });
    expect(workshop.data!.requestEmployerRegistration.isPovertyWorkshop).toBe(false);
    // The same token now acts for that employer.
    expect((await t.gql<{ viewer: { employerId: string } }>(`{ viewer { employerId } }`, {}, { token: user })).data!.viewer.employerId).toBe(employerId);
    const draft = await t.gql<{ createPosting: { id: string; status: string } }>(`mutation { createPosting(input: { title: "前端工程师", minEducation: BACHELOR, regionCode: "350102", headcount: 1, kind: REGULAR, validUntil: "2030-06-30T00:00:00Z" }) { id status } }`, {}, { token: user });
    expect(draft.data!.createPosting.status).toBe("DRAFT");
    const PUBLISH = `mutation($id: ID!) { publishPosting(id: $id) { status } }`;
    expect(codeOf(await t.gql(PUBLISH, { id: draft.data!.createPosting.id }, { token: user }))).toBe("FORBIDDEN"); // not verified yet
    expect(codeOf(await t.gql(`mutation($id: ID!) { verifyEmployer(id: $id) { verified } }`, { id: employerId }, { token: tokens.xiamen }))).toBe("FORBIDDEN");
    expect((await t.gql(`mutation($id: ID!) { verifyEmployer(id: $id) { verified } }`, { id: employerId }, { token: tokens.fuzhou })).errors).toBeUndefined();
    expect((await t.gql<{ publishPosting: { status: string } }>(PUBLISH, { id: draft.data!.createPosting.id }, { token: user })).data!.publishPosting.status).toBe("OPEN");
  });

  it("refuses a second sign-up, a credit code already registered (without saying by whom), and anyone but a company user — writing nothing", async () => {
    const user = await t.token({ sub: "idp:company-user-2", role: Role.EMPLOYER });
    expect((await t.gql(SIGN_UP, { i: { name: "厦门某公司", creditCode: code(2), regionCode: "350102" } }, { token: user })).errors).toBeUndefined();
    const count = async () => (await queryRows<{ n: number }>(t.db, sql`select (select count(*) from employers)::int + (select count(*) from employer_accounts)::int as n`))[0]!.n;
    const before = await count();
    expect(codeOf(await t.gql(SIGN_UP, { i: { name: "又一家", creditCode: code(3), regionCode: "350102" } }, { token: user }))).toBe("CONFLICT");
    const taken = await t.gql(SIGN_UP, { i: { name: "冒名公司", creditCode: code(2), regionCode: "350102" } }, { token: await t.token({ sub: "idp:company-user-3", role: Role.EMPLOYER }) });
    expect(codeOf(taken)).toBe("CONFLICT");
    expect(taken.errors![0]!.extensions?.id).toBeUndefined();
    expect(codeOf(await t.gql(SIGN_UP, { i: { name: "有单位的", creditCode: code(4), regionCode: "350102" } }, { token: await t.token({ sub: "hr", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id }) }))).toBe("CONFLICT");
    const afterOwn = await count();
    expect(codeOf(await t.gql(SIGN_UP, { i: { name: "经办人代填", creditCode: code(5), regionCode: "350102" } }, { token: tokens.fuzhou }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(SIGN_UP, { i: { name: "不是县", creditCode: code(6), regionCode: "350100" } }, { token: await t.token({ sub: "idp:company-user-4", role: Role.EMPLOYER }) }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(SIGN_UP, { i: { name: "坏代码", creditCode: "91350100M000100Y44", regionCode: "350102" } }, { token: await t.token({ sub: "idp:company-user-5", role: Role.EMPLOYER }) }))).toBe("BAD_USER_INPUT");
    expect(await count()).toBe(afterOwn);
    expect(afterOwn).toBe(before + 1); // only the other company's own employer record (made by makeEmployer above)
  });
});
