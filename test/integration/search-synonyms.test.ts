import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { replaceSynonymGroups } from "../../src/modules/synonyms/synonym.service.js";
import { makeEmployer, makePosting, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const SET = `mutation($g: [[String!]!]!) { setSearchSynonyms(groups: $g) }`;
const LIST = `{ searchSynonyms }`;
const SEARCH = `query($q: String) { searchPostings(query: $q, first: 20) { edges { node { id } } } }`;

describe("search synonyms are data", () => {
  let t: TestApp;
  let admin: string;
  const marker = `同义${unique()}`;
  let driver = "";
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin-1", role: Role.ADMIN });
    const e = await makeEmployer(t.db);
    driver = (await makePosting(t.db, { employerId: e.id, title: `驾驶员 ${marker}` })).id;
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  const found = async (q: string) => (await t.gql<{ searchPostings: { edges: { node: { id: string } }[] } }>(SEARCH, { q })).data!.searchPostings.edges.map((e) => e.node.id);
  const groups = async () => (await t.gql<{ searchSynonyms: string[][] }>(LIST)).data!.searchSynonyms;
  const digest = async () => (await queryRows<{ d: string }>(t.db, sql`select md5(coalesce(string_agg(terms::text, '|' order by id), '')) as d from search_synonym_groups`))[0]!.d;

  it("starts with the migration's groups, which the search uses (司机 finds 驾驶员)", async () => {
    expect(await groups()).toContainEqual(["司机", "驾驶员"]);
    expect(await found("司机")).toContain(driver);
  });

  it("replaces the groups and applies them at once, normalised", async () => {
    const before = await groups();
    try {
      const res = await t.gql<{ setSearchSynonyms: string[][] }>(SET, { g: [["  司机 ", "车手"], ["会计", "财务"]] }, { token: admin });
      expect(res.errors).toBeUndefined();
      expect(res.data!.setSearchSynonyms).toEqual([["司机", "车手"], ["会计", "财务"]]);
      await t.app.search.drain(); // the follower applies the logged change
      expect(await groups()).toEqual([["司机", "车手"], ["会计", "财务"]]);
      expect(await found("司机")).not.toContain(driver); // 驾驶员 is no longer a synonym of 司机
      expect(await found(marker)).toContain(driver);
    } finally {
      expect((await t.gql(SET, { g: before }, { token: admin })).errors).toBeUndefined();
      await t.app.search.drain();
    }
    expect(await found("司机")).toContain(driver);
  });

  it("refuses bad groups with a code and the field, changing nothing", async () => {
    const before = await digest();
    const cases: [unknown, string | null][] = [
      [[["司机"]], "groups.0"],
      [[["司机", " 司机"]], "groups.0"],
      [[["司机", ""]], "groups.0.1"],
      [[["司机", "驾驶员"], ["驾驶员", "车手"]], "groups.1.0"],
      [[["司机", "x".repeat(21)]], "groups.0.1"],
      [[Array.from({ length: 21 }, (_, i) => `词${i}`)], "groups.0"],
      [Array.from({ length: 501 }, (_, i) => [`a${i}`, `b${i}`]), "groups"],
    ];
    for (const [g, field] of cases) {
      const res = await t.gql(SET, { g }, { token: admin });
      expect(res.errors![0]!.extensions, JSON.stringify(g).slice(0, 60)).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const nul = await t.gql(SET, { g: [["a", "b\u0000"]] }, { token: admin });
    expect(nul.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "groups.0.1" });
    const caseworker = await t.token({ sub: "cw-1", role: Role.CASEWORKER, regionCode: "35" });
    expect(codeOf(await t.gql(SET, { g: [["a", "b"]] }, { token: caseworker }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(SET, { g: [["a", "b"]] }))).toBe("UNAUTHENTICATED");
    expect(await digest()).toBe(before);
    expect(await found("司机")).toContain(driver);
  });

  it("logs a change in its own transaction and waits on no engine: a refused change logs nothing", async () => {
    const settingsChanges = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from posting_changes where kind = 'SETTINGS'`))[0]!.n;
    const before = await settingsChanges();
    const groupsBefore = await groups();
    await expect(replaceSynonymGroups(t.db, "test", [["甲", "乙"]])).resolves.toEqual([["甲", "乙"]]);
    expect(await settingsChanges()).toBe(before + 1);
    await expect(replaceSynonymGroups(t.db, "test", [["甲"]])).rejects.toThrow();
    expect(await settingsChanges()).toBe(before + 1);
    await replaceSynonymGroups(t.db, "test", groupsBefore);
    await t.app.search.drain();
    expect(await found("司机")).toContain(driver);
  });
});
