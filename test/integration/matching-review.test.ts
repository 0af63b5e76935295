import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { policyReads, recommendForPeople } from "../../src/modules/matching/recommend.service.js";
import { readPostings } from "../../src/modules/postings/posting.lock.js";
import { days, makePerson, makePosting, openCampaignWindow, unique } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

// Review of #24 items 1–3: the policy's rules carried over, the fallback's minimum in a campaign run,
// and the policy reads of a caseworker's referral.
const SET_POLICY = `mutation($w: MatchWeightsInput!, $r: MatchRulesInput, $from: LocalDate) { setMatchingPolicy(weights: $w, rules: $r, effectiveFrom: $from) { version effectiveFrom rules { commuteRadii { population km } boostMargin nearDuplicateDamping } } }`;
const POLICY_ON = `query($on: LocalDate) { matchingPolicy(on: $on) { version weights { text occupation distance salary education keyGroup workshop freshness headcount employerRepeatDamping } rules { commuteRadii { population km } boostMargin nearDuplicateDamping } } }`;
const FULFIL = `mutation($s: FulfilScopeInput!) { fulfilReferralMinimums(scope: $s) { id status } }`;
const PROGRESS = `query($id: ID!) { person(id: $id) { referralProgress { required counted met } } }`;
const RECOMMEND = `mutation($personId: ID!, $postingIds: [ID!]!) { recommendPostings(personId: $personId, postingIds: $postingIds) { postingId referral { id } error { code message } } }`;

type Rules = { commuteRadii: { population: string; km: number }[]; boostMargin: number; nearDuplicateDamping: number };
type Policy = { version: number; weights: Record<string, number>; rules: Rules };

describe("review of #24: matching places, the fallback and the policy", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    await openCampaignWindow(t.db);
  });
  afterAll(() => t.close());

  const policyOn = async (on: string | null) => {
    const r = await t.gql<{ matchingPolicy: Policy }>(POLICY_ON, { on }, { token: admin });
    expect(r.errors).toBeUndefined();
    return r.data!.matchingPolicy;
  };

  it("a weights-only version carries over the rules in force on its first day: a scheduled rules change is not undone", async () => {
    const today = await policyOn(null);
    const inTen = serviceToday(days(10));
    const inTwenty = serviceToday(days(20));
    // From day 10: a 45 km radius. From day 20: new weights only ("the rules in force carry over").
    const scheduled = await t.gql(SET_POLICY, { w: today.weights, r: { ...today.rules, commuteRadii: [{ population: "POVERTY_LABOURER", km: 45 }] }, from: inTen }, { token: admin });
    expect(scheduled.errors).toBeUndefined();
    const later = await t.gql(SET_POLICY, { w: today.weights, r: null, from: inTwenty }, { token: admin });
    expect(later.errors).toBeUndefined();
    expect((await policyOn(inTen)).rules.commuteRadii).toEqual([{ population: "POVERTY_LABOURER", km: 45 }]);
    // On day 20 the 45 km radius still holds: the weights-only change said nothing about the rules.
    expect((await policyOn(inTwenty)).rules.commuteRadii).toEqual([{ population: "POVERTY_LABOURER", km: 45 }]);
    // Today is untouched.
    expect((await policyOn(null)).rules).toEqual(today.rules);
  });

  it("a campaign run offers the fallback below the campaign's minimum (the binding's), not only below the category version's own", async () => {
    const county = "350426"; // 尤溪县: no other test here posts there
    const word = `采茶${unique()}`;
    // The campaign asks two referrals of each poverty labourer (the category's own minimum is 0).
    await t.db.execute(sql`update campaign_categories set min_referrals = 2 where category_code = 'PL_POVERTY_LABOURER' and campaign_id in (select id from campaigns where status = 'ACTIVE')`);
    const market = (await makePosting(t.db, { regionCode: county, title: `${word}工`, minEducation: "NONE", validUntil: days(30) })).id;
    const welfare = (await makePosting(t.db, { regionCode: county, title: `${word}护林员（公益性岗位）`, kind: "PUBLIC_WELFARE", minEducation: "NONE", validUntil: days(30) })).id;
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: county, institutionId: null, birthDate: "1981-05-05", gender: "MALE", degreeLevel: "JUNIOR_HIGH", registeredPoverty: true, skills: [word], willingToRelocate: false });
    const progress = await t.gql<{ person: { referralProgress: { required: number; counted: number }[] } }>(PROGRESS, { id: person.id }, { token: admin });
    expect(progress.data!.person.referralProgress.map((p) => p.required)).toContain(2);

    const started = await t.gql<{ fulfilReferralMinimums: { id: string } }>(FULFIL, { s: { personId: person.id } }, { token: admin });
    expect(started.errors).toBeUndefined();
    await t.app.runner.drain();
    const made = await queryRows<{ postingId: string }>(t.db, sql`select posting_id as "postingId" from referrals where person_id = ${person.id}`);
    // One market fit is fewer than the two the campaign asks: the public-welfare post is the fallback.
    expect(made.map((r) => r.postingId).sort()).toEqual([market, welfare].sort());
  });

  it("a caseworker's referral reads the matching policy and the person's categories once a call, not once a posting", async () => {
    const county = "350428"; // 将乐县
    const word = `导游${unique()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await makePosting(t.db, { regionCode: county, title: `${word}${i}`, minEducation: "NONE", validUntil: days(30) })).id);
    const person = await makePerson(t, { householdRegionCode: county, institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [word] });
    const call = async (postingIds: string[]) => {
      const r = await t.gql<{ recommendPostings: { referral: { id: string } | null }[] }>(RECOMMEND, { personId: person.id, postingIds }, { token: admin });
      expect(r.data!.recommendPostings.every((i) => i.referral)).toBe(true);
      return r.sqlStatements;
    };
    const one = await call(ids.slice(0, 1));
    const three = await call(ids.slice(1, 4));
    // A further posting costs its share lock and its insert (with its event) — the policy, the
    // regions and the person's categories are read once a call.
    expect((three - one) / 2).toBeLessThanOrEqual(3);
  });
  it("at a fair (onlyIds), the fallback follows the person's market fits, not the booths': a person the market places is not offered a public-welfare booth", async () => {
    const county = "350429"; // 泰宁县
    const word = `前台${unique()}`;
    const market: string[] = [];
    for (let i = 0; i < 4; i++) market.push((await makePosting(t.db, { regionCode: county, title: `${word}${i}`, minEducation: "NONE", validUntil: days(30) })).id);
    const welfare = (await makePosting(t.db, { regionCode: county, title: `${word}（公益性岗位）`, kind: "PUBLIC_WELFARE", minEducation: "NONE", validUntil: days(30) })).id;
    await t.app.search.drain();
    // A poverty-household graduate (minimum 3) whom four market postings fit; one of them is at the fair, beside the public-welfare booth.
    const person = await makePerson(t, { householdRegionCode: county, registeredPoverty: true, degreeLevel: "BACHELOR", intentionKeywords: [word] });
    const reads = { ...policyReads(t.db), referred: async () => new Map(), postings: (ids: readonly string[]) => readPostings(t.db, ids) };
    const rec = (await recommendForPeople(t.app.search.engine, reads, [person], { limit: 10, onlyIds: [market[0]!, welfare], excludeReferred: false })).get(person.id)!;
    expect(rec.items.map((i) => i.posting.id)).toEqual([market[0]]);
    expect(rec.items.some((i) => i.fallback)).toBe(false);
  });
});
