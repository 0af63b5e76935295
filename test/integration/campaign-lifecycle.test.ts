import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/auth/viewer.js";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { createLogger } from "../../src/logger.js";
import { reevaluateNextPage } from "../../src/modules/categories/reevaluation.service.js";
import { CampaignRunner } from "../../src/modules/referrals/campaign-run.worker.js";
import { days, makeEmployer, makeInstitution, makePerson, makePosting, unique } from "../helpers/factories.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 16, the campaign's life: activating or closing a key-group campaign re-decides everyone's
 * categories by itself (in the background, page by page); two activations at once leave one ACTIVE;
 * closing waits for a batch in flight and freezes what it wrote; a seeker sees their campaign, not
 * the officials who run it.
 */

const CREATE = `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id code } }`;
const ACTIVATE = `mutation($id: ID!) { activateCampaign(id: $id) { id status } }`;
const CLOSE = `mutation($id: ID!) { closeCampaign(id: $id) { id status figuresFrozenAt } }`;
const REEVALUATIONS = `{ categoryReevaluations { reason status people added removed campaignId finishedAt } }`;
const PROGRESS = `query($id: ID!, $c: ID) { person(id: $id) { referralProgress(campaignId: $c) { campaign { code } required counted } } }`;

type Reevaluation = { reason: string; status: string; people: number; added: number; removed: number; campaignId: string | null; finishedAt: string | null };

describe("a campaign's life (issue 16)", () => {
  let t: TestApp;
  let admin: string;
  let kg3: string;
  const today = serviceToday();
  const year = Number(today.slice(0, 4));

  const activeKeyGroup = async (app = t) => (await app.gql<{ campaigns: { id: string; code: string }[] }>(`{ campaigns(status: ACTIVE, kind: "KEY_GROUP_GRADUATES") { id code } }`, {}, { token: admin })).data!.campaigns;
  const closeActiveKeyGroup = async (app = t) => {
    for (const c of await activeKeyGroup(app)) expect((await app.gql(CLOSE, { id: c.id }, { token: admin })).errors).toBeUndefined();
  };
  const createKeyGroup = async (startsOn: string, endsOn: string, app = t) => {
    const made = await app.gql<{ createCampaign: { id: string; code: string } }>(
      CREATE,
      { i: { code: `FJ-${year}-KG-${unique()}`, name: "高校毕业生就业帮扶专项行动", kind: "KEY_GROUP_GRADUATES", cohortYear: year, startsOn, endsOn, categories: [{ categoryId: kg3, minReferrals: 3 }] } },
      { token: admin },
    );
    expect(made.errors).toBeUndefined();
    return made.data!.createCampaign;
  };
  const reevaluations = async () => (await t.gql<{ categoryReevaluations: Reevaluation[] }>(REEVALUATIONS, {}, { token: admin })).data!.categoryReevaluations;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.token({ sub: "admin", role: Role.ADMIN });
    const [row] = await queryRows<{ id: string }>(t.db, sql`select id from target_categories where code = 'KG3_FUJIAN_LONG_UNEMPLOYED' order by version desc limit 1`);
    kg3 = row!.id;
  });
  afterAll(() => t.close());

  it("activating a key-group campaign re-decides everyone's categories in the background, against its cohort and window", async () => {
    // Left school in July 2020, unemployed, from Fujian: of the 2020 cohort, and not yet a year out as the 2020 campaign ended.
    const person = await makePerson(t);
    const held = async () => (await queryRows<{ code: string }>(t.db, sql`select category_code as code from person_categories where person_id = ${person.id} order by 1`)).map((r) => r.code);
    expect(await held()).toEqual(["KG5_COHORT_UNEMPLOYED"]);

    await closeActiveKeyGroup();
    const current = await createKeyGroup(serviceToday(days(-10)), serviceToday(days(60)));
    expect((await t.gql(ACTIVATE, { id: current.id }, { token: admin })).errors).toBeUndefined();
    // Asked for, not yet done: the activation does not wait for the ledger.
    const [activated, closed] = await reevaluations();
    expect(activated).toMatchObject({ reason: "CAMPAIGN_ACTIVATED", status: "PENDING", campaignId: current.id, people: 0, finishedAt: null });
    expect(closed).toMatchObject({ reason: "CAMPAIGN_CLOSED", status: "SUPERSEDED" });
    expect(closed!.finishedAt).not.toBeNull();
    const progress = async () => (await t.gql<{ person: { referralProgress: { campaign: { code: string }; required: number; counted: number }[] } }>(PROGRESS, { id: person.id, c: current.id }, { token: admin })).data!.person.referralProgress;
    expect(await progress()).toEqual([{ campaign: { code: current.code }, required: 0, counted: 0 }]);
    // A run now would pass over the people the new decision gives a minimum: refused until it is done, nothing queued.
    const runs = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from campaign_runs`))[0]!.n;
    const runsBefore = await runs();
    const early = await t.gql(`mutation($c: ID, $s: FulfilScopeInput!) { fulfilReferralMinimums(campaignId: $c, scope: $s) { id } }`, { c: current.id, s: { regionCode: "3501" } }, { token: admin });
    expect(codeOf(early)).toBe("CONFLICT");
    expect(codeOf(await t.gql(`mutation { assignMentorsAutomatically(scope: { regionCode: "3501" }) { id } }`, {}, { token: admin }))).toBe("CONFLICT");
    expect(await runs()).toBe(runsBefore);

    // The server's worker (a tick; tests run it by hand): not of this year's cohort, but more than a year out as of today.
    await t.app.reevaluations.drain();
    expect(await held()).toEqual(["KG3_FUJIAN_LONG_UNEMPLOYED"]);
    expect(await progress()).toEqual([{ campaign: { code: current.code }, required: 3, counted: 0 }]);
    const [done] = await reevaluations();
    const [ledger] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from people`);
    expect(done).toMatchObject({ reason: "CAMPAIGN_ACTIVATED", status: "DONE", people: ledger!.n });
    expect(done!.added).toBeGreaterThanOrEqual(1);
    expect(done!.removed).toBeGreaterThanOrEqual(1);
  });

  it("works page by page with its cursor saved, so any process (or this one after a restart) takes the next page", async () => {
    for (let i = 0; i < 4; i++) await makePerson(t);
    const [ledger] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from people`);
    const asked = await t.gql<{ reevaluateCategories: { status: string; reason: string } }>(`mutation { reevaluateCategories { status reason } }`, {}, { token: admin });
    expect(asked.data!.reevaluateCategories).toEqual({ status: "PENDING", reason: "REQUESTED" });
    const seen: { status: string; people: number }[] = [];
    for (;;) {
      const page = await reevaluateNextPage(t.db, 2);
      if (page === null) break;
      const [latest] = await reevaluations();
      seen.push({ status: latest!.status, people: latest!.people });
    }
    const pages = Math.floor(ledger!.n / 2) + 1;
    expect(seen).toHaveLength(pages);
    expect(seen.at(-1)).toEqual({ status: "DONE", people: ledger!.n });
    expect(seen.slice(0, -1).every((s, i) => s.status === "RUNNING" && s.people === 2 * (i + 1))).toBe(true);
    // Everyone was already decided: nothing changed.
    expect((await reevaluations())[0]).toMatchObject({ added: 0, removed: 0 });
  });

  it("publishing a category version asks for everyone to be re-decided, in the same transaction", async () => {
    const [v] = await queryRows<{ rule: unknown; name: string }>(t.db, sql`select rule, name from target_categories where id = ${kg3}`);
    const published = await t.gql(
      `mutation($i: TargetCategoryInput!) { publishTargetCategory(input: $i) { version } }`,
      { i: { code: "KG3_FUJIAN_LONG_UNEMPLOYED", name: v!.name, population: "KEY_GROUP_GRADUATE", ruleJson: JSON.stringify(v!.rule), minReferrals: 3, mentorEligible: false, validFrom: "2020-10-01" } },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
    expect((await reevaluations())[0]).toMatchObject({ reason: "CATEGORY_PUBLISHED", status: "PENDING", campaignId: null });
    await t.app.reevaluations.drain();
    // Everyone in KG3 is now decided by the new version.
    const [stale] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from person_categories pc join target_categories tc on tc.id = pc.category_id where pc.category_code = 'KG3_FUJIAN_LONG_UNEMPLOYED' and tc.id = ${kg3}`);
    expect(stale!.n).toBe(0);
    expect((await reevaluations())[0]).toMatchObject({ reason: "CATEGORY_PUBLISHED", status: "DONE" });
  });

  it("refuses re-decisions to anyone but administrators, and bad page sizes, writing nothing", async () => {
    const before = (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from category_reevaluations`))[0]!.n;
    const caseworker = await t.token({ sub: "cw", role: Role.CASEWORKER, regionCode: "3501" });
    expect(codeOf(await t.gql(`mutation { reevaluateCategories { status } }`, {}, { token: caseworker }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(`{ categoryReevaluations(first: 0) { status } }`, {}, { token: admin }))).toBe("BAD_USER_INPUT");
    const seeker = await t.token({ sub: "s", role: Role.SEEKER, personId: "00000000-0000-7000-8000-000000000001" });
    expect(codeOf(await t.gql(REEVALUATIONS, {}, { token: seeker }))).toBe("FORBIDDEN");
    expect((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from category_reevaluations`))[0]!.n).toBe(before);
  });

  it("a seeker reads their campaign's progress, not the officials who created or closed it", async () => {
    const person = await makePerson(t);
    await t.app.reevaluations.drain();
    const seeker = await t.token({ sub: `seeker-${person.id}`, role: Role.SEEKER, personId: person.id });
    const own = await t.gql<{ person: { referralProgress: { campaign: { code: string } }[] } }>(`query($id: ID!) { person(id: $id) { referralProgress { campaign { code } } } }`, { id: person.id }, { token: seeker });
    expect(own.errors).toBeUndefined();
    expect(own.data!.person.referralProgress.length).toBeGreaterThan(0);
    for (const field of ["createdBy", "closedBy"]) {
      const tried = await t.gql(`query($id: ID!) { person(id: $id) { referralProgress { campaign { code ${field} } } } }`, { id: person.id }, { token: seeker });
      expect(codeOf(tried)).toBe("FORBIDDEN");
      expect(JSON.stringify(tried.data ?? null)).not.toContain("admin");
    }
  });

  it("two activations at once leave one key-group campaign ACTIVE; the other is CONFLICT, and nothing else changes", async () => {
    await closeActiveKeyGroup();
    const a = await createKeyGroup(`${year + 3}-01-01`, `${year + 3}-03-31`);
    const b = await createKeyGroup(`${year + 4}-01-01`, `${year + 4}-03-31`);
    const outcomes = await Promise.all([a, b].map((c) => t.gql<{ activateCampaign: { id: string } }>(ACTIVATE, { id: c.id }, { token: admin })));
    const won = outcomes.filter((o) => o.errors === undefined);
    expect(won).toHaveLength(1);
    expect(codeOf(outcomes.find((o) => o.errors !== undefined)!)).toBe("CONFLICT");
    const active = await activeKeyGroup();
    expect(active.map((c) => c.id)).toEqual([won[0]!.data!.activateCampaign.id]);
    // The loser is still a DRAFT, and only the winner asked for a re-decision.
    const loser = [a, b].find((c) => c.id !== active[0]!.id)!;
    expect((await t.gql<{ campaign: { status: string } }>(`query($id: ID!) { campaign(id: $id) { status } }`, { id: loser.id }, { token: admin })).data!.campaign.status).toBe("DRAFT");
    const open = (await reevaluations()).filter((r) => r.status === "PENDING");
    expect(open.map((r) => r.campaignId)).toEqual([active[0]!.id]);
    await t.app.reevaluations.drain();
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("closing a campaign during a run's batch waits for the batch, and freezes what it wrote (PostgreSQL)", async () => {
    // Its own server and database: this campaign's window holds today, as the first test's does.
    const main = t;
    t = await startTestApp();
    try {
      await closingDuringABatch();
    } finally {
      await t.close();
      t = main;
    }
  });

  async function closingDuringABatch() {
    await closeActiveKeyGroup();
    const current = await createKeyGroup(serviceToday(days(-5)), serviceToday(days(30)));
    expect((await t.gql(ACTIVATE, { id: current.id }, { token: admin })).errors).toBeUndefined();
    await t.app.reevaluations.drain();
    const school = await makeInstitution(t.db, { regionCode: "350103" });
    const firm = await makeEmployer(t.db, { regionCode: "350103" });
    for (let i = 0; i < 6; i++) await makePosting(t.db, { employerId: firm.id, regionCode: "350103", title: `出纳${unique()}`, minEducation: "ASSOCIATE", validUntil: days(30) });
    await t.app.search.drain();
    const people: string[] = [];
    for (let i = 0; i < 4; i++) people.push((await makePerson(t, { householdRegionCode: "350103", institutionId: school.id, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["出纳"] })).id);
    const started = await t.gql<{ fulfilReferralMinimums: { id: string; total: number } }>(`mutation($c: ID, $s: FulfilScopeInput!) { fulfilReferralMinimums(campaignId: $c, scope: $s) { id total } }`, { c: current.id, s: { institutionId: school.id } }, { token: admin });
    expect(started.errors).toBeUndefined();
    const runId = started.data!.fulfilReferralMinimums.id;

    // One person per batch. As the first batch is about to commit, an administrator closes the campaign;
    // the batch commits only once the close is seen waiting on it.
    const runner = new CampaignRunner(t.db, t.app.search.engine, createLogger("silent"), 0, 1);
    let closing: Promise<unknown> | undefined;
    await runner.drain({
      maxBatches: 1,
      beforeCommit: async () => {
        closing = t.gql(CLOSE, { id: current.id }, { token: admin });
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [waiting] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
          if (waiting!.n > 0 || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    });
    const closed = (await closing) as { data?: { closeCampaign: { status: string } }; errors?: unknown };
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.closeCampaign.status).toBe("CLOSED");
    await runner.drain(); // nothing more: the campaign is closed
    const items = await queryRows<{ state: string; n: number }>(t.db, sql`select state::text as state, count(*)::int as n from campaign_run_items where run_id = ${runId} group by 1 order by 1`);
    expect(items).toEqual([{ state: "BELOW", n: 3 }, { state: "DONE", n: 1 }]);
    // The batch's three referrals are in the frozen figures: the close waited for them.
    const [made] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from referrals where campaign_run_id = ${runId}`);
    expect(made!.n).toBe(3);
    const [frozen] = await queryRows<{ counted: number }>(t.db, sql`select coalesce(sum(counted), 0)::int as counted from campaign_results where campaign_id = ${current.id} and person_id = any(${sql.param(people)}::uuid[])`);
    expect(frozen!.counted).toBe(3);
  }
});
