import { GraphQLObjectType, parse } from "graphql";
import { getComplexity } from "graphql-query-complexity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { fieldCost, MAX_ALIASES, MAX_QUERY_COST, MAX_TOKENS } from "../../src/graphql/limits.js";
import { getSchema } from "../../src/graphql/schema.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makeEmployer, makePerson, makePosting } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

/** Each limit at n (answered) and n + 1 (refused with 400 and its code, before any SQL). */
describe("GraphQL limits", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const firm = await makeEmployer(t.db);
    for (let i = 0; i < 3; i++) await makePosting(t.db, { employerId: firm.id });
  });
  afterAll(() => t.close());

  const refused = (r: Awaited<ReturnType<TestApp["gql"]>>, code: string) => {
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe(code);
    expect(r.sqlStatements).toBe(0);
    expect(r.data).toBeUndefined();
  };

  it(`allows ${MAX_ALIASES} aliases and refuses ${MAX_ALIASES + 1}`, async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: region(code: "350102") { name }`).join(" ")} }`;
    const ok = await t.gql(aliased(MAX_ALIASES));
    expect(ok.errors).toBeUndefined();
    expect(Object.keys(ok.data!)).toHaveLength(MAX_ALIASES);
    refused(await t.gql(aliased(MAX_ALIASES + 1)), "TOO_MANY_ALIASES");
  });

  it(`parses ${MAX_TOKENS} tokens and refuses ${MAX_TOKENS + 1}`, async () => {
    // A list of region codes holds the tokens (many fields would trip graphql-js's own overlap guard first).
    const query = (k: number) => `query($x: [String!] = [${Array.from({ length: k }, () => `"3501"`).join(" ")}]) { searchPostings(first: 1, filter: { regionCodes: $x }) { totalCount } }`;
    const tokensOf = (k: number) => {
      try {
        parse(query(k), { maxTokens: MAX_TOKENS });
        return "ok";
      } catch {
        return "refused";
      }
    };
    let k = MAX_TOKENS;
    while (tokensOf(k) === "refused") k--;
    expect(tokensOf(k + 1)).toBe("refused"); // k items make exactly MAX_TOKENS tokens
    // Parsed and validated: the field itself then refuses so long a list (its own limit), which shows the parser let it through.
    const ok = await t.gql(query(k));
    expect(ok.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.regionCodes" });
    refused(await t.gql(query(k + 1)), "GRAPHQL_PARSE_FAILED");
  });

  it(`prices lists by first × what each holds, allows a cost of ${MAX_QUERY_COST} and refuses ${MAX_QUERY_COST + 1}`, async () => {
    const schema = await getSchema();
    // employers(first: a) { edges { node { postings(first: b) { edges { node { id } } } } } } plus c × regions' names (cheap, one each).
    const query = (a: number, b: number, extra: string) => `{ employers(first: ${a}) { edges { node { postings(first: ${b}) { edges { node { id } } } } } } ${extra} }`;
    const cost = (q: string) => getComplexity({ schema, query: parse(q), variables: {}, estimators: [fieldCost] });
    expect(cost(`{ postings(first: 10) { edges { node { id } } } }`)).toBe(1 + 10 * (1 + 1 * (1 + 1)));
    expect(cost(`{ postings(first: 500) { edges { node { id } } } }`)).toBe(cost(`{ postings(first: 100) { edges { node { id } } } }`)); // over the page size: priced at 100, refused by the field
    // The change feed: pages of up to 1000 events, each priced 1 with its own fields (one row of the log), its posting as usual.
    expect(cost(`{ postingChanges(first: 1000) { endCursor changes { cursor type postingId changedFields at } hasNextPage } }`)).toBe(1 + 1000 * 1);
    expect(cost(`{ postingChanges(first: 1000) { changes { postingId posting { id } } } }`)).toBe(1 + 1000 * (1 + 1 + 1));
    expect(cost(`{ postingChanges(first: 5000) { changes { postingId } } }`)).toBe(cost(`{ postingChanges(first: 1000) { changes { postingId } } }`));
    expect(cost(`{ postingChanges { changes { postingId } } }`)).toBe(1 + 100);
    // Find a query costing exactly the limit, and one more: the page sizes, then cheap extras of cost 2 and 3 (29 aliases at most).
    const two = (i: number) => `x${i}: region(code: "350102") { code }`;
    const three = (i: number) => `y${i}: region(code: "350102") { code name }`;
    expect([cost(`{ ${two(0)} }`), cost(`{ ${three(0)} }`)]).toEqual([2, 3]);
    const fill = (rest: number): string | undefined => {
      for (let y = 0; y <= 29; y++) {
        const x = (rest - 3 * y) / 2;
        if (Number.isInteger(x) && x >= 0 && x + y <= 29) return [...Array.from({ length: x }, (_, i) => two(i)), ...Array.from({ length: y }, (_, i) => three(i))].join(" ");
      }
      return undefined;
    };
    let exact: string | undefined;
    let over: string | undefined;
    for (let a = 1; a <= 100 && !(exact && over); a++) {
      for (let b = 1; b <= 100 && !(exact && over); b++) {
        const base = cost(query(a, b, ""));
        const [e, o] = [fill(MAX_QUERY_COST - base), fill(MAX_QUERY_COST + 1 - base)];
        if (e !== undefined && o !== undefined) [exact, over] = [query(a, b, e), query(a, b, o)];
      }
    }
    expect([cost(exact!), cost(over!)]).toEqual([MAX_QUERY_COST, MAX_QUERY_COST + 1]);
    expect(exact && over).toBeTruthy();
    const ok = await t.gql(exact!, {}, { token: admin });
    expect(ok.errors).toBeUndefined();
    const tooDear = await t.gql(over!, {}, { token: admin });
    refused(tooDear, "QUERY_TOO_COMPLEX");
    expect(tooDear.errors![0]!.extensions).toMatchObject({ cost: MAX_QUERY_COST + 1, maxCost: MAX_QUERY_COST });
  });

  it("works out depth and cost in time however often fragments are spread, and refuses what it cannot price", async () => {
    // F0 spreads F1 twice, F1 spreads F2 twice … : 2^40 paths if each spread were walked again.
    const n = 40;
    const fragments = Array.from({ length: n }, (_, i) => (i < n - 1 ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { regions { code } }`)).join(" ");
    const doubling = await t.gql(`{ ...F0 } ${fragments}`);
    refused(doubling, "QUERY_TOO_COMPLEX");
    // Pages behind fragments spread many times: priced (or refused as unpriceable), never let through.
    const page = `employers(first: 100) { edges { node { postings(first: 100) { edges { node { id title } } } } } }`;
    const fan = Array.from({ length: 15 }, (_, i) => `fragment G${i} on Query { ${i < 14 ? `...G${i + 1} ...G${i + 1}` : page} }`).join(" ");
    refused(await t.gql(`{ ...G0 } ${fan}`, {}, { token: admin }), "QUERY_TOO_COMPLEX");
  });

  it("prices with the request's variables, and leaves variables that do not fit to the field (400 BAD_USER_INPUT)", async () => {
    const q = `query($n: Int!) { employers(first: $n) { edges { node { postings(first: $n) { edges { node { id title } } } } } } }`;
    expect((await t.gql(q, { n: 10 }, { token: admin })).errors).toBeUndefined();
    refused(await t.gql(q, { n: 100 }, { token: admin }), "QUERY_TOO_COMPLEX");
    const wrongType = await t.gql(q, { n: "ten" }, { token: admin });
    expect([wrongType.status, codeOf(wrongType)]).toEqual([400, "BAD_USER_INPUT"]);
    const overPage = await t.gql(`{ postings(first: 101) { edges { cursor } } }`);
    expect(codeOf(overPage)).toBe("BAD_USER_INPUT");
  });

  it("holds first to at most 100 on every list that takes it (the change feed: 1000): the schema's list is known, each refuses one more", async () => {
    const schema = await getSchema();
    const withFirst: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || !(type instanceof GraphQLObjectType)) continue;
      for (const field of Object.values(type.getFields())) if (field.args.some((a) => a.name === "first")) withFirst.push(`${type.name}.${field.name}`);
    }
    const firm = await makeEmployer(t.db);
    const posting = (await makePosting(t.db, { employerId: firm.id })).id;
    const fair = (await t.gql<{ createJobFair: { id: string } }>(`mutation { createJobFair(input: { title: "限制", kind: OTHER, startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z", organiserRegionCode: "350100" }) { id } }`, {}, { token: admin })).data!.createJobFair.id;
    const person = (await makePerson(t, { institutionId: null })).id;
    const run = (await t.gql<{ assignMentorsAutomatically: { id: string } }>(`mutation { assignMentorsAutomatically(scope: { personId: "${person}" }) { id } }`, {}, { token: admin })).data?.assignMentorsAutomatically.id;
    // A new list field with `first` must be added here, with its refusal.
    const at101: Record<string, string> = {
      "CampaignRun.stillBelowPeople": `{ campaignRun(id: "${run}") { stillBelowPeople(first: 101) { personId } } }`,
      "Employer.postings": `{ employer(id: "${firm.id}") { postings(first: 101) { edges { cursor } } } }`,
      "Employer.applicants": `{ employer(id: "${firm.id}") { applicants(first: 101) { totalCount } } }`,
      "JobPosting.applicants": `{ posting(id: "${posting}") { applicants(first: 101) { totalCount } } }`,
      "JobFair.bookings": `{ jobFair(id: "${fair}") { bookings(first: 101) { totalCount } } }`,
      "JobFair.recommendedPostings": `{ jobFair(id: "${fair}") { recommendedPostings(personId: "${person}", first: 101) { note } } }`,
      "Person.matches": `{ person(id: "${person}") { matches(first: 101) { note } } }`,
      "Query.auditLog": `{ auditLog(first: 101) { edges { cursor } } }`,
      "Query.decisionLog": `{ decisionLog(first: 101) { edges { cursor } } }`,
      "Query.categoryReevaluations": `{ categoryReevaluations(first: 101) { status } }`,
      "Query.employers": `{ employers(first: 101) { edges { cursor } } }`,
      "Query.jobFairs": `{ jobFairs(first: 101) { edges { cursor } } }`,
      "Query.mentors": `{ mentors(first: 101) { edges { cursor } } }`,
      "Query.people": `{ people(first: 101) { edges { cursor } } }`,
      "Query.postings": `{ postings(first: 101) { edges { cursor } } }`,
      "Query.postingChanges": `{ postingChanges(first: 1001) { endCursor } }`,
      "Query.registrations": `{ registrations(direction: MADE, first: 101) { totalCount } }`,
      "Query.reviewQueue": `{ reviewQueue(first: 101) { edges { cursor } } }`,
      "Query.referralCompliance": `{ referralCompliance(first: 101) { total } }`,
      "Query.searchPostings": `{ searchPostings(first: 101) { totalCount } }`,
      "ReferralCompliance.belowPeople": `{ referralCompliance { belowPeople(first: 101) { totalCount } } }`,
      "ViewerInfo.notifications": `{ viewer { notifications(first: 101) { totalCount } } }`,
      "Query.partnerEmployerLinks": `{ partnerEmployerLinks(first: 101) { edges { cursor } } }`,
      "Query.partnerApplications": `{ partnerApplications(first: 101) { edges { cursor } } }`,
      "Query.subsidyClaims": `{ subsidyClaims(first: 101) { totalCount } }`,
      "Query.fallbackCandidates": `{ fallbackCandidates(first: 101) { open } }`,
      "Query.webhookDeliveries": `{ webhookDeliveries(webhookId: "0190a0b0-0000-7000-8000-0000000000f1", first: 101) { totalCount } }`,
    };
    // Lists only a partner site reads are asked with a partner key.
    const partnerKey = (await issuePartnerKey(t.db, "test", { name: `限制网${Date.now()}` })).apiKey;
    const credentialsFor = (field: string) => (field === "Query.partnerApplications" ? { apiKey: partnerKey } : { token: admin });
    expect(withFirst.sort().join(" ")).toBe(Object.keys(at101).sort().join(" "));
    expect(run).toBeDefined();
    for (const [field, q] of Object.entries(at101)) {
      const r = await t.gql(q, {}, credentialsFor(field));
      expect([field, codeOf(r)]).toEqual([field, "BAD_USER_INPUT"]);
      expect(r.errors![0]!.extensions?.field).toBe("first");
      // …and 100 (1000 for the change feed) is answered (no complaint about `first`).
      const atLimit = await t.gql(q.replace("first: 101", "first: 100").replace("first: 1001", "first: 1000"), {}, credentialsFor(field));
      expect([field, atLimit.errors?.find((e) => e.extensions?.field === "first")]).toEqual([field, undefined]);
      expect([field, atLimit.status]).toEqual([field, 200]);
      // A connection's `last` is held the same way.
      const [typeName, fieldName] = field.split(".");
      if ((schema.getType(typeName!) as GraphQLObjectType).getFields()[fieldName!]!.args.some((a) => a.name === "last")) {
        const last = await t.gql(q.replace("first: 101", "last: 101"), {}, credentialsFor(field));
        expect([field, codeOf(last), last.errors![0]!.extensions?.field]).toEqual([field, "BAD_USER_INPUT", "last"]);
      }
    }
  });
});
