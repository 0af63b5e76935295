import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { runCli } from "../../src/cli/commands.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { createLogger } from "../../src/logger.js";
import { CampaignRunner } from "../../src/modules/referrals/campaign-run.worker.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, unique, openCampaignWindow } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";
import { buildServer } from "../helpers/server-process.js";
import { projectRoot } from "../../src/paths.js";

const FULFIL = `mutation($s: FulfilScopeInput!) { fulfilReferralMinimums(scope: $s) { id status total processed created stillBelow } }`;
const RUN = `query($id: ID!) { campaignRun(id: $id) {
  id status total processed created stillBelow reasons { reason count }
  stillBelowPeople { personId remaining reason person { id } }
} }`;
type Run = { id: string; status: string; total: number; processed: number; created: number; stillBelow: number; reasons: { reason: string; count: number }[]; stillBelowPeople: { personId: string; remaining: number; reason: string; person: { id: string } | null }[] };

describe("campaign runs (fulfilReferralMinimums)", () => {
  let t: TestApp;
  let fuzhou: string;
  let admin: string;

  /** A key-group graduate of Fuzhou (minimum 3) whom the accountancy postings fit. */
  const accountant = async (schoolId: string, overrides: Record<string, unknown> = {}) =>
    (await makePerson(t, { institutionId: schoolId, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"], ...overrides })).id;
  /** A key-group graduate for whom nothing fits: no postings in their county, and not willing to move. */
  const strandedIn = async (county: string, schoolId: string) =>
    (await makePerson(t, { institutionId: schoolId, householdRegionCode: county, originRegionCode: county, degreeLevel: "BACHELOR", intentionKeywords: ["会计"] })).id;
  /** Each test's own people: a school (its scope) with `fit` accountants and `stranded` people of `county`. */
  const cohort = async (fit: number, stranded = 0, county = "350902") => {
    const schoolId = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    const fits: string[] = [];
    const strandedIds: string[] = [];
    for (let i = 0; i < fit; i++) fits.push(await accountant(schoolId));
    for (let i = 0; i < stranded; i++) strandedIds.push(await strandedIn(county, schoolId));
    return { schoolId, fits, stranded: strandedIds };
  };
  // Referrals, and duplicates among them (there must never be any).
  const tally = async () =>
    (await queryRows<{ n: number; pairs: number; runs: number }>(t.db, sql`select count(*)::int as n, count(distinct (person_id, posting_id))::int as pairs, (select count(*)::int from campaign_runs) as runs from referrals`))[0]!;
  const progressOf = async (id: string) =>
    (await t.gql<{ person: { referralProgress: { required: number; counted: number; met: boolean }[] } }>(`query($id: ID!) { person(id: $id) { referralProgress { required counted met } } }`, { id }, { token: admin })).data!.person.referralProgress[0] ?? { required: 0, counted: 0, met: true };
  const run = async (id: string, token = admin) => {
    const r = await t.gql<{ campaignRun: Run }>(RUN, { id }, { token });
    if (r.errors && process.env.DEBUG_LOGS) console.log(JSON.stringify(r.errors), t.logs.filter((l) => l.includes("error")).slice(-3).join("\n").slice(0, 2000));
    expect(r.errors).toBeUndefined();
    return r.data!.campaignRun;
  };
  const fulfil = async (scope: Record<string, unknown>, token = admin) => {
    const started = await t.gql<{ fulfilReferralMinimums: Run }>(FULFIL, { s: scope }, { token });
    expect(started.errors).toBeUndefined();
    return started.data!.fulfilReferralMinimums;
  };

  beforeAll(async () => {
    t = await startTestApp({}, { captureLogs: !!process.env.DEBUG_LOGS });
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    fuzhou = await t.token({ sub: "cw-fz", role: Role.CASEWORKER, regionCode: "3501" });
    await openCampaignWindow(t.db);
    // The postings every test's accountants fit: twelve in Fuzhou, three firms.
    const firms = await Promise.all([1, 2, 3].map(() => makeEmployer(t.db, { regionCode: "350102" })));
    for (let i = 0; i < 12; i++) await makePosting(t.db, { employerId: firms[i % 3]!.id, regionCode: i % 2 ? "350102" : "350104", title: `会计${unique()}`, minEducation: "ASSOCIATE", validUntil: days(30) });
    await t.app.search.drain();
  });
  afterAll(() => t.close());

  it("refuses bad scopes and callers with a code, starting nothing", async () => {
    const { fits, stranded } = await cohort(1, 1);
    const before = await tally();
    const two = await t.gql(FULFIL, { s: { regionCode: "3501", categoryCode: "KG5_COHORT_UNEMPLOYED" } }, { token: admin });
    expect(two.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scope" });
    expect((await t.gql(FULFIL, { s: { regionCode: "3599" } }, { token: admin })).errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scope.regionCode" });
    expect(codeOf(await t.gql(FULFIL, { s: { categoryCode: "NO_SUCH" } }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(FULFIL, { s: { personId: stranded[0] } }, { token: await t.token({ sub: "cw-xm", role: Role.CASEWORKER, regionCode: "3502" }) }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(FULFIL, { s: { regionCode: "35" } }, { token: await t.token({ sub: "e", role: Role.EMPLOYER, employerId: (await makeEmployer(t.db)).id }) }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(RUN, { id: "00000000-0000-7000-8000-000000000000" }, { token: await t.token({ sub: "s", role: Role.SEEKER, personId: fits[0]! }) }))).toBe("FORBIDDEN");
    // Outside the active campaign's window referrals would not count: no run.
    await t.db.execute(sql`update campaigns set ends_on = '2020-12-31' where status = 'ACTIVE'`);
    expect(codeOf(await t.gql(FULFIL, { s: { regionCode: "35" } }, { token: admin }))).toBe("CONFLICT");
    await openCampaignWindow(t.db);
    expect(await tally()).toEqual(before);
  });

  it("brings everyone who can be to the minimum, lists the rest with the reason; a second run creates nothing", async () => {
    const { schoolId, fits, stranded } = await cohort(6, 2);
    const started = await fulfil({ institutionId: schoolId });
    expect(started).toMatchObject({ status: "QUEUED", total: 8, processed: 0 });
    await t.app.runner.drain();
    const done = await run(started.id);
    expect(done).toMatchObject({ status: "DONE", total: 8, processed: 8, created: 18, stillBelow: 2 });
    expect(done.reasons).toEqual([{ reason: expect.stringMatching(/没有符合条件的在招岗位/), count: 2 }]);
    expect(done.stillBelowPeople.map((p) => p.personId).sort()).toEqual([...stranded].sort());
    expect(done.stillBelowPeople.every((p) => p.remaining === 3 && p.person !== null)).toBe(true);
    for (const id of fits) expect(await progressOf(id)).toEqual({ required: 3, counted: 3, met: true });
    const [sys] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where source = 'SYSTEM' and campaign_run_id = ${done.id} and fitted`);
    expect(sys!.n).toBe(18);
    // Each referral made with its first event, and its person told: once each, never for a pair already referred.
    const told = await queryRows<{ events: number; recommended: number; notices: number }>(
      t.db,
      sql`select (select count(*)::int from referral_events e where e.referral_id = r.id) as events,
                 (select count(*)::int from referral_events e where e.referral_id = r.id and e.to_status = 'RECOMMENDED' and e.from_status is null and e.by = 'system:fulfil') as recommended,
                 (select count(*)::int from notifications n where n.referral_id = r.id and n.kind = 'REFERRAL' and n.person_id = r.person_id) as notices
          from referrals r where r.campaign_run_id = ${done.id}`,
    );
    expect(told).toHaveLength(18);
    expect(told.every((r) => r.events === 1 && r.recommended === 1 && r.notices === 1)).toBe(true);

    const before = await tally();
    const again = await fulfil({ institutionId: schoolId });
    await t.app.runner.drain();
    const second = await run(again.id);
    expect(second).toMatchObject({ status: "DONE", total: 2, created: 0, stillBelow: 2 });
    expect((await tally()).n).toBe(before.n);
    const [events] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referral_events e join referrals r on r.id = e.referral_id where r.person_id = any(${sql.param([...fits, ...stranded])}::uuid[])`);
    expect(events!.n).toBe(18);
    // A caseworker sees their own runs only.
    expect((await t.gql<{ campaignRun: Run | null }>(RUN, { id: second.id }, { token: fuzhou })).data!.campaignRun).toBeNull();
  });

  it("survives a crash mid-run: the failed batch leaves nothing, a restarted runner finishes, no duplicates", async () => {
    const { schoolId, fits: people } = await cohort(7, 2);
    const started = await fulfil({ institutionId: schoolId }, fuzhou);
    const id = started.id;
    // The seven: the two stranded are of the same institution but Ningde's, outside a Fuzhou caseworker's scope.
    expect(started.total).toBe(7);
    const log = createLogger("silent");
    const first = new CampaignRunner(t.db, t.app.search.engine, log, 0, 3);
    await first.drain({ maxBatches: 1 });
    expect((await run(id, fuzhou)).processed).toBe(3);
    const before = await tally();
    await expect(first.drain({ beforeCommit: () => { throw new Error("the process died"); } })).rejects.toThrow("the process died");
    expect(await tally()).toEqual(before); // the batch in flight rolled back whole
    expect((await run(id, fuzhou)).processed).toBe(3);
    await new CampaignRunner(t.db, t.app.search.engine, log, 0, 3).drain(); // "after a restart"
    const finished = await run(id, fuzhou);
    expect(finished).toMatchObject({ status: "DONE", processed: 7, created: 21, stillBelow: 0 });
    const after = await tally();
    expect(after.n).toBe(after.pairs);
    for (const person of people) expect(await progressOf(person)).toMatchObject({ counted: 3, met: true });
  });

  it("two runs at once over the same people never duplicate and never overshoot", async () => {
    const { schoolId, fits: people } = await cohort(6);
    // Two runs over the same people, worked by two runners at once.
    const a = (await fulfil({ institutionId: schoolId })).id;
    const b = (await fulfil({ institutionId: schoolId })).id;
    const log = createLogger("silent");
    await Promise.all([new CampaignRunner(t.db, t.app.search.engine, log, 0, 2).drain(), new CampaignRunner(t.db, t.app.search.engine, log, 0, 2).drain()]);
    for (const id of [a, b]) expect((await run(id)).status).toBe("DONE");
    const after = await tally();
    expect(after.n).toBe(after.pairs);
    for (const person of people) expect(await progressOf(person)).toEqual({ required: 3, counted: 3, met: true });
    // Nobody left below without a reason.
    const [silent] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from campaign_run_items where state = 'BELOW' and (reason is null or reason = '') and run_id = any(${sql.param([a, b])}::uuid[])`);
    expect(silent!.n).toBe(0);
  });

  it("the CLI starts and works a run with its own engine and prints the outcome", async () => {
    const { fits: [person] } = await cohort(1);
    const out: string[] = [];
    const env = { NODE_ENV: "test", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "silent" };
    expect(await runCli(["fulfil", "--person", person!], env, { out: (s) => out.push(s), err: () => undefined }, { database: t.app.database })).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ status: "DONE", total: 1, processed: 1, created: 3, stillBelow: 0 });
    expect(await progressOf(person!)).toMatchObject({ counted: 3, met: true });
    expect(await runCli(["fulfil", "--region", "3501", "--person", person!], env, { out: () => undefined, err: () => undefined }, { database: t.app.database }).catch((e: Error) => e.message)).toMatch(/exactly one/);
  });

  // A runner thread needs the compiled thread script and a PostgreSQL server (PGlite lives in one thread).
  it.skipIf(!process.env.DATABASE_URL)("on PostgreSQL the compiled CLI works a run in runner threads, each with its copy of the index: each person served once, to the minimum", async () => {
    await buildServer();
    const { schoolId, fits } = await cohort(40);
    const before = await tally();
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(projectRoot, ".replica-build/src/cli/main.js"), ...args], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: (t.config.database as { url: string }).url },
      });
    expect((await cli(["fulfil", "--institution", schoolId, "--threads", "x"]).catch((e: { code: number; stderr: string }) => e)) as { code: number; stderr: string }).toMatchObject({ code: 2, stderr: expect.stringMatching(/--threads/) });
    expect((await tally()).runs).toBe(before.runs);
    // Two runner threads (the main thread only builds the index they copy), batches of 2 people.
    const { stdout } = await cli(["fulfil", "--institution", schoolId, "--threads", "2", "--batch", "2"]);
    expect(JSON.parse(stdout)).toMatchObject({ status: "DONE", total: 40, processed: 40, created: 120, stillBelow: 0, runnerThreads: 2 });
    const after = await tally();
    expect(after.n - before.n).toBe(120);
    expect(after.pairs).toBe(after.n);
    for (const person of fits) expect(await progressOf(person)).toMatchObject({ counted: 3, met: true });
    const [items] = await queryRows<{ done: number; once: number }>(t.db, sql`select count(*) filter (where i.state = 'DONE' and i.attempts = 1)::int as done, count(distinct i.person_id)::int as once from campaign_run_items i join campaign_runs r on r.id = i.run_id where r.status = 'DONE' and i.person_id = any(${sql.param(fits)}::uuid[])`);
    expect(items).toEqual({ done: 40, once: 40 });
  }, 180_000);

  it("referralCompliance and campaignProgress show who meets the minimum and who is still below, and why", async () => {
    const COMPLIANCE = `query($f: ReferralComplianceFilter, $first: Int, $after: ID) { referralCompliance(filter: $f, first: $first, after: $after) {
      total atMinimum belowMinimum nextCursor below { person { id } required counted remaining lastRunReason } } }`;
    type Compliance = { referralCompliance: { total: number; atMinimum: number; belowMinimum: number; nextCursor: string | null; below: { person: { id: string }; required: number; counted: number; remaining: number; lastRunReason: string | null }[] } };
    // Its own people: two accountants of Fuzhou and two of Nanping for whom nothing fits, one school; one run.
    const { schoolId, stranded } = await cohort(2, 2, "350702");
    const started = await fulfil({ institutionId: schoolId });
    await t.app.runner.drain();
    expect(await run(started.id)).toMatchObject({ status: "DONE", stillBelow: 2 });
    const mine = { institutionId: schoolId };
    const all = (await t.gql<Compliance>(COMPLIANCE, { f: mine }, { token: admin })).data!.referralCompliance;
    const [truth] = await queryRows<{ n: number }>(t.db, sql`select count(distinct pc.person_id)::int as n from person_categories pc join target_categories tc on tc.id = pc.category_id join people p on p.id = pc.person_id where tc.min_referrals > 0 and p.institution_id = ${schoolId}`);
    expect(all.total).toBe(truth!.n);
    expect(all).toMatchObject({ total: 4, atMinimum: 2, belowMinimum: 2 });
    expect(all.below.map((b) => b.person.id).sort()).toEqual([...stranded].sort());
    expect(all.below[0]).toMatchObject({ required: 3, counted: 0, remaining: 3, lastRunReason: expect.stringMatching(/没有符合条件/) });
    // By region: Nanping's below are these two alone.
    expect((await t.gql<Compliance>(COMPLIANCE, { f: { regionCode: "3507" } }, { token: admin })).data!.referralCompliance).toMatchObject({ belowMinimum: 2 });
    // Pages, and the caller's scope: a Fuzhou caseworker does not see Nanping's people.
    const page1 = (await t.gql<Compliance>(COMPLIANCE, { f: mine, first: 1 }, { token: admin })).data!.referralCompliance;
    const page2 = (await t.gql<Compliance>(COMPLIANCE, { f: mine, first: 1, after: page1.nextCursor }, { token: admin })).data!.referralCompliance;
    expect([...page1.below, ...page2.below].map((b) => b.person.id).sort()).toEqual([...stranded].sort());
    expect(page2.nextCursor).toBeNull();
    // The same people as a Relay connection, by person id, both ways.
    const CONNECTION = `query($f: ReferralComplianceFilter, $first: Int, $after: String, $last: Int, $before: String) { referralCompliance(filter: $f) {
      belowPeople(first: $first, after: $after, last: $last, before: $before) { totalCount edges { node { person { id } remaining } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    type Connection = { referralCompliance: { belowPeople: { totalCount: number; edges: { node: { person: { id: string }; remaining: number } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } } } };
    const below = async (vars: Record<string, unknown>) => (await t.gql<Connection>(CONNECTION, { f: mine, ...vars }, { token: admin })).data!.referralCompliance.belowPeople;
    const ids = (c: Awaited<ReturnType<typeof below>>) => c.edges.map((e) => e.node.person.id);
    const byId = [...stranded].sort();
    const ahead = await below({ first: 1 });
    expect([ids(ahead), ahead.totalCount, ahead.pageInfo.hasNextPage, ahead.pageInfo.hasPreviousPage]).toEqual([[byId[0]], 2, true, false]);
    const next = await below({ first: 1, after: ahead.pageInfo.endCursor });
    expect([ids(next), next.pageInfo.hasNextPage, next.pageInfo.hasPreviousPage]).toEqual([[byId[1]], false, true]);
    const last = await below({ last: 1 });
    expect([ids(last), last.pageInfo.hasPreviousPage, last.pageInfo.hasNextPage]).toEqual([[byId[1]], true, false]);
    const before = await below({ last: 5, before: last.pageInfo.startCursor });
    expect([ids(before), before.pageInfo.hasPreviousPage, before.pageInfo.hasNextPage]).toEqual([[byId[0]], false, true]);
    expect(ids(await below({}))).toEqual(byId);
    expect((await t.gql<Compliance>(COMPLIANCE, { f: mine }, { token: fuzhou })).data!.referralCompliance).toMatchObject({ total: 2, belowMinimum: 0, below: [] });
    expect((await t.gql<Compliance>(COMPLIANCE, { f: { ...mine, categoryCode: "KG9_HUBEI_IN_FUJIAN" } }, { token: admin })).data!.referralCompliance.total).toBe(0);
    expect((await t.gql<Compliance>(COMPLIANCE, { f: { ...mine, population: "POVERTY_LABOURER" } }, { token: admin })).data!.referralCompliance.total).toBe(0);
    expect(codeOf(await t.gql(COMPLIANCE, { first: 101 }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(COMPLIANCE, { f: { regionCode: "3" } }, { token: admin }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql(COMPLIANCE, {}, { token: await t.token({ sub: "s", role: Role.SEEKER, personId: stranded[0]! }) }))).toBe("FORBIDDEN");

    const PROGRESS = `query($asOf: LocalDate) { campaignProgress(groupBy: REGION, asOf: $asOf) { total { registered withMinimum atMinimum belowMinimum hiredThroughReferral } rows { key atMinimum belowMinimum } } }`;
    type Progress = { campaignProgress: { total: { registered: number; withMinimum: number; atMinimum: number; belowMinimum: number; hiredThroughReferral: number }; rows: { key: string; atMinimum: number; belowMinimum: number }[] } };
    const today = (await t.gql<Progress>(PROGRESS, {}, { token: admin })).data!.campaignProgress;
    expect(today.rows.find((r) => r.key === "350700")).toMatchObject({ belowMinimum: 2, atMinimum: 0 });
    expect(today.total.belowMinimum).toBeGreaterThanOrEqual(2);
    expect(today.total.withMinimum).toBe(today.total.atMinimum + today.total.belowMinimum);
    // Yesterday nobody had been referred yet.
    const yesterday = (await t.gql<Progress>(PROGRESS, { asOf: serviceToday(days(-1)) }, { token: admin })).data!.campaignProgress;
    expect(yesterday.total.atMinimum).toBe(0);
  });

  it("sets aside, with the error as the reason, people whose batch keeps failing, and still finishes the run", async () => {
    const { fits: [person] } = await cohort(1);
    const id = (await fulfil({ personId: person })).id;
    const runner = new CampaignRunner(t.db, t.app.search.engine, createLogger("silent"), 0, 10);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(runner.drain({ beforeCommit: () => { throw new Error("engine unreachable"); } })).rejects.toThrow("engine unreachable");
    }
    const r = await run(id);
    expect(r).toMatchObject({ status: "DONE", processed: 1, created: 0, stillBelow: 1 });
    expect(r.reasons[0]!.reason).toMatch(/处理出错，已重试3次：engine unreachable/);
  });

  it("reads the people left below in a constant number of statements, however many there are", async () => {
    const statementsFor = async (stranded: number, county: string) => {
      const { schoolId } = await cohort(0, stranded, county);
      const started = await fulfil({ institutionId: schoolId });
      await t.app.runner.drain();
      const r = await t.gql<{ campaignRun: Run }>(RUN, { id: started.id }, { token: admin });
      expect(r.errors).toBeUndefined();
      expect(r.data!.campaignRun.stillBelowPeople.filter((p) => p.person !== null)).toHaveLength(stranded);
      return r.sqlStatements;
    };
    const two = await statementsFor(2, "350921");
    const twelve = await statementsFor(12, "350922");
    expect(Number.isFinite(two)).toBe(true);
    expect(twelve).toBe(two);
  });
});
