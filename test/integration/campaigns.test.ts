import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday, yearsAfter } from "../../src/dates.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, openCampaignWindow, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 16: campaigns as data — managed through the API, several active at once (one per kind),
 * a minimum per campaign, one referral counting in each, and a closed campaign's figures frozen.
 */

const CAMPAIGN_FIELDS = `id code kind status startsOn endsOn cohortYear categories { categoryCode minReferrals category { version } }`;
const CREATE = `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { ${CAMPAIGN_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateCampaignInput!) { updateCampaign(id: $id, input: $i) { ${CAMPAIGN_FIELDS} } }`;
const ACTIVATE = `mutation($id: ID!) { activateCampaign(id: $id) { status activatedAt } }`;
const CLOSE = `mutation($id: ID!) { closeCampaign(id: $id) { status closedAt } }`;
const PROGRESS = `query($c: ID, $g: ProgressGroupBy!) { campaignProgress(campaignId: $c, groupBy: $g) { campaign { code } asOf total { registered employed withMinimum atMinimum belowMinimum } rows { key registered withMinimum atMinimum } } }`;
const COMPLIANCE = `query($c: ID) { referralCompliance(campaignId: $c) { campaign { code } total atMinimum belowMinimum below { required counted person { id } } } }`;
const PERSON = `query($id: ID!, $c: ID) { person(id: $id) { referralProgress(campaignId: $c) { campaign { code kind } required counted remaining met deadline } } }`;

type Campaign = { id: string; code: string; kind: string; status: string; startsOn: string; endsOn: string; categories: { categoryCode: string; minReferrals: number; category: { version: number } }[] };
type Progress = { campaign: { code: string } | null; required: number; counted: number; remaining: number; met: boolean; deadline: string };

describe("campaigns as data (issue 16)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let versions: Map<string, string>;
  const today = serviceToday();

  const campaignCount = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from campaigns`))[0]!.n;
  const create = async (overrides: Record<string, unknown>) =>
    t.gql<{ createCampaign: Campaign }>(
      CREATE,
      {
        i: {
          code: `FJ-${today.slice(0, 4)}-PL-${Math.random().toString(36).slice(2, 7).toUpperCase()}`,
          name: "建档立卡贫困劳动力就业扶贫行动",
          kind: "POVERTY_LABOUR",
          cohortYear: Number(today.slice(0, 4)),
          startsOn: serviceToday(days(-30)),
          endsOn: serviceToday(days(200)),
          categories: [{ categoryId: versions.get("PL_POVERTY_LABOURER")!, minReferrals: 2 }],
          ...overrides,
        },
      },
      { token: admin },
    );

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    await openCampaignWindow(t.db); // the 2020 key-group campaign (ACTIVE) runs through today
    const rows = await queryRows<{ code: string; id: string }>(t.db, sql`select distinct on (code) code, id from target_categories order by code, version desc`);
    versions = new Map(rows.map((r) => [r.code, r.id]));
  });
  afterAll(() => t.close());

  it("administrators create, edit, activate and close campaigns; caseworkers read them; nobody else", async () => {
    const created = await create({ startsOn: "2029-01-01", endsOn: "2029-03-31" });
    expect(created.errors).toBeUndefined();
    const c = created.data!.createCampaign;
    expect(c).toMatchObject({ kind: "POVERTY_LABOUR", status: "DRAFT", categories: [{ categoryCode: "PL_POVERTY_LABOURER", minReferrals: 2 }] });
    const byCaseworker = await t.gql(CREATE, { i: { code: "CW-TRY", name: "x", kind: "POVERTY_LABOUR", cohortYear: 2029, startsOn: "2029-05-01", endsOn: "2029-06-01", categories: [] } }, { token: fuzhou });
    expect(codeOf(byCaseworker)).toBe("FORBIDDEN");
    const asCaseworker = await t.gql(`mutation($id: ID!) { activateCampaign(id: $id) { status } }`, { id: c.id }, { token: fuzhou });
    expect(codeOf(asCaseworker)).toBe("FORBIDDEN");
    const listed = await t.gql<{ campaigns: { code: string; status: string }[] }>(`{ campaigns { code status } }`, {}, { token: fuzhou });
    expect(listed.data!.campaigns.map((x) => x.code)).toEqual(expect.arrayContaining(["FJ-2020-KG", c.code]));
    const seeker = await t.token({ sub: "s", role: Role.SEEKER, personId: "00000000-0000-7000-8000-000000000001" });
    expect(codeOf(await t.gql(`{ campaigns { code } }`, {}, { token: seeker }))).toBe("FORBIDDEN");
    // A DRAFT is edited; its minimum follows the binding.
    const edited = await t.gql<{ updateCampaign: Campaign }>(UPDATE, { id: c.id, i: { name: "2026年就业扶贫行动", categories: [{ categoryId: versions.get("PL_POVERTY_LABOURER") }] } }, { token: admin });
    // Without a minimum of its own, the binding takes the version's (PL_POVERTY_LABOURER: 0), fixed from then on.
    expect(edited.data!.updateCampaign.categories[0]!.minReferrals).toBe(0);
    expect((await t.gql<{ activateCampaign: { status: string } }>(ACTIVATE, { id: c.id }, { token: admin })).data!.activateCampaign.status).toBe("ACTIVE");
    expect((await t.gql<{ closeCampaign: { status: string } }>(CLOSE, { id: c.id }, { token: admin })).data!.closeCampaign.status).toBe("CLOSED");
  });

  it("refuses bad campaigns with a clear code, and writes nothing", async () => {
    const draft = (await create({ startsOn: "2030-01-01", endsOn: "2030-03-31" })).data!.createCampaign;
    const before = await campaignCount();
    const cases: [string, Promise<unknown>, string][] = [
      // Two campaigns of one kind never share a day (the 2020 key-group campaign runs through today).
      ["overlapping window, same kind", create({ kind: "KEY_GROUP_GRADUATES", categories: [{ categoryId: versions.get("KG1_HARDSHIP_HOUSEHOLD") }] }), "CONFLICT"],
      ["window ends before it starts", create({ startsOn: "2031-05-01", endsOn: "2031-04-30" }), "BAD_USER_INPUT"],
      ["window longer than the policy allows", create({ startsOn: "2031-01-01", endsOn: "2032-01-02" }), "BAD_USER_INPUT"],
      ["a category version that does not exist", create({ startsOn: "2031-01-01", endsOn: "2031-02-01", categories: [{ categoryId: "00000000-0000-7000-8000-00000000beef" }] }), "BAD_USER_INPUT"],
      ["a category of another population", create({ startsOn: "2031-01-01", endsOn: "2031-02-01", categories: [{ categoryId: versions.get("KG1_HARDSHIP_HOUSEHOLD") }] }), "BAD_USER_INPUT"],
      ["an unknown kind", create({ kind: "NO_SUCH_KIND", startsOn: "2031-01-01", endsOn: "2031-02-01" }), "BAD_USER_INPUT"],
      ["a lone surrogate in the name", create({ name: "行动\ud800", startsOn: "2031-01-01", endsOn: "2031-02-01" }), "BAD_USER_INPUT"],
      ["a window past the bounds", create({ startsOn: "2031-01-01", endsOn: yearsAfter(today, 9) }), "BAD_USER_INPUT"],
      ["an existing code", create({ code: draft.code, startsOn: "2031-01-01", endsOn: "2031-02-01" }), "CONFLICT"],
    ];
    for (const [what, pending, code] of cases) expect([what, codeOf((await pending) as never)]).toEqual([what, code]);
    expect(await campaignCount()).toBe(before);

    // Activating a campaign with no categories; editing an ACTIVE or a CLOSED campaign's window.
    const empty = (await t.gql<{ updateCampaign: Campaign }>(UPDATE, { id: draft.id, i: { categories: [] } }, { token: admin })).data!.updateCampaign;
    expect(codeOf(await t.gql(ACTIVATE, { id: empty.id }, { token: admin }))).toBe("CONFLICT");
    expect((await queryRows<{ status: string }>(t.db, sql`select status::text from campaigns where id = ${draft.id}`))[0]!.status).toBe("DRAFT");
    const active = await t.gql(UPDATE, { id: (await queryRows<{ id: string }>(t.db, sql`select id from campaigns where code = 'FJ-2020-KG'`))[0]!.id, i: { endsOn: "2030-12-31" } }, { token: admin });
    expect(codeOf(active)).toBe("CONFLICT");
    const closed = (await queryRows<{ id: string }>(t.db, sql`select id from campaigns where status = 'CLOSED' limit 1`))[0]!.id;
    expect(codeOf(await t.gql(UPDATE, { id: closed, i: { startsOn: "2030-06-01" } }, { token: admin }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(ACTIVATE, { id: closed }, { token: admin }))).toBe("CONFLICT");
  });

  it("a person in two active campaigns has two minimums, and one referral counts in both", async () => {
    const pl = (await create({})).data!.createCampaign;
    expect(codeOf(await t.gql(ACTIVATE, { id: pl.id }, { token: admin }))).toBeUndefined();
    // A registered-poverty 2020 graduate, out of work: key-group categories (minimum 3) and a poverty labourer (2 in the action).
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    const person = (await makePerson(t, { institutionId: school.id, registeredPoverty: true, degreeLevel: "BACHELOR", intentionKeywords: ["会计"] })).id;
    const both = (await t.gql<{ person: { referralProgress: Progress[] } }>(PERSON, { id: person }, { token: fuzhou })).data!.person.referralProgress;
    expect(both.map((p) => [p.campaign!.code, p.required, p.counted])).toEqual(
      expect.arrayContaining([
        ["FJ-2020-KG", 3, 0],
        [pl.code, 2, 0],
      ]),
    );
    expect(both).toHaveLength(2);
    const employer = await makeEmployer(t.db, { regionCode: "350102" });
    const posting = await makePosting(t.db, { employerId: employer.id, regionCode: "350102", title: "会计", minEducation: "BACHELOR", validUntil: days(30) });
    await t.app.search.drain();
    const made = await t.gql<{ recommendPostings: { referral: { id: string } | null }[] }>(`mutation($p: ID!, $post: [ID!]!) { recommendPostings(personId: $p, postingIds: $post) { referral { id } } }`, { p: person, post: [posting.id] }, { token: fuzhou });
    expect(made.data!.recommendPostings[0]!.referral).not.toBeNull();
    const after = (await t.gql<{ person: { referralProgress: Progress[] } }>(PERSON, { id: person }, { token: fuzhou })).data!.person.referralProgress;
    expect(after.map((p) => p.counted)).toEqual([1, 1]);
    // Named: one campaign's standing.
    const named = (await t.gql<{ person: { referralProgress: Progress[] } }>(PERSON, { id: person, c: pl.id }, { token: fuzhou })).data!.person.referralProgress;
    expect(named).toMatchObject([{ campaign: { code: pl.code, kind: "POVERTY_LABOUR" }, required: 2, counted: 1, remaining: 1, met: false }]);
    // Reports of each campaign count it with that campaign's minimum.
    const compliance = await t.gql<{ referralCompliance: { campaign: { code: string }; below: { required: number; counted: number; person: { id: string } }[] } }>(COMPLIANCE, { c: pl.id }, { token: fuzhou });
    expect(compliance.data!.referralCompliance.below.find((b) => b.person.id === person)).toMatchObject({ required: 2, counted: 1 });
    // With two active, the default is the key-group graduate campaign.
    expect((await t.gql<{ referralCompliance: { campaign: { code: string } } }>(COMPLIANCE, {}, { token: fuzhou })).data!.referralCompliance.campaign.code).toBe("FJ-2020-KG");
    // A run for the action brings the person to its minimum there (and the referral counts in 2020 too).
    const run = await t.gql<{ fulfilReferralMinimums: { id: string; total: number } }>(`mutation($c: ID) { fulfilReferralMinimums(scope: { personId: "${person}" }, campaignId: $c) { id total } }`, { c: pl.id }, { token: fuzhou });
    expect(run.data!.fulfilReferralMinimums.total).toBe(1);

    // Mentor coverage per campaign: the poverty graduate is mentor-eligible and in both campaigns; a 就业援助月
    // campaign binding only the willing-to-relocate labourers does not hold them.
    const COVERAGE = `query($c: ID) { mentorCoverage(filter: { campaignId: $c }) { eligible unassigned } }`;
    const eligible = async (c: string | null) => (await t.gql<{ mentorCoverage: { eligible: number } }>(COVERAGE, { c }, { token: fuzhou })).data!.mentorCoverage.eligible;
    const kg = (await t.gql<{ campaigns: { id: string }[] }>(`{ campaigns(status: ACTIVE, kind: "KEY_GROUP_GRADUATES") { id } }`, {}, { token: fuzhou })).data!.campaigns[0]!.id;
    const aid = (await create({ kind: "EMPLOYMENT_AID_MONTH", categories: [{ categoryId: versions.get("PL_WILLING_TO_RELOCATE")! }] })).data!.createCampaign;
    const all = await eligible(null);
    expect(all).toBeGreaterThanOrEqual(1);
    expect({ kg: await eligible(kg), pl: await eligible(pl.id), aid: await eligible(aid.id) }).toEqual({ kg: all, pl: all, aid: 0 });
    // Someone newly eligible joins the campaigns they are in.
    await makePerson(t, { institutionId: school.id, registeredPoverty: true, willingToRelocate: true });
    expect({ kg: await eligible(kg), pl: await eligible(pl.id), aid: await eligible(aid.id) }).toEqual({ kg: all + 1, pl: all + 1, aid: 1 });
    expect(codeOf(await t.gql(COVERAGE, { c: "01890000-0000-7000-8000-000000000000" }, { token: fuzhou }))).toBe("NOT_FOUND");
    await t.gql(CLOSE, { id: pl.id }, { token: admin });
    expect(codeOf(await t.gql(COVERAGE, { c: pl.id }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
  });

  it("closing a campaign freezes its figures: a later edit of a person does not move them", async () => {
    // 春风行动 serves no one population: any category binds to it.
    const pl = (await create({ kind: "SPRING_BREEZE" })).data!.createCampaign;
    await t.gql(ACTIVATE, { id: pl.id }, { token: admin });
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    const person = (await makePerson(t, { institutionId: school.id, registeredPoverty: true })).id;
    await makePerson(t, { householdRegionCode: XIAMEN_SIMING, registeredPoverty: true, institutionId: null });
    const live = async (token: string) => (await t.gql<{ campaignProgress: { total: { registered: number; employed: number; withMinimum: number; atMinimum: number; belowMinimum: number } } }>(PROGRESS, { c: pl.id, g: "REGION" }, { token })).data!.campaignProgress.total;
    const beforeClose = await live(admin);
    const fuzhouBefore = await live(fuzhou);
    expect(fuzhouBefore.registered).toBeLessThan(beforeClose.registered); // a caseworker sees their scope only
    expect(codeOf(await t.gql(CLOSE, { id: pl.id }, { token: admin }))).toBeUndefined();
    const frozen = await t.gql<{ campaignProgress: { asOf: string; total: { registered: number; employed: number; withMinimum: number; atMinimum: number; belowMinimum: number }; rows: unknown[] } }>(PROGRESS, { c: pl.id, g: "CATEGORY" }, { token: admin });
    expect(frozen.errors).toBeUndefined();
    const frozenCompliance = (await t.gql<{ referralCompliance: { total: number; belowMinimum: number } }>(COMPLIANCE, { c: pl.id }, { token: admin })).data!.referralCompliance;
    // The person finds work and moves to Xiamen after the close.
    await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED) { id } }`, { id: person }, { token: admin });
    await t.gql(`mutation($id: ID!) { updatePerson(id: $id, input: { householdRegionCode: "${XIAMEN_SIMING}", originRegionCode: "${XIAMEN_SIMING}", institutionId: null }) { id } }`, { id: person }, { token: admin });
    expect((await live(admin)).employed).toBe(beforeClose.employed);
    expect(await live(admin)).toEqual(beforeClose);
    expect(await live(fuzhou)).toEqual(fuzhouBefore);
    expect((await t.gql<{ campaignProgress: unknown }>(PROGRESS, { c: pl.id, g: "CATEGORY" }, { token: admin })).data!.campaignProgress).toEqual(frozen.data!.campaignProgress);
    expect((await t.gql<{ referralCompliance: unknown }>(COMPLIANCE, { c: pl.id }, { token: admin })).data!.referralCompliance).toMatchObject(frozenCompliance);
    // …while the live 2020 campaign sees the change.
    const live2020 = (await t.gql<{ campaignProgress: { total: { registered: number; employed: number; withMinimum: number; atMinimum: number; belowMinimum: number } } }>(PROGRESS, { g: "REGION" }, { token: fuzhou })).data!.campaignProgress.total;
    expect(live2020.registered).toBe(fuzhouBefore.registered - 1);
    // A closed campaign's report is as at its close: another day is refused.
    expect(codeOf(await t.gql(`query($c: ID) { campaignProgress(campaignId: $c, groupBy: REGION, asOf: "2020-11-01") { asOf } }`, { c: pl.id }, { token: admin }))).toBe("BAD_USER_INPUT");
  });

  it("a closed campaign stays closed: its referralProgress is frozen, its runs end at the close, and no run starts on it", async () => {
    // Kinds are data: a county's own action, so no other test's window is in the way.
    await t.db.execute(sql`insert into campaign_kinds (code, name) values ('COUNTY_ACTION', '县级专项行动')`);
    const pl = (await create({ kind: "COUNTY_ACTION", categories: [{ categoryId: versions.get("PL_POVERTY_LABOURER")!, minReferrals: 2 }] })).data!.createCampaign;
    await t.gql(ACTIVATE, { id: pl.id }, { token: admin });
    const person = (await makePerson(t, { institutionId: null, registeredPoverty: true, birthDate: "1990-03-01" })).id;
    const employer = await makeEmployer(t.db, { regionCode: "350102" });
    const postings = await Promise.all([1, 2].map(() => makePosting(t.db, { employerId: employer.id, regionCode: "350102", minEducation: "NONE", validUntil: days(30) })));
    await t.app.search.drain();
    // A run is queued for the person, and the campaign closes before the runner reaches it.
    const run = await t.gql<{ fulfilReferralMinimums: { id: string; total: number } }>(`mutation($c: ID) { fulfilReferralMinimums(scope: { personId: "${person}" }, campaignId: $c) { id total } }`, { c: pl.id }, { token: admin });
    expect(run.data!.fulfilReferralMinimums.total).toBe(1);
    expect(codeOf(await t.gql(CLOSE, { id: pl.id }, { token: admin }))).toBeUndefined();
    await t.app.runner.drain();
    const ended = await t.gql<{ campaignRun: { status: string; created: number; stillBelow: number } }>(`query($id: ID!) { campaignRun(id: $id) { status created stillBelow } }`, { id: run.data!.fulfilReferralMinimums.id }, { token: admin });
    expect(ended.data!.campaignRun).toEqual({ status: "DONE", created: 0, stillBelow: 1 });
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where person_id = ${person}`))[0]!.n).toBe(0);
    // A referral made after the close does not count in it: the person's standing there is as frozen.
    const frozen = (await t.gql<{ person: { referralProgress: Progress[] } }>(PERSON, { id: person, c: pl.id }, { token: admin })).data!.person.referralProgress;
    expect(frozen).toMatchObject([{ required: 2, counted: 0 }]);
    await t.gql(`mutation($p: ID!, $x: [ID!]!) { recommendPostings(personId: $p, postingIds: $x) { referral { id } } }`, { p: person, x: postings.map((p) => p.id) }, { token: admin });
    expect((await t.gql<{ person: { referralProgress: Progress[] } }>(PERSON, { id: person, c: pl.id }, { token: admin })).data!.person.referralProgress).toEqual(frozen);
    // A run asked for on the closed campaign is refused.
    expect(codeOf(await t.gql(`mutation($c: ID) { fulfilReferralMinimums(scope: { personId: "${person}" }, campaignId: $c) { id } }`, { c: pl.id }, { token: admin }))).toBe("CONFLICT");
  });

  it("policy rows are data: versions with who and when, the one in force on any day, and bad values refused", async () => {
    const fair = await t.gql<{ setFairPolicy: { version: number; effectiveFrom: string; createdBy: string } }>(
      `mutation { setFairPolicy(input: { maxFairDays: 45, keyGroupFairsPerYear: 2 }) { version effectiveFrom createdBy } }`,
      {},
      { token: admin },
    );
    expect(fair.data!.setFairPolicy).toMatchObject({ version: 2, effectiveFrom: today, createdBy: "admin:admin" });
    const future = serviceToday(days(10));
    await t.gql(`mutation($d: LocalDate) { setFairPolicy(input: { maxFairDays: 30, keyGroupFairsPerYear: 3, effectiveFrom: $d }) { version } }`, { d: future }, { token: admin });
    const read = async (on: string) => (await t.gql<{ fairPolicy: { version: number; maxFairDays: number } }>(`query($on: LocalDate) { fairPolicy(on: $on) { version maxFairDays } }`, { on }, { token: fuzhou })).data!.fairPolicy;
    expect(await read("2020-11-01")).toEqual({ version: 1, maxFairDays: 62 });
    expect(await read(today)).toEqual({ version: 2, maxFairDays: 45 });
    expect(await read(future)).toEqual({ version: 3, maxFairDays: 30 });
    const weights = { text: 0.3, occupation: 0.2, distance: 0.15, salary: 0.1, education: 0.1, keyGroup: 0.05, workshop: 0.04, freshness: 0.03, headcount: 0.03, employerRepeatDamping: 0.85 };
    const SET = `mutation($w: MatchWeightsInput!, $d: LocalDate) { setMatchingPolicy(weights: $w, effectiveFrom: $d) { version effectiveFrom weights { text distance } } }`;
    const before = (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from matching_policies`))[0]!.n;
    for (const [what, vars, code] of [
      ["weights not summing to 1", { w: { ...weights, text: 0.5 } }, "BAD_USER_INPUT"],
      ["a negative weight", { w: { ...weights, text: -0.1, occupation: 0.6 } }, "BAD_USER_INPUT"],
      ["a damping of 0", { w: { ...weights, employerRepeatDamping: 0 } }, "BAD_USER_INPUT"],
      ["a past day", { w: weights, d: "2020-01-01" }, "BAD_USER_INPUT"],
    ] as const)
      expect([what, codeOf(await t.gql(SET, vars, { token: admin }))]).toEqual([what, code]);
    expect(codeOf(await t.gql(SET, { w: weights }, { token: fuzhou }))).toBe("FORBIDDEN");
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from matching_policies`))[0]!.n).toBe(before);
    const set = await t.gql<{ setMatchingPolicy: { version: number; weights: { text: number; distance: number } } }>(SET, { w: { ...weights, text: 0.35, distance: 0.1 } }, { token: admin });
    expect(set.data!.setMatchingPolicy).toMatchObject({ version: 2, weights: { text: 0.35, distance: 0.1 } });
    expect((await t.gql<{ matchingPolicy: { version: number } }>(`{ matchingPolicy(on: "2020-11-01") { version } }`, {}, { token: fuzhou })).data!.matchingPolicy.version).toBe(1);
    expect(codeOf(await t.gql(`mutation { setCampaignPolicy(maxWindowDays: 0) { version } }`, {}, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(`mutation { setMentoringPolicy(followUpDays: 14, effectiveFrom: "2020-01-01") { version } }`, {}, { token: admin }))).toBe("BAD_USER_INPUT");
    void xiamen;
  });
});
