import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "../../src/db/client.js";
import { preparedStatement } from "../../src/db/prepared.js";
import { campaigns, targetCategories } from "../../src/modules/categories/category.table.js";
import { matchingPolicies } from "../../src/modules/matching/matching-policy.table.js";
import { people } from "../../src/modules/people/person.table.js";
import { postings } from "../../src/modules/postings/posting.table.js";
import { regions } from "../../src/modules/regions/region.table.js";
import { subsidySchemes } from "../../src/modules/subsidies/subsidy.table.js";
import { makeEmployer, makePerson, makePosting } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * Prepared selects of plain columns map their rows with their own loop on node-postgres: each row
 * must be what drizzle's own mapping gives — every column type (timestamps, dates, numerics,
 * arrays, json, enums, bytes), nulls — and a failing statement the same DrizzleQueryError.
 */
describe("prepared statements' rows", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const employer = await makeEmployer(t.db, { regionCode: "350102" });
    await makePosting(t.db, { employerId: employer.id, regionCode: "350102", occupation: null, salaryMin: null });
    await makePosting(t.db, { employerId: employer.id, regionCode: "350104", skills: ["会计", "Excel"], majors: [] });
    await makePerson(t);
    await makePerson(t, { institutionId: null });
  });
  afterAll(() => t?.close());

  type Rows = Record<string, unknown>[];
  type Build = (db: Executor) => { prepare(name: string): { execute(params?: Record<string, unknown>): Promise<Rows> } };
  // Each table whole (the columns drizzle selects for it), in a stable order.
  const cases = ([
    ["postings", (db: Executor) => db.select().from(postings).where(sql`${postings.id} is not null or ${sql.placeholder("x")}::int = 0`).orderBy(asc(postings.id))],
    ["people", (db: Executor) => db.select().from(people).where(sql`${people.id} is not null or ${sql.placeholder("x")}::int = 0`).orderBy(asc(people.id))],
    ["regions", (db: Executor) => db.select().from(regions).where(sql`${regions.code} like '35%' or ${sql.placeholder("x")}::int = 0`).orderBy(asc(regions.code))],
    ["campaigns", (db: Executor) => db.select().from(campaigns).where(sql`true or ${sql.placeholder("x")}::int = 0`).orderBy(asc(campaigns.id))],
    ["target_categories", (db: Executor) => db.select().from(targetCategories).where(sql`true or ${sql.placeholder("x")}::int = 0`).orderBy(asc(targetCategories.id))],
    ["matching_policies", (db: Executor) => db.select().from(matchingPolicies).where(sql`true or ${sql.placeholder("x")}::int = 0`).orderBy(asc(matchingPolicies.id))],
    ["subsidy_schemes", (db: Executor) => db.select().from(subsidySchemes).where(sql`true or ${sql.placeholder("x")}::int = 0`).orderBy(asc(subsidySchemes.id))],
  ] as [string, unknown][]).map(([name, build]) => [name, build as Build] as const);

  it.each(cases)("%s: the same rows as drizzle's own mapping (every column type, nulls)", async (name, build) => {
    const fast = preparedStatement<Record<string, unknown>, Rows>(`test_rows_${name}`, (db) => build(db));
    const expected = await build(t.db).prepare(`test_rows_${name}_drizzle`).execute({ x: 1 });
    const rows = await fast(t.db, { x: 1 });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expected);
    // The same prototype and key order too (what serializes a row).
    expect(rows.map((r) => Object.keys(r))).toEqual(expected.map((r) => Object.keys(r)));
    expect(JSON.stringify(rows)).toBe(JSON.stringify(expected));
  });

  it("a failing statement fails as drizzle's does (its SQL named, the driver's error the cause)", async () => {
    const build = (db: Executor) => db.select({ id: postings.id }).from(postings).where(sql`${postings.id} = ${sql.placeholder("id")}::uuid`);
    const fast = preparedStatement("test_rows_failing", build);
    const failure = (p: Promise<unknown>) => p.then(() => null, (e: Error & { cause?: { code?: string } }) => ({ type: e.constructor.name, message: e.message, code: e.cause?.code }));
    const expected = await failure(build(t.db).prepare("test_rows_failing_drizzle").execute({ id: "not-a-uuid" }));
    expect(expected).not.toBeNull();
    expect(await failure(fast(t.db, { id: "not-a-uuid" }))).toEqual({ ...expected!, message: expected!.message.replace("test_rows_failing_drizzle", "test_rows_failing") });
  });
});
