import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { makePerson } from "../helpers/factories.js";
import { startSubsidyApp } from "../helpers/subsidies.js";
import { codeOf, type TestApp } from "../helpers/test-app.js";

const YEAR = Number(serviceToday().slice(0, 4));
const THIS_YEAR_GRADUATE = { graduationDate: `${YEAR}-06-30`, leaveSchoolDate: `${YEAR}-07-01` };
const APPLY = `mutation($i: ApplyForSubsidyInput!) { applyForSubsidy(input: $i) { id state } }`;
const APPROVE = `mutation($c: ID!, $a: Int!) { approveSubsidyClaim(claimId: $c, amountYuan: $a) { id state approvedAmountYuan } }`;
const PUBLISH = `mutation($i: SubsidySchemeInput!) { publishSubsidyScheme(input: $i) { id version subject } }`;

describe("subsidies: a second independent review (each failed before its fix)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let schoolId: string;
  const docs = async (code: string) => (await queryRows<{ documents: string[] }>(t.db, sql`select documents from subsidy_schemes where code = ${code} order by version desc limit 1`))[0]!.documents;
  const claimRow = async (id: string) => (await queryRows<{ state: string; approved_amount_yuan: number | null; documents: string[] }>(t.db, sql`select state, approved_amount_yuan, documents from subsidy_claims where id = ${id}`))[0];

  beforeAll(async () => {
    ({ t, admin, fuzhou, schoolId } = await startSubsidyApp());
  });
  afterAll(() => t.close());

  it("two first publications of a code at once cannot give it both subjects (the earlier versions are read under the publication lock)", async () => {
    const base = { name: "并发测试补贴", ruleJson: `{"==":[1,2]}`, amountKind: "CAPPED", amountYuan: 100, documents: ["身份证"], issuingLevel: "COUNTY", validFrom: serviceToday() };
    for (let i = 0; i < 4; i++) {
      const code = `RACE_SUBJECT_${i}`;
      const answers = await Promise.all([
        t.gql(PUBLISH, { i: { ...base, code, subject: "PERSON" } }, { token: admin }),
        t.gql(PUBLISH, { i: { ...base, code, subject: "EMPLOYER" } }, { token: admin }),
      ]);
      // One is published, the other refused with a clear code.
      expect(answers.map((a) => (a.errors ? codeOf(a) : "OK")).sort()).toEqual(["BAD_USER_INPUT", "OK"]);
      const subjects = await queryRows<{ subject: string }>(t.db, sql`select distinct subject from subsidy_schemes where code = ${code}`);
      expect(subjects).toHaveLength(1);
    }
  });

  it("a FIXED scheme is approved for its fixed sum, not less (the report's approved yuan would not be the policy's)", async () => {
    const p = await makePerson(t, { registeredPoverty: true, institutionId: schoolId, ...THIS_YEAR_GRADUATE });
    const applied = await t.gql<{ applyForSubsidy: { id: string } }>(APPLY, { i: { schemeCode: "JOB_SEARCH_GRADUATE", personId: p.id, documents: await docs("JOB_SEARCH_GRADUATE") } }, { token: fuzhou });
    expect(applied.errors).toBeUndefined();
    const id = applied.data!.applyForSubsidy.id;
    const less = await t.gql(APPROVE, { c: id, a: 500 }, { token: fuzhou });
    expect(less.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "amountYuan", amountYuan: 2000 });
    expect(await claimRow(id)).toMatchObject({ state: "APPLIED", approved_amount_yuan: null });
    const exact = await t.gql<{ approveSubsidyClaim: { approvedAmountYuan: number } }>(APPROVE, { c: id, a: 2000 }, { token: fuzhou });
    expect(exact.errors).toBeUndefined();
    expect(exact.data!.approveSubsidyClaim.approvedAmountYuan).toBe(2000);
  });

  it("a CAPPED scheme may still be approved below its cap", async () => {
    const p = await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", institutionId: schoolId });
    const applied = await t.gql<{ applyForSubsidy: { id: string } }>(APPLY, { i: { schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: await docs("STARTUP_ONE_TIME") } }, { token: fuzhou });
    expect(applied.errors).toBeUndefined();
    const below = await t.gql(APPROVE, { c: applied.data!.applyForSubsidy.id, a: 3000 }, { token: fuzhou });
    expect(below.errors).toBeUndefined();
  });

  it("an application's documents are bounded like a scheme's (at most 100 characters each): a longer one is refused and nothing written", async () => {
    const p = await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", institutionId: schoolId });
    const [claim] = await queryRows<{ id: string }>(t.db, sql`select id from subsidy_claims where person_id = ${p.id} and scheme_code = 'STARTUP_ONE_TIME'`);
    const r = await t.gql(APPLY, { i: { schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: [...(await docs("STARTUP_ONE_TIME")), "很".repeat(50_000)] } }, { token: fuzhou });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.documents" });
    expect(await claimRow(claim!.id)).toMatchObject({ state: "ELIGIBLE", documents: [] });
  });
});
