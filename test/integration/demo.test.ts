import { createClient } from "graphql-ws";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { banner } from "../../src/banner.js";
import { serviceToday } from "../../src/dates.js";
import { demoCampaignWindow } from "../../seed/campaigns.js";
import { seedDemo, type DemoSummary } from "../../seed/demo.js";
import { days } from "../helpers/factories.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 16, "the demo runs a live campaign": what a newcomer does first, with the banner's tokens,
 * on the seeded demo — this year's campaign is ACTIVE, a recommendation counts in it, fulfil brings
 * a region to its minimum, and the banner's fair answers a subscription.
 */

type Progress = { campaign: { id: string; code: string }; required: number; counted: number; met: boolean };
type Compliance = { referralCompliance: { total: number; atMinimum: number; belowMinimum: number } };
const COMPLIANCE = `query($c: ID, $r: String) { referralCompliance(campaignId: $c, filter: { regionCode: $r }) { total atMinimum belowMinimum } }`;
const PROGRESS = `query($p: ID!, $c: ID) { person(id: $p) { referralProgress(campaignId: $c) { campaign { id code } required counted met } matches(first: 3) { items { posting { id } } } } }`;

describe("the demo (npm start on a fresh database)", () => {
  let t: TestApp;
  let summary: DemoSummary;
  let admin: string;
  let fuzhou: string;
  let printed: string;

  beforeAll(async () => {
    t = await startTestApp();
    summary = (await seedDemo(t.db, t.app.log, { jwtSecret: "x".repeat(32), piiKey: t.config.pii.key, fujianPostings: 600, people: 300 }))!;
    await t.app.search.drain();
    await t.app.runner.drain(); // the runs the seed queued (the server's runner works them on its own)
    admin = await t.token({ sub: "demo-admin", role: Role.ADMIN });
    fuzhou = await t.token({ sub: "demo-caseworker", role: Role.CASEWORKER, regionCode: "3501" });
    printed = await banner(t.config, t.url, t.db);
  }, 180_000);
  afterAll(() => t.close());

  it("runs this year's key-group campaign and poverty-labour action (2020 closed), and the banner names the campaign and the fair", async () => {
    const today = serviceToday();
    const listed = await t.gql<{ campaigns: { id: string; code: string; kind: string; status: string; startsOn: string; endsOn: string }[] }>(`{ campaigns { id code kind status startsOn endsOn } }`, {}, { token: fuzhou });
    const byStatus = (s: string) => listed.data!.campaigns.filter((c) => c.status === s);
    const active = byStatus("ACTIVE");
    expect(active.map((c) => c.kind).sort()).toEqual(["KEY_GROUP_GRADUATES", "POVERTY_LABOUR"]);
    for (const c of active) expect(c.startsOn <= today && today <= c.endsOn).toBe(true);
    expect(byStatus("CLOSED").map((c) => c.code)).toEqual(["FJ-2020-KG"]);
    expect(active.find((c) => c.kind === "KEY_GROUP_GRADUATES")!.id).toBe(summary.currentCampaignId);
    expect(printed).toContain(summary.currentCampaignId);
    expect(printed).toContain(summary.fairId);
    expect(printed).not.toContain("outside its window");
  });

  it("has people at their minimum (Xiamen, fulfilled by the seeded run) and below it (Fuzhou), and mentors paired", async () => {
    const xiamen = await t.gql<Compliance>(COMPLIANCE, { c: summary.currentCampaignId, r: "3502" }, { token: admin });
    const fz = await t.gql<Compliance>(COMPLIANCE, { c: summary.currentCampaignId, r: "3501" }, { token: admin });
    expect(xiamen.data!.referralCompliance.total).toBeGreaterThan(0);
    expect(xiamen.data!.referralCompliance.atMinimum).toBeGreaterThan(0);
    expect(fz.data!.referralCompliance.belowMinimum).toBeGreaterThan(0);
    const mentors = await t.gql<{ mentors: { edges: { node: { activeMentees: number } }[] } }>(`{ mentors(first: 20) { edges { node { activeMentees } } } }`, {}, { token: admin });
    expect(mentors.data!.mentors.edges.length).toBe(9);
    expect(mentors.data!.mentors.edges.reduce((n, e) => n + e.node.activeMentees, 0)).toBeGreaterThan(0);
  });

  it("a caseworker's first recommendation raises the graduate's progress in the current campaign; fulfil brings Fuzhou to its minimums", async () => {
    const personId = /below their minimum: person ([0-9a-f-]{36})/.exec(printed)![1]!;
    const before = await t.gql<{ person: { referralProgress: Progress[]; matches: { items: { posting: { id: string } }[] } } }>(PROGRESS, { p: personId, c: summary.currentCampaignId }, { token: fuzhou });
    const [progress] = before.data!.person.referralProgress;
    expect(progress).toMatchObject({ campaign: { id: summary.currentCampaignId }, counted: 0, met: false });
    expect(progress!.required).toBeGreaterThan(0);
    const posting = before.data!.person.matches.items[0]!.posting.id;
    const made = await t.gql(`mutation($p: ID!, $x: [ID!]!) { recommendPostings(personId: $p, postingIds: $x) { referral { id } } }`, { p: personId, x: [posting] }, { token: fuzhou });
    expect(made.errors).toBeUndefined();
    const after = await t.gql<{ person: { referralProgress: Progress[] } }>(PROGRESS, { p: personId, c: summary.currentCampaignId }, { token: fuzhou });
    expect(after.data!.person.referralProgress[0]!.counted).toBe(1);

    const run = await t.gql<{ fulfilReferralMinimums: { id: string } }>(
      `mutation($c: ID) { fulfilReferralMinimums(campaignId: $c, scope: { regionCode: "3501" }) { id } }`,
      { c: summary.currentCampaignId },
      { token: fuzhou },
    );
    expect(run.errors).toBeUndefined();
    await t.app.runner.drain();
    const done = await t.gql<{ campaignRun: { status: string; created: number; stillBelow: number } }>(`query($id: ID!) { campaignRun(id: $id) { status created stillBelow } }`, { id: run.data!.fulfilReferralMinimums.id }, { token: fuzhou });
    expect(done.data!.campaignRun.status).toBe("DONE");
    expect(done.data!.campaignRun.created).toBeGreaterThan(0);
    const fz = await t.gql<Compliance>(COMPLIANCE, { c: summary.currentCampaignId, r: "3501" }, { token: fuzhou });
    // Everyone a fitting posting exists for is at the minimum; those left are the run's listed remainder.
    expect(fz.data!.referralCompliance.belowMinimum).toBe(done.data!.campaignRun.stillBelow);
    expect(fz.data!.referralCompliance.atMinimum).toBeGreaterThan(fz.data!.referralCompliance.belowMinimum);
  });

  it("the banner's fair is OPEN with booths and sessions, and its fairEvents subscribers hear it go LIVE", async () => {
    const fair = await t.gql<{ jobFair: { status: string; sessions: { kind: string }[] } }>(`query($f: ID!) { jobFair(id: $f) { status sessions { kind } } }`, { f: summary.fairId }, { token: fuzhou });
    expect(fair.data!.jobFair.status).toBe("OPEN");
    expect(fair.data!.jobFair.sessions.filter((s) => s.kind === "INTERVIEW").length).toBeGreaterThanOrEqual(3);
    const client = createClient({ url: t.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${admin}` }, retryAttempts: 0 });
    const outcome = await new Promise<string>((resolve) => {
      const stop = client.subscribe<{ fairEvents: { kind: string; fairStatus: string | null } }>(
        { query: `subscription($f: ID!) { fairEvents(fairId: $f) { kind fairStatus } }`, variables: { f: summary.fairId } },
        { next: (e) => (stop(), resolve(`${e.data?.fairEvents.kind} ${e.data?.fairEvents.fairStatus}`)), error: (e) => resolve(`error ${JSON.stringify(e)}`), complete: () => resolve("complete") },
      );
      // Once the server holds the subscription, the organiser opens the fair's doors: its subscribers hear it.
      const opened = Date.now();
      const whenSubscribed = setInterval(() => {
        if (t.app.fairEvents.size === 0 && Date.now() - opened < 8_000) return;
        clearInterval(whenSubscribed);
        void t.gql(`mutation($f: ID!) { setJobFairStatus(id: $f, status: LIVE) { status } }`, { f: summary.fairId }, { token: admin }).then((r) => r.errors && resolve(`mutation ${JSON.stringify(r.errors)}`));
      }, 20);
      setTimeout(() => (stop(), resolve("no event within 10 s")), 10_000);
    });
    await client.dispose();
    expect(outcome).toBe("FAIR_STATUS LIVE");
  });

  it("a demo kept past its campaign's window: the banner says today's referrals do not count, and what to do", async () => {
    // The campaign's last day was yesterday (as if the demo database had been kept for months).
    await t.db.execute(sql`update campaigns set starts_on = ${serviceToday(days(-60))}::date, ends_on = ${serviceToday(days(-1))}::date where id = ${summary.currentCampaignId}`);
    const later = await banner(t.config, t.url, t.db);
    expect(later).toContain(`Today (${serviceToday()}) is outside its window`);
    expect(later).toContain("closeCampaign");
  });

  it("looks like Fujian: workshops post workshop jobs only, public-welfare posts come from public service (issue #24)", async () => {
    const rows = await queryRows<{ title: string; kind: string; workshop: boolean; employer: string }>(
      t.db,
      sql`select p.title, p.kind, e.is_poverty_workshop as workshop, e.name as employer from postings p join employers e on e.id = p.employer_id where p.created_by = 'seed:demo' and e.region_code like '35%'`,
    );
    const atWorkshops = rows.filter((r) => r.workshop);
    expect(atWorkshops.length).toBeGreaterThan(0);
    expect(atWorkshops.filter((r) => /软件|护士|教师|医生|专员/.test(r.title))).toEqual([]);
    const welfare = rows.filter((r) => r.kind === "PUBLIC_WELFARE");
    expect(welfare.length).toBeGreaterThan(0);
    expect(welfare.filter((r) => !/(镇人民政府|街道办事处|村民委员会)$/.test(r.employer))).toEqual([]);
  });

  it("picks a key-group campaign window that contains today, whatever the day", () => {
    for (const day of ["2026-12-05", "2026-10-01", "2027-03-15", "2027-01-31", "2027-07-01", "2027-11-30", "2028-02-29"]) {
      const w = demoCampaignWindow(day);
      expect(w.startsOn <= day && day <= w.endsOn, `${day} in ${w.startsOn}…${w.endsOn}`).toBe(true);
      expect(w.cohortYear).toBe(Number(day.slice(5, 7)) >= 7 ? Number(day.slice(0, 4)) : Number(day.slice(0, 4)) - 1);
    }
  });
});
