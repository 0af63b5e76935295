import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { residentIdCheckCharacter, syntheticResidentId } from "../../src/pii/resident-id.js";
import { FUZHOU_GULOU, makeEmployer, makeInstitution, personDraft, unique, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, startTestApp, type GqlResult, type TestApp } from "../helpers/test-app.js";
import type { InstitutionRow } from "../../src/modules/institutions/institution.table.js";

const REGISTER = `mutation($input: RegisterPersonInput!) {
  registerPerson(input: $input) { person { id birthDate birthYear gender idNumber phone targetCategories { category { code } ruleVersion } } }
}`;
type Registered = { registerPerson: { person: { id: string; birthDate: string; birthYear: number; gender: string; idNumber: string; phone: string; targetCategories: { category: { code: string }; ruleVersion: number }[] } } };

async function ledgerCounts(t: TestApp) {
  const [row] = await queryRows<{ people: number; history: number; memberships: number; audit: number }>(
    t.db,
    sql`select (select count(*)::int from people) as people, (select count(*)::int from employment_history) as history,
               (select count(*)::int from person_categories) as memberships, (select count(*)::int from audit_log) as audit`,
  );
  return row!;
}

describe("the real-name ledger", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let fujianU: InstitutionRow;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    fuzhou = await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" });
    fujianU = await makeInstitution(t.db, { regionCode: FUZHOU_GULOU });
  });
  afterAll(() => t.close());

  const codes = (r: GqlResult<Registered>) => r.data!.registerPerson.person.targetCategories.map((c) => c.category.code).sort();

  describe("categories are decided by the rules, for known cases", () => {
    it("a registered-poverty 2020 Fujian graduate, unemployed: KG1, KG2, KG5, the mentor programme (M1) and a poverty labourer", async () => {
      const r = await t.gql<Registered>(
        REGISTER,
        { input: { ...personDraft(), registeredPoverty: true, institutionId: fujianU.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01", intentionRegionCodes: ["350100"] } },
        { token: fuzhou },
      );
      expect(r.errors).toBeUndefined();
      expect(codes(r)).toEqual(["KG1_HARDSHIP_HOUSEHOLD", "KG2_POVERTY_UNEMPLOYED", "KG5_COHORT_UNEMPLOYED", "M1_POVERTY_COHORT_UNEMPLOYED", "PL_POVERTY_LABOURER"]);
      // KG2 is decided by its version 2 (no longer mentor-eligible: M1 is the programme's own category).
      expect(r.data!.registerPerson.person.targetCategories.map((c) => `${c.category.code}@${c.ruleVersion}`)).toContain("KG2_POVERTY_UNEMPLOYED@2");
    });

    it("a Hubei-origin 2020 graduate of a Fujian institution who wants to work in Fujian: KG5 and KG9", async () => {
      const r = await t.gql<Registered>(
        REGISTER,
        { input: { ...personDraft({ idRegion: "420102" }), originRegionCode: "420102", institutionId: fujianU.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01", intentionRegionCodes: ["350200"] } },
        { token: fuzhou },
      );
      expect(codes(r)).toEqual(["KG5_COHORT_UNEMPLOYED", "KG9_HUBEI_IN_FUJIAN"]);
    });

    it("a registered-poverty graduate from 西吉 (a 52-county, in paired Ningxia) seeking work in Fujian", async () => {
      const r = await t.gql<Registered>(
        REGISTER,
        {
          input: {
            ...personDraft({ idRegion: "640422" }),
            originRegionCode: "640422",
            householdRegionCode: "640422",
            registeredPoverty: true,
            institutionId: fujianU.id,
            graduationDate: "2020-06-30",
            leaveSchoolDate: "2020-07-01",
            intentionRegionCodes: ["350100"],
          },
        },
        { token: admin },
      );
      expect(codes(r)).toEqual([
        "KG1_HARDSHIP_HOUSEHOLD",
        "KG2_POVERTY_UNEMPLOYED",
        "KG4_POVERTY52_ORIGIN",
        "KG5_COHORT_UNEMPLOYED",
        "KG6_PAIRED_POVERTY",
        "KG7_PAIRED_REGION",
        "KG8_PAIRED_COHORT_IN_FUJIAN",
        "M1_POVERTY_COHORT_UNEMPLOYED",
        "PL_POVERTY_LABOURER",
      ]);
    });

    it("a 2019 Fujian graduate a year and a half out of school: KG3, not KG5", async () => {
      const r = await t.gql<Registered>(
        REGISTER,
        { input: { ...personDraft({ birthDate: "1997-03-02" }), institutionId: fujianU.id, graduationDate: "2019-06-30", leaveSchoolDate: "2019-07-01" } },
        { token: fuzhou },
      );
      expect(codes(r)).toEqual(["KG3_FUJIAN_LONG_UNEMPLOYED"]);
    });

    it("a poverty labourer of 40 willing to move, and one of 61 (past working age)", async () => {
      const mobile = await t.gql<Registered>(REGISTER, { input: { ...personDraft({ birthDate: "1980-01-01", gender: "MALE" }), registeredPoverty: true, willingToRelocate: true } }, { token: fuzhou });
      expect(codes(mobile)).toEqual(["PL_POVERTY_LABOURER", "PL_WILLING_TO_RELOCATE"]);
      const old = await t.gql<Registered>(REGISTER, { input: { ...personDraft({ birthDate: "1959-01-01", gender: "MALE" }), registeredPoverty: true, willingToRelocate: true } }, { token: fuzhou });
      expect(codes(old)).toEqual([]);
    });

    it("a job found after the campaign does not undo the campaign's categories", async () => {
      const r = await t.gql<Registered>(
        REGISTER,
        { input: { ...personDraft(), registeredPoverty: true, institutionId: fujianU.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } },
        { token: fuzhou },
      );
      const later = await t.gql<{ recordEmploymentStatus: { targetCategories: { category: { code: string } }[] } }>(
        `mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED, since: "2021-05-01") { targetCategories { category { code } } } }`,
        { id: r.data!.registerPerson.person.id },
        { token: fuzhou },
      );
      expect(later.data!.recordEmploymentStatus.targetCategories.map((c) => c.category.code).sort()).toEqual(["KG1_HARDSHIP_HOUSEHOLD", "KG2_POVERTY_UNEMPLOYED", "KG5_COHORT_UNEMPLOYED", "M1_POVERTY_COHORT_UNEMPLOYED", "PL_POVERTY_LABOURER"]);
    });

    it("getting a job drops the categories that need unemployment; the history keeps both", async () => {
      const r = await t.gql<Registered>(
        REGISTER,
        { input: { ...personDraft(), registeredPoverty: true, institutionId: fujianU.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } },
        { token: fuzhou },
      );
      const id = r.data!.registerPerson.person.id;
      const hired = await t.gql<{ recordEmploymentStatus: { employmentStatus: string; targetCategories: { category: { code: string } }[]; employmentHistory: { status: string; source: string; recordedBy: string }[] } }>(
        `mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED, since: "2020-11-15", note: "入职福州某公司") {
           employmentStatus targetCategories { category { code } } employmentHistory { status source recordedBy } } }`,
        { id },
        { token: fuzhou },
      );
      expect(hired.errors).toBeUndefined();
      const p = hired.data!.recordEmploymentStatus;
      expect(p.employmentStatus).toBe("EMPLOYED");
      expect(p.targetCategories.map((c) => c.category.code).sort()).toEqual(["KG1_HARDSHIP_HOUSEHOLD", "PL_POVERTY_LABOURER"]);
      expect(p.employmentHistory.map((h) => [h.status, h.source])).toEqual([["EMPLOYED", "UPDATE"], ["UNEMPLOYED", "REGISTRATION"]]);
      expect(p.employmentHistory[0]!.recordedBy).toBe("caseworker:cw-fz");
    });
  });

  describe("identity and personal information", () => {
    it("derives birth date and gender from the ID number and masks ID and phone", async () => {
      const draft = personDraft({ birthDate: "1999-12-31", gender: "MALE" });
      const r = await t.gql<Registered>(REGISTER, { input: { ...draft, phone: "+86 138-0013-5678" } }, { token: fuzhou });
      // The exact birth date is masked too: with the masked ID number it would rebuild the whole number.
      expect(r.data!.registerPerson.person).toMatchObject({ birthDate: "1999-**-**", birthYear: 1999, gender: "MALE", phone: "138****5678" });
      expect(r.data!.registerPerson.person.idNumber).toBe(`${draft.idNumber.slice(0, 3)}***********${draft.idNumber.slice(-4)}`);
      // Stored sealed: the plain number is nowhere in the row, nor its sequence and check digits.
      const [row] = await queryRows<Record<string, unknown>>(t.db, sql`select * from people where id = ${r.data!.registerPerson.person.id}`);
      expect(JSON.stringify(row)).not.toContain(draft.idNumber);
      // The last four digits are nowhere in clear — but ciphertexts, keyed hashes and UUIDs are random-looking hex, in which any four digits may turn up by chance.
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      const clear = Object.fromEntries(Object.entries(row!).filter(([column, value]) => !column.endsWith("_sealed") && !column.endsWith("_hash") && !(typeof value === "string" && uuid.test(value))));
      expect(JSON.stringify(clear)).not.toContain(draft.idNumber.slice(-4));
      expect(JSON.stringify(row)).not.toContain("13800135678");
      const exact = await t.gql<{ person: { birthDate: string } }>(`query($id: ID!) { person(id: $id) { birthDate(unmasked: true, purpose: "核对年龄") } }`, { id: r.data!.registerPerson.person.id }, { token: fuzhou });
      expect(exact.data!.person.birthDate).toBe("1999-12-31");
      const [audited] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where person_id = ${r.data!.registerPerson.person.id} and fields = '{birthDate}'`);
      expect(Number(audited!.n)).toBe(1);
    });

    it("one person per ID number: a second registration is a CONFLICT and writes nothing", async () => {
      const draft = personDraft();
      await t.gql(REGISTER, { input: draft }, { token: fuzhou });
      const before = await ledgerCounts(t);
      const again = await t.gql(REGISTER, { input: { ...draft, name: "另一个名字", idNumber: draft.idNumber.toLowerCase() } }, { token: fuzhou });
      expect(again.errors![0]!.extensions).toMatchObject({ code: "CONFLICT", field: "input.idNumber" });
      expect(await ledgerCounts(t)).toEqual(before);
    });

    it("unmasks only with a purpose, for a role that may, and audits each read", async () => {
      const draft = personDraft();
      const r = await t.gql<Registered>(REGISTER, { input: draft }, { token: fuzhou });
      const id = r.data!.registerPerson.person.id;
      const q = `query($id: ID!, $p: String) { person(id: $id) { idNumber(unmasked: true, purpose: $p) phone(unmasked: true, purpose: $p) } }`;

      const before = await ledgerCounts(t);
      const noPurpose = await t.gql(q, { id }, { token: fuzhou });
      expect(noPurpose.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "purpose" });
      expect((await ledgerCounts(t)).audit).toBe(before.audit);

      const read = await t.gql<{ person: { idNumber: string; phone: string } }>(q, { id, p: "核实身份以办理求职补贴" }, { token: fuzhou, headers: { "x-request-id": "req-audit-1" } });
      expect(read.data!.person).toEqual({ idNumber: draft.idNumber, phone: draft.phone });
      const audit = await t.gql<{ auditLog: { totalCount: number; edges: { node: { actor: string; actorRole: string; personId: string; fields: string[]; purpose: string; requestId: string } }[] } }>(
        `query($id: ID) { auditLog(filter: { personId: $id }) { totalCount edges { node { actor actorRole personId fields purpose requestId } } } }`,
        { id },
        { token: admin },
      );
      expect(audit.data!.auditLog.totalCount).toBe(2);
      expect(audit.data!.auditLog.edges.map((e) => e.node.fields[0]).sort()).toEqual(["idNumber", "phone"]);
      // The audit row cites the server's request id (the one in the response), not the caller's.
      expect(audit.data!.auditLog.edges[0]!.node).toMatchObject({ actor: "caseworker:cw-fz", actorRole: "CASEWORKER", personId: id, purpose: "核实身份以办理求职补贴", requestId: read.headers.get("x-request-id") });

      // The audit log cannot be changed, even directly.
      await expect(t.db.execute(sql`update audit_log set purpose = 'x'`)).rejects.toThrow();
      await expect(t.db.execute(sql`delete from audit_log`)).rejects.toThrow();
      // Only admins read it.
      expect(codeOf(await t.gql(`{ auditLog { totalCount } }`, {}, { token: fuzhou }))).toBe("FORBIDDEN");
    });

    it("employers and partners never reach the ledger; a seeker sees only themself", async () => {
      const r = await t.gql<Registered>(REGISTER, { input: personDraft() }, { token: fuzhou });
      const id = r.data!.registerPerson.person.id;
      const employer = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
      expect(codeOf(await t.gql(`query($id: ID!) { person(id: $id) { name } }`, { id }, { token: employer }))).toBe("FORBIDDEN");
      expect(codeOf(await t.gql(`{ people { totalCount } }`, {}, { token: employer }))).toBe("FORBIDDEN");
      expect(codeOf(await t.gql(`{ people { totalCount } }`))).toBe("UNAUTHENTICATED");

      const self = await t.token({ sub: "s", role: Role.SEEKER, personId: id });
      const mine = await t.gql<{ person: { id: string; idNumber: string }; people: { totalCount: number } }>(
        `query($id: ID!) { person(id: $id) { id idNumber(unmasked: true, purpose: "查看本人信息") } people { totalCount } }`,
        { id },
        { token: self },
      );
      expect(mine.data!.person.id).toBe(id);
      expect(mine.data!.people.totalCount).toBe(1);
      const other = await t.gql<Registered>(REGISTER, { input: personDraft() }, { token: fuzhou });
      const theirs = await t.gql<{ person: null }>(`query($id: ID!) { person(id: $id) { id } }`, { id: other.data!.registerPerson.person.id }, { token: self });
      expect(theirs.data!.person).toBeNull();
      expect(codeOf(await t.gql(REGISTER, { input: personDraft() }, { token: self }))).toBe("FORBIDDEN");
    });
  });

  describe("bad input: a code and the field, nothing written", () => {
    const future = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
    const futureId = (() => {
      const first17 = `350102${future.replace(/-/g, "")}123`;
      return first17 + residentIdCheckCharacter(first17);
    })();
    const validId = syntheticResidentId(FUZHOU_GULOU, "1998-05-17", 4242, "MALE");
    const wrongCheck = validId.slice(0, 17) + (validId[17] === "1" ? "2" : "1");
    it.each([
      ["an invalid ID check digit", { idNumber: wrongCheck }, "input.idNumber", /check digit/],
      ["a birth date in the future", { idNumber: futureId }, "input.idNumber", /future/],
      ["an unknown county code", { householdRegionCode: "359999" }, "input.householdRegionCode", /Unknown region/],
      ["a prefecture for origin", { originRegionCode: "350100" }, "input.originRegionCode", /not a county/],
      ["graduation before birth", { graduationDate: "1990-06-30" }, "input.graduationDate", /before the birth date/],
      ["a landline phone", { phone: "0591-87654321" }, "input.phone", /mainland mobile/],
      ["a phone with too few digits", { phone: "1381234567" }, "input.phone", /mainland mobile/],
      ["a poverty household number without the flag", { povertyHouseholdNo: "3501020001" }, "input.povertyHouseholdNo", /registered poverty/],
      ["an unknown intention region", { intentionRegionCodes: ["999999"] }, "input.intentionRegionCodes", /Unknown region/],
      ["an intention region outside Fujian (a province)", { intentionRegionCodes: ["350200", "420000"] }, "input.intentionRegionCodes", /places in Fujian \(420000 is not\)/],
      ["an intention region outside Fujian (a county)", { intentionRegionCodes: ["420106"] }, "input.intentionRegionCodes", /places in Fujian/],
    ])("%s", async (_name, overrides, field, message) => {
      const before = await ledgerCounts(t);
      const result = await t.gql(REGISTER, { input: { ...personDraft(), ...overrides } }, { token: fuzhou });
      expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(result.errors![0]!.message).toMatch(message);
      expect(await ledgerCounts(t)).toEqual(before);
    });

    it("a caseworker writing outside their region", async () => {
      const before = await ledgerCounts(t);
      const outside = await t.gql(REGISTER, { input: personDraft({ householdRegionCode: XIAMEN_SIMING, originRegionCode: XIAMEN_SIMING }) }, { token: fuzhou });
      expect(codeOf(outside)).toBe("FORBIDDEN");
      expect(await ledgerCounts(t)).toEqual(before);
      // …and moving one of theirs out of it.
      const mine = await t.gql<Registered>(REGISTER, { input: personDraft() }, { token: fuzhou });
      const before2 = await ledgerCounts(t);
      const moved = await t.gql(`mutation($id: ID!) { updatePerson(id: $id, input: { householdRegionCode: "350203", originRegionCode: "350203" }) { id } }`, { id: mine.data!.registerPerson.person.id }, { token: fuzhou });
      expect(codeOf(moved)).toBe("FORBIDDEN");
      expect(await ledgerCounts(t)).toEqual(before2);
    });

    it("a status in the future, and one for someone outside the scope", async () => {
      const mine = await t.gql<Registered>(REGISTER, { input: personDraft() }, { token: fuzhou });
      const future = await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED, since: "2999-01-01") { id } }`, { id: mine.data!.registerPerson.person.id }, { token: fuzhou });
      expect(future.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "since" });
      const xiamen = await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" });
      const other = await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED) { id } }`, { id: mine.data!.registerPerson.person.id }, { token: xiamen });
      expect(codeOf(other)).toBe("NOT_FOUND");
    });
  });

  describe("finding people", () => {
    it("filters by category, population, employment status and text (a name, or an exact ID number)", async () => {
      const marker = `寻找${unique()}`;
      const draft = personDraft({ birthDate: "1982-02-02" });
      await t.gql(REGISTER, { input: { ...draft, name: marker, registeredPoverty: true, willingToRelocate: true } }, { token: fuzhou });
      const q = `query($f: PeopleFilter) { people(first: 100, filter: $f) { totalCount edges { node { name } } } }`;
      const byCategory = await t.gql<{ people: { edges: { node: { name: string } }[] } }>(q, { f: { categoryCode: "PL_WILLING_TO_RELOCATE", text: marker } }, { token: fuzhou });
      expect(byCategory.errors).toBeUndefined();
      expect(byCategory.data!.people.edges.map((e) => e.node.name)).toEqual([marker]);
      const byPopulation = await t.gql<{ people: { totalCount: number } }>(q, { f: { population: "POVERTY_LABOURER", text: marker } }, { token: fuzhou });
      expect(byPopulation.data!.people.totalCount).toBe(1);
      const byId = await t.gql<{ people: { edges: { node: { name: string } }[] } }>(q, { f: { text: draft.idNumber } }, { token: fuzhou });
      expect(byId.data!.people.edges.map((e) => e.node.name)).toEqual([marker]);
      const wrongPopulation = await t.gql(q, { f: { population: "EVERYONE" } }, { token: fuzhou });
      expect(wrongPopulation.status).toBe(400);
      expect(wrongPopulation.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
      // Outside the caseworker's region: not found at all.
      const xiamen = await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" });
      expect((await t.gql<{ people: { totalCount: number } }>(q, { f: { text: marker } }, { token: xiamen })).data!.people.totalCount).toBe(0);
    });
  });
});
