import { sql } from "drizzle-orm";
import fc from "fast-check";
import {
  getNamedType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  isNonNullType,
  type GraphQLInputType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTHORIZATION } from "../../src/auth/authorization-table.js";
import { Role, type Viewer } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { createLoaders, type Context } from "../../src/graphql/context.js";
import { getSchema } from "../../src/graphql/schema.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { syntheticResidentId } from "../../src/pii/resident-id.js";
import { days, makeEmployer, makeInstitution, makePosting, personDraft } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * Every mutation's arguments generated from the schema with fast-check — strings with control
 * characters, emoji and 5,000 characters, numbers at and past their limits, dates and ids both
 * real and malformed, lists empty and long, optional fields present, null or absent — and run as
 * the role most allowed to reach its rules. No case may answer INTERNAL_SERVER_ERROR, and a case
 * that answers with an error must leave every table's row count as it was. FUZZ_RUNS sets the cases
 * per mutation (`npm run test:fuzz` runs thousands).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const tricky = fc.constantFrom("", " ", "\u0000", "\u0007x", "a\u200bb", "😀", "𠮷", "'; drop table postings; --", "<script>", "%s%n", "\\", "\"", "null", "-1", "3501", "350102", "2030-01-01", "x".repeat(5000));

describe("fuzzing every mutation", () => {
  let t: TestApp;
  let tables: string[] = [];
  const ids: string[] = [];
  const viewers = new Map<Role, Viewer>();

  beforeAll(async () => {
    t = await startTestApp();
    tables = (await queryRows<{ name: string }>(t.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).map((r) => r.name);
    // Real ids to mix in, so cases reach past "not found".
    const employer = await makeEmployer(t.db, { regionCode: "350102" });
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    const posting = await makePosting(t.db, { employerId: employer.id, validUntil: days(30) });
    const admin: Viewer = { kind: "user", userId: "fuzz-admin", role: Role.ADMIN };
    const person = (await t.app.apollo.executeOperation(
      { query: `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } } }`, variables: { i: { ...personDraft(), institutionId: school.id } } },
      { contextValue: context(admin) },
    )) as { body: { kind: string; singleResult: { data?: { registerPerson: { person: { id: string } } } } } };
    const partner = await issuePartnerKey(t.db, "fuzz", { name: "模糊测试网", scopes: ["postings:read", "postings:write"] });
    ids.push(employer.id, school.id, posting.id, person.body.singleResult.data!.registerPerson.person.id, partner.partner.id, partner.key.id);
    // A fair with a booth, an interview slot, a registration and a booking, and a mentor: their ids too.
    const run = async (viewer: Viewer, query: string, variables: Record<string, unknown> = {}) => {
      const r = await t.app.apollo.executeOperation({ query, variables }, { contextValue: context(viewer) });
      if (r.body.kind !== "single" || r.body.singleResult.errors) throw new Error(`set-up failed: ${JSON.stringify(r.body)}`);
      return r.body.singleResult.data as Record<string, { id?: string; boothId?: string }>;
    };
    const employerViewer: Viewer = { kind: "user", userId: "fuzz-emp", role: Role.EMPLOYER, employerId: employer.id };
    const fair = (await run(admin, `mutation($s: DateTimeISO!, $e: DateTimeISO!) { createJobFair(input: { title: "模糊测试招聘会", kind: OTHER, startsAt: $s, endsAt: $e, organiserRegionCode: "350100" }) { id } }`, { s: new Date(Date.now() - 3_600_000).toISOString(), e: days(20).toISOString() })).createJobFair!.id!;
    await run(admin, `mutation($f: ID!) { setJobFairStatus(id: $f, status: OPEN) { status } }`, { f: fair });
    await run(employerViewer, `mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`, { f: fair, p: [posting.id] });
    const slot = (await run(employerViewer, `mutation($f: ID!, $s: DateTimeISO!, $e: DateTimeISO!) { addFairSession(input: { fairId: $f, kind: INTERVIEW, title: "面试", startsAt: $s, endsAt: $e }) { id } }`, { f: fair, s: days(2).toISOString(), e: new Date(days(2).getTime() + 900_000).toISOString() })).addFairSession!.id!;
    await run(admin, `mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p, invite: true) { invited } }`, { f: fair, p: ids[3] });
    const booking = (await run(admin, `mutation($s: ID!, $p: ID!, $post: ID!) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`, { s: slot, p: ids[3], post: posting.id })).bookInterview!.id!;
    const mentor = (await run(admin, `mutation { createMentor(input: { name: "林老师", phone: "13905911234", regionCode: "350102", capacity: 3 }) { id } }`)).createMentor!.id!;
    ids.push(fair, slot, booking, mentor);
    viewers.set(Role.ADMIN, admin);
    viewers.set(Role.CASEWORKER, { kind: "user", userId: "fuzz-cw", role: Role.CASEWORKER, regionCode: "3501" });
    viewers.set(Role.EMPLOYER, { kind: "user", userId: "fuzz-emp", role: Role.EMPLOYER, employerId: employer.id });
    viewers.set(Role.MENTOR, { kind: "user", userId: "fuzz-mentor", role: Role.MENTOR });
    viewers.set(Role.SEEKER, { kind: "user", userId: "fuzz-seeker", role: Role.SEEKER, personId: ids[3]! });
    viewers.set(Role.PARTNER, { kind: "partner", role: Role.PARTNER, partnerId: partner.partner.id, partnerName: "模糊测试网", keyId: partner.key.id, scopes: ["postings:read", "postings:write"] });
  });
  afterAll(() => t.close());

  function context(viewer: Viewer): Context {
    return { viewer, db: t.db, config: t.config, pii: t.app.pii, search: t.app.search.engine, loaders: createLoaders(t.db, t.app.search.engine, { viewer, requestId: "fuzz" }), requestId: "fuzz", log: t.app.log };
  }

  async function counts(): Promise<string> {
    const rows = await queryRows<{ n: number }>(t.db, sql.raw(tables.map((name) => `select count(*)::int as n from "${name}"`).join(" union all ")));
    return rows.map((r) => r.n).join(",");
  }

  /** Values a field of this name takes when valid, mixed with the generic ones so cases get past the first check. */
  function plausible(name: string): fc.Arbitrary<unknown> | undefined {
    const n = name.toLowerCase();
    if (n.includes("regioncode") || n === "regionprefixes") return fc.constantFrom("350102", "350121", "350203", "350524", "3501", "35", "620102", "999999");
    if (n === "creditcode") return fc.integer({ min: 1, max: 1e6 }).map((i) => syntheticCreditCode("350102", i));
    if (n === "idnumber") return fc.integer({ min: 1, max: 999 }).map((i) => syntheticResidentId("350102", "1999-03-04", i, "FEMALE"));
    if (n === "phone") return fc.integer({ min: 0, max: 99_999_999 }).map((i) => `139${String(i).padStart(8, "0")}`);
    if (n === "startsat" || n === "endsat" || n === "validuntil" || n === "at") return fc.integer({ min: -48, max: 24 * 90 }).map((h) => new Date(Date.now() + h * 3_600_000).toISOString());
    if (n === "categorycodes" || n === "categorycode" || n === "code") return fc.constantFrom("KG1_HARDSHIP_HOUSEHOLD", "KG5_COHORT_UNEMPLOYED", "M1_POVERTY_COHORT_UNEMPLOYED", "NOPE");
    if (n === "populations" || n === "population") return fc.constantFrom("KEY_GROUP_GRADUATE", "POVERTY_LABOURER", "x");
    if (n === "scopes") return fc.constantFrom("POSTINGS_READ", "POSTINGS_WRITE", "admin");
    if (n === "title" || n === "name") return fc.constantFrom("会计", "福州市网络招聘会", "某科技有限公司", "林老师");
    return undefined;
  }

  function arbitrary(type: GraphQLInputType, depth = 0, name = ""): fc.Arbitrary<unknown> {
    if (type instanceof GraphQLNonNull) return arbitrary(type.ofType, depth, name);
    const valid = !(type instanceof GraphQLList) && !(type instanceof GraphQLInputObjectType) ? plausible(name) : undefined;
    if (valid) return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: arbitrary(type, depth, "") });
    const nullable = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 9, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) });
    if (type instanceof GraphQLList) return nullable(fc.array(arbitrary(type.ofType, depth + 1, name), { maxLength: depth > 1 ? 2 : 6 }));
    if (type instanceof GraphQLEnumType) return nullable(fc.constantFrom(...type.getValues().map((v) => v.name)));
    if (type instanceof GraphQLInputObjectType) {
      const fields = Object.values(type.getFields());
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of fields) shape[f.name] = isNonNullType(f.type) ? arbitrary(f.type, depth + 1, f.name) : fc.option(arbitrary(f.type, depth + 1, f.name), { nil: undefined });
      return nullable(fc.record(shape, { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) }));
    }
    switch ((type as GraphQLScalarType).name) {
      case "ID":
        return fc.oneof(fc.constantFrom(...ids), fc.uuid(), tricky, fc.string());
      case "Int":
        return fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, -1, 1, 100, 101, 5000, 5001, 2_147_483_647, -2_147_483_648), fc.integer());
      case "Float":
        return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e9));
      case "Boolean":
        return fc.boolean();
      case "DateTimeISO":
        return fc.oneof(fc.date({ min: new Date("1990-01-01"), max: new Date("2040-01-01"), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom(new Date(Date.now() + 3_600_000).toISOString(), "2030-13-01T00:00:00Z", "yesterday"), tricky);
      case "LocalDate":
        return fc.oneof(fc.date({ min: new Date("1950-01-01"), max: new Date("2040-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom("2020-02-30", "2020-7-1"), tricky);
      default:
        return fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), tricky);
    }
  }

  it(`runs ${RUNS} generated cases per mutation: never an internal error, never a partial write`, async () => {
    const schema = await getSchema();
    const report: string[] = [];
    for (const field of Object.values(schema.getMutationType()!.getFields())) {
      const rule = AUTHORIZATION[`Mutation.${field.name}`]!;
      const role = rule.access === "PUBLIC" || rule.access === "SIGNED_IN" ? Role.ADMIN : (rule.access.includes(Role.ADMIN) ? Role.ADMIN : rule.access[0]!);
      const viewer = viewers.get(role)!;
      const named = getNamedType(field.type);
      const selection = named instanceof GraphQLScalarType || named instanceof GraphQLEnumType ? "" : " { __typename }";
      const document = `mutation${field.args.length ? `(${field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ")})` : ""} { ${field.name}${field.args.length ? `(${field.args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : ""}${selection} }`;
      const variables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, isNonNullType(a.type) ? arbitrary(a.type, 0, a.name) : fc.option(arbitrary(a.type, 0, a.name), { nil: undefined })])));
      let ok = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(variables, async (vars) => {
          const before = await counts();
          const response = await t.app.apollo.executeOperation({ query: document, variables: vars as Record<string, unknown> }, { contextValue: context(viewer) });
          if (response.body.kind !== "single") throw new Error("expected a single result");
          const errors = response.body.singleResult.errors ?? [];
          const internal = errors.find((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR" || !e.extensions?.code);
          if (internal) throw new Error(`${field.name}: internal error for ${JSON.stringify(vars).slice(0, 400)}`);
          if (errors.length > 0) {
            refused++;
            const after = await counts();
            if (after !== before) throw new Error(`${field.name}: refused (${errors[0]!.extensions?.code}) yet wrote rows for ${JSON.stringify(vars).slice(0, 400)}`);
          } else ok++;
        }),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20201118), endOnFailure: true },
      );
      report.push(`${field.name}: ${ok} accepted, ${refused} refused`);
    }
    console.log(`fuzz (${RUNS} per mutation, as the most allowed role):\n  ${report.join("\n  ")}`);
    expect(report).toHaveLength(Object.keys(schema.getMutationType()!.getFields()).length);
    // About 25 ms a case on an idle machine, for each of some 90 mutations (the budget leaves room for a loaded one).
  }, 60_000 + RUNS * 90 * 25);
});
