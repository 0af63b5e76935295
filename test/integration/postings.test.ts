import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { expirePostings } from "../../src/modules/postings/posting.service.js";
import { postings } from "../../src/modules/postings/posting.table.js";
import { days, FUZHOU_GULOU, makeEmployer, makePosting, postingsDigest, tableCounts, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, startTestApp, type GqlResult, type TestApp } from "../helpers/test-app.js";
import type { EmployerRow } from "../../src/modules/employers/employer.table.js";
import { eq } from "drizzle-orm";

const CREATE = `mutation Create($input: CreatePostingInput!) { createPosting(input: $input) { id status title employer { id } region { code } } }`;
const UPDATE = `mutation Update($id: ID!, $input: UpdatePostingInput!) { updatePosting(id: $id, input: $input) { id title salaryMin salaryMax } }`;
const PUBLISH = `mutation Publish($id: ID!, $validUntil: DateTimeISO) { publishPosting(id: $id, validUntil: $validUntil) { id status publishedAt } }`;
const CLOSE = `mutation Close($id: ID!) { closePosting(id: $id) { id status closedAt } }`;
const GET = `query Get($id: ID!) { posting(id: $id) { id status blockedReason } }`;

const postingInput = (overrides: Record<string, unknown> = {}) => ({
  title: "电商运营专员",
  description: "负责店铺日常运营",
  skills: ["淘宝运营", "直播带货"],
  majors: ["电子商务"],
  minEducation: "ASSOCIATE",
  regionCode: FUZHOU_GULOU,
  salaryMin: 4500,
  salaryMax: 7000,
  headcount: 3,
  kind: "REGULAR",
  validUntil: days(30).toISOString(),
  ...overrides,
});

describe("job postings", () => {
  let t: TestApp;
  let fuzhouEmployer: EmployerRow;
  let xiamenEmployer: EmployerRow;
  let employerToken: string;
  let fuzhouCaseworker: string;
  let xiamenCaseworker: string;
  let admin: string;
  let seeker: string;

  beforeAll(async () => {
    t = await startTestApp();
    fuzhouEmployer = await makeEmployer(t.db, { regionCode: FUZHOU_GULOU });
    xiamenEmployer = await makeEmployer(t.db, { regionCode: XIAMEN_SIMING });
    employerToken = await t.token({ sub: "e1", role: Role.EMPLOYER, employerId: fuzhouEmployer.id });
    fuzhouCaseworker = await t.token({ sub: "c1", role: Role.CASEWORKER, regionCode: "3501" });
    xiamenCaseworker = await t.token({ sub: "c2", role: Role.CASEWORKER, regionCode: "3502" });
    admin = await t.token({ sub: "a1", role: Role.ADMIN });
    seeker = await t.token({ sub: "s1", role: Role.SEEKER, personId: "01900000-0000-7000-8000-0000000000aa" });
  });
  afterAll(() => t.close());

  /** Runs a request that must be refused, and proves it wrote nothing. */
  async function refusedWithoutWrites(run: () => Promise<GqlResult>): Promise<GqlResult> {
    const countsBefore = await tableCounts(t.db);
    const digestBefore = await postingsDigest(t.db);
    const result = await run();
    expect(result.errors, JSON.stringify(result.data)).toBeDefined();
    expect(await tableCounts(t.db)).toEqual(countsBefore);
    expect(await postingsDigest(t.db)).toBe(digestBefore);
    return result;
  }

  describe("an employer's own posting, from draft to closed", () => {
    it("creates a draft as itself, publishes it, and the public then sees it", async () => {
      const created = await t.gql<{ createPosting: { id: string; status: string; employer: { id: string }; region: { code: string } } }>(
        CREATE,
        { input: postingInput() },
        { token: employerToken },
      );
      expect(created.errors).toBeUndefined();
      const posting = created.data!.createPosting;
      expect(posting.status).toBe("DRAFT");
      expect(posting.employer.id).toBe(fuzhouEmployer.id);
      expect(posting.region.code).toBe(FUZHOU_GULOU);

      // A draft is invisible to the public, visible to its employer.
      expect((await t.gql<{ posting: null }>(GET, { id: posting.id })).data!.posting).toBeNull();
      expect((await t.gql<{ posting: { status: string } }>(GET, { id: posting.id }, { token: employerToken })).data!.posting.status).toBe("DRAFT");

      const published = await t.gql<{ publishPosting: { status: string; publishedAt: string } }>(PUBLISH, { id: posting.id }, { token: employerToken });
      expect(published.errors).toBeUndefined();
      expect(published.data!.publishPosting.status).toBe("OPEN");
      expect(published.data!.publishPosting.publishedAt).toBeTruthy();

      const listed = await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(
        `query($e: ID) { postings(filter: { employerId: $e }) { edges { node { id } } } }`,
        { e: fuzhouEmployer.id },
      );
      expect(listed.data!.postings.edges.map((e) => e.node.id)).toContain(posting.id);

      const updated = await t.gql<{ updatePosting: { title: string; salaryMax: number } }>(
        UPDATE,
        { id: posting.id, input: { title: "电商运营主管", salaryMax: 8000 } },
        { token: employerToken },
      );
      expect(updated.data!.updatePosting).toMatchObject({ title: "电商运营主管", salaryMax: 8000 });

      const closed = await t.gql<{ closePosting: { status: string; closedAt: string } }>(CLOSE, { id: posting.id }, { token: employerToken });
      expect(closed.data!.closePosting.status).toBe("CLOSED");
      // Closing again is harmless; publishing again reopens it.
      expect((await t.gql<{ closePosting: { status: string } }>(CLOSE, { id: posting.id }, { token: employerToken })).data!.closePosting.status).toBe("CLOSED");
      expect((await t.gql<{ publishPosting: { status: string } }>(PUBLISH, { id: posting.id }, { token: employerToken })).data!.publishPosting.status).toBe("OPEN");
      expect(codeOf(await t.gql(PUBLISH, { id: posting.id }, { token: employerToken }))).toBe("CONFLICT");
    });

    it("anonymous callers list open postings only, with employer and region", async () => {
      const open = await makePosting(t.db, { employerId: fuzhouEmployer.id, title: "公开岗位" });
      const draft = await makePosting(t.db, { employerId: fuzhouEmployer.id, status: "DRAFT", publishedAt: null, title: "草稿岗位" });
      const result = await t.gql<{ postings: { totalCount: number; edges: { node: { id: string; status: string; employer: { name: string }; region: { name: string } } }[] } }>(
        `query($e: ID) { postings(first: 100, filter: { employerId: $e }) { totalCount edges { node { id status employer { name } region { name } } } } }`,
        { e: fuzhouEmployer.id },
      );
      expect(result.errors).toBeUndefined();
      const ids = result.data!.postings.edges.map((e) => e.node.id);
      expect(ids).toContain(open.id);
      expect(ids).not.toContain(draft.id);
      expect(result.data!.postings.edges.every((e) => e.node.status === "OPEN")).toBe(true);
      expect(result.data!.postings.edges[0]!.node.employer.name).toBe(fuzhouEmployer.name);
      expect(result.data!.postings.edges[0]!.node.region.name).toBe("鼓楼区");
      // Asking for drafts does not reveal them to the public.
      const drafts = await t.gql<{ postings: { edges: unknown[] } }>(
        `query($e: ID) { postings(filter: { employerId: $e, status: [DRAFT] }) { edges { node { id } } } }`,
        { e: fuzhouEmployer.id },
      );
      expect(drafts.data!.postings.edges).toHaveLength(0);
    });
  });

  describe("who may touch a posting", () => {
    it("an employer cannot change or even see another employer's drafts", async () => {
      const theirs = await makePosting(t.db, { employerId: xiamenEmployer.id, regionCode: XIAMEN_SIMING });
      const theirDraft = await makePosting(t.db, { employerId: xiamenEmployer.id, regionCode: XIAMEN_SIMING, status: "DRAFT" });
      const update = await refusedWithoutWrites(() => t.gql(UPDATE, { id: theirs.id, input: { title: "被篡改" } }, { token: employerToken }));
      expect(codeOf(update)).toBe("FORBIDDEN");
      expect(codeOf(await refusedWithoutWrites(() => t.gql(CLOSE, { id: theirs.id }, { token: employerToken })))).toBe("FORBIDDEN");
      expect(codeOf(await refusedWithoutWrites(() => t.gql(PUBLISH, { id: theirDraft.id }, { token: employerToken })))).toBe("NOT_FOUND");
      // …and posting as another employer is refused.
      const asOther = await refusedWithoutWrites(() => t.gql(CREATE, { input: postingInput({ employerId: xiamenEmployer.id }) }, { token: employerToken }));
      expect(codeOf(asOther)).toBe("FORBIDDEN");
    });

    it("anonymous callers are UNAUTHENTICATED and seekers FORBIDDEN for writes", async () => {
      expect(codeOf(await refusedWithoutWrites(() => t.gql(CREATE, { input: postingInput() })))).toBe("UNAUTHENTICATED");
      expect(codeOf(await refusedWithoutWrites(() => t.gql(CREATE, { input: postingInput() }, { token: seeker })))).toBe("FORBIDDEN");
    });

    it("a caseworker is scoped to its region prefix", async () => {
      const inFuzhou = await t.gql<{ createPosting: { id: string } }>(
        CREATE,
        { input: postingInput({ employerId: fuzhouEmployer.id }) },
        { token: fuzhouCaseworker },
      );
      expect(inFuzhou.errors).toBeUndefined();
      const id = inFuzhou.data!.createPosting.id;

      const outside = await refusedWithoutWrites(() =>
        t.gql(CREATE, { input: postingInput({ employerId: xiamenEmployer.id, regionCode: XIAMEN_SIMING }) }, { token: fuzhouCaseworker }),
      );
      expect(codeOf(outside)).toBe("FORBIDDEN");
      // The Xiamen caseworker cannot see the Fuzhou draft, let alone change it.
      expect(codeOf(await refusedWithoutWrites(() => t.gql(UPDATE, { id, input: { title: "x" } }, { token: xiamenCaseworker })))).toBe("NOT_FOUND");
      // Moving a posting out of one's region is refused too.
      expect(codeOf(await refusedWithoutWrites(() => t.gql(UPDATE, { id, input: { regionCode: XIAMEN_SIMING } }, { token: fuzhouCaseworker })))).toBe("FORBIDDEN");

      // Drafts in one's own region are listed for the caseworker; others' drafts are not.
      const xiamenDraft = await makePosting(t.db, { employerId: xiamenEmployer.id, regionCode: XIAMEN_SIMING, status: "DRAFT" });
      const drafts = await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(
        `{ postings(first: 100, filter: { status: [DRAFT] }) { edges { node { id } } } }`,
        {},
        { token: fuzhouCaseworker },
      );
      const ids = drafts.data!.postings.edges.map((e) => e.node.id);
      expect(ids).toContain(id);
      expect(ids).not.toContain(xiamenDraft.id);
    });

    it("an admin blocks a discriminatory posting; it disappears and its employer cannot edit it until unblocked", async () => {
      const posting = await makePosting(t.db, { employerId: fuzhouEmployer.id });
      const blocked = await t.gql<{ blockPosting: { status: string } }>(
        `mutation($id: ID!) { blockPosting(id: $id, reason: "限男性，就业歧视") { status } }`,
        { id: posting.id },
        { token: admin },
      );
      expect(blocked.data!.blockPosting.status).toBe("BLOCKED");
      expect((await t.gql<{ posting: null }>(GET, { id: posting.id })).data!.posting).toBeNull();
      const own = await t.gql<{ posting: { status: string; blockedReason: string } }>(GET, { id: posting.id }, { token: employerToken });
      expect(own.data!.posting).toMatchObject({ status: "BLOCKED", blockedReason: "限男性，就业歧视" });
      expect(codeOf(await refusedWithoutWrites(() => t.gql(UPDATE, { id: posting.id, input: { title: "改" } }, { token: employerToken })))).toBe("CONFLICT");
      expect(codeOf(await refusedWithoutWrites(() => t.gql(`mutation($id: ID!) { blockPosting(id: $id, reason: "x") { id } }`, { id: posting.id }, { token: employerToken })))).toBe("FORBIDDEN");
      expect(codeOf(await refusedWithoutWrites(() => t.gql(`mutation($id: ID!) { blockPosting(id: $id, reason: "  ") { id } }`, { id: posting.id }, { token: admin })))).toBe("BAD_USER_INPUT");
      const unblocked = await t.gql<{ unblockPosting: { status: string } }>(`mutation($id: ID!) { unblockPosting(id: $id) { status } }`, { id: posting.id }, { token: admin });
      expect(unblocked.data!.unblockPosting.status).toBe("DRAFT");
    });
  });

  describe("bad input: a code, and nothing written", () => {
    it("a malformed credit code", async () => {
      const result = await refusedWithoutWrites(() =>
        t.gql(
          `mutation($input: RegisterEmployerInput!) { registerEmployer(input: $input) { id } }`,
          { input: { name: "某公司", creditCode: "91350100M000100Y44", regionCode: FUZHOU_GULOU } },
          { token: admin },
        ),
      );
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.errors![0]!.extensions!.field).toBe("input.creditCode");
      expect(result.errors![0]!.message).toMatch(/check character/);
    });

    it("wrong types, in variables (400) and in the document", async () => {
      const inVariables = await refusedWithoutWrites(() => t.gql(CREATE, { input: postingInput({ headcount: "three" }) }, { token: employerToken }));
      expect(inVariables.status).toBe(400);
      expect(codeOf(inVariables)).toBe("BAD_USER_INPUT");
      const inDocument = await refusedWithoutWrites(() =>
        t.gql(`mutation { createPosting(input: { title: 5, regionCode: "350102", validUntil: "2099-01-01T00:00:00Z" }) { id } }`, {}, { token: employerToken }),
      );
      expect(codeOf(inDocument)).toBe("GRAPHQL_VALIDATION_FAILED");
      const badDate = await refusedWithoutWrites(() => t.gql(CREATE, { input: postingInput({ validUntil: "next week" }) }, { token: employerToken }));
      expect(codeOf(badDate)).toBe("BAD_USER_INPUT");
      const badId = await refusedWithoutWrites(() => t.gql(CLOSE, { id: "not-a-uuid" }, { token: employerToken }));
      expect(codeOf(badId)).toBe("BAD_USER_INPUT");
    });

    it.each([
      ["an unknown region", { regionCode: "359999" }, "input.regionCode", /Unknown region/],
      ["a prefecture instead of a county", { regionCode: "350100" }, "input.regionCode", /not a county/],
      ["a malformed region code", { regionCode: "35010" }, "input.regionCode", /six-digit/],
      ["a negative headcount", { headcount: -1 }, "input.headcount", /headcount/],
      ["a zero headcount", { headcount: 0 }, "input.headcount", /headcount/],
      ["an oversized title", { title: "岗".repeat(101) }, "input.title", /title/],
      ["an oversized description", { description: "x".repeat(5001) }, "input.description", /description/],
      ["too many skills", { skills: Array.from({ length: 31 }, (_, i) => `技能${i}`) }, "input.skills", /skills/],
      ["an oversized skill", { skills: ["x".repeat(41)] }, "input.skills", /skills/],
      ["salaryMin above salaryMax", { salaryMin: 9000, salaryMax: 5000 }, "input.salaryMax", /must not exceed/],
      ["a negative salary", { salaryMin: -100 }, "input.salaryMin", /salaryMin/],
      ["an expired validUntil", { validUntil: days(-1).toISOString() }, "input.validUntil", /future/],
    ])("%s", async (_name, overrides, field, message) => {
      const result = await refusedWithoutWrites(() => t.gql(CREATE, { input: postingInput(overrides) }, { token: employerToken }));
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.errors![0]!.extensions!.field).toBe(field);
      expect(result.errors![0]!.message).toMatch(message);
    });

    it("publishing a draft whose validUntil has passed", async () => {
      const draft = await makePosting(t.db, { employerId: fuzhouEmployer.id, status: "DRAFT", validUntil: days(-2) });
      const result = await refusedWithoutWrites(() => t.gql(PUBLISH, { id: draft.id }, { token: employerToken }));
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.errors![0]!.extensions!.field).toBe("posting.validUntil");
      const pastArgument = await refusedWithoutWrites(() => t.gql(PUBLISH, { id: draft.id, validUntil: days(-1).toISOString() }, { token: employerToken }));
      expect(pastArgument.errors![0]!.extensions!.field).toBe("validUntil");
      // With a new date in the future it publishes.
      const ok = await t.gql<{ publishPosting: { status: string } }>(PUBLISH, { id: draft.id, validUntil: days(10).toISOString() }, { token: employerToken });
      expect(ok.data!.publishPosting.status).toBe("OPEN");
    });

    it("an update that would invert the salary range or reuse an unknown posting id", async () => {
      const posting = await makePosting(t.db, { employerId: fuzhouEmployer.id, salaryMin: 5000, salaryMax: 8000 });
      const inverted = await refusedWithoutWrites(() => t.gql(UPDATE, { id: posting.id, input: { salaryMin: 9000 } }, { token: employerToken }));
      expect(inverted.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.salaryMin" });
      const missing = await refusedWithoutWrites(() => t.gql(UPDATE, { id: "01900000-0000-7000-8000-000000000000", input: { title: "x" } }, { token: employerToken }));
      expect(codeOf(missing)).toBe("NOT_FOUND");
    });
  });

  describe("expiry", () => {
    it("an open posting past validUntil reads as EXPIRED at once, and the sweep writes it down", async () => {
      const posting = await makePosting(t.db, { employerId: fuzhouEmployer.id });
      // Time passes: move validUntil into the past behind the API's back.
      await t.db.update(postings).set({ validUntil: days(-1) }).where(eq(postings.id, posting.id));
      const read = await t.gql<{ posting: { status: string } }>(GET, { id: posting.id });
      expect(read.data!.posting.status).toBe("EXPIRED");
      const open = await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(
        `query($e: ID) { postings(first: 100, filter: { employerId: $e }) { edges { node { id } } } }`,
        { e: fuzhouEmployer.id },
      );
      expect(open.data!.postings.edges.map((e) => e.node.id)).not.toContain(posting.id);
      const expired = await t.gql<{ postings: { edges: { node: { id: string } }[] } }>(
        `query($e: ID) { postings(first: 100, filter: { employerId: $e, status: [EXPIRED] }) { edges { node { id } } } }`,
        { e: fuzhouEmployer.id },
      );
      expect(expired.data!.postings.edges.map((e) => e.node.id)).toContain(posting.id);

      expect(await expirePostings(t.db)).toBeGreaterThanOrEqual(1);
      const [stored] = await t.db.select({ status: postings.status }).from(postings).where(eq(postings.id, posting.id));
      expect(stored!.status).toBe("EXPIRED");
    });
  });

  describe("pagination and batching", () => {
    it("pages through an employer's postings with cursors and a total", async () => {
      const employer = await makeEmployer(t.db);
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await makePosting(t.db, { employerId: employer.id }));
      const query = `query($e: ID, $after: String) { postings(first: 2, after: $after, filter: { employerId: $e }) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const result: GqlResult<{ postings: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } }> =
          await t.gql(query, { e: employer.id, after });
        expect(result.data!.postings.totalCount).toBe(5);
        seen.push(...result.data!.postings.edges.map((e) => e.node.id));
        expect(result.data!.postings.pageInfo.hasNextPage).toBe(page < 2);
        after = result.data!.postings.pageInfo.endCursor;
      }
      // Newest first, each once.
      expect(seen).toEqual(made.map((p) => p.id).reverse());
    });

    it("refuses first over 100, below 1, and a forged cursor", async () => {
      const over = await t.gql(`{ postings(first: 101) { edges { cursor } } }`);
      expect(over.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
      expect(codeOf(await t.gql(`{ postings(first: 0) { edges { cursor } } }`))).toBe("BAD_USER_INPUT");
      const forged = await t.gql(`{ postings(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`);
      expect(forged.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    });

    it("runs the same number of SQL statements for 10 and 100 postings with employer and region", async () => {
      const employers = await Promise.all(Array.from({ length: 12 }, () => makeEmployer(t.db, { regionCode: "350104" })));
      for (let i = 0; i < 110; i++) await makePosting(t.db, { employerId: employers[i % employers.length]!.id, regionCode: i % 2 ? "350104" : "350111" });
      const query = (first: number) => `{ postings(first: ${first}, filter: { regionCode: "3501" }) { totalCount edges { node { title employer { name } region { name } } } } }`;
      const ten = await t.gql<{ postings: { edges: unknown[] } }>(query(10));
      const hundred = await t.gql<{ postings: { edges: unknown[] } }>(query(100));
      expect(ten.data!.postings.edges).toHaveLength(10);
      expect(hundred.data!.postings.edges).toHaveLength(100);
      expect(ten.sqlStatements).toBeGreaterThan(0);
      expect(hundred.sqlStatements).toBe(ten.sqlStatements);
      // page + count + one batch of employers (regions are the process's copy of reference data, read at start-up).
      expect(hundred.sqlStatements).toBe(3);
    });

    it("a page shows each field of a posting's employer as the employer itself does, asked alone or with the others (the page reads only the employer columns its fields need)", async () => {
      const workshop = await makeEmployer(t.db, { regionCode: "350104", verified: true, isPovertyWorkshop: true });
      const plain = await makeEmployer(t.db, { regionCode: "350203" });
      await makePosting(t.db, { employerId: workshop.id, regionCode: "350104" });
      await makePosting(t.db, { employerId: plain.id, regionCode: "350203" });
      const fields = ["id", "name", "creditCode", "regionCode", "isPovertyWorkshop", "verified", "createdAt", "region { code name }", "__typename", "postings(first: 2) { edges { node { id } } }"];
      for (const selection of [...fields, fields.join(" "), "... on Employer { name createdAt }"]) {
        for (const firm of [workshop, plain]) {
          const page = await t.gql<{ postings: { edges: { node: { employer: Record<string, unknown> & { id: string } } }[] } }>(
            `query($e: ID) { postings(first: 100, filter: { employerId: $e }) { edges { node { employer { id ${selection} } } } } }`,
            { e: firm.id },
          );
          expect(page.errors, selection).toBeUndefined();
          const [employer, ...more] = page.data!.postings.edges.map((e) => e.node.employer);
          expect(more, selection).toEqual([]);
          expect(employer!.id, selection).toBe(firm.id);
          const alone = await t.gql<{ employer: Record<string, unknown> }>(`query($id: ID!) { employer(id: $id) { id ${selection} } }`, { id: firm.id });
          expect(alone.errors, selection).toBeUndefined();
          expect(employer, selection).toEqual(alone.data!.employer);
        }
      }
    });

    it("a page shows each field of a posting as the posting itself does, asked alone or with all the others (a page reads only the columns its fields need)", async () => {
      const employer = await makeEmployer(t.db, { regionCode: "350104", verified: true });
      const open = await makePosting(t.db, { employerId: employer.id, regionCode: "350104", occupation: "测试", forKeyGroups: true });
      const blocked = await makePosting(t.db, { employerId: employer.id, regionCode: "350104", status: "BLOCKED", blockedReason: "限男性，就业歧视", closedAt: new Date() });
      const viewers: [string, { token?: string }][] = [
        ["an administrator", { token: admin }],
        ["its employer", { token: await t.token({ sub: "e-columns", role: Role.EMPLOYER, employerId: employer.id }) }],
        ["a caseworker elsewhere", { token: xiamenCaseworker }],
        ["anonymous", {}],
      ];
      const fields = ["id", "title", "description", "occupation", "skills", "majors", "minEducation", "regionCode", "salaryMin", "salaryMax", "headcount", "kind", "forKeyGroups", "status", "validUntil", "publishedAt", "closedAt", "source", "createdAt", "updatedAt", "employer { id name }", "employerVerified", "region { code name }", "blockedReason", "externalId", "__typename"];
      for (const [who, credentials] of viewers) {
        for (const selection of [...fields, fields.join(" ")]) {
          const page = await t.gql<{ postings: { edges: { node: Record<string, unknown> }[] } }>(
            `query($e: ID) { postings(filter: { employerId: $e, status: [OPEN, BLOCKED] }) { edges { node { id ${selection} } } } }`,
            { e: employer.id },
            credentials,
          );
          expect(page.errors, `${who}: ${selection}`).toBeUndefined();
          const nodes = page.data!.postings.edges.map((e) => e.node);
          // The public sees the open posting only; the others both.
          expect(nodes.map((n) => n.id), who).toEqual(who === "anonymous" || who === "a caseworker elsewhere" ? [open.id] : [blocked.id, open.id]);
          for (const node of nodes) {
            const alone = await t.gql<{ posting: Record<string, unknown> }>(`query($id: ID!) { posting(id: $id) { id ${selection} } }`, { id: node.id }, credentials);
            expect(node, `${who}: ${selection}`).toEqual(alone.data!.posting);
          }
        }
      }
    });

    it("batches Employer.postings across a list of employers", async () => {
      const employers = await Promise.all(Array.from({ length: 8 }, () => makeEmployer(t.db, { regionCode: "350181" })));
      for (const [i, e] of employers.entries()) for (let j = 0; j <= i % 4; j++) await makePosting(t.db, { employerId: e.id, regionCode: "350181" });
      const query = (first: number) =>
        `{ employers(first: ${first}, filter: { regionCode: "350181" }) { edges { node { id postings(first: 2) { totalCount edges { node { id region { name } } } } } } } }`;
      const few = await t.gql<{ employers: { edges: { node: { id: string; postings: { totalCount: number; edges: unknown[] } } }[] } }>(query(2));
      const many = await t.gql<{ employers: { edges: { node: { id: string; postings: { totalCount: number; edges: unknown[] } } }[] } }>(query(8));
      expect(many.errors).toBeUndefined();
      expect(many.data!.employers.edges).toHaveLength(8);
      expect(many.sqlStatements).toBe(few.sqlStatements);
      for (const edge of many.data!.employers.edges) {
        const i = employers.findIndex((e) => e.id === edge.node.id);
        expect(edge.node.postings.totalCount).toBe((i % 4) + 1);
        expect(edge.node.postings.edges).toHaveLength(Math.min(2, (i % 4) + 1));
      }
    });
  });

  it("keeps the database's own guards: a check constraint refuses an inverted salary written directly", async () => {
    const employer = await makeEmployer(t.db);
    await expect(makePosting(t.db, { employerId: employer.id, salaryMin: 9000, salaryMax: 1000 })).rejects.toThrow();
    await expect(t.db.execute(sql`update postings set headcount = 0 where employer_id = ${employer.id}`)).resolves.toBeDefined();
  });
});
