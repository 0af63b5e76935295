import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { days, makePerson, makePosting } from "../helpers/factories.js";
import { startSubsidyApp } from "../helpers/subsidies.js";
import { codeOf, type TestApp } from "../helpers/test-app.js";

const CANDIDATES = `query { fallbackCandidates { campaignId opensOn open candidates { personId person { id name } postings { fallback posting { id kind } } } } }`;
const PLACE = `mutation($p: ID!, $j: ID!, $c: ID) { placeInFallbackPost(personId: $p, postingId: $j, campaignId: $c) { id personId postingId campaignId placedBy } }`;
type Candidates = { fallbackCandidates: { campaignId: string; opensOn: string; open: boolean; candidates: { personId: string; person: { id: string }; postings: { fallback: boolean; posting: { id: string; kind: string } }[] }[] } };

describe("fallback placement (托底安置): people still out of work at the policy's point, with the public-welfare posts matching's fallback rule gives them", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let schoolId: string;
  let campaignId: string;
  const endCampaignIn = async (n: number) => {
    const [row] = await queryRows<{ id: string }>(t.db, sql`update campaigns set ends_on = ${serviceToday(days(n))}::date where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES' returning id`);
    campaignId = row!.id;
  };
  const candidates = async (token = fuzhou) => {
    const r = await t.gql<Candidates>(CANDIDATES, {}, { token });
    expect(r.errors).toBeUndefined();
    return r.data!.fallbackCandidates;
  };
  const counts = async () =>
    (await queryRows<{ placements: number; claims: number; history: number }>(
      t.db,
      sql`select (select count(*) from fallback_placements)::int as placements, (select count(*) from subsidy_claims)::int as claims, (select count(*) from employment_history)::int as history`,
    ))[0]!;

  beforeAll(async () => {
    ({ t, admin, fuzhou, xiamen, schoolId } = await startSubsidyApp());
  });
  afterAll(() => t.close());

  it("lists nobody before the campaign's last month; from it, the campaign's poverty-household people still out of work, in scope, with their fallback posts; placing one records it and its subsidies", async () => {
    // Words no market posting holds: the market fits none of them, so the fallback rule offers public-welfare posts.
    const words = { intentionKeywords: ["古籍修复"], institutionId: schoolId };
    const poor = await makePerson(t, { registeredPoverty: true, ...words });
    const notPoor = await makePerson(t, { registeredPoverty: false, ...words });
    const working = await makePerson(t, { registeredPoverty: true, employmentStatus: "EMPLOYED", ...words });
    const post = await makePosting(t.db, { kind: "PUBLIC_WELFARE", minEducation: "NONE", title: `公益性岗位保洁员`, skills: [], majors: [] });
    const market = await makePosting(t.db, { minEducation: "NONE" });
    await t.app.search.drain();

    await endCampaignIn(60);
    const early = await candidates();
    expect(early).toMatchObject({ open: false, opensOn: serviceToday(days(30)), candidates: [] });

    await endCampaignIn(10);
    const listed = await candidates();
    expect(listed.open).toBe(true);
    const ids = listed.candidates.map((c) => c.personId);
    expect(ids).toContain(poor.id);
    expect(ids).not.toContain(notPoor.id);
    expect(ids).not.toContain(working.id);
    const mine = listed.candidates.find((c) => c.personId === poor.id)!;
    expect(mine.postings.map((p) => p.posting.id)).toContain(post.id);
    expect(mine.postings.every((p) => p.fallback && p.posting.kind === "PUBLIC_WELFARE")).toBe(true);
    expect((await candidates(xiamen)).candidates.map((c) => c.personId)).not.toContain(poor.id);
    expect(codeOf(await t.gql(CANDIDATES, {}, { token: await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: market.employerId }) }))).toBe("FORBIDDEN");

    // Refused, nothing written: a market posting, someone out of scope, someone in work, a non-poverty person.
    const before = await counts();
    expect(codeOf(await t.gql(PLACE, { p: poor.id, j: market.id }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(PLACE, { p: poor.id, j: post.id }, { token: xiamen }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(PLACE, { p: working.id, j: post.id }, { token: fuzhou }))).toBe("CONFLICT");
    expect(codeOf(await t.gql(PLACE, { p: notPoor.id, j: post.id }, { token: fuzhou }))).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);

    const placed = await t.gql<{ placeInFallbackPost: { personId: string; postingId: string; campaignId: string; placedBy: string } }>(PLACE, { p: poor.id, j: post.id, c: campaignId }, { token: fuzhou });
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeInFallbackPost).toMatchObject({ personId: poor.id, postingId: post.id, campaignId, placedBy: "caseworker:cw-fz" });
    const person = await t.gql<{ person: { employmentStatus: string; subsidies: { schemeCode: string; state: string }[] } }>(`query($id: ID!) { person(id: $id) { employmentStatus subsidies { schemeCode state } } }`, { id: poor.id }, { token: fuzhou });
    expect(person.data!.person.employmentStatus).toBe("PUBLIC_WELFARE_POST");
    expect(person.data!.person.subsidies.filter((s) => s.schemeCode.startsWith("PUBLIC_WELFARE")).map((s) => [s.schemeCode, s.state]).sort()).toEqual([
      ["PUBLIC_WELFARE_POST_WAGE", "ELIGIBLE"],
      ["PUBLIC_WELFARE_SOCIAL_INSURANCE", "ELIGIBLE"],
    ]);
    expect((await candidates()).candidates.map((c) => c.personId)).not.toContain(poor.id);
    // Placed already: no longer out of work.
    expect(codeOf(await t.gql(PLACE, { p: poor.id, j: post.id }, { token: fuzhou }))).toBe("CONFLICT");
  });

  it("the point is policy data: a new version moves it, administrators only", async () => {
    const set = `mutation($d: Int!) { setFallbackPolicy(daysBeforeCampaignEnd: $d) { version daysBeforeCampaignEnd effectiveFrom } }`;
    expect(codeOf(await t.gql(set, { d: 90 }, { token: fuzhou }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(set, { d: 400 }, { token: admin }))).toBe("BAD_USER_INPUT");
    const r = await t.gql<{ setFallbackPolicy: { version: number; daysBeforeCampaignEnd: number } }>(set, { d: 90 }, { token: admin });
    expect(r.data!.setFallbackPolicy).toMatchObject({ version: 2, daysBeforeCampaignEnd: 90 });
    await endCampaignIn(60);
    expect(await candidates()).toMatchObject({ open: true, opensOn: serviceToday(days(-30)) });
  });
  it("pages through every candidate: `after` the last one's id until hasNextPage is false, each once, as one long page lists them; a bad cursor is refused", async () => {
    await endCampaignIn(10);
    for (let i = 0; i < 3; i++) await makePerson(t, { registeredPoverty: true, institutionId: schoolId });
    const PAGE = `query($first: Int!, $after: ID) { fallbackCandidates(first: $first, after: $after) { candidates { personId } hasNextPage endCursor } }`;
    type Page = { fallbackCandidates: { candidates: { personId: string }[]; hasNextPage: boolean; endCursor: string | null } };
    const all = (await t.gql<Page>(PAGE, { first: 100 }, { token: admin })).data!.fallbackCandidates;
    expect(all.hasNextPage).toBe(false);
    expect(all.candidates.length).toBeGreaterThanOrEqual(3);
    const paged: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const page: Page["fallbackCandidates"] = (await t.gql<Page>(PAGE, { first: 2, after }, { token: admin })).data!.fallbackCandidates;
      paged.push(...page.candidates.map((c) => c.personId));
      expect(page.endCursor).toBe(page.candidates.at(-1)?.personId ?? null);
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(paged).toEqual(all.candidates.map((c) => c.personId));
    expect(codeOf(await t.gql(PAGE, { first: 2, after: "not-an-id" }, { token: admin }))).toBe("BAD_USER_INPUT");
  });
  it("a closed campaign's fallback is over: nobody listed, and a placement in it is a CONFLICT that writes nothing", async () => {
    await endCampaignIn(10);
    const poor = await makePerson(t, { registeredPoverty: true, institutionId: schoolId });
    const post = await makePosting(t.db, { kind: "PUBLIC_WELFARE", minEducation: "NONE", title: "公益性岗位护林员", skills: [], majors: [] });
    expect((await candidates()).candidates.map((c) => c.personId)).toContain(poor.id);
    expect((await t.gql(`mutation($id: ID!) { closeCampaign(id: $id) { status } }`, { id: campaignId }, { token: admin })).errors).toBeUndefined();
    const r = await t.gql<Candidates>(`query($c: ID) { fallbackCandidates(campaignId: $c) { open candidates { personId } } }`, { c: campaignId }, { token: fuzhou });
    expect(r.data!.fallbackCandidates).toEqual({ open: false, candidates: [] });
    const before = await counts();
    const placed = await t.gql(PLACE, { p: poor.id, j: post.id, c: campaignId }, { token: fuzhou });
    expect(codeOf(placed)).toBe("CONFLICT");
    expect(placed.errors![0]!.extensions).toMatchObject({ status: "CLOSED" });
    expect(await counts()).toEqual(before);
  });
});
