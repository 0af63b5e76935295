import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makeEmployer, makeInstitution, makeMentor, makePerson, makePosting, unique } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

type PageInfo = { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
type Page = { totalCount?: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: PageInfo };
const PAGE = `edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const ids = (page: Page) => page.edges.map((e) => e.node.id);

describe("Relay: connections both ways, and objects by id", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  let employerId: string;
  let newestFirst: string[];
  const marker = `接力${unique()}`;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
    employerId = (await makeEmployer(t.db)).id;
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await makePosting(t.db, { employerId, title: `${marker}会计${i}` })).id);
    newestFirst = made.reverse();
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  const employerPostings = async (args: string) =>
    (await t.gql<{ employer: { postings: Page } }>(`query($id: ID!) { employer(id: $id) { postings${args ? `(${args})` : ""} { totalCount ${PAGE} } } }`, { id: employerId })).data!.employer.postings;

  it("pages a connection forward with first/after and back with last/before, to the same rows in the same order", async () => {
    // Forward, three at a time.
    const forward: Page[] = [await employerPostings("first: 3")];
    while (forward.at(-1)!.pageInfo.hasNextPage) forward.push(await employerPostings(`first: 3, after: "${forward.at(-1)!.pageInfo.endCursor}"`));
    expect(forward.flatMap(ids)).toEqual(newestFirst);
    expect(forward.map((p) => [p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage])).toEqual([[false, true], [true, true], [true, false]]);
    expect(forward[0]!.pageInfo.startCursor).toBe(forward[0]!.edges[0]!.cursor);
    // Backward from the end, three at a time: the same rows, each page still newest first.
    const backward: Page[] = [await employerPostings("last: 3")];
    while (backward.at(-1)!.pageInfo.hasPreviousPage) backward.push(await employerPostings(`last: 3, before: "${backward.at(-1)!.pageInfo.startCursor}"`));
    expect(backward.map(ids)).toEqual([newestFirst.slice(4), newestFirst.slice(1, 4), newestFirst.slice(0, 1)]);
    expect(backward.map((p) => [p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage])).toEqual([[true, false], [true, true], [false, true]]);
    // Between two cursors; neither first nor last: the first 20.
    const between = await employerPostings(`after: "${forward[0]!.edges[0]!.cursor}", before: "${forward[2]!.edges[0]!.cursor}"`);
    expect(ids(between)).toEqual(newestFirst.slice(1, 6));
    expect((await employerPostings("")).totalCount).toBe(7);
  });

  it("pages top-level lists both ways too (the public's postings)", async () => {
    const LIST = `query($first: Int, $last: Int, $before: String) { postings(first: $first, last: $last, before: $before, filter: { employerId: "${employerId}" }) { ${PAGE} } }`;
    const last = (await t.gql<{ postings: Page }>(LIST, { last: 2 })).data!.postings;
    expect(ids(last)).toEqual(newestFirst.slice(5));
    const before = (await t.gql<{ postings: Page }>(LIST, { last: 10, before: last.pageInfo.startCursor })).data!.postings;
    expect(ids(before)).toEqual(newestFirst.slice(0, 5));
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it("pages search hits back from a cursor or from the end", async () => {
    const SEARCH = `query($q: String, $first: Int, $after: String, $last: Int, $before: String) { searchPostings(query: $q, first: $first, after: $after, last: $last, before: $before, sort: NEWEST) { totalCount ${PAGE} } }`;
    const search = async (vars: Record<string, unknown>) => (await t.gql<{ searchPostings: Page }>(SEARCH, { q: marker, ...vars })).data!.searchPostings;
    const all = await search({ first: 7 });
    expect(all.totalCount).toBe(7);
    const second = await search({ first: 3, after: (await search({ first: 3 })).pageInfo.endCursor });
    expect(ids(second)).toEqual(ids(all).slice(3, 6));
    const back = await search({ last: 3, before: second.pageInfo.startCursor });
    expect(ids(back)).toEqual(ids(all).slice(0, 3));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const tail = await search({ last: 2 });
    expect(ids(tail)).toEqual(ids(all).slice(5));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it("pages every top-level connection back from the end to the tail of its forward order", async () => {
    // Rows for each list: postings above; employers, people, mentors, fairs, unmasked reads (audit).
    for (let i = 0; i < 3; i++) await makeEmployer(t.db);
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    const people: string[] = [];
    for (let i = 0; i < 3; i++) people.push((await makePerson(t, { institutionId: school.id })).id);
    for (let i = 0; i < 3; i++) await makeMentor(t);
    for (let i = 0; i < 3; i++) {
      const made = await t.gql(`mutation($t: String!) { createJobFair(input: { title: $t, kind: OTHER, organiserRegionCode: "350100", startsAt: "2031-01-01T00:00:00Z", endsAt: "2031-01-02T00:00:00Z" }) { id } }`, { t: `接力招聘会${i}` }, { token: tokens.admin });
      expect(made.errors).toBeUndefined();
    }
    for (const id of people) expect((await t.gql(`query($id: ID!) { person(id: $id) { idNumber(unmasked: true, purpose: "核对身份") } }`, { id }, { token: tokens.admin })).errors).toBeUndefined();
    const lists: Record<string, string> = { postings: "", employers: "", people: "", mentors: "", jobFairs: "", auditLog: "", registrations: "direction: RECEIVED" };
    for (const [field, extra] of Object.entries(lists)) {
      const read = async (args: string) =>
        (await t.gql<Record<string, Page>>(`{ ${field}(${[args, extra].filter(Boolean).join(", ")}) { totalCount ${PAGE} } }`, {}, { token: tokens.admin })).data![field]!;
      const all = await read("first: 100");
      const tail = await read("last: 2");
      expect([field, ids(tail)]).toEqual([field, ids(all).slice(-2)]);
      if (all.edges.length > 2) {
        expect([field, tail.pageInfo.hasPreviousPage]).toEqual([field, true]);
        const before = await read(`last: 100, before: "${tail.pageInfo.startCursor}"`);
        expect([field, ids(before)]).toEqual([field, ids(all).slice(0, -2)]);
      } else if (field !== "registrations") throw new Error(`${field}: too few rows to page (${all.edges.length})`);
    }
  });

  it("refuses first with last, a size out of range, and a cursor it did not issue (BAD_USER_INPUT)", async () => {
    for (const args of ["first: 2, last: 2", "last: 0", "last: 101", 'before: "bm90LWEtY3Vyc29y"']) {
      const answer = await t.gql(`query($id: ID!) { employer(id: $id) { postings(${args}) { totalCount } } }`, { id: employerId });
      expect([args, codeOf(answer)]).toEqual([args, "BAD_USER_INPUT"]);
    }
    expect(codeOf(await t.gql(`{ searchPostings(first: 1, last: 1) { totalCount } }`))).toBe("BAD_USER_INPUT");
  });

  it("fetches any object by id as its own field would show it to the caller, and null to anyone else", async () => {
    const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on JobPosting { title status } ... on Person { name } ... on Region { code name } } }`;
    const node = async (id: string, credentials = {}) => (await t.gql<{ node: { __typename: string; id: string } | null }>(NODE, { id }, credentials)).data?.node;
    // A public posting to anyone; a draft only to those who manage it.
    expect(await node(newestFirst[0]!)).toMatchObject({ __typename: "JobPosting", id: newestFirst[0], status: "OPEN" });
    const draft = (await makePosting(t.db, { employerId, status: "DRAFT", title: `${marker}草稿` })).id;
    expect(await node(draft)).toBeNull();
    const employer = await t.token({ sub: "emp", role: Role.EMPLOYER, employerId });
    expect(await node(draft, { token: employer })).toMatchObject({ __typename: "JobPosting", status: "DRAFT" });
    // A person: their caseworker sees them; another region's caseworker, a partner site and the public get null, as if there were none.
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    const person = (await makePerson(t, { institutionId: school.id })).id;
    expect(await node(person, { token: tokens.fuzhou })).toMatchObject({ __typename: "Person", id: person });
    expect(await node(person, { token: tokens.xiamen })).toBeNull();
    const { apiKey } = await issuePartnerKey(t.db, "test", { name: `接力${unique()}`, scopes: ["postings:read"] });
    expect(await node(person, { apiKey })).toBeNull();
    expect(await node(person)).toBeNull();
    // A region by its code (its id); an id that names nothing.
    expect(await node("350102")).toMatchObject({ __typename: "Region", id: "350102", code: "350102" });
    expect(await node("01900000-0000-7000-8000-000000000000")).toBeNull();
    expect(await node("not an id")).toBeNull();
    // Several at once, in the order asked, null where node would be null; at most 100.
    const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
    const many = await t.gql<{ nodes: ({ __typename: string; id: string } | null)[] }>(NODES, { ids: ["350100", person, employerId, school.id, newestFirst[1]] });
    expect(many.data!.nodes).toEqual([{ __typename: "Region", id: "350100" }, null, { __typename: "Employer", id: employerId }, { __typename: "Institution", id: school.id }, { __typename: "JobPosting", id: newestFirst[1] }]);
    expect(codeOf(await t.gql(NODES, { ids: Array.from({ length: 101 }, () => "350100") }))).toBe("BAD_USER_INPUT");
    // An id in upper case is the same id (as for posting(id)); many postings and people at once take a
    // statement per type, not per id, and an id asked twice is fetched once.
    expect(await node(newestFirst[2]!.toUpperCase())).toMatchObject({ __typename: "JobPosting", id: newestFirst[2] });
    const batch = await t.gql<{ nodes: { id: string }[] }>(NODES, { ids: [...newestFirst, ...newestFirst, person] }, { token: tokens.fuzhou });
    expect(batch.data!.nodes.map((n) => n.id)).toEqual([...newestFirst, ...newestFirst, person]);
    expect(batch.sqlStatements).toBeLessThanOrEqual(4);
    // Every region has an id a cache can normalise by.
    const regions = (await t.gql<{ regions: { id: string; code: string }[] }>(`{ regions(parentCode: "350000") { id code } }`)).data!.regions;
    expect(regions.length).toBeGreaterThan(5);
    expect(regions.every((r) => r.id === r.code)).toBe(true);
  });
});
