import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { Role } from "../../src/auth/viewer.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makeEmployer, makeFollowUp, makeInstitution, makeMentor, makeMentorship, makePerson, makePosting, makeReferral } from "../helpers/factories.js";
import { startTestApp, standardTokens, type Credentials, type GqlResult, type TestApp } from "../helpers/test-app.js";

/**
 * Every list whose items nest objects runs a number of SQL statements that does not grow with the
 * list (issue 14: "no query per row"). Each test builds a small and a larger set of its own rows,
 * asks once to warm the per-process caches (the region directory …), then compares the counts.
 * The inventory of lists is in the refactor notes (nested-lists.md).
 */
describe("nested lists run a constant number of SQL statements", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou } = await standardTokens(t));
  });
  afterAll(() => t.close());

  /** Runs the query for each variable set (after one warm-up run), checks it answered, returns the statement counts. */
  async function statements(query: string, variableSets: Record<string, unknown>[], credentials: Credentials = { token: admin }): Promise<{ counts: number[]; results: GqlResult<any>[] }> {
    await t.gql(query, variableSets[0], credentials);
    const results: GqlResult<any>[] = [];
    for (const variables of variableSets) {
      const r = await t.gql<any>(query, variables, credentials);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      expect(r.sqlStatements).toBeGreaterThan(0);
      results.push(r);
    }
    return { counts: results.map((r) => r.sqlStatements), results };
  }

  /** An institution with `n` people, each referred one posting (of its own employer) and paired with a mentor who has logged a contact. */
  async function cohort(n: number) {
    const institution = await makeInstitution(t.db, { regionCode: "350102" });
    const mentor = await makeMentor(t, { institutionId: institution.id, capacity: 100 });
    const people = [];
    for (let i = 0; i < n; i++) {
      const person = await makePerson(t, { institutionId: institution.id });
      const posting = await makePosting(t.db, { minEducation: "NONE" });
      await makeReferral(t.db, person.id, posting.id);
      await makeMentorship(t.db, person.id, mentor.id);
      await makeFollowUp(t.db, mentor, person.id);
      people.push(person);
    }
    return { institution, mentor, people };
  }

  const PERSON_FIELDS = `id name phone(unmasked: true, purpose: "核对身份") householdRegion { name parent { name } } originRegion { name }
    institution { name } targetCategories { category { code } } employmentHistory { status } referralProgress { required remaining }`;

  it("campaigns with their bound categories and versions: the same count for 2 and 4 campaigns", async () => {
    const [pl] = await queryRows<{ id: string }>(t.db, sql`select id from target_categories where code = 'PL_POVERTY_LABOURER' order by version desc limit 1`);
    for (const [kind, n] of [["BATCH_TWO", 2], ["BATCH_FOUR", 4]] as const) {
      await t.db.execute(sql`insert into campaign_kinds (code, name) values (${kind}, ${kind})`);
      for (let i = 0; i < n; i++) {
        const made = await t.gql(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
          i: { code: `${kind}-${i}`, name: "批量", kind, cohortYear: 2030, startsOn: `2030-0${i + 1}-01`, endsOn: `2030-0${i + 1}-20`, categories: [{ categoryId: pl!.id }] },
        }, { token: admin });
        expect(made.errors).toBeUndefined();
      }
    }
    const query = `query($k: String) { campaigns(kind: $k) { code categories { categoryCode minReferrals category { code version } } } }`;
    const { counts, results } = await statements(query, [{ k: "BATCH_TWO" }, { k: "BATCH_FOUR" }]);
    expect(results[1]!.data.campaigns).toHaveLength(4);
    expect(results[1]!.data.campaigns[3].categories[0].category.code).toBe("PL_POVERTY_LABOURER");
    expect(counts[1]).toBe(counts[0]);
  });

  it("people: a page with each person's institution, regions, categories, history, progress and unmasked phone", async () => {
    const [two, eight] = [await cohort(2), await cohort(8)];
    const query = `query($i: ID!) { people(first: 10, filter: { institutionId: $i }) { totalCount edges { node { ${PERSON_FIELDS} } } } }`;
    for (const token of [admin, fuzhou]) {
      const { counts, results } = await statements(query, [{ i: two.institution.id }, { i: eight.institution.id }], { token });
      expect(results[1]!.data.people.edges).toHaveLength(8);
      expect(results[1]!.data.people.edges[0].node.targetCategories.length).toBeGreaterThan(0);
      expect(counts[1]).toBe(counts[0]);
    }
  });

  it("people: each person's referrals (posting, its employer and region, candidate, events), mentor and pairings", async () => {
    const [two, eight] = [await cohort(2), await cohort(8)];
    const query = `query($i: ID!) { people(first: 10, filter: { institutionId: $i }) { edges { node { id
      referrals { status posting { title employer { name region { name } } region { name } } candidate { name } events { toStatus by } }
      mentor { name mentees { id } }
      mentorships { mentor { name } person { id } followUps { channel } lastContactAt overdue }
    } } } }`;
    for (const token of [admin, fuzhou]) {
      const { counts, results } = await statements(query, [{ i: two.institution.id }, { i: eight.institution.id }], { token });
      for (const { node } of results[1]!.data.people.edges) {
        expect(node.referrals).toHaveLength(1);
        expect(node.mentorships[0]).toMatchObject({ person: { id: node.id }, followUps: [{ channel: "PHONE" }] });
        expect(node.mentor.mentees).toHaveLength(8);
      }
      expect(counts[1]).toBe(counts[0]);
    }
  });

  it("a person's referrals and a posting's referrals: the same count for 2 and 8", async () => {
    const personWith = async (n: number) => {
      const person = await makePerson(t);
      for (let i = 0; i < n; i++) await makeReferral(t.db, person.id, (await makePosting(t.db, { minEducation: "NONE" })).id);
      return person.id;
    };
    const personQuery = `query($p: ID!) { person(id: $p) { referrals { status posting { title employer { name } region { name } } candidate { name } events { toStatus } } } }`;
    const byPerson = await statements(personQuery, [{ p: await personWith(2) }, { p: await personWith(8) }]);
    expect(byPerson.results[1]!.data.person.referrals).toHaveLength(8);
    expect(byPerson.counts[1]).toBe(byPerson.counts[0]);

    const postingWith = async (n: number) => {
      const employer = await makeEmployer(t.db);
      const posting = await makePosting(t.db, { employerId: employer.id, minEducation: "NONE", headcount: 20 });
      for (let i = 0; i < n; i++) {
        const referral = await makeReferral(t.db, (await makePerson(t)).id, posting.id);
        expect((await t.gql(`mutation($r: ID!) { updateReferralStatus(referralId: $r, status: APPLIED) { id } }`, { r: referral.id }, { token: admin })).errors).toBeUndefined();
      }
      return { postingId: posting.id, employerToken: await t.token({ sub: `firm-${employer.id}`, role: Role.EMPLOYER, employerId: employer.id }) };
    };
    const [few, many] = [await postingWith(2), await postingWith(8)];
    const postingQuery = `query($p: ID!) { posting(id: $p) { referrals { status candidate { name major } posting { title } events { toStatus at } } } }`;
    const asAdmin = await statements(postingQuery, [{ p: few.postingId }, { p: many.postingId }]);
    expect(asAdmin.results[1]!.data.posting.referrals).toHaveLength(8);
    expect(asAdmin.counts[1]).toBe(asAdmin.counts[0]);
    // The employer sees those who applied: the filter reads every trail at once.
    const fewAsEmployer = await statements(postingQuery, [{ p: few.postingId }], { token: few.employerToken });
    const manyAsEmployer = await statements(postingQuery, [{ p: many.postingId }], { token: many.employerToken });
    expect(manyAsEmployer.results[0]!.data.posting.referrals).toHaveLength(8);
    expect(manyAsEmployer.counts[0]).toBe(fewAsEmployer.counts[0]);
  });

  it("postings with their referrals (candidate, events): the same count for 2 and 8 postings, for an administrator and the employer", async () => {
    const employerWith = async (n: number) => {
      const employer = await makeEmployer(t.db);
      for (let i = 0; i < n; i++) {
        const posting = await makePosting(t.db, { employerId: employer.id, minEducation: "NONE" });
        const referral = await makeReferral(t.db, (await makePerson(t)).id, posting.id);
        expect((await t.gql(`mutation($r: ID!) { updateReferralStatus(referralId: $r, status: APPLIED) { id } }`, { r: referral.id }, { token: admin })).errors).toBeUndefined();
      }
      return { employerId: employer.id, token: await t.token({ sub: `firm-${employer.id}`, role: Role.EMPLOYER, employerId: employer.id }) };
    };
    const query = `query($e: ID!) { postings(first: 10, filter: { employerId: $e }) { edges { node { title employer { name } referrals { status candidate { name } events { toStatus } } } } } }`;
    const [two, eight] = [await employerWith(2), await employerWith(8)];
    const asAdmin = await statements(query, [{ e: two.employerId }, { e: eight.employerId }]);
    expect(asAdmin.results[1]!.data.postings.edges).toHaveLength(8);
    expect(asAdmin.counts[1]).toBe(asAdmin.counts[0]);
    const asTwo = await statements(query, [{ e: two.employerId }], { token: two.token });
    const asEight = await statements(query, [{ e: eight.employerId }], { token: eight.token });
    for (const { node } of asEight.results[0]!.data.postings.edges) expect(node.referrals).toHaveLength(1);
    expect(asEight.counts[0]).toBe(asTwo.counts[0]);
  });

  it("mentors: each mentor's mentees and pairings (person, mentor, follow-ups, last contact, overdue), whoever asks", async () => {
    const mentorsWith = async (n: number) => {
      const institution = await makeInstitution(t.db, { regionCode: "350102" });
      for (let i = 0; i < n; i++) {
        const mentor = await makeMentor(t, { institutionId: institution.id });
        for (let j = 0; j < 2; j++) {
          const person = await makePerson(t, { institutionId: institution.id });
          await makeMentorship(t.db, person.id, mentor.id);
          await makeFollowUp(t.db, mentor, person.id);
        }
      }
      return institution.id;
    };
    const query = `query($i: ID!) { mentors(first: 10, filter: { institutionId: $i }) { totalCount edges { node { name activeMentees
      mentees { name institution { name } referralProgress { required } }
      mentorships { person { name householdRegion { name } } mentor { name } followUps { outcome } lastContactAt overdue }
    } } } }`;
    const [two, eight] = [await mentorsWith(2), await mentorsWith(8)];
    for (const token of [admin, fuzhou]) {
      const { counts, results } = await statements(query, [{ i: two }, { i: eight }], { token });
      expect(results[1]!.data.mentors.edges).toHaveLength(8);
      for (const { node } of results[1]!.data.mentors.edges) {
        expect(node.mentees).toHaveLength(2);
        expect(node.mentorships.map((m: { followUps: unknown[] }) => m.followUps.length)).toEqual([1, 1]);
      }
      expect(counts[1]).toBe(counts[0]);
    }

    // A mentor reads their own mentees: 2 and 8.
    const mentorWith = async (n: number) => {
      const mentor = await makeMentor(t);
      for (let i = 0; i < n; i++) await makeMentorship(t.db, (await makePerson(t)).id, mentor.id);
      return { id: mentor.id, token: await t.token({ sub: mentor.userId!, role: Role.MENTOR }) };
    };
    const own = `query($m: ID!) { mentor(id: $m) { mentees { name institution { name } } mentorships { person { name } lastContactAt overdue } } }`;
    const [few, many] = [await mentorWith(2), await mentorWith(8)];
    const asFew = await statements(own, [{ m: few.id }], { token: few.token });
    const asMany = await statements(own, [{ m: many.id }], { token: many.token });
    expect(asMany.results[0]!.data.mentor.mentees).toHaveLength(8);
    expect(asMany.counts[0]).toBe(asFew.counts[0]);
  });

  it("referralCompliance: the people below with their institution, categories and progress", async () => {
    const below = async (n: number) => {
      const institution = await makeInstitution(t.db, { regionCode: "350102" });
      for (let i = 0; i < n; i++) await makePerson(t, { institutionId: institution.id });
      return institution.id;
    };
    const query = `query($i: ID!) { referralCompliance(first: 10, filter: { institutionId: $i }) { total belowMinimum
      below { required counted remaining lastRunReason person { name institution { name } householdRegion { name } targetCategories { category { code } } referralProgress { remaining } } } } }`;
    const [two, eight] = [await below(2), await below(8)];
    for (const token of [admin, fuzhou]) {
      const { counts, results } = await statements(query, [{ i: two }, { i: eight }], { token });
      expect(results[1]!.data.referralCompliance.below).toHaveLength(8);
      expect(counts[1]).toBe(counts[0]);
    }
  });

  it("auditLog: a page of entries (unmasked reads) for 2 and 8", async () => {
    const auditedBy = async (n: number) => {
      const institution = await makeInstitution(t.db, { regionCode: "350102" });
      for (let i = 0; i < n; i++) await makePerson(t, { institutionId: institution.id });
      const actor = `auditor-${institution.id}`;
      const read = await t.gql(`query($i: ID!) { people(first: 10, filter: { institutionId: $i }) { edges { node { phone(unmasked: true, purpose: "回访") } } } }`, { i: institution.id }, { token: await t.token({ sub: actor, role: Role.ADMIN }) });
      expect(read.errors).toBeUndefined();
      return `admin:${actor}`;
    };
    const [two, eight] = [await auditedBy(2), await auditedBy(8)];
    const query = `query($a: String!) { auditLog(first: 20, filter: { actor: $a }) { totalCount edges { cursor node { id at actor personId fields purpose } } } }`;
    const { counts, results } = await statements(query, [{ a: two }, { a: eight }]);
    expect(results[0]!.data.auditLog.totalCount).toBe(2);
    expect(results[1]!.data.auditLog.totalCount).toBe(8);
    expect(counts[1]).toBe(counts[0]);
  });

  it("partners with their keys: the same count for 2 and 8 more partners", async () => {
    const query = `{ partners { name keys { keyPrefix scopes revokedAt } } }`;
    const issue = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const name = `招聘网${Math.random().toString(36).slice(2)}`;
        await issuePartnerKey(t.db, "test", { name, scopes: ["postings:read"] });
        await issuePartnerKey(t.db, "test", { name, scopes: ["postings:write"] });
      }
    };
    await issue(2);
    const few = await statements(query, [{}]);
    await issue(6);
    const many = await statements(query, [{}]);
    expect(many.results[0]!.data.partners.length).toBe(few.results[0]!.data.partners.length + 6);
    expect(many.counts[0]).toBe(few.counts[0]);
  });

  it("regions with their parent and children: Xiamen's counties and Fuzhou's", async () => {
    const query = `query($p: String) { regions(parentCode: $p) { code parent { name } children { code name } } }`;
    const { counts, results } = await statements(query, [{ p: "350200" }, { p: "350100" }]);
    expect(results[1]!.data.regions.length).toBeGreaterThan(results[0]!.data.regions.length);
    expect(counts[1]).toBe(counts[0]);
  });

  it("campaignProgress rows by institution and by category: the same count with 6 more institutions", async () => {
    const query = `query($g: ProgressGroupBy!) { campaignProgress(groupBy: $g) { rows { key label registered withMinimum mentored } total { registered } } }`;
    const before = await statements(query, [{ g: "INSTITUTION" }, { g: "CATEGORY" }]);
    for (let i = 0; i < 6; i++) await makePerson(t, { institutionId: (await makeInstitution(t.db, { regionCode: "350102" })).id });
    const after = await statements(query, [{ g: "INSTITUTION" }, { g: "CATEGORY" }]);
    expect(after.results[0]!.data.campaignProgress.rows.length).toBe(before.results[0]!.data.campaignProgress.rows.length + 6);
    expect(after.counts).toEqual(before.counts);
  });

  it("fairCoverage: the bureaus without fairs (with their parent and children) and institutions, for a county and a prefecture", async () => {
    const query = `query { fairCoverage(year: ${new Date().getFullYear()}) { institutions bureaus institutionsWithout { name kind } bureausWithout { code parent { name } children { code } } } }`;
    const county = await t.token({ sub: "cw-gulou", role: Role.CASEWORKER, regionCode: "350102" });
    const few = await statements(query, [{}], { token: county });
    const many = await statements(query, [{}], { token: fuzhou });
    expect(many.results[0]!.data.fairCoverage.bureausWithout.length).toBeGreaterThan(few.results[0]!.data.fairCoverage.bureausWithout.length);
    expect(many.counts[0]).toBe(few.counts[0]);
  });

  it("searchPostings: each hit's employer (with its region) and region", async () => {
    const postIn = async (regionCode: string, n: number) => {
      for (let i = 0; i < n; i++) await makePosting(t.db, { regionCode, employerId: (await makeEmployer(t.db, { regionCode })).id });
    };
    await postIn("350121", 2);
    await postIn("350122", 8);
    await t.app.search.drain();
    const query = `query($r: [String!]) { searchPostings(first: 20, filter: { regionCodes: $r }) { totalCount edges { score node { title employer { name region { name } } region { name } } } } }`;
    const { counts, results } = await statements(query, [{ r: ["350121"] }, { r: ["350122"] }]);
    expect(results[0]!.data.searchPostings.edges).toHaveLength(2);
    expect(results[1]!.data.searchPostings.edges).toHaveLength(8);
    expect(counts[1]).toBe(counts[0]);
  });

  it("jobFairs: each fair's postings recommended to a person (with the posting's employer), for 2 and 8 fairs", async () => {
    const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
    const person = await makePerson(t);
    for (let f = 0; f < 8; f++) {
      const created = await t.gql<{ createJobFair: { id: string } }>(`mutation($i: CreateJobFairInput!) { createJobFair(input: $i) { id } }`, { i: { title: `校园招聘${f}`, kind: "CAMPUS", startsAt: hours(-1), endsAt: hours(100) } }, { token: fuzhou });
      const fairId = created.data!.createJobFair.id;
      expect((await t.gql(`mutation($id: ID!) { setJobFairStatus(id: $id, status: OPEN) { status } }`, { id: fairId }, { token: fuzhou })).errors).toBeUndefined();
      const employer = await makeEmployer(t.db);
      const posting = await makePosting(t.db, { employerId: employer.id, minEducation: "NONE" });
      const firm = await t.token({ sub: `booth-${employer.id}`, role: Role.EMPLOYER, employerId: employer.id });
      expect((await t.gql(`mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`, { f: fairId, p: [posting.id] }, { token: firm })).errors).toBeUndefined();
    }
    await t.app.search.drain();
    const query = `query($n: Int!, $p: ID!) { jobFairs(first: $n, kind: CAMPUS) { edges { node { id recommendedPostings(personId: $p, first: 5) { note items { score posting { title employer { name } } } } } } } }`;
    for (const token of [admin, fuzhou]) {
      const { counts, results } = await statements(query, [{ n: 2, p: person.id }, { n: 8, p: person.id }], { token });
      expect(results[1]!.data.jobFairs.edges).toHaveLength(8);
      for (const { node } of results[1]!.data.jobFairs.edges) expect(node.recommendedPostings.items).toHaveLength(1);
      expect(counts[1]).toBe(counts[0]);
    }
  });
});
