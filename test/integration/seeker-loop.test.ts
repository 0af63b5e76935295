import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { days, makeEmployer, makeMentor, makeMentorship, makePerson, makePosting, makeReferral } from "../helpers/factories.js";
import { standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

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
