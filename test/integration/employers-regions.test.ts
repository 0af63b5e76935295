import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { FUZHOU_GULOU, makeEmployer, tableCounts, unique, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const REGISTER = `mutation($input: RegisterEmployerInput!) { registerEmployer(input: $input) { id name creditCode verified region { name parent { name } } } }`;

describe("employers", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("a caseworker registers an employer in its region (verified), not outside it, and not twice", async () => {
    const caseworker = await t.token({ sub: "c", role: Role.CASEWORKER, regionCode: "3501" });
    const input = { name: "福州某食品有限公司", creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()), regionCode: FUZHOU_GULOU, isPovertyWorkshop: true };
    const ok = await t.gql<{ registerEmployer: { verified: boolean; region: { name: string; parent: { name: string } } } }>(REGISTER, { input }, { token: caseworker });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.registerEmployer).toMatchObject({ verified: true, region: { name: "鼓楼区", parent: { name: "福州市" } } });

    const counts = await tableCounts(t.db);
    const again = await t.gql(REGISTER, { input }, { token: caseworker });
    expect(again.errors![0]!.extensions).toMatchObject({ code: "CONFLICT", field: "input.creditCode" });
    const outside = await t.gql(REGISTER, { input: { ...input, creditCode: syntheticCreditCode(XIAMEN_SIMING, unique()), regionCode: XIAMEN_SIMING } }, { token: caseworker });
    expect(codeOf(outside)).toBe("FORBIDDEN");
    const employerRole = await t.gql(REGISTER, { input: { ...input, creditCode: syntheticCreditCode(FUZHOU_GULOU, unique()) } }, { token: await t.token({ sub: "e", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id }) });
    expect(codeOf(employerRole)).toBe("FORBIDDEN");
    const counts2 = await tableCounts(t.db);
    expect(counts2.employers).toBe(counts.employers! + 1); // only the factory's employer above
  });

  it("verifies an unverified employer within scope", async () => {
    const employer = await makeEmployer(t.db, { verified: false, regionCode: XIAMEN_SIMING });
    const q = `mutation($id: ID!) { verifyEmployer(id: $id) { verified } }`;
    expect(codeOf(await t.gql(q, { id: employer.id }, { token: await t.token({ sub: "c", role: Role.CASEWORKER, regionCode: "3501" }) }))).toBe("FORBIDDEN");
    const ok = await t.gql<{ verifyEmployer: { verified: boolean } }>(q, { id: employer.id }, { token: await t.token({ sub: "c", role: Role.CASEWORKER, regionCode: "3502" }) });
    expect(ok.data!.verifyEmployer.verified).toBe(true);
  });

  it("lists employers by region prefix and name, with escaping of LIKE patterns", async () => {
    const marker = `独特名称${unique()}`;
    await makeEmployer(t.db, { name: `${marker}有限公司`, regionCode: XIAMEN_SIMING });
    const found = await t.gql<{ employers: { totalCount: number; edges: { node: { name: string } }[] } }>(
      `query($n: String) { employers(filter: { regionCode: "3502", nameContains: $n }) { totalCount edges { node { name } } } }`,
      { n: marker },
    );
    expect(found.data!.employers.totalCount).toBe(1);
    const wildcard = await t.gql<{ employers: { totalCount: number } }>(`{ employers(filter: { nameContains: "%" }) { totalCount } }`);
    expect(wildcard.data!.employers.totalCount).toBe(0);
    const badPrefix = await t.gql(`{ employers(filter: { regionCode: "3" }) { totalCount } }`);
    expect(badPrefix.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.regionCode" });
  });
});

describe("regions", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("lists Fujian's nine prefectures and a county's parent chain", async () => {
    const result = await t.gql<{ regions: { code: string; level: string }[] }>(`{ regions(parentCode: "350000") { code name level } }`);
    expect(result.data!.regions).toHaveLength(9);
    expect(result.data!.regions.every((r) => r.level === "PREFECTURE")).toBe(true);
    const county = await t.gql<{ region: { name: string; lat: number; parent: { name: string; parent: { name: string } } } }>(`{ region(code: "350102") { name lat parent { name parent { name } } } }`);
    expect(county.data!.region).toMatchObject({ name: "鼓楼区", parent: { name: "福州市", parent: { name: "福建省" } } });
    expect(county.data!.region.lat).toBeCloseTo(26.08, 1);
  });

  it("marks the 52 poverty counties, including the paired regions' five", async () => {
    const xiji = await t.gql<{ region: { name: string; poverty52: boolean } }>(`{ region(code: "640422") { name poverty52 } }`);
    expect(xiji.data!.region).toEqual({ name: "西吉县", poverty52: true });
    const gulou = await t.gql<{ region: { poverty52: boolean } }>(`{ region(code: "350102") { poverty52 } }`);
    expect(gulou.data!.region.poverty52).toBe(false);
    const provinces = await t.gql<{ regions: { code: string }[] }>(`{ regions { code } }`);
    expect(provinces.data!.regions).toHaveLength(31);
    expect((await t.gql<{ region: null }>(`{ region(code: "999999") { name } }`)).data!.region).toBeNull();
  });

  it("keeps prefecture-level cities without counties (东莞) as a county under the province", async () => {
    const dongguan = await t.gql<{ region: { level: string; parent: { code: string } } }>(`{ region(code: "441900") { level parent { code } } }`);
    expect(dongguan.data!.region).toEqual({ level: "COUNTY", parent: { code: "440000" } });
  });
});
