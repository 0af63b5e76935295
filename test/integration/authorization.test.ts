import {
  getNamedType,
  getNullableType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLObjectType,
  GraphQLScalarType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLInputType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTHORIZATION, passesGate } from "../../src/auth/authorization-table.js";
import { Role } from "../../src/auth/viewer.js";
import { getSchema } from "../../src/graphql/schema.js";
import { issuePartnerKey } from "../../src/modules/partners/partner.service.js";
import { makePerson } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

const ROLE_GATE = "Your role may not do this";
const SENSITIVE_TYPES = new Set(["Person"]);

/** A literal of the input type with every required part filled: enough to pass GraphQL validation. */
function literal(type: GraphQLInputType): string {
  const t = getNullableType(type);
  if (t instanceof GraphQLList) return `[${literal(t.ofType)}]`;
  if (t instanceof GraphQLEnumType) return t.getValues()[0]!.name;
  if (t instanceof GraphQLInputObjectType) {
    const required = Object.values(t.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${required.map((f) => `${f.name}: ${literal(f.type)}`).join(", ")} }`;
  }
  const scalar = (t as GraphQLScalarType).name;
  if (scalar === "ID") return `"0190a0b0-0000-7000-8000-000000000001"`;
  if (scalar === "Int" || scalar === "Float") return "1";
  if (scalar === "Boolean") return "false";
  if (scalar === "DateTimeISO") return `"2030-01-01T00:00:00Z"`;
  if (scalar === "LocalDate") return `"2030-01-01"`;
  return `"xx"`;
}

const args = (list: readonly GraphQLArgument[]) => {
  const required = list.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length === 0 ? "" : `(${required.map((a) => `${a.name}: ${literal(a.type)}`).join(", ")})`;
};

describe("the authorization table", () => {
  let t: TestApp;
  const credentials: Record<string, { token?: string; apiKey?: string }> = {};
  beforeAll(async () => {
    t = await startTestApp();
    credentials.ANONYMOUS = {};
    credentials.ADMIN = { token: await t.token({ sub: "admin", role: Role.ADMIN }) };
    credentials.CASEWORKER = { token: await t.token({ sub: "cw", role: Role.CASEWORKER, regionCode: "3501" }) };
    credentials.MENTOR = { token: await t.token({ sub: "mentor", role: Role.MENTOR }) };
    credentials.EMPLOYER = { token: await t.token({ sub: "emp", role: Role.EMPLOYER, employerId: "0190a0b0-0000-7000-8000-0000000000e1" }) };
    credentials.SEEKER = { token: await t.token({ sub: "seeker", role: Role.SEEKER, personId: "0190a0b0-0000-7000-8000-0000000000a1" }) };
    credentials.PARTNER = { apiKey: (await issuePartnerKey(t.db, "test", { name: "授权表测试", scopes: ["postings:read", "postings:write"] })).apiKey };
  });
  afterAll(() => t.close());

  it("has a rule for every operation and every path to a person, and none for fields that are gone", async () => {
    const schema = await getSchema();
    const needed = new Set<string>();
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const name of Object.keys(root!.getFields())) needed.add(`${root!.name}.${name}`);
    }
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__") || [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type)) continue;
      for (const field of Object.values(type.getFields())) if (SENSITIVE_TYPES.has(getNamedType(field.type).name)) needed.add(`${type.name}.${field.name}`);
    }
    const missing = [...needed].filter((k) => !(k in AUTHORIZATION));
    expect(missing, "add a rule to src/auth/authorization-table.ts").toEqual([]);
    const stale = Object.keys(AUTHORIZATION).filter((k) => {
      const [typeName, fieldName] = k.split(".");
      const type = schema.getType(typeName!);
      return !(type instanceof GraphQLObjectType) || !(fieldName! in type.getFields());
    });
    expect(stale).toEqual([]);
  });

  it("lets through the role gate of every query and mutation exactly the roles its rule names", async () => {
    const schema = await getSchema();
    const mismatches: string[] = [];
    for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
      const keyword = root === schema.getMutationType() ? "mutation" : "query";
      for (const field of Object.values(root.getFields())) {
        const rule = AUTHORIZATION[`${root.name}.${field.name}`]!;
        const selection = getNamedType(field.type) instanceof GraphQLScalarType || getNamedType(field.type) instanceof GraphQLEnumType ? "" : " { __typename }";
        const document = `${keyword} { ${field.name}${args(field.args)}${selection} }`;
        for (const [who, creds] of Object.entries(credentials)) {
          const role = who === "ANONYMOUS" ? null : (who as Role);
          const r = await t.gql(document, {}, creds);
          const errors = r.errors ?? [];
          if (errors.some((e) => e.extensions?.code === "GRAPHQL_VALIDATION_FAILED")) {
            mismatches.push(`${root.name}.${field.name}: the generated document is not valid (${errors[0]!.message})`);
            continue;
          }
          if (errors.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR")) mismatches.push(`${root.name}.${field.name} × ${who}: an internal error`);
          const gated = errors.some((e) => e.extensions?.code === "UNAUTHENTICATED" || (e.extensions?.code === "FORBIDDEN" && e.message === ROLE_GATE));
          const expected = !passesGate(rule.access, role);
          if (gated !== expected) mismatches.push(`${root.name}.${field.name} × ${who}: ${expected ? "should be refused" : `should pass the gate (got ${JSON.stringify(errors[0])})`}`);
          if (expected && role === null && errors[0]?.extensions?.code !== "UNAUTHENTICATED") mismatches.push(`${root.name}.${field.name} × anonymous: UNAUTHENTICATED expected`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("shows personal data in clear only to the roles its rule names, within scope", async () => {
    const person = (await makePerson(t, { institutionId: null, registeredPoverty: true, povertyHouseholdNo: "3501020001234" })).id;
    const self = { token: await t.token({ sub: "self", role: Role.SEEKER, personId: person }) };
    for (const field of ["idNumber", "phone", "birthDate", "povertyHouseholdNo"] as const) {
      const rule = AUTHORIZATION[`Person.${field}`]!;
      for (const [who, creds] of Object.entries({ ...credentials, SEEKER: self })) {
        const role = who === "ANONYMOUS" ? null : (who as Role);
        const r = await t.gql<{ person: Record<string, string> | null }>(`query($p: ID!) { person(id: $p) { ${field}(unmasked: true, purpose: "核对身份") } }`, { p: person }, creds);
        const value = r.data?.person?.[field];
        const shown = typeof value === "string" && !value.includes("*");
        expect([field, who, shown]).toEqual([field, who, passesGate(rule.access, role)]);
      }
    }
    // A mentor's phone: the mentor (sub "mentor") is placed in Fuzhou, so the Fuzhou caseworker manages them.
    const mentor = (await t.gql<{ createMentor: { id: string } }>(`mutation($i: CreateMentorInput!) { createMentor(input: $i) { id } }`, { i: { name: "授权表红娘", capacity: 1, regionCode: "350102", phone: "13905910000", userId: "mentor" } }, credentials.ADMIN!)).data!.createMentor.id;
    const rule = AUTHORIZATION["Mentor.phone"]!;
    for (const [who, creds] of Object.entries(credentials)) {
      const role = who === "ANONYMOUS" ? null : (who as Role);
      const r = await t.gql<{ mentor: { phone: string | null } | null }>(`query($m: ID!) { mentor(id: $m) { phone(unmasked: true, purpose: "联系红娘") } }`, { m: mentor }, creds);
      const value = r.data?.mentor?.phone;
      const shown = typeof value === "string" && !value.includes("*");
      expect(["Mentor.phone", who, shown]).toEqual(["Mentor.phone", who, passesGate(rule.access, role)]);
    }
  });
});
