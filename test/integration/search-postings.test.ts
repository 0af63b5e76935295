import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { days, makeEmployer, makePosting, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const SEARCH = `query($q: String, $f: PostingSearchFilter, $first: Int, $after: String, $sort: SearchSort) {
  searchPostings(query: $q, filter: $f, first: $first, after: $after, sort: $sort) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { score node { id title status employer { name } } }
    facets { regions { value label count } kinds { value count } education { value label count } salaryBands { value count } }
  }
}`;
type Result = {
  searchPostings: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { score: number; node: { id: string; title: string; status: string; employer: { name: string } } }[];
    facets: { regions: { value: string; label: string; count: number }[]; kinds: { value: string; count: number }[]; education: { value: string; label: string }[]; salaryBands: { value: string; count: number }[] };
  };
};

describe("searchPostings", () => {
  let t: TestApp;
  const marker = `稀有词${unique()}`;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp();
    const workshop = await makeEmployer(t.db, { name: "安溪茶叶扶贫车间", regionCode: "350524", isPovertyWorkshop: true });
    const bank = await makeEmployer(t.db, { name: "中国农业发展银行福州分行", regionCode: "350102" });
    ids.tea = (await makePosting(t.db, { employerId: workshop.id, regionCode: "350524", title: `茶叶加工技术员 ${marker}`, skills: ["制茶"], minEducation: "HIGH_SCHOOL", salaryMin: 4000, salaryMax: 5500, forKeyGroups: true })).id;
    ids.teller = (await makePosting(t.db, { employerId: bank.id, title: `柜员 ${marker}`, description: "中国农业发展银行招聘柜员", minEducation: "BACHELOR", salaryMax: 9000 })).id;
    ids.acct = (await makePosting(t.db, { employerId: bank.id, title: `会计 ${marker}`, skills: ["记账"], salaryMax: 8000 })).id;
    ids.draft = (await makePosting(t.db, { employerId: bank.id, title: `出纳 ${marker}`, status: "DRAFT" })).id;
    // Paid less than the teller, so SALARY_DESC does not hang on which was published in a later second.
    ids.old = (await makePosting(t.db, { employerId: bank.id, title: `会计助理 ${marker}`, validUntil: days(1), salaryMax: 7000 })).id;
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  const search = (vars: Record<string, unknown>, creds = {}) => t.gql<Result>(SEARCH, vars, creds);

  it("finds open postings by words, inside compounds and by synonyms, for anyone", async () => {
    const byCompound = await search({ q: `农业 ${marker}` });
    expect(byCompound.errors).toBeUndefined();
    expect(byCompound.data!.searchPostings.edges[0]!.node.id).toBe(ids.teller);
    const bySynonym = await search({ q: "财务", f: { regionCodes: ["3501"] } });
    expect(bySynonym.data!.searchPostings.edges.map((e) => e.node.id)).toContain(ids.acct);
    expect(bySynonym.data!.searchPostings.edges.map((e) => e.node.id)).not.toContain(ids.draft);
    const { apiKey } = await issuePartnerKey(t.db, "test", { name: `网${unique()}` });
    expect((await search({ q: marker }, { apiKey })).data!.searchPostings.totalCount).toBe(4);
  });

  it("checks a region filter's codes against the process's copy of the regions: no statement more than without the filter", async () => {
    await search({ q: marker });
    const plain = await search({ q: marker });
    const filtered = await search({ q: marker, f: { regionCodes: ["3501", "350524"] } });
    expect(filtered.errors).toBeUndefined();
    expect(filtered.data!.searchPostings.totalCount).toBe(4);
    expect(filtered.sqlStatements).toBeGreaterThan(0);
    expect(filtered.sqlStatements).toBe(plain.sqlStatements);
    // An unknown code is still refused by name.
    expect(codeOf(await search({ q: marker, f: { regionCodes: ["3599"] } }))).toBe("BAD_USER_INPUT");
  });

  it("filters, facets and pages", async () => {
    const teaOnly = await search({ q: marker, f: { povertyWorkshop: true, educationAtMost: "HIGH_SCHOOL" } });
    expect(teaOnly.data!.searchPostings.edges.map((e) => e.node.id)).toEqual([ids.tea]);
    const all = await search({ q: marker });
    const facets = all.data!.searchPostings.facets;
    expect(facets.regions.find((r) => r.value === "350500")!.label).toBe("泉州市");
    expect(facets.regions.reduce((n, r) => n + r.count, 0)).toBe(4);
    const page1 = await search({ q: marker, first: 2, sort: "SALARY_DESC" });
    const page2 = await search({ q: marker, first: 2, sort: "SALARY_DESC", after: page1.data!.searchPostings.pageInfo.endCursor });
    expect(page1.data!.searchPostings.pageInfo.hasNextPage).toBe(true);
    expect(page1.data!.searchPostings.edges[0]!.node.id).toBe(ids.teller);
    const both = [...page1.data!.searchPostings.edges, ...page2.data!.searchPostings.edges].map((e) => e.node.id);
    expect(new Set(both).size).toBe(4);
  });

  it("pages alike when the query asks for neither total nor facets (the engine stops at the page)", async () => {
    const LEAN = `query($q: String, $first: Int, $after: String) { searchPostings(query: $q, first: $first, after: $after, sort: SALARY_DESC) { pageInfo { hasNextPage endCursor } ...E } }
      fragment E on PostingSearchConnection { edges { node { id } } }`;
    type Lean = { searchPostings: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } };
    let after: string | null = null;
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const full = (await search({ q: marker, first: 2, after, sort: "SALARY_DESC" })).data!.searchPostings;
      const lean: Lean["searchPostings"] = (await t.gql<Lean>(LEAN, { q: marker, first: 2, after })).data!.searchPostings;
      expect(lean.edges.map((e) => e.node.id)).toEqual(full.edges.map((e) => e.node.id));
      expect(lean.pageInfo).toEqual(full.pageInfo);
      seen.push(...lean.edges.map((e) => e.node.id));
      if (!lean.pageInfo.hasNextPage) break;
      after = lean.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual([ids.tea, ids.teller, ids.acct, ids.old].sort());
  });

  it("follows writes through the outbox: a closed posting drops out", async () => {
    const admin = await t.token({ sub: "a", role: Role.ADMIN });
    await t.gql(`mutation($id: ID!) { closePosting(id: $id) { id } }`, { id: ids.old }, { token: admin });
    await t.app.search.drain();
    expect((await search({ q: marker })).data!.searchPostings.edges.map((e) => e.node.id)).not.toContain(ids.old);
  });

  it("refuses bad input: first over 100, unknown regions, forged cursors; filter syntax in text changes nothing", async () => {
    expect(codeOf(await search({ q: marker, first: 101 }))).toBe("BAD_USER_INPUT");
    const unknown = await search({ q: marker, f: { regionCodes: ["3599"] } });
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.regionCodes.0" });
    expect(codeOf(await search({ q: marker, f: { regionCodes: ["3"] } }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await search({ q: marker, after: "Zm9yZ2Vk" }))).toBe("BAD_USER_INPUT");
    const injected = await search({ q: `${marker}" OR status = "DRAFT`, f: { regionCodes: ["3501"] } });
    expect(injected.data!.searchPostings.edges.map((e) => e.node.id)).not.toContain(ids.draft);
    expect(injected.data!.searchPostings.edges.every((e) => e.node.status === "OPEN")).toBe(true);
  });
});
