import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { MAX_QUERY_DEPTH } from "../../src/graphql/limits.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { postings } from "../../src/modules/postings/posting.table.js";
import { days, FUZHOU_GULOU, linkPartner, makeEmployer, makePosting, postingsDigest, tableCounts, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

/** Inputs and requests that once reached SQL or the wrong branch: each must be refused cleanly. */
describe("hardening of the foundation", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "a", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  async function unchangedBy(run: () => Promise<unknown>) {
    const counts = await tableCounts(t.db);
    const digest = await postingsDigest(t.db);
    await run();
    expect(await tableCounts(t.db)).toEqual(counts);
    expect(await postingsDigest(t.db)).toBe(digest);
  }

  it("refuses NUL and other control characters in any argument with BAD_USER_INPUT and its field", async () => {
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const toBlock = await makePosting(t.db);
    await unchangedBy(async () => {
      const created = await t.gql(
        `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
        { i: { title: "a\u0000b", regionCode: FUZHOU_GULOU, validUntil: days(5).toISOString() } },
        { token },
      );
      expect(created.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.title" });
      const skill = await t.gql(
        `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
        { i: { title: "ok", skills: ["x\u0007"], regionCode: FUZHOU_GULOU, validUntil: days(5).toISOString() } },
        { token },
      );
      expect(skill.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.skills.0" });
      const reason = await t.gql(`mutation($id: ID!, $r: String!) { blockPosting(id: $id, reason: $r) { id } }`, { id: toBlock.id, r: "x\u0000" }, { token: admin });
      expect(reason.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "reason" });
    });
    const region = await t.gql(`query($c: String!) { region(code: $c) { name } }`, { c: "35\u0000" });
    expect(region.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "code" });
    const name = await t.gql(`query($n: String) { employers(filter: { nameContains: $n }) { totalCount } }`, { n: "a\u0000" });
    expect(name.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.nameContains" });
  });

  it("counts characters as the database does (variation selectors) and refuses blank titles", async () => {
    const employer = await makeEmployer(t.db);
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    await unchangedBy(async () => {
      const long = await t.gql(
        `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
        { i: { title: "a\ufe0f".repeat(60), regionCode: FUZHOU_GULOU, validUntil: days(5).toISOString() } },
        { token },
      );
      expect(long.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.title" });
      const blank = await t.gql(
        `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`,
        { i: { title: "   ", regionCode: FUZHOU_GULOU, validUntil: days(5).toISOString() } },
        { token },
      );
      expect(blank.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.title" });
      const blankEmployer = await t.gql(
        `mutation($i: RegisterEmployerInput!) { registerEmployer(input: $i) { id } }`,
        { i: { name: "  ", creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), regionCode: FUZHOU_GULOU } },
        { token: admin },
      );
      expect(blankEmployer.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    });
  });

  it.each(["title", "description", "regionCode", "minEducation", "headcount", "kind", "forKeyGroups", "validUntil", "skills", "majors"])(
    "refuses an explicit null for %s in updatePosting",
    async (field) => {
      const employer = await makeEmployer(t.db);
      const posting = await makePosting(t.db, { employerId: employer.id });
      const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
      await unchangedBy(async () => {
        const result = await t.gql(`mutation($id: ID!, $i: UpdatePostingInput!) { updatePosting(id: $id, input: $i) { id } }`, { id: posting.id, i: { [field]: null } }, { token });
        expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: `input.${field}` });
      });
    },
  );

  it("clears the clearable fields with null", async () => {
    const employer = await makeEmployer(t.db);
    const posting = await makePosting(t.db, { employerId: employer.id });
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const result = await t.gql<{ updatePosting: { salaryMin: null; occupation: null } }>(
      `mutation($id: ID!) { updatePosting(id: $id, input: { salaryMin: null, occupation: null }) { salaryMin occupation } }`,
      { id: posting.id },
      { token },
    );
    expect(result.data!.updatePosting).toEqual({ salaryMin: null, occupation: null });
  });

  it("does not reopen an expired posting through an edit", async () => {
    const employer = await makeEmployer(t.db);
    const posting = await makePosting(t.db, { employerId: employer.id });
    await t.db.update(postings).set({ validUntil: days(-1) }).where(eq(postings.id, posting.id));
    const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
    const edited = await t.gql<{ updatePosting: { status: string } }>(
      `mutation($id: ID!, $v: DateTimeISO!) { updatePosting(id: $id, input: { validUntil: $v }) { status } }`,
      { id: posting.id, v: days(30).toISOString() },
      { token },
    );
    expect(edited.data!.updatePosting.status).toBe("EXPIRED");
    const published = await t.gql<{ publishPosting: { status: string } }>(`mutation($id: ID!) { publishPosting(id: $id) { status } }`, { id: posting.id }, { token });
    expect(published.data!.publishPosting.status).toBe("OPEN");
  });

  describe("partners and the employers they name", () => {
    const UPSERT = `mutation($p: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $p) { created rejected items { outcome error { code field } posting { id status } } } }`;
    const item = (externalId: string, employer: { name: string; creditCode: string; regionCode: string }, extra: Record<string, unknown> = {}) => ({
      externalId,
      title: "日结高薪",
      regionCode: FUZHOU_GULOU,
      validUntil: days(20).toISOString(),
      employer,
      ...extra,
    });

    it("cannot post under a registered employer's credit code with another name", async () => {
      const real = await makeEmployer(t.db, { name: "真实的公司" });
      const { apiKey } = await issuePartnerKey(t.db, "test", { name: `网${unique()}` });
      const result = await t.gql<{ upsertPartnerPostings: { rejected: number; items: { error: { code: string; field: string } }[] } }>(
        UPSERT,
        { p: [item("spoof-1", { name: "随便写的名字", creditCode: real.creditCode, regionCode: FUZHOU_GULOU })] },
        { apiKey },
      );
      expect(result.data!.upsertPartnerPostings.rejected).toBe(1);
      expect(result.data!.upsertPartnerPostings.items[0]!.error).toEqual({ code: "CONFLICT", field: "postings.0.employer.name" });
      // With the registered name it lands, and lower-case credit codes are accepted.
      const ok = await t.gql<{ upsertPartnerPostings: { created: number } }>(
        UPSERT,
        { p: [item("real-1", { name: "真实的公司", creditCode: real.creditCode.toLowerCase(), regionCode: FUZHOU_GULOU })] },
        { apiKey },
      );
      expect(ok.data!.upsertPartnerPostings.created).toBe(1);
    });

    it("lets the named employer see and close a partner's copy, which a re-push then does not reopen", async () => {
      const employer = await makeEmployer(t.db, { name: "被代发的公司" });
      const { apiKey, partner } = await issuePartnerKey(t.db, "test", { name: `网${unique()}` });
      await linkPartner(t.db, partner.id, employer.id);
      const e = { name: employer.name, creditCode: employer.creditCode, regionCode: employer.regionCode };
      const pushed = await t.gql<{ upsertPartnerPostings: { items: { posting: { id: string } }[] } }>(UPSERT, { p: [item("copy-1", e)] }, { apiKey });
      const id = pushed.data!.upsertPartnerPostings.items[0]!.posting.id;
      const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id });
      const closed = await t.gql<{ closePosting: { status: string } }>(`mutation($id: ID!) { closePosting(id: $id) { status } }`, { id }, { token });
      expect(closed.data!.closePosting.status).toBe("CLOSED");
      // It may close it, not rewrite it.
      expect(codeOf(await t.gql(`mutation($id: ID!) { updatePosting(id: $id, input: { title: "x" }) { id } }`, { id }, { token }))).toBe("FORBIDDEN");
      const again = await t.gql<{ upsertPartnerPostings: { items: { outcome: string; error: { code: string } }[] } }>(UPSERT, { p: [item("copy-1", e)] }, { apiKey });
      expect(again.data!.upsertPartnerPostings.items[0]).toMatchObject({ outcome: "REJECTED", error: { code: "CONFLICT" } });
      // Single read and list agree for the employer, draft or not.
      const seen = await t.gql<{ posting: { status: string }; postings: { edges: { node: { id: string } }[] } }>(
        `query($id: ID!, $e: ID) { posting(id: $id) { status } postings(filter: { employerId: $e, status: [CLOSED] }) { edges { node { id } } } }`,
        { id, e: employer.id },
        { token },
      );
      expect(seen.data!.posting.status).toBe("CLOSED");
      expect(seen.data!.postings.edges.map((x) => x.node.id)).toContain(id);
    });
  });

  describe("credentials", () => {
    it("refuses tokens without an expiry and empty Authorization headers", async () => {
      const noExp = await new SignJWT({ role: "ADMIN" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuer(t.config.auth.issuer).sign(new TextEncoder().encode(t.config.auth.jwtSecret));
      expect((await t.gql(`{ viewer { role } }`, {}, { token: noExp })).status).toBe(401);
      const empty = await t.gql(`{ viewer { role } }`, {}, { headers: { authorization: "" } });
      expect(empty.status).toBe(401);
    });

    it("treats an upper-case employerId in a token as the same employer", async () => {
      const employer = await makeEmployer(t.db);
      const posting = await makePosting(t.db, { employerId: employer.id, status: "DRAFT" });
      const token = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: employer.id.toUpperCase() });
      const read = await t.gql<{ posting: { id: string } }>(`query($id: ID!) { posting(id: $id) { id } }`, { id: posting.id }, { token });
      expect(read.data!.posting.id).toBe(posting.id);
    });

    it("refuses a malformed key id and a key without scopes", async () => {
      expect(codeOf(await t.gql(`mutation { revokePartnerKey(keyId: "not-a-uuid") { id } }`, {}, { token: admin }))).toBe("BAD_USER_INPUT");
      const noScopes = await t.gql(`mutation { issuePartnerKey(name: "空", scopes: []) { apiKey } }`, {}, { token: admin });
      expect(noScopes.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scopes" });
    });
  });

  describe("query depth", () => {
    const nested = (depth: number) => {
      // region { parent { parent … { code } } }: `depth` fields from the root to `code` (parents run out at the province)
      let inner = "code";
      for (let i = 0; i < depth - 2; i++) inner = `parent { ${inner} }`;
      return `{ region(code: "350102") { ${inner} } }`;
    };
    it(`allows ${MAX_QUERY_DEPTH} levels and refuses ${MAX_QUERY_DEPTH + 1} before running anything`, async () => {
      const ok = await t.gql(nested(MAX_QUERY_DEPTH));
      expect(ok.errors).toBeUndefined();
      const deep = await t.gql(nested(MAX_QUERY_DEPTH + 1));
      expect(deep.status).toBe(400);
      expect(deep.errors![0]!.message).toMatch(/nested 13 levels/);
      expect(deep.errors![0]!.extensions?.code).toBe("QUERY_TOO_DEEP");
      expect(deep.sqlStatements).toBe(0);
    });
  });
});
