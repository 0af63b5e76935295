import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { expirePostings } from "../../src/modules/postings/posting.service.js";
import { days, makeEmployer, makePerson, makePosting, unique, openCampaignWindow } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp, standardTokens } from "../helpers/test-app.js";

const RECOMMEND = `mutation($p: ID!, $ids: [ID!]!, $note: String) {
  recommendPostings(personId: $p, postingIds: $ids, note: $note) { index postingId referral { id status source fitted } error { code field message } }
}`;
const MOVE = `mutation($id: ID!, $s: ReferralStatus!, $note: String) { updateReferralStatus(referralId: $id, status: $s, note: $note) { id status events { fromStatus toStatus by } } }`;
const PERSON = `query($id: ID!) { person(id: $id) {
  employmentStatus
  referrals { id status posting { id } }
  referralProgress { required counted remaining met deadline }
  matches(first: 50) { items { posting { id } } }
} }`;
type Recommend = { recommendPostings: { index: number; postingId: string; referral: { id: string; status: string; source: string; fitted: boolean } | null; error: { code: string; field: string; message: string } | null }[] };
type PersonView = { person: { employmentStatus: string; referrals: { id: string; status: string; posting: { id: string } }[]; referralProgress: { required: number; counted: number; remaining: number; met: boolean; deadline: string | null }[]; matches: { items: { posting: { id: string } }[] } } };

describe("referrals", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let employerId: string;
  let employerToken: string;
  const p: Record<string, string> = {};
  const counts = async () => (await queryRows<{ r: number; e: number }>(t.db, sql`select (select count(*) from referrals)::int as r, (select count(*) from referral_events)::int as e`))[0]!;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    // The campaign window is policy data: make the active one run through today, so today's referrals count.
    await openCampaignWindow(t.db);
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    employerId = firm.id;
    employerToken = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId });
    const base = { employerId, regionCode: "350102", minEducation: "BACHELOR" as const, validUntil: days(30), title: `会计${unique()}` };
    // Shared, and never closed or moved by a test: each test refers its own people to them, or makes its own postings to close.
    for (const k of ["a", "b", "c", "d", "e"]) p[k] = (await makePosting(t.db, base)).id;
    p.closed = (await makePosting(t.db, { ...base, status: "CLOSED" })).id;
    p.blocked = (await makePosting(t.db, { ...base, status: "BLOCKED", blockedReason: "就业歧视" })).id;
    p.master = (await makePosting(t.db, { ...base, minEducation: "MASTER" })).id;
    p.xiamen = (await makePosting(t.db, { ...base, regionCode: "350203" })).id;
    p.welfare = (await makePosting(t.db, { ...base, kind: "PUBLIC_WELFARE", minEducation: "NONE" })).id;
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  /** Each test's own person: a 2020 Fujian graduate out of work (key-group categories with a minimum of 3) whom the accountancy postings fit. */
  const graduate = async () => (await makePerson(t, { degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] })).id;
  /** Someone in no key-group category (never studied, minimum 0). */
  const nonGraduate = async () => (await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR" })).id;
  /** A fresh open posting of the firm that the graduates fit, for a test that closes it or reads who was referred to it. */
  const ownPosting = async () => (await makePosting(t.db, { employerId, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30), title: `会计${unique()}` })).id;
  /** Referrals made by a caseworker, each expected to succeed; their ids in order. */
  const refer = async (personId: string, ids: string[]) => {
    const r = await t.gql<Recommend>(RECOMMEND, { p: personId, ids }, { token: fuzhou });
    expect(r.errors).toBeUndefined();
    expect(r.data!.recommendPostings.map((i) => i.error)).toEqual(ids.map(() => null));
    return r.data!.recommendPostings.map((i) => i.referral!.id);
  };
  const view = async (id: string, token = fuzhou) => {
    const r = await t.gql<PersonView>(PERSON, { id }, { token });
    expect(r.errors).toBeUndefined();
    return r.data!.person;
  };

  it("starts below the minimum of the person's strictest category", async () => {
    const personId = await graduate();
    const otherPersonId = await nonGraduate();
    expect((await view(personId)).referralProgress[0]).toMatchObject({ required: 3, counted: 0, remaining: 3, met: false, deadline: serviceToday(days(60)) });
    expect((await view(otherPersonId)).referralProgress).toEqual([]); // no minimum in any active campaign
  });

  it("recommends postings, refusing each bad one on its own with a code and the reason, writing nothing for it", async () => {
    const personId = await graduate();
    const before = await counts();
    const r = await t.gql<Recommend>(RECOMMEND, { p: personId, ids: [p.a, p.closed, p.blocked, p.master, p.xiamen, p.welfare, "00000000-0000-7000-8000-000000000000", "not-an-id", p.a], note: "符合专业" }, { token: fuzhou });
    expect(r.errors).toBeUndefined();
    const items = r.data!.recommendPostings;
    expect(items[0]).toMatchObject({ postingId: p.a, referral: { status: "RECOMMENDED", source: "CASEWORKER", fitted: true }, error: null });
    expect(items.slice(1).map((i) => [i.error?.code, i.error?.field])).toEqual([
      ["BAD_USER_INPUT", "postingIds.1"],
      ["BAD_USER_INPUT", "postingIds.2"],
      ["BAD_USER_INPUT", "postingIds.3"],
      ["BAD_USER_INPUT", "postingIds.4"],
      ["BAD_USER_INPUT", "postingIds.5"],
      ["NOT_FOUND", "postingIds.6"],
      ["BAD_USER_INPUT", "postingIds.7"],
      ["BAD_USER_INPUT", "postingIds.8"],
    ]);
    expect(items[1]!.error!.message).toMatch(/closed/);
    expect(items[3]!.error!.message).toMatch(/education/);
    expect(items[4]!.error!.message).toMatch(/places the person accepts/);
    expect(items[5]!.error!.message).toMatch(/Public-welfare/);
    expect(items.slice(1).every((i) => i.referral === null)).toBe(true);
    expect(await counts()).toEqual({ r: before.r + 1, e: before.e + 1 });

    const again = await t.gql<Recommend>(RECOMMEND, { p: personId, ids: [p.a] }, { token: fuzhou });
    expect(again.data!.recommendPostings[0]!.error).toMatchObject({ code: "CONFLICT" });
    expect(await counts()).toEqual({ r: before.r + 1, e: before.e + 1 });
  });

  it("refuses an unknown person, a caseworker from another region, an employer and a seeker, writing nothing", async () => {
    const personId = await graduate();
    const before = await counts();
    expect(codeOf(await t.gql(RECOMMEND, { p: "00000000-0000-7000-8000-000000000000", ids: [p.b] }, { token: fuzhou }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(RECOMMEND, { p: personId, ids: [p.b] }, { token: xiamen }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(RECOMMEND, { p: personId, ids: [p.b] }, { token: employerToken }))).toBe("FORBIDDEN");
    const seeker = await t.token({ sub: "s", role: Role.SEEKER, personId });
    expect(codeOf(await t.gql(RECOMMEND, { p: personId, ids: [p.b] }, { token: seeker }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(RECOMMEND, { p: personId, ids: [] }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(RECOMMEND, { p: personId, ids: Array.from({ length: 21 }, () => p.b) }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);
  });

  it("counts fitted referrals toward the minimum, and matches no longer offer referred postings", async () => {
    const personId = await graduate();
    await refer(personId, [p.a!]);
    expect((await view(personId)).referralProgress[0]).toMatchObject({ required: 3, counted: 1, remaining: 2, met: false });
    await refer(personId, [p.b!, p.c!]);
    const v = await view(personId);
    expect(v.referralProgress[0]).toMatchObject({ required: 3, counted: 3, remaining: 0, met: true });
    const offered = v.matches.items.map((i) => i.posting.id);
    for (const id of [p.a, p.b, p.c]) expect(offered).not.toContain(id);
    expect(offered).toEqual(expect.arrayContaining([p.d, p.e]));
  });

  it("moves along the funnel by role: the seeker views and applies, the employer interviews and hires; HIRED records employment", async () => {
    const personId = await graduate();
    const otherPersonId = await nonGraduate();
    // A posting of its own, so the employer's view of its referrals holds this test's person only.
    const a = await ownPosting();
    const [id] = await refer(personId, [a]);
    const seeker = await t.token({ sub: "s", role: Role.SEEKER, personId });
    // Before the person applies, the employer sees nothing of them.
    const early = await t.gql<{ posting: { referrals: unknown[] } }>(`query($id: ID!) { posting(id: $id) { referrals { id } } }`, { id: a }, { token: employerToken });
    expect(early.data!.posting.referrals).toEqual([]);
    expect(codeOf(await t.gql(MOVE, { id, s: "INTERVIEWED" }, { token: employerToken }))).toBe("NOT_FOUND");
    expect((await t.gql(MOVE, { id, s: "VIEWED" }, { token: seeker })).errors).toBeUndefined();
    expect((await t.gql(MOVE, { id, s: "APPLIED" }, { token: seeker })).errors).toBeUndefined();
    const before = await counts();
    // Refused, each with its code, nothing written: a step back, a step the seeker may not take,
    // someone else's referral, a caseworker from another region, a status set only by the system.
    const back = await t.gql(MOVE, { id, s: "VIEWED" }, { token: fuzhou });
    expect(back.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "status" });
    expect(codeOf(await t.gql(MOVE, { id, s: "INTERVIEWED" }, { token: seeker }))).toBe("FORBIDDEN");
    const stranger = await t.token({ sub: "s2", role: Role.SEEKER, personId: otherPersonId });
    expect(codeOf(await t.gql(MOVE, { id, s: "VIEWED" }, { token: stranger }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(MOVE, { id, s: "WITHDRAWN" }, { token: xiamen }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(MOVE, { id, s: "POSTING_CLOSED" }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(MOVE, { id: "00000000-0000-7000-8000-000000000000", s: "VIEWED" }, { token: fuzhou }))).toBe("NOT_FOUND");
    const otherFirm = await t.token({ sub: "emp2", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    expect(codeOf(await t.gql(MOVE, { id, s: "INTERVIEWED" }, { token: otherFirm }))).toBe("NOT_FOUND");
    expect(await counts()).toEqual(before);

    // The employer sees its posting's referrals, the person only as a candidate.
    const seen = await t.gql<{ posting: { referrals: { id: string; status: string; candidate: Record<string, unknown> }[] } }>(
      `query($id: ID!) { posting(id: $id) { referrals { id status candidate { name degreeLevel major } } } }`,
      { id: a },
      { token: employerToken },
    );
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.posting.referrals).toHaveLength(1);
    // No notes, no recommender, no campaign source for employers: free text and SYSTEM would say too much.
    const detail = await t.gql<{ posting: { referrals: { source: string | null; madeBy: string | null; fitted: boolean | null; note: string | null; events: { by: string; note: string | null }[] }[] } }>(
      `query($id: ID!) { posting(id: $id) { referrals { source madeBy fitted note events { by note } } } }`,
      { id: a },
      { token: employerToken },
    );
    expect(detail.data!.posting.referrals[0]).toMatchObject({ source: null, madeBy: null, fitted: null, note: null });
    expect(detail.data!.posting.referrals[0]!.events.every((e) => e.by === "" && e.note === null)).toBe(true);
    expect(Object.keys(seen.data!.posting.referrals[0]!.candidate).sort()).toEqual(["degreeLevel", "major", "name"]);
    expect(codeOf(await t.gql(`query($id: ID!) { posting(id: $id) { referrals { id } } }`, { id: a }, { token: otherFirm }))).toBe("FORBIDDEN");

    for (const s of ["INTERVIEWED", "OFFERED", "HIRED"]) expect((await t.gql(MOVE, { id, s }, { token: employerToken })).errors).toBeUndefined();
    const moved = await t.gql<{ updateReferralStatus: { events: { fromStatus: string | null; toStatus: string; by: string }[] } }>(MOVE, { id, s: "DECLINED" }, { token: employerToken });
    expect(codeOf(moved)).toBe("BAD_USER_INPUT"); // HIRED ends it
    const v = await view(personId);
    expect(v.employmentStatus).toBe("EMPLOYED");
    const events = await t.gql<{ person: { referrals: { id: string; events: { fromStatus: string | null; toStatus: string; by: string }[] }[] } }>(
      `query($id: ID!) { person(id: $id) { referrals { id events { fromStatus toStatus by } } } }`,
      { id: personId },
      { token: fuzhou },
    );
    const trail = events.data!.person.referrals.find((x) => x.id === id)!.events;
    expect(trail.map((e) => e.toStatus)).toEqual(["RECOMMENDED", "VIEWED", "APPLIED", "INTERVIEWED", "OFFERED", "HIRED"]);
    expect(trail[1]).toMatchObject({ fromStatus: "RECOMMENDED", by: "seeker:s" });
    expect(trail[3]!.by).toBe(`employer:emp`);
  });

  it("a withdrawn referral stops counting; a closing posting ends the open referrals but not an offer", async () => {
    const personId = await graduate();
    // Postings of its own: this test closes two of them.
    const [postingB, postingC, postingD] = [await ownPosting(), await ownPosting(), await ownPosting()];
    const [, b, c] = await refer(personId, [p.a!, postingB, postingC]);
    expect((await view(personId)).referralProgress[0]).toMatchObject({ counted: 3 });
    expect((await t.gql(MOVE, { id: b, s: "WITHDRAWN", note: "推荐有误" }, { token: fuzhou })).errors).toBeUndefined();
    expect((await view(personId)).referralProgress[0]).toMatchObject({ counted: 2 });
    expect((await t.gql(MOVE, { id: c, s: "OFFERED" }, { token: fuzhou })).errors).toBeUndefined();
    const [d] = await refer(personId, [postingD]);
    for (const posting of [postingC, postingD]) expect((await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: posting }, { token: employerToken })).errors).toBeUndefined();
    const after = new Map((await view(personId)).referrals.map((x) => [x.id, x.status]));
    expect(after.get(c!)).toBe("OFFERED");
    expect(after.get(d!)).toBe("POSTING_CLOSED");
    const [closing] = await queryRows<{ from_status: string }>(t.db, sql`select from_status::text from referral_events where referral_id = ${d} and to_status = 'POSTING_CLOSED'`);
    expect(closing!.from_status).toBe("RECOMMENDED");
    // Made while the posting was open and fitting: it still counts.
    expect((await view(personId)).referralProgress[0]).toMatchObject({ counted: 3 });
  });

  it("two recommenders at once make one referral; the other is told CONFLICT", async () => {
    const otherPersonId = await nonGraduate();
    const e = (await makePosting(t.db, { employerId, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30) })).id;
    const results = await Promise.all([fuzhou, admin, fuzhou].map((token) => t.gql<Recommend>(RECOMMEND, { p: otherPersonId, ids: [e] }, { token })));
    const outcomes = results.map((r) => r.data!.recommendPostings[0]!.error?.code ?? "CREATED").sort();
    expect(outcomes).toEqual(["CONFLICT", "CONFLICT", "CREATED"]);
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where person_id = ${otherPersonId} and posting_id = ${e}`);
    expect(row!.n).toBe(1);
  });

  it("the expiry sweep ends the open referrals of postings past their date", async () => {
    const otherPersonId = await nonGraduate();
    const soon = (await makePosting(t.db, { employerId, regionCode: "350102", minEducation: "BACHELOR", validUntil: days(30) })).id;
    const r = await t.gql<Recommend>(RECOMMEND, { p: otherPersonId, ids: [soon] }, { token: fuzhou });
    const id = r.data!.recommendPostings[0]!.referral!.id;
    await t.db.execute(sql`update postings set valid_until = now() - interval '1 minute' where id = ${soon}`);
    expect(await expirePostings(t.db)).toBeGreaterThanOrEqual(1);
    const [row] = await queryRows<{ status: string }>(t.db, sql`select status::text from referrals where id = ${id}`);
    expect(row!.status).toBe("POSTING_CLOSED");
  });
});
