import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { acceptablePlaces, countiesWithin } from "../../src/modules/matching/match-constraints.js";
import { distanceKm } from "../../src/modules/matching/match-score.js";
import { matchFactsFor } from "../../src/modules/matching/recommend.service.js";
import { populationsAndMinimums } from "../../src/modules/categories/category.service.js";
import { regionDirectory } from "../../src/modules/regions/region-directory.js";
import { days, makeEmployer, makePerson, makePosting, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const MATCHES = `query($id: ID!, $first: Int) { person(id: $id) { matches(first: $first) { note items { score fallback posting { id title regionCode kind employer { id } } reasons { factor weight detail } } } } }`;
type Item = { score: number; fallback: boolean; posting: { id: string; title: string; regionCode: string; kind: string; employer: { id: string } }; reasons: { factor: string; weight: number; detail: string }[] };
type Matches = { person: { matches: { note: string | null; items: Item[] } } };
const RECOMMEND = `mutation($personId: ID!, $postingIds: [ID!]!) { recommendPostings(personId: $personId, postingIds: $postingIds) { postingId referral { id } error { code message } } }`;
const SET_POLICY = `mutation($w: MatchWeightsInput!, $r: MatchRulesInput) { setMatchingPolicy(weights: $w, rules: $r) { version rules { commuteRadii { population km } boostMargin nearDuplicateDamping } } }`;
const POLICY = `{ matchingPolicy { version weights { text occupation distance salary education keyGroup workshop freshness headcount employerRepeatDamping } rules { commuteRadii { population km } boostMargin nearDuplicateDamping } } }`;

describe("matching respects the person's places, falls back as the policy does, and keeps boosts below fit", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  const matches = async (id: string, first = 10) => {
    const r = await t.gql<Matches>(MATCHES, { id, first }, { token: admin });
    expect(r.errors).toBeUndefined();
    return r.data!.person.matches;
  };
  const posting = async (regionCode: string, title: string, extra: Parameters<typeof makePosting>[1] = {}) =>
    (await makePosting(t.db, { regionCode, title, minEducation: "NONE", salaryMin: 4000, salaryMax: 6000, validUntil: days(30), headcount: 1, ...extra })).id;

  it("a stated intention narrows: a Wuhan household studying for Xiamen gets Xiamen, not Wuhan, with the place in the reason", async () => {
    const word = `审计${unique()}`;
    const wuhan = [await posting("420111", word), await posting("420102", word)];
    const ownCounty = await posting("420106", word);
    const xiamen = [await posting("350203", word), await posting("350206", word)];
    const fuzhou = await posting("350102", word);
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: "420106", originRegionCode: "420106", institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [word], intentionRegionCodes: ["350200"], willingToRelocate: true });
    const m = await matches(person.id, 50);
    const ids = m.items.map((i) => i.posting.id);
    expect(ids).toEqual(expect.arrayContaining(xiamen));
    for (const w of [...wuhan, ownCounty]) expect(ids).not.toContain(w);
    // Willing to move: Fujian too, but Xiamen (what they said) first, and the reason names it.
    expect(ids.indexOf(fuzhou)).toBeGreaterThan(Math.max(...xiamen.map((x) => ids.indexOf(x))));
    for (const i of m.items) expect(i.posting.regionCode.startsWith("35")).toBe(true);
    for (const x of xiamen) expect(m.items.find((i) => i.posting.id === x)!.reasons.find((r) => r.factor === "DISTANCE")!.detail).toBe("地点：意向地区厦门市");
    // The same rule refuses a caseworker's referral of a Wuhan posting, naming the places the person accepts.
    const r = await t.gql<{ recommendPostings: { error: { code: string; message: string } | null }[] }>(RECOMMEND, { personId: person.id, postingIds: [wuhan[0]] }, { token: admin });
    expect(r.data!.recommendPostings[0]!.error!.code).toBe("BAD_USER_INPUT");
    expect(r.data!.recommendPostings[0]!.error!.message).toMatch(/intention regions 厦门市/);

    // Not willing to move: Xiamen only. Their own county stays acceptable only to someone whose home
    // is in Fujian (the next test): from Wuhan, they named Xiamen to work in Fujian.
    const stayer = await makePerson(t, { householdRegionCode: "420106", originRegionCode: "420106", institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [word], intentionRegionCodes: ["350200"] });
    const stays = await matches(stayer.id, 50);
    expect(stays.items.map((i) => i.posting.id)).toEqual(expect.arrayContaining(xiamen));
    for (const i of stays.items) expect(i.posting.regionCode.startsWith("3502")).toBe(true);
  });

  it("with no intention stated, the household prefecture is acceptable (the intention only ever narrows what they said)", async () => {
    const word = `统计${unique()}`;
    const home = await posting("350121", word);
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: "350102", institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [word] });
    const m = await matches(person.id);
    expect(m.items[0]!.posting.id).toBe(home);
    expect(m.items.every((i) => i.posting.regionCode.startsWith("3501"))).toBe(true);
    expect(m.items[0]!.reasons.find((r) => r.factor === "DISTANCE")!.detail).toMatch(/^地点：户籍或生源地所在市（福州市）/);
  });

  it("willing to move widens a stated intention to Fujian; the own county stays for someone who will not move", async () => {
    const word = `出纳${unique()}`;
    const quanzhou = await posting("350502", word);
    const ownCounty = await posting("350102", word);
    await t.app.search.drain();
    const mover = await makePerson(t, { householdRegionCode: "350102", institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [word], intentionRegionCodes: ["350200"], willingToRelocate: true });
    const stayer = await makePerson(t, { householdRegionCode: "350102", institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [word], intentionRegionCodes: ["350200"], willingToRelocate: false });
    expect((await matches(mover.id)).items.map((i) => i.posting.id).slice(0, 2).sort()).toEqual([quanzhou, ownCounty].sort());
    const stays = await matches(stayer.id, 50);
    expect(stays.items[0]!.posting.id).toBe(ownCounty);
    expect(stays.items.map((i) => i.posting.id)).not.toContain(quanzhou);
    expect(stays.items.every((i) => i.posting.regionCode === "350102" || i.posting.regionCode.startsWith("3502"))).toBe(true);
    expect(stays.items[0]!.reasons.find((r) => r.factor === "DISTANCE")!.detail).toMatch(/^地点：本县（鼓楼区）/);
  });

  it("a poverty labourer who will not move (就近就地) gets only postings within the commuting radius of home", async () => {
    const places = await regionDirectory(t.db);
    // A home county with a county inside 30 km and one of the same prefecture 50 km or more away (by the regions' coordinates).
    // 南平 (3507): no other test here posts there.
    const counties = [...places.values()].filter((p) => p.code.startsWith("3507") && !p.code.endsWith("00") && p.lng != null);
    const km = (a: string, b: string) => distanceKm([places.get(a)!.lng!, places.get(a)!.lat!], [places.get(b)!.lng!, places.get(b)!.lat!]);
    let pick: { home: string; near: string; far: string } | undefined;
    for (const h of counties) {
      const same = counties.filter((c) => c.code !== h.code && c.code.slice(0, 4) === h.code.slice(0, 4));
      const near = same.find((c) => km(h.code, c.code) <= 25);
      const far = same.find((c) => km(h.code, c.code) >= 50);
      if (near && far) {
        pick = { home: h.code, near: near.code, far: far.code };
        break;
      }
    }
    expect(pick).toBeDefined();
    const word = `缝纫${unique()}`;
    const own = await posting(pick!.home, word);
    const near = await posting(pick!.near, word);
    const far = await posting(pick!.far, word);
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: pick!.home, institutionId: null, birthDate: "1981-05-05", gender: "MALE", degreeLevel: "JUNIOR_HIGH", registeredPoverty: true, skills: [word], willingToRelocate: false });
    const facts = (await matchFactsFor(t.db, [person.id])).get(person.id)!;
    expect([...facts.populations]).toContain("POVERTY_LABOURER");
    expect(acceptablePlaces(person, facts).map((r) => r.ground)).toEqual(["OWN_COUNTY", "COMMUTE"]);
    const m = await matches(person.id);
    const ids = m.items.map((i) => i.posting.id);
    expect(ids).toEqual([own, near]);
    expect(ids).not.toContain(far);
    expect(m.items[0]!.reasons.find((r) => r.factor === "DISTANCE")!.detail).toMatch(/^地点：本县/);
    expect(m.items[1]!.reasons.find((r) => r.factor === "DISTANCE")!.detail).toMatch(/^地点：通勤范围内（.+），距离约\d+公里$/);
    // Willing to move, the same person is offered all of Fujian.
    await t.db.execute(sql`update people set willing_to_relocate = true where id = ${person.id}`);
    expect((await matches(person.id)).items.map((i) => i.posting.id)).toContain(far);
  });

  it("public-welfare posts are the fallback: only below the minimum of market fits, after every market fit, saying so", async () => {
    const county = "350425"; // 大田县 (三明): no other test here posts in 三明
    const word = `保洁${unique()}`;
    const welfare = await posting(county, `${word}（公益性岗位）`, { kind: "PUBLIC_WELFARE", salaryMin: 1800, salaryMax: 2200 });
    // A market posting within their places that holds none of their words: not a fit, so it does not
    // hold the fallback back, and it comes after the public-welfare post.
    const unrelated = await posting(county, `仓库管理员${unique()}`, { salaryMin: 5000, salaryMax: 9000 });
    await t.app.search.drain();
    // A poverty-household graduate with no market fit: the fallback, and it says so.
    const graduate = await makePerson(t, { householdRegionCode: county, registeredPoverty: true, degreeLevel: "BACHELOR", intentionKeywords: [word] });
    const minimum = Math.max(1, (await populationsAndMinimums(t.db, [graduate.id])).get(graduate.id)?.minimum ?? 0);
    let m = await matches(graduate.id);
    expect(m.items.map((i) => [i.posting.id, i.fallback])).toEqual([
      [welfare, true],
      [unrelated, false],
    ]);
    expect(m.items[0]!.reasons[0]).toMatchObject({ factor: "FALLBACK", weight: 0 });
    expect(m.items[0]!.reasons[0]!.detail).toMatch(/托底安置/);
    expect(m.note).toMatch(/托底安置/);

    // Market fits below the minimum: the fallback after all of them, whatever the scores.
    const market: string[] = [];
    for (let i = 0; i < minimum - 1; i++) market.push(await posting(county, `${word}主管${i}`, { salaryMin: 1000, salaryMax: 1500 }));
    await t.app.search.drain();
    m = await matches(graduate.id);
    expect(m.items.map((i) => [i.posting.id, i.fallback])).toEqual([...m.items.slice(0, market.length).map((i) => [i.posting.id, false]), [welfare, true], [unrelated, false]]);
    expect(m.items.slice(0, market.length).map((i) => i.posting.id).sort()).toEqual([...market].sort());

    // One more market fit: at the minimum, no fallback at all.
    await posting(county, `物业${word}员`, { salaryMin: 1000, salaryMax: 1500 });
    await t.app.search.drain();
    m = await matches(graduate.id);
    expect(m.items).toHaveLength(minimum + 1);
    expect(m.items.every((i) => !i.fallback && i.posting.kind !== "PUBLIC_WELFARE")).toBe(true);
    expect(m.note).toBeNull();

    // Not from a poverty household: never a public-welfare post, fallback or not.
    const other = await makePerson(t, { householdRegionCode: county, institutionId: null, degreeLevel: "BACHELOR", intentionKeywords: [`${word}（公益性岗位）`] });
    expect((await matches(other.id)).items.map((i) => i.posting.kind)).not.toContain("PUBLIC_WELFARE");
  });

  it("a boost reorders equal fits but never lifts a weaker fit above a clearly better one", async () => {
    const county = "350181";
    const word = `会计${unique()}`;
    const workshops = [await makeEmployer(t.db, { regionCode: county, isPovertyWorkshop: true }), await makeEmployer(t.db, { regionCode: county, isPovertyWorkshop: true })];
    // Clearly better: the person's word and their wage; weaker: their word, under their wage — but every boost.
    const better = await posting(county, `${word}专员`, { salaryMax: 8000 });
    const boosted = await posting(county, `${word}文员`, { salaryMin: 2000, salaryMax: 3000, employerId: workshops[0]!.id, forKeyGroups: true, headcount: 50 });
    // Equal fits, one at a poverty workshop: the boost decides.
    const plainTwin = await posting(county, `${word}助理`, { salaryMax: 5000 });
    const boostedTwin = await posting(county, `${word}助理`, { salaryMax: 5000, employerId: workshops[1]!.id });
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: county, registeredPoverty: true, degreeLevel: "BACHELOR", intentionKeywords: [word], intentionMinSalary: 6000 });
    const items = (await matches(person.id)).items;
    const at = (id: string) => items.findIndex((i) => i.posting.id === id);
    expect(at(better)).toBeGreaterThanOrEqual(0);
    expect(at(boosted)).toBeGreaterThan(at(better));
    expect(at(boostedTwin)).toBeLessThan(at(plainTwin));
    // The boosts' reasons add up to no more than the policy's margin.
    const policy = (await t.gql<{ matchingPolicy: { rules: { boostMargin: number } } }>(POLICY, {}, { token: admin })).data!.matchingPolicy;
    const boost = items[at(boosted)]!.reasons.filter((r) => ["KEY_GROUP", "WORKSHOP", "HEADCOUNT"].includes(r.factor)).reduce((s, r) => s + r.weight, 0);
    expect(boost).toBeGreaterThan(0);
    expect(boost).toBeLessThanOrEqual(policy.rules.boostMargin + 0.002);
  });

  it("near-duplicates fold: copies of one job cannot fill the top 3 past a real fit", async () => {
    const county = "350582";
    const word = `电商运营${unique()}`;
    const copies: string[] = [];
    for (let i = 0; i < 5; i++) copies.push(await posting(county, word, { salaryMax: 9000, forKeyGroups: true, headcount: 20 }));
    const other = await posting(county, `${word}专员`, { salaryMax: 7000 });
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: county, degreeLevel: "BACHELOR", intentionKeywords: [word] });
    const top3 = (await matches(person.id)).items.slice(0, 3).map((i) => i.posting.id);
    expect(top3).toContain(other);
    expect(top3.filter((id) => copies.includes(id)).length).toBeLessThanOrEqual(2);
  });

  it("someone with no intention, major or skills gets postings of their county and education, and the note says how", async () => {
    const county = "350526";
    const own = await posting(county, `仓管员${unique()}`, { minEducation: "HIGH_SCHOOL" });
    const tooHigh = await posting(county, `工程师${unique()}`, { minEducation: "MASTER" });
    await t.app.search.drain();
    const person = await makePerson(t, { householdRegionCode: county, institutionId: null, degreeLevel: "HIGH_SCHOOL" });
    const m = await matches(person.id, 50);
    const ids = m.items.map((i) => i.posting.id);
    expect(ids).toContain(own);
    expect(ids).not.toContain(tooHigh);
    expect(m.items.every((i) => i.posting.regionCode.startsWith("3505"))).toBe(true);
    expect(m.note).toMatch(/未填写求职意向/);
  });

  it("the commuting radius is policy data: officials change it through the API; 0, negative or fractional radii are refused and nothing is written", async () => {
    const before = (await t.gql<{ matchingPolicy: { version: number; weights: Record<string, number> } }>(POLICY, {}, { token: admin })).data!.matchingPolicy;
    for (const [km, problem] of [[0, "zero"], [-5, "negative"], [2.5, "fractional"], [301, "too far"]] as const) {
      const r = await t.gql(SET_POLICY, { w: before.weights, r: { commuteRadii: [{ population: "POVERTY_LABOURER", km }], boostMargin: 0.02, nearDuplicateDamping: 0.5 } }, { token: admin });
      expect(codeOf(r), problem).toBe("BAD_USER_INPUT");
    }
    const twice = await t.gql(SET_POLICY, { w: before.weights, r: { commuteRadii: [{ population: "POVERTY_LABOURER", km: 20 }, { population: "POVERTY_LABOURER", km: 40 }], boostMargin: 0.02, nearDuplicateDamping: 0.5 } }, { token: admin });
    expect(codeOf(twice)).toBe("BAD_USER_INPUT");
    for (const rules of [{ boostMargin: -0.1, nearDuplicateDamping: 0.5 }, { boostMargin: 0.5, nearDuplicateDamping: 0.5 }, { boostMargin: 0.02, nearDuplicateDamping: 0 }]) {
      expect(codeOf(await t.gql(SET_POLICY, { w: before.weights, r: { commuteRadii: [], ...rules } }, { token: admin }))).toBe("BAD_USER_INPUT");
    }
    expect((await t.gql<{ matchingPolicy: { version: number } }>(POLICY, {}, { token: admin })).data!.matchingPolicy.version).toBe(before.version);
    // The table refuses what the service would (a write that skips the service).
    await expect(t.db.execute(sql`update matching_policies set rules = jsonb_set(rules, '{commuteRadii}', '[{"population":"POVERTY_LABOURER","km":0}]') where version = ${before.version}`)).rejects.toThrow();
    // Caseworkers may not set it.
    const caseworker = await t.token({ sub: `cw-${unique()}`, role: Role.CASEWORKER, regionCode: "35" });
    expect(codeOf(await t.gql(SET_POLICY, { w: before.weights, r: null }, { token: caseworker }))).toBe("FORBIDDEN");
    // A valid change is a new version; weights alone carry the rules over.
    const set = await t.gql<{ setMatchingPolicy: { version: number; rules: { commuteRadii: { population: string; km: number }[] } } }>(SET_POLICY, { w: before.weights, r: { commuteRadii: [{ population: "POVERTY_LABOURER", km: 60 }], boostMargin: 0.02, nearDuplicateDamping: 0.5 } }, { token: admin });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setMatchingPolicy).toMatchObject({ version: before.version + 1, rules: { commuteRadii: [{ population: "POVERTY_LABOURER", km: 60 }] } });
    const carried = await t.gql<{ setMatchingPolicy: { version: number; rules: { commuteRadii: { km: number }[] } } }>(SET_POLICY, { w: before.weights, r: null }, { token: admin });
    expect(carried.data!.setMatchingPolicy.rules.commuteRadii).toEqual([{ population: "POVERTY_LABOURER", km: 60 }]);
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from matching_policies`);
    expect(row!.n).toBe(before.version + 2);
    // The wider radius admits more counties.
    const places = await regionDirectory(t.db);
    expect(countiesWithin(places, "350102", 60).length).toBeGreaterThan(countiesWithin(places, "350102", 30).length);
  });
});
