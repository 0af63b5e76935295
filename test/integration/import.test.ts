import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import type { ImportReport } from "../../src/modules/people/person-import.service.js";
import { projectRoot } from "../../src/paths.js";
import { residentIdCheckCharacter, syntheticResidentId } from "../../src/pii/resident-id.js";
import { generatePeopleCsv, generatorRegions, ensureDemoInstitutions } from "../../seed/people.js";
import { makeEmployer, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

const IMPORT = `mutation($input: ImportPeopleInput!) {
  importPeople(input: $input) { encoding rows created updated unchanged accepted rejectedCount rejected { row column code message } ignoredColumns }
}`;
type Report = ImportReport;

const id = (region: string, birth: string, gender: "MALE" | "FEMALE" = "FEMALE") => syntheticResidentId(region, birth, unique() % 400, gender);

async function peopleSnapshot(t: TestApp) {
  const [row] = await queryRows<{ n: number; digest: string | null; history: number; memberships: number }>(
    t.db,
    sql`select count(*)::int as n, md5(string_agg(p.id::text || p.updated_at::text, ',' order by p.id)) as digest,
               (select count(*)::int from employment_history) as history, (select count(*)::int from person_categories) as memberships
        from people p`,
  );
  return row!;
}

describe("importing people from spreadsheets", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  beforeAll(async () => {
    t = await startTestApp({}, { captureLogs: true });
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    fuzhou = await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" });
  });
  afterAll(() => t.close());

  it("reports every bad row with its row, column, code and reason, and loses no good row", async () => {
    const good1 = id("350102", "1998-03-04");
    const good2 = id("350121", "1999-08-09", "MALE");
    const good3 = id("350104", "1981-01-02", "MALE");
    const wrongCheck = (() => { const v = id("350102", "1998-05-06"); return v.slice(0, 17) + (v[17] === "1" ? "2" : "1"); })();
    const future = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");
    const futureBirth = `350102${future}111`;
    const csv = [
      "姓名,身份证号,手机号,户籍地代码,生源地代码,建档立卡,毕业日期,就业状态,求职意向,备注",
      `陈一,${good1},13800000001,350102,350102,是,2020-06-30,未就业,会计；出纳,好`, // row 2 good
      `林二,${wrongCheck},13800000002,350102,350102,否,,未就业,,`, // 3 check digit
      `黄三,${futureBirth + residentIdCheckCharacter(futureBirth)},13800000003,350102,350102,否,,未就业,,`, // 4 birth in future
      `张四,${id("350102", "1997-01-01")},13800000004,359999,350102,否,,未就业,,`, // 5 unknown county
      `李五,${id("350102", "1998-02-02")},13800000005,350102,350102,否,1990-06-30,未就业,,`, // 6 graduation before birth
      `王六,${id("350102", "1998-03-03")},0591-8765432,350102,350102,否,,未就业,,`, // 7 landline
      `赵七,${good2},13800000007,350121,350121,否,2020/7/1,已就业,"软件开发,测试",`, // 8 good (quoted comma, slashed date)
      `钱八,${good2},13800000008,350121,350121,否,,未就业,,`, // 9 same ID as row 8
      `孙九,"${id("350102", "1998-04-04")},13800000009,350102,350102,否,,未就业,,`, // 10 broken quoting
      `周十,${id("350102", "1998-05-05")},13800000010,350102,350102,也许,,未就业,,`, // 11 bad yes/no
      `吴十一,${id("350203", "1998-06-06")},13800000011,350203,350203,否,,未就业,,`, // 12 outside Fuzhou
      `郑十二,${good3},13800000012,350104,350104,是,,未就业,普工,`, // 13 good
    ].join("\n");
    const result = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv } }, { token: fuzhou });
    expect(result.errors).toBeUndefined();
    const r = result.data!.importPeople;
    expect({ rows: r.rows, created: r.created, rejectedCount: r.rejectedCount }).toEqual({ rows: 12, created: 3, rejectedCount: 9 });
    expect(r.rejected.map((x) => [x.row, x.column, x.code])).toEqual([
      [3, "身份证号", "BAD_USER_INPUT"],
      [4, "身份证号", "BAD_USER_INPUT"],
      [5, "户籍地代码", "BAD_USER_INPUT"],
      [6, "毕业日期", "BAD_USER_INPUT"],
      [7, "手机号", "BAD_USER_INPUT"],
      [9, "身份证号", "CONFLICT"],
      [10, null, "BAD_USER_INPUT"],
      [11, "建档立卡", "BAD_USER_INPUT"],
      [12, "户籍地代码", "FORBIDDEN"],
    ]);
    expect(r.rejected.find((x) => x.row === 3)!.message).toMatch(/check digit/);
    expect(r.rejected.find((x) => x.row === 4)!.message).toMatch(/future/);
    expect(r.rejected.find((x) => x.row === 6)!.message).toMatch(/before the birth date/);
    expect(r.rejected.find((x) => x.row === 9)!.message).toMatch(/row 8/);
    expect(r.rejected.find((x) => x.row === 10)!.message).toMatch(/quot/);
    expect(r.ignoredColumns).toEqual(["备注"]);

    const found = await t.gql<{ people: { edges: { node: { name: string; intention: { keywords: string[] }; leaveSchoolDate: string | null } }[] } }>(
      `{ people(first: 10, filter: { text: "${good2}" }) { edges { node { name intention { keywords } leaveSchoolDate } } } }`,
      {},
      { token: fuzhou },
    );
    expect(found.data!.people.edges[0]!.node).toMatchObject({ name: "赵七", intention: { keywords: ["软件开发", "测试"] } });

    // Importing the same file again changes nothing.
    const before = await peopleSnapshot(t);
    const again = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv } }, { token: fuzhou });
    expect(again.data!.importPeople).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejectedCount: 9 });
    expect(await peopleSnapshot(t)).toEqual(before);

    // A changed cell updates that person only, and a status change joins the history.
    const changed = csv.replace(`郑十二,${good3},13800000012,350104,350104,是,,未就业,普工,`, `郑十二,${good3},13800000012,350104,350104,是,,已就业,普工,`);
    const third = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv: changed } }, { token: fuzhou });
    expect(third.data!.importPeople).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
  });

  it("merges a thinner file into what is stored, and never undoes a status the file does not state", async () => {
    const person = id("350102", "1995-09-09", "MALE");
    const full = `姓名,身份证号,手机号,户籍地代码,生源地代码,建档立卡,建档立卡户编号,技能\n黄全,${person},13700001111,350102,350102,是,350102001,电焊;叉车\n`;
    expect((await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv: full } }, { token: admin })).data!.importPeople.created).toBe(1);
    const found = async () =>
      (await t.gql<{ people: { edges: { node: { id: string; phone: string; registeredPoverty: boolean; skills: string[]; employmentStatus: string; targetCategories: { category: { code: string } }[] } }[] } }>(
        `query($t: String) { people(filter: { text: $t }) { edges { node { id phone registeredPoverty skills employmentStatus targetCategories { category { code } } } } } }`,
        { t: person },
        { token: admin },
      )).data!.people.edges[0]!.node;
    const before = await found();
    await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: PUBLIC_WELFARE_POST) { id } }`, { id: before.id }, { token: admin });
    // The same person again, in a file with only the required columns (and an empty extra cell).
    const thin = `name,idNumber,householdRegionCode,originRegionCode,phone\n黄全,${person},350102,350102,\n`;
    const again = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv: thin } }, { token: admin });
    expect(again.data!.importPeople).toMatchObject({ unchanged: 1, updated: 0, rejectedCount: 0 });
    const after = await found();
    expect(after).toMatchObject({ phone: "137****1111", registeredPoverty: true, skills: ["电焊", "叉车"], employmentStatus: "PUBLIC_WELFARE_POST" });
    expect(after.targetCategories.map((c) => c.category.code)).toEqual(before.targetCategories.map((c) => c.category.code));
  });

  it("reads a field from its first column only when a header is repeated", async () => {
    const person = id("350102", "1994-04-04");
    const r = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv: `姓名,身份证号,户籍地代码,生源地代码,姓名\n真名,${person},350102,350102,第二列\n` } }, { token: admin });
    expect(r.data!.importPeople).toMatchObject({ created: 1, ignoredColumns: ["姓名"] });
    const named = await t.gql<{ people: { edges: { node: { name: string } }[] } }>(`query($t: String) { people(filter: { text: $t }) { edges { node { name } } } }`, { t: person }, { token: admin });
    expect(named.data!.people.edges[0]!.node.name).toBe("真名");
  });

  it("two imports of the same file at once: one creates, the other finds them unchanged", async () => {
    await ensureDemoInstitutions(t.db);
    const csv = await collect(generatePeopleCsv(400, await generatorRegions(t.db), 4242));
    const url = t.url.replace("/graphql", "/imports/people");
    const post = () => fetch(url, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${admin}` }, body: csv }).then((r) => r.json() as Promise<{ data: { importPeople: Report } }>);
    const [a, b] = await Promise.all([post(), post()]);
    for (const r of [a, b]) expect(r.data.importPeople.rejectedCount).toBe(0);
    expect(a.data.importPeople.created + b.data.importPeople.created).toBeLessThanOrEqual(400);
    expect(a.data.importPeople.accepted + b.data.importPeople.accepted).toBe(800);
  });

  it("reads GBK files (as Excel writes them on Chinese Windows), inline and streamed", async () => {
    const bytes = readFileSync(join(projectRoot, "test/fixtures/people-gbk.csv"));
    const inline = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csvBase64: bytes.toString("base64") } }, { token: admin });
    expect(inline.data!.importPeople).toMatchObject({ encoding: "gbk", rows: 3, created: 3, rejectedCount: 0 });
    const streamed = await fetch(t.url.replace("/graphql", "/imports/people"), { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${admin}` }, body: bytes });
    expect(streamed.status).toBe(200);
    const body = (await streamed.json()) as { data: { importPeople: Report } };
    expect(body.data.importPeople).toMatchObject({ encoding: "gbk", rows: 3, unchanged: 3 });
    const named = await t.gql<{ people: { edges: { node: { name: string } }[] } }>(`{ people(filter: { text: "林晓婷" }) { edges { node { name } } } }`, {}, { token: admin });
    expect(named.data!.people.edges.map((e) => e.node.name)).toEqual(["林晓婷"]);
  });

  it("streams a large file through POST /imports/people", async () => {
    await ensureDemoInstitutions(t.db);
    const chunks: string[] = [];
    for await (const chunk of generatePeopleCsv(3000, await generatorRegions(t.db), 77)) chunks.push(chunk);
    const res = await fetch(t.url.replace("/graphql", "/imports/people"), {
      method: "POST",
      headers: { "content-type": "text/csv; charset=utf-8", authorization: `Bearer ${admin}` },
      body: chunks.join(""),
    });
    const body = (await res.json()) as { data: { importPeople: Report } };
    expect(res.status).toBe(200);
    expect(body.data.importPeople.rows).toBe(3000);
    expect(body.data.importPeople.created + body.data.importPeople.unchanged + body.data.importPeople.updated).toBe(3000);
    expect(body.data.importPeople.rejectedCount).toBe(0);
  });

  it("refuses the wrong caller, content type and a file without the required columns — writing nothing", async () => {
    const before = await peopleSnapshot(t);
    const url = t.url.replace("/graphql", "/imports/people");
    const csv = `name,idNumber,householdRegionCode,originRegionCode\n某,${id("350102", "1990-01-01")},350102,350102\n`;
    expect((await fetch(url, { method: "POST", headers: { "content-type": "text/csv" }, body: csv })).status).toBe(401);
    const employer = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    expect((await fetch(url, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${employer}` }, body: csv })).status).toBe(403);
    expect((await fetch(url, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${admin}` }, body: csv })).status).toBe(415);
    const noId = await fetch(url, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${admin}` }, body: "name,phone\n某,13800000000\n" });
    expect(noId.status).toBe(400);
    expect(((await noId.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/缺少必填列：idNumber/); // Chinese by default
    expect(codeOf(await t.gql(IMPORT, { input: { csv, csvBase64: "eA==" } }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(IMPORT, { input: { csv } }, { token: employer }))).toBe("FORBIDDEN");
    expect(await peopleSnapshot(t)).toEqual(before);
  });

  it("never writes an ID number or phone in clear to the logs", async () => {
    const secretId = id("350102", "1996-06-06");
    const csv = `name,idNumber,phone,householdRegionCode,originRegionCode\n某,${secretId},13912345678,350102,350102\n坏,${secretId},13912345678,350102,999999\n`;
    const r = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv } }, { token: admin });
    expect(r.data!.importPeople.created).toBe(1);
    await t.gql(`query($t: String) { people(filter: { text: $t }) { edges { node { idNumber(unmasked: true, purpose: "日志测试") phone(unmasked: true, purpose: "日志测试") } } } }`, { t: secretId }, { token: admin });
    const all = t.logs.join("\n");
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(secretId);
    expect(all).not.toContain("13912345678");
  });
});

describe("campaign progress", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
  });
  afterAll(() => t.close());

  const PROGRESS = `query($g: ProgressGroupBy!, $asOf: LocalDate) { campaignProgress(groupBy: $g, asOf: $asOf) { asOf rows { key label registered employed unemployed furtherStudy } total { registered employed unemployed } } }`;
  type Progress = { campaignProgress: { rows: { key: string; label: string; registered: number; employed: number; unemployed: number }[]; total: { registered: number; employed: number; unemployed: number } } };

  it("matches what the database holds, by region, institution and category", async () => {
    await ensureDemoInstitutions(t.db);
    const report = await t.gql<{ importPeople: Report }>(IMPORT, { input: { csv: (await collect(generatePeopleCsv(600, await generatorRegions(t.db), 5))) } }, { token: admin });
    expect(report.data!.importPeople.rejectedCount).toBe(0);
    const [db] = await queryRows<{ n: number; employed: number }>(
      t.db,
      sql`select count(*)::int as n, count(*) filter (where employment_status in ('EMPLOYED','SELF_EMPLOYED','PUBLIC_WELFARE_POST','GRASSROOTS_PROJECT'))::int as employed from people`,
    );
    for (const g of ["REGION", "INSTITUTION", "CATEGORY"]) {
      const p = await t.gql<Progress>(PROGRESS, { g }, { token: admin });
      expect(p.errors, g).toBeUndefined();
      expect(p.data!.campaignProgress.total.registered, g).toBe(Number(db!.n));
      expect(p.data!.campaignProgress.total.employed, g).toBe(Number(db!.employed));
      if (g !== "CATEGORY") expect(p.data!.campaignProgress.rows.reduce((n, r) => n + r.registered, 0), g).toBe(Number(db!.n));
    }
    const byCategory = await t.gql<Progress>(PROGRESS, { g: "CATEGORY" }, { token: admin });
    const [kg1] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from person_categories where category_code = 'KG1_HARDSHIP_HOUSEHOLD'`);
    expect(byCategory.data!.campaignProgress.rows.find((r) => r.key === "KG1_HARDSHIP_HOUSEHOLD")!.registered).toBe(Number(kg1!.n));
    const byRegion = await t.gql<Progress>(PROGRESS, { g: "REGION" }, { token: admin });
    expect(byRegion.data!.campaignProgress.rows.find((r) => r.key === "350100")!.label).toBe("福州市");
  });

  it("answers as of a date, from the status history", async () => {
    const reg = await t.gql<{ registerPerson: { person: { id: string } } }>(
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } } }`,
      { i: { name: "时间线", idNumber: id("350981", "1998-01-01"), householdRegionCode: "350981", originRegionCode: "350981", employmentStatusSince: "2020-07-01" } },
      { token: admin },
    );
    await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED, since: "2020-11-15") { id } }`, { id: reg.data!.registerPerson.person.id }, { token: admin });
    // Registered during the 2020 campaign: move the registration back behind the API's back.
    await t.db.execute(sql`update people set created_at = '2020-10-10' where id = ${reg.data!.registerPerson.person.id}`);
    const ningde = (asOf: string) => t.gql<Progress>(`query($a: LocalDate) { campaignProgress(groupBy: REGION, regionLevel: COUNTY, asOf: $a) { rows { key registered employed unemployed } total { registered } } }`, { a: asOf }, { token: admin });
    const row = async (asOf: string) => (await ningde(asOf)).data!.campaignProgress.rows.find((r) => r.key === "350981")!;
    expect(await row("2020-11-14")).toMatchObject({ registered: 1, employed: 0, unemployed: 1 });
    expect(await row("2020-11-15")).toMatchObject({ registered: 1, employed: 1, unemployed: 0 });
    // Before anyone was registered, nobody is counted.
    expect((await ningde("2019-01-01")).data!.campaignProgress.total.registered).toBe(0);
    expect(codeOf(await ningde("2999-01-01"))).toBe("BAD_USER_INPUT");
  });

  it("counts categories as they were on a past date, from the membership history", async () => {
    const school = await t.gql<{ registerInstitution: { id: string } }>(`mutation { registerInstitution(input: { code: "HX${unique()}", name: "历史学院${unique()}", kind: UNIVERSITY, regionCode: "350981" }) { id } }`, {}, { token: admin });
    const reg = await t.gql<{ registerPerson: { person: { id: string } } }>(
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } } }`,
      { i: { name: "历史", idNumber: id("350981", "1998-02-02"), householdRegionCode: "350981", originRegionCode: "350981", registeredPoverty: true, institutionId: school.data!.registerInstitution.id, graduationDate: "2020-06-30", leaveSchoolDate: "2020-07-01" } },
      { token: admin },
    );
    const personId = reg.data!.registerPerson.person.id;
    // Registered, and its categories decided, during the 2020 campaign.
    await t.db.execute(sql`update people set created_at = '2020-10-10' where id = ${personId}`);
    await t.db.execute(sql`update person_category_history set valid_from = '2020-10-10' where person_id = ${personId}`);
    // Found a job before the campaign ended: KG2 and KG5 end now.
    await t.gql(`mutation($id: ID!) { recordEmploymentStatus(personId: $id, status: EMPLOYED, since: "2020-12-01") { id } }`, { id: personId }, { token: admin });
    const kg2 = async (asOf: string | null) => {
      const r = await t.gql<{ campaignProgress: { rows: { key: string; registered: number }[] } }>(`query($a: LocalDate) { campaignProgress(groupBy: CATEGORY, asOf: $a) { rows { key registered } } }`, { a: asOf }, { token: admin });
      return r.data!.campaignProgress.rows.find((row) => row.key === "KG2_POVERTY_UNEMPLOYED")?.registered ?? 0;
    };
    const [member] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from person_category_history where person_id = ${personId} and category_code = 'KG2_POVERTY_UNEMPLOYED' and valid_to is not null`);
    expect(Number(member!.n)).toBe(1);
    expect(await kg2("2020-11-30")).toBeGreaterThanOrEqual(1);
    const pastWith = await kg2("2020-11-30");
    await t.db.execute(sql`update person_category_history set valid_from = now() where person_id = ${personId}`);
    expect(await kg2("2020-11-30")).toBe(pastWith - 1);
  });

  it("is scoped: a caseworker sees only their region", async () => {
    const xiamen = await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" });
    const p = await t.gql<Progress>(PROGRESS, { g: "REGION" }, { token: xiamen });
    expect(p.data!.campaignProgress.rows.every((r) => r.key === "350200")).toBe(true);
    const employer = await t.token({ sub: "e", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id });
    expect(codeOf(await t.gql(PROGRESS, { g: "REGION" }, { token: employer }))).toBe("FORBIDDEN");
  });
});

async function collect(source: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of source) text += chunk;
  return text;
}
