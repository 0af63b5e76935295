import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { postings } from "../../src/modules/postings/posting.table.js";
import { days, FUZHOU_GULOU, linkPartner, makeEmployer, postingsDigest, tableCounts, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const UPSERT = `mutation Upsert($postings: [PartnerPostingInput!]!) {
  upsertPartnerPostings(postings: $postings) {
    created updated unchanged rejected
    items { index externalId outcome error { code field message } posting { id status title externalId employer { name verified } } }
  }
}`;

interface UpsertData {
  upsertPartnerPostings: {
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
    items: { index: number; externalId: string; outcome: string; error: { code: string; field: string; message: string } | null; posting: { id: string; status: string; title: string; externalId: string | null; employer: { name: string; verified: boolean } } | null }[];
  };
}

describe("partner sites pushing postings", () => {
  let t: TestApp;
  let apiKey: string;
  let partnerId: string;
  const validUntil = days(45).toISOString();
  const employer = { name: "某科技有限公司", creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), regionCode: FUZHOU_GULOU };
  const item = (externalId: string, overrides: Record<string, unknown> = {}) => ({
    externalId,
    title: `Java开发工程师 ${externalId}`,
    description: "外包项目",
    skills: ["Java", "Spring"],
    minEducation: "BACHELOR",
    regionCode: FUZHOU_GULOU,
    salaryMin: 8000,
    salaryMax: 12000,
    headcount: 2,
    validUntil,
    employer,
    ...overrides,
  });

  beforeAll(async () => {
    t = await startTestApp();
    const issued = await issuePartnerKey(t.db, "test", { name: `招聘网${unique()}` });
    apiKey = issued.apiKey;
    partnerId = issued.partner.id;
    // The employer is linked to the partner (trusted employers, issue 22): its pushes are public, not held.
    const registered = await makeEmployer(t.db, { ...employer, verified: false });
    await linkPartner(t.db, partnerId, registered.id);
  });
  afterAll(() => t.close());

  const partnerPostingCount = async () => (await t.db.select().from(postings).where(eq(postings.partnerId, partnerId))).length;

  it("upserts the same batch twice without duplicates, then updates what changed", async () => {
    const batch = [item("A-1"), item("A-2"), item("A-3")];
    const first = await t.gql<UpsertData>(UPSERT, { postings: batch }, { apiKey });
    expect(first.errors).toBeUndefined();
    expect(first.data!.upsertPartnerPostings).toMatchObject({ created: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.data!.upsertPartnerPostings.items[0]!.posting).toMatchObject({ status: "OPEN", externalId: "A-1", employer: { name: "某科技有限公司", verified: false } });

    const again = await t.gql<UpsertData>(UPSERT, { postings: batch }, { apiKey });
    expect(again.data!.upsertPartnerPostings).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(again.data!.upsertPartnerPostings.items.map((i) => i.posting!.id)).toEqual(first.data!.upsertPartnerPostings.items.map((i) => i.posting!.id));
    expect(await partnerPostingCount()).toBe(3);

    const changed = await t.gql<UpsertData>(UPSERT, { postings: [item("A-1", { title: "高级Java开发工程师" }), item("A-2", { status: "CLOSED" }), item("A-3")] }, { apiKey });
    expect(changed.data!.upsertPartnerPostings).toMatchObject({ created: 0, updated: 2, unchanged: 1 });
    expect(changed.data!.upsertPartnerPostings.items[1]!.posting!.status).toBe("CLOSED");
    expect(await partnerPostingCount()).toBe(3);
  });

  it("reports each bad item with its field and lets the good ones land", async () => {
    const before = await partnerPostingCount();
    const result = await t.gql<UpsertData>(
      UPSERT,
      {
        postings: [
          item("B-1"),
          item("B-2", { employer: { ...employer, creditCode: "91350100M000100Y44" } }),
          item("B-3", { regionCode: "359999" }),
          item("B-4", { title: "x".repeat(101) }),
          item("B-5", { salaryMin: 9000, salaryMax: 1000 }),
          item("B-6", { validUntil: days(-1).toISOString() }),
          item("B-7", { regionCode: "350100" }),
          item("B-8", { headcount: -3 }),
          item("B-1"),
          item("B-9", { status: "BLOCKED" }),
          item("B-10"),
        ],
      },
      { apiKey },
    );
    expect(result.errors).toBeUndefined();
    const r = result.data!.upsertPartnerPostings;
    expect(r).toMatchObject({ created: 2, rejected: 9 });
    const errors = Object.fromEntries(r.items.filter((i) => i.error).map((i) => [i.index, [i.error!.code, i.error!.field]]));
    expect(errors).toEqual({
      1: ["BAD_USER_INPUT", "postings.1.employer.creditCode"],
      2: ["BAD_USER_INPUT", "postings.2.regionCode"],
      3: ["BAD_USER_INPUT", "postings.3.title"],
      4: ["BAD_USER_INPUT", "postings.4.salaryMax"],
      5: ["BAD_USER_INPUT", "postings.5.validUntil"],
      6: ["BAD_USER_INPUT", "postings.6.regionCode"],
      7: ["BAD_USER_INPUT", "postings.7.headcount"],
      8: ["CONFLICT", "postings.8.externalId"],
      9: ["BAD_USER_INPUT", "postings.9.status"],
    });
    expect(r.items.filter((i) => i.outcome === "CREATED").map((i) => i.externalId)).toEqual(["B-1", "B-10"]);
    expect(await partnerPostingCount()).toBe(before + 2);
  });

  it("rejects an item whose region code holds a NUL as that item's fault (found by fuzzing: it used to reach the region query and fail the batch)", async () => {
    const r = await t.gql<UpsertData>(UPSERT, { postings: [item("NUL-1", { regionCode: "\u0000" }), item("NUL-2", { employer: { ...employer, regionCode: "35\u00000102" } }), item("NUL-3")] }, { apiKey });
    expect(r.errors).toBeUndefined();
    expect(r.data!.upsertPartnerPostings.items.map((i) => [i.outcome, i.error?.code ?? null])).toEqual([["REJECTED", "BAD_USER_INPUT"], ["REJECTED", "BAD_USER_INPUT"], ["CREATED", null]]);
  });

  it("ten identical batches at once create each posting once", async () => {
    const batch = Array.from({ length: 5 }, (_, i) => item(`C-${i}`, { employer: { ...employer, creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), name: "并发公司" } }));
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql<UpsertData>(UPSERT, { postings: batch }, { apiKey })));
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.upsertPartnerPostings.rejected).toBe(0);
    }
    expect(results.reduce((n, r) => n + r.data!.upsertPartnerPostings.created, 0)).toBe(5);
    const stored = await t.db.select().from(postings).where(and(eq(postings.partnerId, partnerId)));
    expect(stored.filter((p) => p.externalId!.startsWith("C-"))).toHaveLength(5);
  });

  it("refuses an oversized batch whole, writing nothing", async () => {
    const countsBefore = await tableCounts(t.db);
    const digest = await postingsDigest(t.db);
    const batch = Array.from({ length: t.config.maxPartnerBatch + 1 }, (_, i) => item(`D-${i}`));
    const result = await t.gql(UPSERT, { postings: batch }, { apiKey });
    expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "postings" });
    expect(await tableCounts(t.db)).toEqual(countsBefore);
    expect(await postingsDigest(t.db)).toBe(digest);
  });

  it("cannot change a posting an admin blocked, and its employer cannot edit a partner's copy", async () => {
    const created = await t.gql<UpsertData>(UPSERT, { postings: [item("E-1")] }, { apiKey });
    const posting = created.data!.upsertPartnerPostings.items[0]!.posting!;
    const admin = await t.token({ sub: "a", role: Role.ADMIN });
    await t.gql(`mutation($id: ID!) { blockPosting(id: $id, reason: "虚假招聘") { id } }`, { id: posting.id }, { token: admin });
    const digest = await postingsDigest(t.db);
    const blocked = await t.gql<UpsertData>(UPSERT, { postings: [item("E-1", { title: "换个标题" })] }, { apiKey });
    expect(blocked.data!.upsertPartnerPostings.items[0]!.error!.code).toBe("FORBIDDEN");
    expect(await postingsDigest(t.db)).toBe(digest);

    const [row] = await t.db.select().from(postings).where(eq(postings.id, posting.id));
    const employerToken = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: row!.employerId });
    const other = await t.gql<UpsertData>(UPSERT, { postings: [item("E-2")] }, { apiKey });
    const edit = await t.gql(`mutation($id: ID!) { updatePosting(id: $id, input: { title: "改" }) { id } }`, { id: other.data!.upsertPartnerPostings.items[0]!.posting!.id }, { token: employerToken });
    expect(codeOf(edit)).toBe("FORBIDDEN");
    expect(edit.errors![0]!.message).toMatch(/partner/);
  });

  it("needs the postings:write scope and a partner key", async () => {
    const readOnly = await issuePartnerKey(t.db, "test", { name: `只读网${unique()}`, scopes: ["postings:read"] });
    const counts = await tableCounts(t.db);
    expect(codeOf(await t.gql(UPSERT, { postings: [item("F-1")] }, { apiKey: readOnly.apiKey }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(UPSERT, { postings: [item("F-1")] }, { token: await t.token({ sub: "a", role: Role.ADMIN }) }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(UPSERT, { postings: [item("F-1")] }))).toBe("UNAUTHENTICATED");
    expect(await tableCounts(t.db)).toEqual({ ...counts, partners: counts.partners, partner_api_keys: counts.partner_api_keys });
  });

  it("shows externalId to its partner only", async () => {
    const created = await t.gql<UpsertData>(UPSERT, { postings: [item("G-1")] }, { apiKey });
    const id = created.data!.upsertPartnerPostings.items[0]!.posting!.id;
    const q = `query($id: ID!) { posting(id: $id) { externalId source } }`;
    expect((await t.gql<{ posting: { externalId: string | null } }>(q, { id }, { apiKey })).data!.posting.externalId).toBe("G-1");
    expect((await t.gql<{ posting: { externalId: string | null; source: string } }>(q, { id })).data!.posting).toEqual({ externalId: null, source: "PARTNER" });
  });
});
