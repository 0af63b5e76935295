import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/commands.js";
import { streamRows } from "../../src/db/stream-rows.js";
import { signReportLink } from "../../src/modules/reports/report-link.js";
import { campaignReport } from "../../src/modules/reports/report.service.js";
import { campaignNamed } from "../../src/modules/categories/campaign.service.js";
import { days, makeEmployer, makeMentor, makeMentorship, makePerson, makePosting, makeReferral, tableCounts, XIAMEN_SIMING } from "../helpers/factories.js";
import { codeOf, standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 17: a campaign's report as a workbook, CSV sheets and a page of charts — authorised like
 * campaignProgress, scoped to the caller, read back and compared with campaignProgress, input
 * neutralised, and every bad request refused with its code and nothing written.
 */

const PROGRESS = `query($c: ID, $g: ProgressGroupBy!, $l: RegionLevel) { campaignProgress(campaignId: $c, groupBy: $g, regionLevel: $l) {
  asOf total { registered withMinimum atMinimum belowMinimum employed mentorEligible mentoredEligible hiredThroughReferral }
  rows { key label registered withMinimum atMinimum belowMinimum employed mentorEligible mentoredEligible hiredThroughReferral } } }`;
const LINKS = `query($c: ID!, $r: String) { campaignReportLinks(campaignId: $c, region: $r) { page xlsx csv { sheet title url } expiresAt } }`;

type ErrorBody = { errors: { extensions: { code: string } }[] };
type Row = { key: string; label: string; registered: number; withMinimum: number; atMinimum: number; belowMinimum: number; employed: number; mentorEligible: number; mentoredEligible: number; hiredThroughReferral: number };

describe("campaign reports (issue 17)", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let xiamen: string;
  let campaignId: string;
  const hyperlink = '=HYPERLINK("x")';
  const atMinimumReferrals: string[] = [];

  const get = (path: string, token?: string) => fetch(`${t.url.replace(/\/graphql$/, "")}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const progress = async (groupBy: string, regionLevel = "PREFECTURE", token = admin, c = campaignId) => {
    const r = await t.gql<{ campaignProgress: { asOf: string; total: Omit<Row, "key" | "label">; rows: Row[] } }>(PROGRESS, { c, g: groupBy, l: regionLevel }, { token });
    expect(r.errors).toBeUndefined();
    return r.data!.campaignProgress;
  };
  const workbook = async (response: Response) => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("spreadsheetml");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    return book;
  };
  /** A sheet's data rows as arrays of cell values (the header row dropped). */
  const rowsOf = (book: ExcelJS.Workbook, title: string) => {
    const sheet = book.getWorksheet(title);
    expect(sheet, title).toBeDefined();
    const rows: unknown[][] = [];
    sheet!.eachRow((row, n) => {
      if (n > 1) rows.push((row.values as unknown[]).slice(1));
    });
    return rows;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, fuzhou, xiamen } = await standardTokens(t));
    // The active (2020) key-group campaign, its window made to run from 20 days ago through 60 days on.
    await t.db.execute(sql`update campaigns set starts_on = ${serviceToday(days(-20))}::date, ends_on = ${serviceToday(days(60))}::date where status = 'ACTIVE'`);
    campaignId = (await queryRows<{ id: string }>(t.db, sql`select id from campaigns where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES'`))[0]!.id;
    const employer = await makeEmployer(t.db);
    const postings = await Promise.all([1, 2, 3].map(() => makePosting(t.db, { employerId: employer.id, minEducation: "NONE" })));
    // Fuzhou: one at their minimum (3 referrals), one below (1), one named like a formula (none), one employed, one mentored.
    const atMinimum = await makePerson(t, { name: "达标者" });
    for (const p of postings) atMinimumReferrals.push((await makeReferral(t.db, atMinimum.id, p.id)).id);
    const below = await makePerson(t, { name: "差两条" });
    await makeReferral(t.db, below.id, postings[0]!.id);
    await makePerson(t, { name: hyperlink });
    const employed = await makePerson(t, { name: "已就业者" });
    expect((await t.gql(`mutation($p: ID!) { recordEmploymentStatus(personId: $p, status: EMPLOYED) { id } }`, { p: employed.id }, { token: admin })).errors).toBeUndefined();
    const mentee = await makePerson(t, { name: "有红娘", registeredPoverty: true });
    await makeMentorship(t.db, mentee.id, (await makeMentor(t)).id);
    // Xiamen: two below their minimum.
    for (const name of ["厦门甲", "厦门乙"]) await makePerson(t, { name, householdRegionCode: XIAMEN_SIMING });
  });
  afterAll(() => t.close());

  it("the workbook's progress sheets hold campaignProgress's figures, four ways, each with its total", async () => {
    const book = await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin));
    expect(book.worksheets.map((s) => s.name)).toEqual(["说明", "按地市", "按区县", "按院校", "按类别", "低于推荐下限人员", "红娘覆盖", "招聘会未达标单位", "补贴"]);
    const header = (book.getWorksheet("按地市")!.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(["地区代码", "地市（生源地）", "登记人数", "有推荐下限", "达到下限", "低于下限", "下限达标率", "应配红娘", "已配红娘", "已就业", "就业率", "经推荐入职"]);
    for (const [title, groupBy, level] of [["按地市", "REGION", "PREFECTURE"], ["按区县", "REGION", "COUNTY"], ["按院校", "INSTITUTION", "PREFECTURE"], ["按类别", "CATEGORY", "PREFECTURE"]] as const) {
      const expected = await progress(groupBy, level);
      const rows = rowsOf(book, title);
      const figures = (r: Omit<Row, "key" | "label">) => [r.registered, r.withMinimum, r.atMinimum, r.belowMinimum, r.mentorEligible, r.mentoredEligible, r.employed];
      const read = (r: unknown[]) => [r[2], r[3], r[4], r[5], r[7], r[8], r[9]];
      expect(rows.slice(0, -1).map((r) => [r[0], ...read(r)]), title).toEqual(expected.rows.map((r) => [r.key, ...figures(r)]));
      expect(rows.at(-1)!.slice(0, 2), title).toEqual([undefined, "合计"]); // the total's code cell is empty
      expect(read(rows.at(-1)!), title).toEqual(figures(expected.total));
    }
    // The figures are not all zeros: someone at their minimum, employed and mentored.
    const total = (await progress("REGION")).total;
    expect(total).toMatchObject({ atMinimum: 1, employed: 1 });
    expect(total.mentoredEligible).toBeGreaterThanOrEqual(1);
    const fuzhouRow = rowsOf(book, "按地市").find((r) => r[0] === "350100")!;
    expect(fuzhouRow[6]).toBeCloseTo(fuzhouRow[4] as number / (fuzhouRow[3] as number));
    expect(book.getWorksheet("按地市")!.getRow(2).getCell(7).numFmt).toBe("0.0%");
  });

  it("lists the people below their minimum with masked data only, a formula-like name neutralised", async () => {
    const book = await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin));
    const below = rowsOf(book, "低于推荐下限人员");
    const compliance = await t.gql<{ referralCompliance: { belowMinimum: number } }>(`query($c: ID) { referralCompliance(campaignId: $c) { belowMinimum } }`, { c: campaignId }, { token: admin });
    expect(below).toHaveLength(compliance.data!.referralCompliance.belowMinimum);
    const names = below.map((r) => r[1]);
    expect(names).toContain(`'${hyperlink}`);
    expect(names).not.toContain(hyperlink);
    expect(names).not.toContain("达标者");
    const short = below.find((r) => r[1] === "差两条")!;
    expect(short.slice(6, 9)).toEqual([3, 1, 2]);
    for (const r of below) expect(String(r[2])).toMatch(/^1\d\d\*{4}\d{4}$/);
    // No ID number, in clear or masked, anywhere in the workbook.
    const text = JSON.stringify(book.worksheets.map((s) => s.getSheetValues()));
    expect(text).not.toMatch(/\d{17}[\dX]/);
  });

  it("a caseworker's report holds their region only; asking for another region is refused", async () => {
    const response = await get(`/reports/campaigns/${campaignId}.csv?sheet=below`, fuzhou);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const bytes = Buffer.from(await response.arrayBuffer());
    // A byte-order mark, so Excel and WPS read UTF-8 (fetch's text() would drop it).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString("utf8");
    expect(csv.startsWith("人员编号,姓名,手机（脱敏）")).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).not.toContain("厦门甲");
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(1 + (await progress("REGION", "PREFECTURE", fuzhou)).total.belowMinimum);
    const xm = await (await get(`/reports/campaigns/${campaignId}.csv?sheet=below`, xiamen)).text();
    expect(xm).toContain("厦门甲");
    expect(xm).not.toContain("差两条");
    const refused = await get(`/reports/campaigns/${campaignId}.xlsx?region=3501`, xiamen);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).errors[0]!.extensions.code).toBe("FORBIDDEN");
    // An administrator narrows to a region; a caseworker within their own.
    const narrowed = await (await get(`/reports/campaigns/${campaignId}.csv?sheet=prefecture&region=3502`, admin)).text();
    expect(narrowed.trim().split("\r\n").slice(1, -1).map((l) => l.split(",")[0])).toEqual(["350200"]);
    expect((await get(`/reports/campaigns/${campaignId}.csv?sheet=county&region=350102`, fuzhou)).status).toBe(200);
  });

  it("the page shows the charts as SVG with the database's figures; the curve ends at those at their minimum", async () => {
    const response = await get(`/reports/campaigns/${campaignId}`, fuzhou);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const total = (await progress("REGION", "PREFECTURE", fuzhou)).total;
    expect(html).toContain(`<span id="registered">${total.registered}</span>`);
    expect(html).toContain(`<span id="curve-last">${total.atMinimum}</span>`);
    expect(html).toContain(`>福州市</text>`);
  });

  it("a signed link opens every format of its report, scoped to who asked, until it expires; a tampered, expired or foreign link is refused", async () => {
    const links = await t.gql<{ campaignReportLinks: { page: string; xlsx: string; csv: { sheet: string; url: string }[]; expiresAt: string } }>(LINKS, { c: campaignId }, { token: fuzhou });
    expect(links.errors).toBeUndefined();
    const l = links.data!.campaignReportLinks;
    expect(new Date(l.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(t.config.reports.linkTtlSeconds * 1000);
    expect((await get(l.page)).status).toBe(200);
    expect((await workbook(await get(l.xlsx))).worksheets).toHaveLength(9);
    const below = l.csv.find((c) => c.sheet === "BELOW")!;
    const csv = await (await get(below.url)).text();
    expect(csv).toContain("差两条");
    expect(csv).not.toContain("厦门甲");
    // The same link, another sheet.
    expect((await get(below.url.replace("sheet=below", "sheet=fairs"))).status).toBe(200);
    // A link is not a bearer token.
    const token = new URL(l.page, "http://x").searchParams.get("link")!;
    expect(codeOf(await t.gql(`{ viewer { role } }`, {}, { token }))).toBe("UNAUTHENTICATED");
    const refusedWith = async (path: string) => {
      const r = await get(path);
      return [r.status, ((await r.json()) as ErrorBody).errors[0]!.extensions.code];
    };
    const tampered = token.slice(0, -3) + (token.endsWith("AAA") ? "BBB" : "AAA");
    expect(await refusedWith(l.page.replace(token, tampered))).toEqual([401, "UNAUTHENTICATED"]);
    const expired = await signReportLink(t.config.auth.jwtSecret, { viewer: { kind: "user", userId: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" }, campaignId, region: null }, -60);
    expect(await refusedWith(`/reports/campaigns/${campaignId}?link=${expired.token}`)).toEqual([401, "UNAUTHENTICATED"]);
    // Another campaign's report (the link is checked before the campaign is looked up).
    expect(await refusedWith(`/reports/campaigns/01a24655-0000-7000-8000-000000000000?link=${token}`)).toEqual([401, "UNAUTHENTICATED"]);
  });

  it("the CLI writes the same workbook to a file and tells what it wrote", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "report-")), "report.xlsx");
    const out: string[] = [];
    const env = { NODE_ENV: "test", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "silent" };
    expect(await runCli(["report", "--campaign", campaignId, "--out", file], env, { out: (s) => out.push(s), err: () => undefined }, { database: t.app.database })).toBe(0);
    const written = JSON.parse(out.join(""));
    expect(written).toMatchObject({ file, sqlStatements: expect.any(Number) });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const fromServer = await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin));
    expect(rowsOf(book, "按区县")).toEqual(rowsOf(fromServer, "按区县"));
    expect(rowsOf(book, "低于推荐下限人员")).toEqual(rowsOf(fromServer, "低于推荐下限人员"));
    // A CSV without its sheet, or a file of another kind: the usage and exit code 2, no file.
    for (const out of [file.replace(".xlsx", ".csv"), file.replace(".xlsx", ".pdf")]) {
      const err: string[] = [];
      expect(await runCli(["report", "--campaign", campaignId, "--out", out], env, { out: () => undefined, err: (s) => err.push(s) }, { database: t.app.database })).toBe(2);
      expect(err.join("")).toMatch(/Usage: report --campaign/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("refuses every bad request with its code and writes nothing", async () => {
    const before = await tableCounts(t.db);
    const seeker = await t.token({ sub: "s", role: Role.SEEKER, personId: (await queryRows<{ id: string }>(t.db, sql`select id from people limit 1`))[0]!.id });
    const draft = (
      await queryRows<{ id: string }>(
      t.db,
      sql`insert into campaigns (id, code, name, kind, cohort_year, starts_on, ends_on) values (gen_random_uuid(), 'DRAFT-R', '草稿', 'POVERTY_LABOUR', 2030, '2030-01-01', '2030-12-31') returning id`,
      )
    )[0]!.id;
    const counts = await tableCounts(t.db);
    const cases: [string, string | undefined, number, string][] = [
      [`/reports/campaigns/${campaignId}.pdf`, admin, 400, "BAD_USER_INPUT"],
      [`/reports/campaigns/${campaignId}.csv`, admin, 400, "BAD_USER_INPUT"],
      [`/reports/campaigns/${campaignId}.csv?sheet=secrets`, admin, 400, "BAD_USER_INPUT"],
      [`/reports/campaigns/${campaignId}`, undefined, 401, "UNAUTHENTICATED"],
      [`/reports/campaigns/${campaignId}.xlsx`, seeker, 403, "FORBIDDEN"],
      [`/reports/campaigns/00000000-0000-4000-8000-000000000000.xlsx`, admin, 404, "NOT_FOUND"],
      [`/reports/campaigns/${draft}.xlsx`, admin, 404, "NOT_FOUND"],
      [`/reports/campaigns/not-an-id`, admin, 400, "BAD_USER_INPUT"],
      [`/reports/campaigns/%E0`, admin, 400, "BAD_USER_INPUT"],
      [`/reports/campaigns/${campaignId}.xlsx?region=3501`, xiamen, 403, "FORBIDDEN"],
      [`/reports/campaigns/${campaignId}.xlsx?region=35x`, admin, 400, "BAD_USER_INPUT"],
    ];
    for (const [path, token, status, code] of cases) {
      const r = await get(path, token);
      expect([path, r.status, ((await r.json()) as ErrorBody).errors[0]!.extensions.code]).toEqual([path, status, code]);
    }
    expect(codeOf(await t.gql(LINKS, { c: campaignId, r: "3501" }, { token: xiamen }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(LINKS, { c: draft }, { token: admin }))).toBe("NOT_FOUND");
    expect(await tableCounts(t.db)).toEqual(counts);
    await t.db.execute(sql`delete from campaigns where id = ${draft}`);
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it("a link narrowed to a region opens that region's report only; the page opened with a token links its workbook with a signed link; no link outlives its token", async () => {
    const narrowed = await t.gql<{ campaignReportLinks: { csv: { sheet: string; url: string }[] } }>(LINKS, { c: campaignId, r: "350102" }, { token: fuzhou });
    expect(narrowed.errors).toBeUndefined();
    const url = narrowed.data!.campaignReportLinks.csv.find((c) => c.sheet === "COUNTY")!.url;
    const lines = (await (await get(url)).text()).trim().split("\r\n");
    expect(lines.slice(1, -1).map((l) => l.split(",")[0])).toEqual(["350102"]);
    // The link is for its region: asking it for another is refused.
    const other = await get(url.replace("region=350102", "region=350103"));
    expect([other.status, ((await other.json()) as ErrorBody).errors[0]!.extensions.code]).toEqual([400, "BAD_USER_INPUT"]);

    // A page opened with a token (which a browser's plain link cannot send): its download link is signed.
    const html = await (await get(`/reports/campaigns/${campaignId}?region=350102`, fuzhou)).text();
    const href = /<a href="([^"]+\.xlsx[^"]*)"/.exec(html)![1]!.replaceAll("&amp;", "&");
    expect(href).toContain("link=");
    const book = await workbook(await get(`/reports/campaigns/${href}`));
    expect(rowsOf(book, "按区县").slice(0, -1).map((r) => r[0])).toEqual(["350102"]);

    // A token with 60 s left asks for links: they expire with it, not TTL seconds on.
    const shortLived = await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" }, "60s");
    const links = await t.gql<{ campaignReportLinks: { expiresAt: string } }>(LINKS, { c: campaignId }, { token: shortLived });
    expect(links.errors).toBeUndefined();
    expect(new Date(links.data!.campaignReportLinks.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 61_000);

    // Reports are read, never written to: another method is 405 with Allow.
    const posted = await fetch(`${t.url.replace(/\/graphql$/, "")}/reports/campaigns/${campaignId}.xlsx`, { method: "POST", headers: { authorization: `Bearer ${admin}` } });
    expect([posted.status, posted.headers.get("allow")]).toEqual([405, "GET"]);
  });

  it("counts as referralCompliance does, hires through referrals, a past day's withdrawals and hires, and the day each reached their minimum", async () => {
    const employer = await makeEmployer(t.db);
    const postings = await Promise.all([1, 2, 3, 4].map(() => makePosting(t.db, { employerId: employer.id, minEducation: "NONE" })));
    // Made in the past (inside the window): one reached the minimum five days ago, one four days ago and
    // had a referral withdrawn today; one hired today.
    const back = async (referralId: string, daysAgo: number) =>
      t.db.execute(sql`with moved as (update referrals set made_at = now() - make_interval(days => ${daysAgo}), status_at = now() - make_interval(days => ${daysAgo}) where id = ${referralId} returning id)
                       update referral_events set at = now() - make_interval(days => ${daysAgo}) where referral_id in (select id from moved)`);
    const early = await makePerson(t, { name: "五天前达标" });
    for (const [i, ago] of [7, 6, 5].entries()) await back((await makeReferral(t.db, early.id, postings[i]!.id)).id, ago);
    const lapsed = await makePerson(t, { name: "今天撤回" });
    const lapsedReferrals: string[] = [];
    for (const [i, ago] of [4, 4, 4].entries()) {
      const r = await makeReferral(t.db, lapsed.id, postings[i]!.id);
      await back(r.id, ago);
      lapsedReferrals.push(r.id);
    }
    const hire = await makePerson(t, { name: "今天入职" });
    const hired = await makeReferral(t.db, hire.id, postings[3]!.id);
    // Registered, and in their categories, ten days ago.
    const ids = [early.id, lapsed.id, hire.id];
    await t.db.execute(sql`update people set created_at = now() - interval '10 days' where id = any(${sql.param(ids)}::uuid[])`);
    await t.db.execute(sql`update person_category_history set valid_from = now() - interval '10 days' where person_id = any(${sql.param(ids)}::uuid[])`);
    const move = (r: string, status: string) => t.gql(`mutation($r: ID!, $s: ReferralStatus!) { updateReferralStatus(referralId: $r, status: $s) { status } }`, { r, s: status }, { token: admin });
    expect((await move(lapsedReferrals[0]!, "WITHDRAWN")).errors).toBeUndefined();
    expect((await move(hired.id, "HIRED")).errors).toBeUndefined();

    // Today: the lapsed one is below, the hire counts; the same totals as referralCompliance (its own statement).
    const today = await progress("REGION");
    const compliance = await t.gql<{ referralCompliance: { total: number; atMinimum: number; belowMinimum: number } }>(
      `query($c: ID) { referralCompliance(campaignId: $c) { total atMinimum belowMinimum } }`,
      { c: campaignId },
      { token: admin },
    );
    expect(compliance.errors).toBeUndefined();
    const c = compliance.data!.referralCompliance;
    expect([today.total.withMinimum, today.total.atMinimum, today.total.belowMinimum]).toEqual([c.total, c.atMinimum, c.belowMinimum]);
    const book = await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin));
    const totalRow = rowsOf(book, "按地市").at(-1)!;
    expect(totalRow[11]).toBe(today.total.hiredThroughReferral);
    // Yesterday: the lapsed one was at their minimum (withdrawn today), the hire had not happened.
    const yesterday = await t.gql<{ campaignProgress: { total: { atMinimum: number; hiredThroughReferral: number } } }>(
      `query($c: ID, $d: LocalDate) { campaignProgress(campaignId: $c, groupBy: REGION, asOf: $d) { total { atMinimum hiredThroughReferral } } }`,
      { c: campaignId, d: serviceToday(days(-1)) },
      { token: admin },
    );
    expect(yesterday.errors).toBeUndefined();
    const hiredToday = await queryRows<{ n: number }>(t.db, sql`select count(distinct person_id)::int as n from referrals where status = 'HIRED'`);
    expect(yesterday.data!.campaignProgress.total.hiredThroughReferral).toBe(0);
    expect(today.total.hiredThroughReferral).toBe(hiredToday[0]!.n);
    expect(yesterday.data!.campaignProgress.total.atMinimum).toBe(2); // 五天前达标 and 今天撤回 (the fixture's referrals were made today)

    // The curve: one more on the day 五天前达标's third referral was made, and it ends at those at their minimum now.
    const report = await campaignReport(t.db, { kind: "user", userId: "admin", role: Role.ADMIN }, (await campaignNamed(t.db, campaignId))!);
    const on = (day: string) => report.curve.find((d) => d.day === day)!.reached;
    expect(on(serviceToday(days(-5))) - on(serviceToday(days(-6)))).toBe(1);
    expect(on(serviceToday(days(-4)))).toBe(on(serviceToday(days(-5)))); // 今天撤回 is below now: not on the curve
    expect(report.curve.at(-1)!.reached).toBe(today.total.atMinimum);
  });

  it("a closed campaign's report holds the figures frozen when it closed, whatever happens after", async () => {
    const closed = await t.gql<{ closeCampaign: { figuresFrozenAt: string } }>(`mutation($id: ID!) { closeCampaign(id: $id) { figuresFrozenAt } }`, { id: campaignId }, { token: admin });
    expect(closed.errors).toBeUndefined();
    const frozen = await progress("REGION");
    const read = async () => rowsOf(await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin)), "按地市");
    const atClose = await read();
    expect(atClose.slice(0, -1).map((r) => [r[0], r[2], r[4], r[5]])).toEqual(frozen.rows.map((r) => [r.key, r.registered, r.atMinimum, r.belowMinimum]));
    // Someone registered after the close is not in it; a referral withdrawn after it changes nothing.
    const belowAtClose = rowsOf(await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin)), "低于推荐下限人员");
    expect(belowAtClose).toHaveLength(frozen.total.belowMinimum);
    await makePerson(t, { name: "结束后登记" });
    const withdrawn = await t.gql(`mutation($r: ID!) { updateReferralStatus(referralId: $r, status: WITHDRAWN) { status } }`, { r: atMinimumReferrals[0] }, { token: admin });
    expect(withdrawn.errors).toBeUndefined();
    expect(await read()).toEqual(atClose);
    expect(rowsOf(await workbook(await get(`/reports/campaigns/${campaignId}.xlsx`, admin)), "低于推荐下限人员")).toEqual(belowAtClose);
    const page = await (await get(`/reports/campaigns/${campaignId}`, admin)).text();
    expect(page).toContain("数据已冻结");
    expect(page).toContain(`<span id="curve-last">${frozen.total.atMinimum}</span>`);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("a streamed read stopped early closes its cursor and gives its connection back (PostgreSQL)", async () => {
    const pool = (t.db as unknown as { $client: { totalCount: number; idleCount: number; waitingCount: number } }).$client;
    for (let i = 0; i < 25; i++) {
      let batches = 0;
      for await (const batch of streamRows<{ g: number }>(t.db, sql`select g from generate_series(1, 1000000) g`, 100)) {
        expect(batch.map((r) => r.g)).toEqual(Array.from({ length: 100 }, (_, k) => batches * 100 + k + 1));
        if (++batches === 2) break;
      }
    }
    // More early stops (25) than the pool has connections (20), and every one is back, idle.
    expect(pool.waitingCount).toBe(0);
    expect(pool.idleCount).toBe(pool.totalCount);
  });
});
