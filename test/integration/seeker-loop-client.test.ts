import { cacheExchange, Client, fetchExchange, gql } from "@urql/core";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { days, makeEmployer, makePerson, makePosting } from "../helpers/factories.js";
import { standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * The people's loop of issue 20 end to end, as a front end would run it: through urql (a GraphQL
 * client library used by portal front ends), over HTTP, one client per credential.
 */
describe("the seeker's and the employer's loop, through a GraphQL client library (urql)", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  const clientFor = (token: string) =>
    new Client({ url: t.url, exchanges: [cacheExchange, fetchExchange], requestPolicy: "network-only", preferGetMethod: false, fetchOptions: () => ({ headers: { authorization: `Bearer ${token}`, "accept-language": "en" } }) });
  /** A query or mutation's data; fails the test on any error. */
  const run = async <T,>(client: Client, document: string, variables: Record<string, unknown> = {}, mutation = false): Promise<T> => {
    const result = mutation ? await client.mutation(gql(document), variables).toPromise() : await client.query(gql(document), variables).toPromise();
    if (result.error) throw new Error(`${document.slice(0, 60)}…: ${result.error.message}`);
    return result.data as T;
  };

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
  });
  afterAll(() => t.close());

  it("applies, is invited, accepts (the phone reaches the employer: one audit row), is hired; a new employer signs up, is verified and publishes", async () => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const postingId = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title: "会计", minEducation: "ASSOCIATE", validUntil: days(30) })).id;
    const person = await makePerson(t, { institutionId: null, degreeLevel: "BACHELOR", major: "会计学", phone: "13700137000" });
    const seeker = clientFor(await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id }));
    const employer = clientFor(await t.token({ sub: "hr-urql", role: Role.EMPLOYER, employerId: firm.id }));
    const caseworker = clientFor(tokens.fuzhou);

    const me = await run<{ viewer: { person: { id: string; name: string; idNumber: string } } }>(seeker, `{ viewer { person { id name idNumber } } }`);
    expect(me.viewer.person).toMatchObject({ id: person.id, idNumber: expect.stringMatching(/\*{4,}/) });
    const applied = await run<{ applyToPosting: { id: string; source: string } }>(seeker, `mutation($p: ID!) { applyToPosting(postingId: $p) { id source } }`, { p: postingId }, true);
    expect(applied.applyToPosting.source).toBe("SELF");
    const application = applied.applyToPosting.id;

    const PIPELINE = `query($id: ID!) { posting(id: $id) { id applicants(first: 5) { edges { node { id status profile { name major } invitation { response } phone } } } } }`;
    type Pipeline = { posting: { applicants: { edges: { node: { id: string; status: string; profile: { name: string }; invitation: { response: string | null } | null; phone: string | null } }[] } } };
    const first = await run<Pipeline>(employer, PIPELINE, { id: postingId });
    expect(first.posting.applicants.edges.map((e) => e.node)).toMatchObject([{ id: application, status: "APPLIED", profile: { name: person.name, major: "会计学" }, invitation: null, phone: null }]);
    expect(first.posting.applicants.edges).toHaveLength(1);
    await run(employer, `mutation($a: ID!) { inviteToInterview(applicationId: $a, note: "周三上午") { invitedAt } }`, { a: application }, true);
    const invited = await run<{ viewer: { person: { referrals: { id: string; interviewInvitation: { note: string } | null }[] } } }>(seeker, `{ viewer { person { referrals { id interviewInvitation { note } } } } }`);
    expect(invited.viewer.person.referrals).toMatchObject([{ id: application, interviewInvitation: { note: "周三上午" } }]);
    expect(invited.viewer.person.referrals).toHaveLength(1);
    await run(seeker, `mutation($a: ID!) { respondToInterview(applicationId: $a, accept: true) { response } }`, { a: application }, true);
    const contact = await run<Pipeline>(employer, PIPELINE, { id: postingId });
    expect(contact.posting.applicants.edges[0]!.node.phone).toBe("13700137000");
    const [audits] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where person_id = ${person.id} and actor = 'employer:hr-urql'`);
    expect(audits!.n).toBe(1);
    for (const status of ["INTERVIEWED", "OFFERED", "HIRED"]) await run(employer, `mutation($r: ID!, $s: ReferralStatus!) { updateReferralStatus(referralId: $r, status: $s) { status } }`, { r: application, s: status }, true);
    const ledger = await run<{ person: { employmentStatus: string } }>(caseworker, `query($id: ID!) { person(id: $id) { employmentStatus } }`, { id: person.id });
    expect(ledger.person.employmentStatus).toBe("EMPLOYED");

    // A new company user: signs up, drafts, is verified by the Fuzhou caseworker, publishes.
    const newcomer = clientFor(await t.token({ sub: "idp:urql-company", role: Role.EMPLOYER }));
    const signed = await run<{ requestEmployerRegistration: { id: string; verified: boolean } }>(newcomer, `mutation($i: RegisterEmployerInput!) { requestEmployerRegistration(input: $i) { id verified } }`, { i: { name: "福州客户端测试有限公司", creditCode: syntheticCreditCode("350102", 910_001), regionCode: "350102" } }, true);
    expect(signed.requestEmployerRegistration.verified).toBe(false);
    const draft = await run<{ createPosting: { id: string } }>(newcomer, `mutation { createPosting(input: { title: "客服专员", regionCode: "350102", validUntil: "2030-06-30T00:00:00Z" }) { id } }`, {}, true);
    await run(caseworker, `mutation($id: ID!) { verifyEmployer(id: $id) { verified } }`, { id: signed.requestEmployerRegistration.id }, true);
    const published = await run<{ publishPosting: { status: string } }>(newcomer, `mutation($id: ID!) { publishPosting(id: $id) { status } }`, { id: draft.createPosting.id }, true);
    expect(published.publishPosting.status).toBe("OPEN");
  });
});
