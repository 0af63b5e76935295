import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { hardConstraints } from "../../src/modules/matching/match-constraints.js";
import { matchFactsFor } from "../../src/modules/matching/recommend.service.js";
import { educationLevel } from "../../src/modules/postings/posting.table.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const MATCHES = `query($id: ID!, $first: Int) { person(id: $id) { matches(first: $first) { note items { score posting { id title regionCode kind minEducation employer { id } } reasons { factor weight detail } } } } }`;
type Matches = { person: { matches: { note: string | null; items: { score: number; posting: { id: string; title: string; regionCode: string; kind: string; minEducation: string; employer: { id: string } }; reasons: { factor: string; weight: number; detail: string }[] }[] } } };

describe("Person.matches", () => {
  let t: TestApp;
  let admin: string;
  const p: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const firm = await makeEmployer(t.db, { regionCode: "350102", name: "福州会计师事务所" });
    const other = await makeEmployer(t.db, { regionCode: "350121", name: "闽侯财务公司" });
    const xm = await makeEmployer(t.db, { regionCode: "350203" });
    const workshop = await makeEmployer(t.db, { regionCode: "350102", isPovertyWorkshop: true });
    const base = { salaryMin: 5000, salaryMax: 8000, minEducation: "BACHELOR" as const, validUntil: days(30) };
    p.best = (await makePosting(t.db, { ...base, employerId: firm.id, regionCode: "350102", title: "会计", skills: ["记账", "报税"], majors: ["会计学"] })).id;
    p.nearbyLowPay = (await makePosting(t.db, { ...base, employerId: other.id, regionCode: "350121", title: "会计", salaryMin: 3000, salaryMax: 3500, skills: ["记账"] })).id;
    p.xiamen = (await makePosting(t.db, { ...base, employerId: xm.id, regionCode: "350203", title: "会计", majors: ["会计学"] })).id;
    p.master = (await makePosting(t.db, { ...base, employerId: firm.id, regionCode: "350102", title: "会计主管", minEducation: "MASTER" })).id;
    p.dev = (await makePosting(t.db, { ...base, employerId: other.id, regionCode: "350104", title: "Java开发工程师", skills: ["Java"] })).id;
    p.welfare = (await makePosting(t.db, { ...base, employerId: workshop.id, regionCode: "350102", title: "保洁员（公益性岗位）", kind: "PUBLIC_WELFARE", minEducation: "NONE", salaryMin: 1800, salaryMax: 2200 })).id;
    p.closed = (await makePosting(t.db, { ...base, employerId: firm.id, regionCode: "350102", title: "会计", status: "CLOSED" })).id;
    p.workshopJob = (await makePosting(t.db, { ...base, employerId: workshop.id, regionCode: "350102", title: "缝纫工", minEducation: "NONE", salaryMin: 3500, salaryMax: 5000, forKeyGroups: true })).id;
    for (let i = 0; i < 6; i++) await makePosting(t.db, { ...base, employerId: firm.id, regionCode: "350102", title: `会计助理${i}` });
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  /** Matches are read from the person's own data: by default someone who never studied (no school to weigh). */
  const seeker = async (overrides: Parameters<typeof makePerson>[1]) => (await makePerson(t, { institutionId: null, ...overrides })).id;

  it("puts the obvious fit first, with reasons, and keeps every hard constraint", async () => {
    const id = await seeker({ degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"], intentionMinSalary: 5000 });
    const r = await t.gql<Matches>(MATCHES, { id, first: 10 }, { token: admin });
    expect(r.errors).toBeUndefined();
    const items = r.data!.person.matches.items;
    expect(items[0]!.posting.id).toBe(p.best);
    const ids = items.map((i) => i.posting.id);
    for (const excluded of [p.xiamen, p.master, p.welfare, p.closed]) expect(ids).not.toContain(excluded);
    // Best first, and the well-paid match above the badly paid one.
    expect(items.map((i) => i.score)).toEqual([...items.map((i) => i.score)].sort((a, b) => b - a));
    if (ids.includes(p.nearbyLowPay!)) expect(ids.indexOf(p.best!)).toBeLessThan(ids.indexOf(p.nearbyLowPay!));
    const reasons = items[0]!.reasons.map((x) => x.factor);
    expect(reasons).toEqual(expect.arrayContaining(["TEXT", "OCCUPATION", "DISTANCE", "SALARY"]));
    expect(items[0]!.reasons.find((x) => x.factor === "DISTANCE")!.detail).toMatch(/本县/);
    // Diversity: one employer does not fill the list.
    expect(new Set(items.slice(0, 5).map((i) => i.posting.employer.id)).size).toBeGreaterThan(1);
  });

  it("opens all of Fujian to someone willing to move for work", async () => {
    const id = await seeker({ degreeLevel: "BACHELOR", intentionKeywords: ["会计"], willingToRelocate: true });
    const ids = (await t.gql<Matches>(MATCHES, { id, first: 20 }, { token: admin })).data!.person.matches.items.map((i) => i.posting.id);
    expect(ids).toContain(p.xiamen);
  });

  it("gives poverty labourers workshop jobs, and public-welfare posts only as the fallback (here market postings fit)", async () => {
    const id = await seeker({ birthDate: "1978-03-03", gender: "MALE", registeredPoverty: true, skills: ["缝纫"] });
    const items = (await t.gql<Matches>(MATCHES, { id, first: 10 }, { token: admin })).data!.person.matches.items;
    const ids = items.map((i) => i.posting.id);
    expect(ids).toContain(p.workshopJob);
    expect(ids).not.toContain(p.welfare);
    // No degree recorded: nothing that requires one.
    expect(items.every((i) => ["NONE", "JUNIOR_HIGH"].includes(i.posting.minEducation))).toBe(true);
    expect(items.find((i) => i.posting.id === p.workshopJob)!.reasons.map((x) => x.factor)).toEqual(expect.arrayContaining(["WORKSHOP", "KEY_GROUP"]));
  });

  it("still matches someone with no intention data (by home prefecture), saying so", async () => {
    const id = await seeker({ degreeLevel: "BACHELOR" });
    const m = (await t.gql<Matches>(MATCHES, { id }, { token: admin })).data!.person.matches;
    expect(m.items.length).toBeGreaterThan(0);
    expect(m.items.every((i) => i.posting.regionCode.startsWith("3501"))).toBe(true);
    expect(m.note).toMatch(/未填写求职意向/);
  });

  it("returns an empty list with the reason when nothing fits, and refuses first over 100", async () => {
    const id = await seeker({ householdRegionCode: "540102", degreeLevel: "BACHELOR", intentionKeywords: ["会计"] });
    const m = (await t.gql<Matches>(MATCHES, { id }, { token: admin })).data!.person.matches;
    expect(m.items).toEqual([]);
    expect(m.note).toMatch(/没有符合条件/);
    expect(codeOf(await t.gql(MATCHES, { id, first: 101 }, { token: admin }))).toBe("BAD_USER_INPUT");
  });

  it("never breaks a hard constraint, for varied people", async () => {
    const levels = ["JUNIOR_HIGH", "HIGH_SCHOOL", "ASSOCIATE", "BACHELOR"] as const;
    for (let i = 0; i < 8; i++) {
      const overrides = { degreeLevel: levels[i % 4], intentionKeywords: i % 2 ? ["会计"] : [], willingToRelocate: i % 3 === 0, registeredPoverty: i % 4 === 1, householdRegionCode: i % 2 ? "350121" : "350102", originRegionCode: "350102", name: `约束${unique()}` };
      const id = await seeker(overrides);
      const person = { ...overrides, intentionRegionCodes: [], openToLabourCooperation: false } as never;
      const facts = (await matchFactsFor(t.db, [id])).get(id)!;
      const allowed = hardConstraints({ ...(person as object), householdRegionCode: overrides.householdRegionCode, originRegionCode: "350102" } as never, facts);
      const items = (await t.gql<Matches>(MATCHES, { id, first: 30 }, { token: admin })).data!.person.matches.items;
      for (const item of items) {
        expect(educationLevel.enumValues.indexOf(item.posting.minEducation as never)).toBeLessThanOrEqual(levels.indexOf(overrides.degreeLevel!) + 1);
        expect(allowed.regionPrefixes.some((prefix) => item.posting.regionCode.startsWith(prefix))).toBe(true);
        if (!overrides.registeredPoverty) expect(item.posting.kind).not.toBe("PUBLIC_WELFARE");
      }
    }
  });

  it("passes over a posting closed in PostgreSQL that the index still holds (the relay not yet run)", async () => {
    const firm = await makeEmployer(t.db, { regionCode: "350102" });
    const title = `档案管理员${unique()}`;
    const lagging = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title, minEducation: "NONE", validUntil: days(30) })).id;
    const kept = (await makePosting(t.db, { employerId: firm.id, regionCode: "350102", title, minEducation: "NONE", validUntil: days(30) })).id;
    await t.app.search.drain();
    const id = await seeker({ degreeLevel: "BACHELOR", intentionKeywords: [title] });
    const before = (await t.gql<Matches>(MATCHES, { id, first: 2 }, { token: admin })).data!.person.matches.items.map((i) => i.posting.id);
    expect(before.sort()).toEqual([lagging, kept].sort());
    const employerToken = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: firm.id });
    expect((await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: lagging }, { token: employerToken })).errors).toBeUndefined();
    const after = (await t.gql<Matches>(MATCHES, { id, first: 2 }, { token: admin })).data!.person.matches.items.map((i) => i.posting.id);
    expect(after[0]).toBe(kept);
    expect(after).not.toContain(lagging);
    expect(after).toHaveLength(2);
  });

  it("recommends for every person of a list in a constant number of statements (one batch for memberships, referrals and postings)", async () => {
    const statementsFor = async (n: number) => {
      const schoolId = (await makeInstitution(t.db, { regionCode: "350102" })).id;
      for (let i = 0; i < n; i++) await makePerson(t, { institutionId: schoolId, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] });
      const r = await t.gql<{ people: { edges: { node: { matches: { items: { posting: { id: string; employer: { id: string } } }[] } } }[] } }>(
        `query($s: ID!) { people(first: 50, filter: { institutionId: $s }) { edges { node { matches(first: 3) { items { posting { id employer { id } } } } } } } }`,
        { s: schoolId },
        { token: admin },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.people.edges).toHaveLength(n);
      for (const e of r.data!.people.edges) expect(e.node.matches.items.length).toBe(3);
      return r.sqlStatements;
    };
    await statementsFor(1); // the region directory is read once per process, on first use
    const two = await statementsFor(2);
    const eight = await statementsFor(8);
    expect(Number.isFinite(two)).toBe(true);
    expect(eight).toBe(two);
  });
});
