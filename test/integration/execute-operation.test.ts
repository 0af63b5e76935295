import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, anonymous, type Viewer } from "../../src/auth/viewer.js";
import { countSqlStatements } from "../../src/db/sql-count.js";
import { createLoaders, type Context } from "../../src/graphql/context.js";
import { makeEmployer, makePosting } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/** The same schema without HTTP: handy for role-by-role checks with a hand-made viewer. */
describe("executeOperation (no HTTP)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function run(query: string, viewer: Viewer, variables: Record<string, unknown> = {}) {
    const contextValue: Context = { viewer, db: t.db, config: t.config, pii: t.app.pii, search: t.app.search.engine, loaders: createLoaders(t.db, t.app.search.engine, { viewer, requestId: "test" }), requestId: "test", log: t.app.log };
    const response = await t.app.apollo.executeOperation({ query, variables }, { contextValue });
    if (response.body.kind !== "single") throw new Error("expected a single result");
    return response.body.singleResult;
  }

  it("shows a draft to its employer, a caseworker of its region and an admin — and to no one else", async () => {
    const employer = await makeEmployer(t.db, { regionCode: "350102" });
    const draft = await makePosting(t.db, { employerId: employer.id, status: "DRAFT" });
    const viewers: [string, Viewer, boolean][] = [
      ["anonymous", anonymous, false],
      ["its employer", { kind: "user", userId: "e", role: Role.EMPLOYER, employerId: employer.id }, true],
      ["another employer", { kind: "user", userId: "e2", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id }, false],
      ["caseworker 3501", { kind: "user", userId: "c", role: Role.CASEWORKER, regionCode: "3501" }, true],
      ["caseworker 3502", { kind: "user", userId: "c", role: Role.CASEWORKER, regionCode: "3502" }, false],
      ["seeker", { kind: "user", userId: "s", role: Role.SEEKER }, false],
      ["mentor", { kind: "user", userId: "m", role: Role.MENTOR }, false],
      ["admin", { kind: "user", userId: "a", role: Role.ADMIN }, true],
      ["partner", { kind: "partner", role: Role.PARTNER, partnerId: "01900000-0000-7000-8000-000000000001", partnerName: "x", keyId: "k", scopes: ["postings:read"] }, false],
    ];
    for (const [name, viewer, sees] of viewers) {
      const result = await run(`query($id: ID!) { posting(id: $id) { id } }`, viewer, { id: draft.id });
      expect(result.errors, name).toBeUndefined();
      expect(Boolean((result.data as { posting: unknown }).posting), name).toBe(sees);
    }
  });

  it("batches employer and region lookups: statements do not grow with the page", async () => {
    const employers = await Promise.all(Array.from({ length: 6 }, () => makeEmployer(t.db, { regionCode: "350203" })));
    for (let i = 0; i < 30; i++) await makePosting(t.db, { employerId: employers[i % 6]!.id, regionCode: "350203" });
    const page = (first: number) => `{ postings(first: ${first}, filter: { regionCode: "350203" }) { edges { node { employer { name } region { name } } } } }`;
    const small = await countSqlStatements(() => run(page(3), anonymous));
    const large = await countSqlStatements(() => run(page(30), anonymous));
    expect((large.result.data as { postings: { edges: unknown[] } }).postings.edges).toHaveLength(30);
    expect(large.statements).toBe(small.statements);
    // The page and one batch of employers: regions come from the process's copy (reference data, read at start-up).
    expect(large.statements).toBe(2);
  });
});
