import { existsSync, mkdirSync, statSync } from "node:fs";
import { CHROMIUM, runChromium } from "../helpers/chromium.js";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { days, makeEmployer, makePerson, makePosting, makeReferral, XIAMEN_SIMING } from "../helpers/factories.js";
import { standardTokens, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 17: the page of charts in a real browser — Debian's headless Chromium opens it through a
 * signed link (as an official's browser would, with no Authorization header), and the test reads the
 * DOM Chromium built: the four SVG charts, their axis labels, and the figures the database holds.
 * A screenshot is kept in test/artifacts/. CI installs chromium and sets REQUIRE_BROWSER=1, so there
 * a missing browser fails rather than skips.
 */


describe("the report page in a real browser (issue 17)", () => {
    let t: TestApp;
  let admin: string;
  let campaignId: string;

  beforeAll(async () => {
    if (!CHROMIUM) return;
    t = await startTestApp();
    ({ admin } = await standardTokens(t));
    await t.db.execute(sql`update campaigns set starts_on = ${serviceToday(days(-14))}::date, ends_on = ${serviceToday(days(60))}::date where status = 'ACTIVE'`);
    campaignId = (await queryRows<{ id: string }>(t.db, sql`select id from campaigns where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES'`))[0]!.id;
    const employer = await makeEmployer(t.db);
    const postings = await Promise.all([1, 2, 3].map(() => makePosting(t.db, { employerId: employer.id, minEducation: "NONE" })));
    for (const n of [0, 1, 2]) {
      const person = await makePerson(t);
      for (const p of postings.slice(0, n + 1)) await makeReferral(t.db, person.id, p.id);
    }
    await makePerson(t, { householdRegionCode: XIAMEN_SIMING });
  });
  afterAll(() => t?.close());

  it.runIf(Boolean(CHROMIUM))("Chromium renders the page: four SVG charts with prefecture and date axes, and the database's figures", async () => {
    const links = await t.gql<{ campaignReportLinks: { page: string } }>(`query($c: ID!) { campaignReportLinks(campaignId: $c) { page } }`, { c: campaignId }, { token: admin });
    expect(links.errors).toBeUndefined();
    const url = `${t.url.replace(/\/graphql$/, "")}${links.data!.campaignReportLinks.page}`;
    const { stdout: dom } = await runChromium(["--dump-dom", url], { timeout: 60_000, maxBuffer: 20_000_000 });
    const progress = await t.gql<{ campaignProgress: { total: { registered: number; atMinimum: number; employed: number }; rows: { label: string }[] } }>(
      `query($c: ID) { campaignProgress(campaignId: $c, groupBy: REGION) { total { registered atMinimum employed } rows { label } } }`,
      { c: campaignId },
      { token: admin },
    );
    const { total, rows } = progress.data!.campaignProgress;
    // The DOM as Chromium parsed it: four inline SVG charts, with text (axis labels, not images).
    expect(dom.match(/<svg\b/g)).toHaveLength(4);
    const svgText = [...dom.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const label of rows.map((r) => r.label)) expect(svgText).toContain(label);
    expect(svgText).toContain(serviceToday(days(-14)));
    expect(svgText).toContain("每日累计达到推荐下限人数");
    expect(dom).toContain(`<span id="registered">${total.registered}</span>`);
    expect(dom).toContain(`<span id="at-minimum">${total.atMinimum}</span>`);
    expect(dom).toContain(`<span id="curve-last">${total.atMinimum}</span>`);
    expect(total.atMinimum).toBe(1);
    const dir = join(process.cwd(), "test", "artifacts");
    mkdirSync(dir, { recursive: true });
    const shot = join(dir, `report-page-${process.env.DATABASE_URL ? "postgres" : "pglite"}.png`);
    await runChromium(["--hide-scrollbars", "--window-size=794,3000", `--screenshot=${shot}`, url], { timeout: 60_000 });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  }, 120_000);
});
