import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { days, makeEmployer, makePerson, makePosting } from "../helpers/factories.js";
import { startTestApp, standardTokens, type TestApp } from "../helpers/test-app.js";

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
const CREATE = `mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`;
const STATUS = `mutation($id: ID!, $s: FairStatus!) { setJobFairStatus(id: $id, status: $s) { status } }`;
const SESSION = `mutation($i: AddFairSessionInput!) { addFairSession(input: $i) { id } }`;
const BOOTH = `mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`;
const REGISTER = `mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p) { invited } }`;
const BOOK = `mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`;

type Fairs = {
  jobFairs: {
    edges: {
      node: {
        id: string;
        sessions: { id: string; seatsLeft: number }[];
        booths: { boothId: string; employer: { name: string }; postings: { id: string; employer: { name: string } }[] }[];
        bookings: { totalCount: number; edges: { node: { id: string; personId: string | null } }[] };
      };
    }[];
  };
};

/**
 * The lists that nest objects under a fair: its sessions, its booths (with their employer), its
 * bookings. Booths' postings are asked for below, in queries the cost limit allows (a booth's
 * postings are priced at 50, a fair's booths at 50).
 */
const NESTED = (first: number) => `{ jobFairs(first: ${first}, kind: LABOUR_COOPERATION) { totalCount edges { node {
  id title status
  sessions { id kind seatsLeft status }
  booths { boothId employer { name } }
  bookings(first: 5) { totalCount edges { node { id personId status } } pageInfo { hasNextPage } }
} } } }`;
const BOOTH_POSTINGS = (first: number) => `{ jobFairs(first: ${first}, kind: LABOUR_COOPERATION) { edges { node { id booths { boothId postings { id title } } } } } }`;
const ONE_FAIR_BOOTHS = `query($f: ID!) { jobFair(id: $f) { booths { boothId employer { name } postings { id title employer { name } } } } }`;

const STATS = (first: number) => `{ jobFairs(first: ${first}, kind: LABOUR_COOPERATION) { edges { node {
  id stats { registrations sessions bookings registrationsByCategory { categoryCode } byEmployer { employer { name } bookings } }
} } } }`;

describe("fair lists run a constant number of SQL statements", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let seekerToken: string;
  let seekerId: string;
  const fairIds: string[] = [];
  const employerTokens: string[] = [];
  /** Fairs outside the list above: one with two booths, one with ten, each booth with two postings. */
  const boothFairs: Record<2 | 10, string> = { 2: "", 10: "" };

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    const seekers: string[] = [];
    for (let i = 0; i < 2; i++) seekers.push((await makePerson(t, { institutionId: null })).id);
    seekerId = seekers[0]!;
    seekerToken = await t.token({ sub: "seeker", role: Role.SEEKER, personId: seekers[0]! });
    // Ten fairs (created oldest first: the list is newest first), each with two booths of two postings,
    // two sessions and a booking in each.
    for (let f = 0; f < 10; f++) {
      const fairId = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: `劳务协作专场${f}`, kind: "LABOUR_COOPERATION", startsAt: hours(-1), endsAt: hours(200) } }, { token: fuzhou })).data!.createJobFair.id;
      expect((await t.gql(STATUS, { id: fairId, s: "OPEN" }, { token: fuzhou })).errors).toBeUndefined();
      for (let e = 0; e < 2; e++) {
        const firm = await makeEmployer(t.db, { regionCode: "350102" });
        const token = await t.token({ sub: `firm-${f}-${e}`, role: Role.EMPLOYER, employerId: firm.id });
        employerTokens.push(token);
        const postingIds = [];
        for (let p = 0; p < 2; p++) postingIds.push((await makePosting(t.db, { employerId: firm.id, regionCode: "350102", validUntil: days(30) })).id);
        expect((await t.gql(BOOTH, { f: fairId, p: postingIds }, { token })).errors).toBeUndefined();
        const slot = await t.gql<{ addFairSession: { id: string } }>(SESSION, { i: { fairId, kind: "INTERVIEW", title: `面试${e}`, startsAt: hours(10 + f + e * 0.5), endsAt: hours(10.25 + f + e * 0.5) } }, { token });
        expect(slot.errors).toBeUndefined();
        const seeker = seekers[e]!;
        if (e === 0) for (const p of seekers) expect((await t.gql(REGISTER, { f: fairId, p }, { token: fuzhou })).errors).toBeUndefined();
        expect((await t.gql(BOOK, { s: slot.data!.addFairSession.id, p: seeker, post: postingIds[0] }, { token: fuzhou })).errors).toBeUndefined();
      }
      fairIds.push(fairId);
    }
    for (const booths of [2, 10] as const) {
      const fairId = (await t.gql<{ createJobFair: { id: string } }>(CREATE, { i: { title: `展位${booths}`, kind: "OTHER", startsAt: hours(-1), endsAt: hours(200) } }, { token: fuzhou })).data!.createJobFair.id;
      await t.gql(STATUS, { id: fairId, s: "OPEN" }, { token: fuzhou });
      for (let e = 0; e < booths; e++) {
        const firm = await makeEmployer(t.db, { regionCode: "350102" });
        const token = await t.token({ sub: `booth-${booths}-${e}`, role: Role.EMPLOYER, employerId: firm.id });
        const postingIds = [];
        for (let p = 0; p < 2; p++) postingIds.push((await makePosting(t.db, { employerId: firm.id, regionCode: "350102", validUntil: days(30) })).id);
        expect((await t.gql(BOOTH, { f: fairId, p: postingIds }, { token })).errors).toBeUndefined();
      }
      boothFairs[booths] = fairId;
    }
  });
  afterAll(() => t.close());

  it("jobFairs with sessions, booths (with their employer) and bookings: the same count for 2 and 10 fairs, whoever asks", async () => {
    for (const token of [admin, fuzhou, xiamen, seekerToken, employerTokens[0]!]) {
      const two = await t.gql<Fairs>(NESTED(2), {}, { token });
      const ten = await t.gql<Fairs>(NESTED(10), {}, { token });
      expect(ten.errors).toBeUndefined();
      expect(ten.data!.jobFairs.edges).toHaveLength(10);
      for (const { node } of ten.data!.jobFairs.edges) {
        expect(node.sessions).toHaveLength(2);
        expect(node.booths).toHaveLength(2);
      }
      expect(two.sqlStatements).toBeGreaterThan(0);
      expect(ten.sqlStatements).toBe(two.sqlStatements);
    }
    // What each sees of the bookings is unchanged by the batching: the organiser all, an employer its sessions' without who.
    const asOrganiser = (await t.gql<Fairs>(NESTED(10), {}, { token: fuzhou })).data!.jobFairs.edges;
    for (const { node } of asOrganiser) {
      expect(node.bookings.totalCount).toBe(2);
      expect(node.bookings.edges.every((e) => e.node.personId !== null)).toBe(true);
    }
    // A caseworker elsewhere sees none of these people's bookings; a seeker their own.
    const asXiamen = (await t.gql<Fairs>(NESTED(10), {}, { token: xiamen })).data!.jobFairs.edges;
    expect(asXiamen.map((e) => e.node.bookings.totalCount)).toEqual(Array(10).fill(0));
    const asSeeker = (await t.gql<Fairs>(NESTED(10), {}, { token: seekerToken })).data!.jobFairs.edges;
    expect(asSeeker.map((e) => e.node.bookings.edges.length)).toEqual(Array(10).fill(1));
    const asEmployer = (await t.gql<Fairs>(NESTED(10), {}, { token: employerTokens[0]! })).data!.jobFairs.edges;
    expect(asEmployer.map((e) => e.node.bookings.totalCount).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(asEmployer.flatMap((e) => e.node.bookings.edges).map((e) => e.node.personId)).toEqual([null]);
  });

  it("booths with their postings and the postings' employers: the same count for 2 and 10 booths, and for 1 and 2 fairs", async () => {
    type OneFair = { jobFair: { booths: { employer: { name: string }; postings: { id: string; employer: { name: string } }[] }[] } };
    const two = await t.gql<OneFair>(ONE_FAIR_BOOTHS, { f: boothFairs[2] });
    const ten = await t.gql<OneFair>(ONE_FAIR_BOOTHS, { f: boothFairs[10] });
    expect(ten.errors).toBeUndefined();
    expect(ten.data!.jobFair.booths).toHaveLength(10);
    for (const booth of ten.data!.jobFair.booths) {
      expect(booth.postings).toHaveLength(2);
      for (const posting of booth.postings) expect(posting.employer.name).toBe(booth.employer.name);
    }
    expect(two.sqlStatements).toBeGreaterThan(0);
    expect(ten.sqlStatements).toBe(two.sqlStatements);

    type Listed = { jobFairs: { edges: { node: { booths: { postings: unknown[] }[] } }[] } };
    const oneFair = await t.gql<Listed>(BOOTH_POSTINGS(1));
    const twoFairs = await t.gql<Listed>(BOOTH_POSTINGS(2));
    expect(twoFairs.errors).toBeUndefined();
    for (const { node } of twoFairs.data!.jobFairs.edges) expect(node.booths.map((b) => b.postings.length)).toEqual([2, 2]);
    expect(twoFairs.sqlStatements).toBe(oneFair.sqlStatements);
  });

  it("a page of bookings under each fair follows its cursor and filters, batched", async () => {
    const query = (first: number) => `{ jobFairs(first: ${first}, kind: LABOUR_COOPERATION) { edges { node { id bookings(first: 1) { totalCount edges { cursor node { id } } pageInfo { hasNextPage } } } } } }`;
    type Page = { jobFairs: { edges: { node: { id: string; bookings: { totalCount: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } } }[] } };
    const two = await t.gql<Page>(query(2), {}, { token: admin });
    const ten = await t.gql<Page>(query(10), {}, { token: admin });
    expect(ten.sqlStatements).toBe(two.sqlStatements);
    for (const { node } of ten.data!.jobFairs.edges) {
      expect(node.bookings).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
      expect(node.bookings.edges).toHaveLength(1);
      const next = await t.gql<{ jobFair: { bookings: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } } }>(
        `query($f: ID!, $a: String) { jobFair(id: $f) { bookings(first: 1, after: $a) { edges { node { id } } pageInfo { hasNextPage } } } }`,
        { f: node.id, a: node.bookings.edges[0]!.cursor },
        { token: admin },
      );
      expect(next.data!.jobFair.bookings.pageInfo.hasNextPage).toBe(false);
      expect(next.data!.jobFair.bookings.edges[0]!.node.id).not.toBe(node.bookings.edges[0]!.node.id);
    }
    const filtered = (first: number) => `query($p: ID!) { jobFairs(first: ${first}, kind: LABOUR_COOPERATION) { edges { node { bookings(first: 5, personId: $p) { totalCount edges { node { personId } } } } } } }`;
    type Filtered = { jobFairs: { edges: { node: { bookings: { totalCount: number; edges: { node: { personId: string } }[] } } }[] } };
    const few = await t.gql<Filtered>(filtered(2), { p: seekerId }, { token: admin });
    const many = await t.gql<Filtered>(filtered(10), { p: seekerId }, { token: admin });
    expect(many.sqlStatements).toBe(few.sqlStatements);
    for (const { node } of many.data!.jobFairs.edges) expect(node.bookings).toEqual({ totalCount: 1, edges: [{ node: { personId: seekerId } }] });
  });

  it("the organiser's figures under a list of fairs: the same count for 2 and 10 fairs", async () => {
    const two = await t.gql(STATS(2), {}, { token: fuzhou });
    const ten = await t.gql<{ jobFairs: { edges: { node: { stats: { registrations: number; sessions: number; bookings: number; byEmployer: unknown[] } } }[] } }>(STATS(10), {}, { token: fuzhou });
    expect(ten.errors).toBeUndefined();
    for (const { node } of ten.data!.jobFairs.edges) expect(node.stats).toMatchObject({ registrations: 2, sessions: 2, bookings: 2 });
    for (const { node } of ten.data!.jobFairs.edges) expect(node.stats.byEmployer).toHaveLength(2);
    expect(ten.sqlStatements).toBe(two.sqlStatements);
  });
});
