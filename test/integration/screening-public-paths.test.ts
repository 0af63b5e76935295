import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { days, FUZHOU_GULOU, linkPartner, makeEmployer, unique } from "../helpers/factories.js";
import { standardTokens, startTestApp, type GqlResult, type TestApp } from "../helpers/test-app.js";

/** Screening (issue 23): every public status is held — a CLOSED push, a closed draft, a closed posting edited — and skills spans. Found by a review. */
const HIGH = "R3_FEE";
const SCREENING = `screening { held hits { ruleCode field start end excerpt } }`;
const FIELDS = `id status title description skills ${SCREENING}`;
type Hit = { ruleCode: string; field: string; start: number | null; end: number | null; excerpt: string };
type View = { id: string; status: string; title: string; description: string; skills: string[]; screening: { held: boolean; hits: Hit[] } | null };

describe("screening: no public status without review", () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof standardTokens>>;
  beforeAll(async () => {
    t = await startTestApp();
    tokens = await standardTokens(t);
    const saved = await t.gql(`mutation($i: SaveScreeningRuleInput!) { saveScreeningRule(input: $i) { code } }`, {
      i: { code: HIGH, description: "向求职者收费（测试规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["先交培训费", "交押金"] }) },
    }, { token: tokens.admin });
    expect(saved.errors).toBeUndefined();
  });
  afterAll(() => t.close());
  const ok = <T,>(r: GqlResult<T>): T => {
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const publicPosting = async (id: string) => ok(await t.gql<{ posting: { id: string; status: string; description: string } | null }>(`query($id: ID!) { posting(id: $id) { id status description } }`, { id })).posting;

  it("a partner's item pushed CLOSED with HIGH words is not public without review", async () => {
    const employer = await makeEmployer(t.db);
    const issued = await issuePartnerKey(t.db, "test", { name: `合作网${unique()}` });
    await linkPartner(t.db, issued.partner.id, employer.id);
    const items = ok(await t.gql<{ upsertPartnerPostings: { items: { posting: View | null }[] } }>(
      `mutation($p: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $p) { items { outcome posting { ${FIELDS} } } } }`,
      { p: [{ externalId: `C-${unique()}`, title: "普工", description: "先交培训费500元", status: "CLOSED", regionCode: employer.regionCode, validUntil: days(20).toISOString(), employer: { name: employer.name, creditCode: employer.creditCode, regionCode: employer.regionCode } }] },
      { apiKey: issued.apiKey },
    )).upsertPartnerPostings.items;
    const id = items[0]!.posting!.id;
    // Today: stored CLOSED, readable by anyone with the fee words.
    expect(await publicPosting(id)).toBeNull();
  });

  it("an employer's draft with HIGH words, closed, is not public without review", async () => {
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: `emp-${employer.id}`, role: Role.EMPLOYER, employerId: employer.id });
    const created = ok(await t.gql<{ createPosting: View }>(`mutation($i: CreatePostingInput!) { createPosting(input: $i) { ${FIELDS} } }`, {
      i: { title: `普工${unique()}`, description: "入职先交培训费", regionCode: FUZHOU_GULOU, validUntil: days(20).toISOString() },
    }, { token })).createPosting;
    ok(await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: created.id }, { token }));
    expect(await publicPosting(created.id)).toBeNull();
  });

  it("a CLOSED posting edited to add HIGH words is not public without review", async () => {
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: `emp-${employer.id}`, role: Role.EMPLOYER, employerId: employer.id });
    const created = ok(await t.gql<{ createPosting: View }>(`mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`, {
      i: { title: `普工${unique()}`, description: "包吃住", regionCode: FUZHOU_GULOU, validUntil: days(20).toISOString() },
    }, { token })).createPosting;
    ok(await t.gql(`mutation($id: ID!) { publishPosting(id: $id) { status } }`, { id: created.id }, { token }));
    ok(await t.gql(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id: created.id }, { token }));
    ok(await t.gql(`mutation($id: ID!, $i: UpdatePostingInput!) { updatePosting(id: $id, input: $i) { status } }`, { id: created.id, i: { description: "包吃住，先交培训费" } }, { token }));
    const seen = await publicPosting(created.id);
    expect(seen?.description ?? "").not.toContain("先交培训费");
  });

  it("a hit in a skills item reports a span of the skills joined with '，' (as JobPosting.screening documents)", async () => {
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: `emp-${employer.id}`, role: Role.EMPLOYER, employerId: employer.id });
    const created = ok(await t.gql<{ createPosting: View }>(`mutation($i: CreatePostingInput!) { createPosting(input: $i) { ${FIELDS} } }`, {
      i: { title: `普工${unique()}`, description: "包吃住", skills: ["叉车驾驶", "入职交押金"], regionCode: FUZHOU_GULOU, validUntil: days(20).toISOString() },
    }, { token })).createPosting;
    const hit = created.screening!.hits.find((h) => h.ruleCode === HIGH && h.field === "skills")!;
    expect(hit.excerpt).toBe("交押金");
    expect(created.skills.join("，").slice(hit.start!, hit.end!)).toBe(hit.excerpt);
  });
});
