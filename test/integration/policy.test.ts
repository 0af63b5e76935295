import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { reevaluateEveryone } from "../../src/modules/categories/reevaluation.service.js";
import { makeInstitution, personDraft } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const PUBLISH = `mutation($i: TargetCategoryInput!) { publishTargetCategory(input: $i) { code version ruleJson } }`;

describe("target categories are policy data with versions", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  it("a new version applies to everyone after re-evaluation, and memberships record the version", async () => {
    const school = await makeInstitution(t.db);
    const reg = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id targetCategories { category { code } ruleVersion } } } }`;
    const grad = await t.gql<{ registerPerson: { person: { id: string } } }>(reg, { i: { ...personDraft(), institutionId: school.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } }, { token: admin });
    const disabledGrad = await t.gql<{ registerPerson: { person: { id: string } } }>(reg, { i: { ...personDraft(), disabled: true, institutionId: school.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } }, { token: admin });
    const kg5 = async (id: string) =>
      (await queryRows<{ rule_version: number }>(t.db, sql`select rule_version from person_categories where person_id = ${id} and category_code = 'KG5_COHORT_UNEMPLOYED'`))[0]?.rule_version;
    expect(await kg5(grad.data!.registerPerson.person.id)).toBe(1);

    // Version 2 narrows KG5 to disabled graduates.
    const rule = { and: [{ "==": [{ var: "isGraduate" }, true] }, { "==": [{ var: "household.disabled" }, true] }, { "==": [{ var: "graduationYear" }, { var: "campaign.cohortYear" }] }] };
    const published = await t.gql<{ publishTargetCategory: { version: number } }>(
      PUBLISH,
      { i: { code: "KG5_COHORT_UNEMPLOYED", name: "当届残疾毕业生（测试版本）", population: "KEY_GROUP_GRADUATE", ruleJson: JSON.stringify(rule), minReferrals: 3, mentorEligible: false, validFrom: "2020-10-01" } },
      { token: admin },
    );
    expect(published.data!.publishTargetCategory.version).toBe(2);
    // Nothing changes until people are re-evaluated…
    expect(await kg5(grad.data!.registerPerson.person.id)).toBe(1);
    const result = await reevaluateEveryone(t.db);
    expect(result.people).toBeGreaterThanOrEqual(2);
    // …then the rule of version 2 decides.
    expect(await kg5(grad.data!.registerPerson.person.id)).toBeUndefined();
    expect(await kg5(disabledGrad.data!.registerPerson.person.id)).toBe(2);
    const versions = await t.gql<{ targetCategories: { code: string; version: number }[] }>(`{ targetCategories { code version } }`, {}, { token: admin });
    expect(versions.data!.targetCategories.filter((c) => c.code === "KG5_COHORT_UNEMPLOYED").map((c) => c.version)).toEqual([1, 2]);
  });

  it("refuses rules that are not JSON logic, and anyone but an administrator", async () => {
    const base = { code: "KG_TEST", name: "测试", population: "KEY_GROUP_GRADUATE", minReferrals: 3, mentorEligible: false, validFrom: "2020-10-01" };
    const notJson = await t.gql(PUBLISH, { i: { ...base, ruleJson: "{not json" } }, { token: admin });
    expect(notJson.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.ruleJson" });
    const unknownOp = await t.gql(PUBLISH, { i: { ...base, ruleJson: JSON.stringify({ launch: ["missiles"] }) } }, { token: admin });
    expect(unknownOp.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.rule" });
    const notObject = await t.gql(PUBLISH, { i: { ...base, ruleJson: "[1,2]" } }, { token: admin });
    expect(notObject.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.rule" });
    const failsWhenRun = await t.gql(PUBLISH, { i: { ...base, ruleJson: JSON.stringify({ "/": [{ var: "age" }, { var: "monthsSinceLeavingSchool" }] }) } }, { token: admin });
    expect(failsWhenRun.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.rule" });
    const backwards = await t.gql(PUBLISH, { i: { ...base, ruleJson: "{\"==\":[1,1]}", validUntil: "2019-01-01" } }, { token: admin });
    expect(backwards.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.validUntil" });
    const caseworker = await t.token({ sub: "c", role: Role.CASEWORKER, regionCode: "35" });
    expect(codeOf(await t.gql(PUBLISH, { i: { ...base, ruleJson: "{\"==\":[1,1]}" } }, { token: caseworker }))).toBe("FORBIDDEN");
    const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from target_categories where code = 'KG_TEST'`);
    expect(Number(row!.n)).toBe(0);
  });
});
