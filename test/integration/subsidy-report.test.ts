import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { serviceToday } from "../../src/dates.js";
import { makeInstitution, makePerson } from "../helpers/factories.js";
import { startSubsidyApp } from "../helpers/subsidies.js";
import type { TestApp } from "../helpers/test-app.js";

type Row = [string, string, number, number, number, number, number, number, number, number];
const STATES_REACHED: Record<string, string[]> = {
  ELIGIBLE: ["eligible"],
  APPLIED: ["eligible", "applied"],
  REJECTED: ["eligible", "applied"],
  APPROVED: ["eligible", "applied", "approved"],
  PAID_RECORDED: ["eligible", "applied", "approved", "paid"],
};

describe("the campaign report's subsidy sheet: the campaign's people's claims in the reader's scope, by 生源地 prefecture, frozen when the campaign closes", () => {
  let t: TestApp;
  let admin: string;
  let fuzhou: string;
  let campaignId: string;
  const base = () => t.url.replace(/\/graphql$/, "");

  /** The sheet as the CSV gives it, without its total row (checked against the rows). */
  const sheet = async (region?: string): Promise<Row[]> => {
    const res = await fetch(`${base()}/reports/campaigns/${campaignId}.csv?sheet=subsidies${region ? `&region=${region}` : ""}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, "").trim().split(/\r?\n/).slice(1).map((l) => l.split(","));
    const rows = lines.slice(0, -1).map((r) => [r[0], r[1], ...r.slice(2).map(Number)] as Row);
    const total = lines.at(-1)!;
    expect(total[0]).toBe("合计");
    expect(Number(total[2])).toBe(rows.reduce((n, r) => n + r[2], 0));
    return rows;
  };

  /**
   * What the sheet should hold, from the rows themselves: every claim of a person the campaign binds
   * (a category of theirs is one of its categories), counted in each step it reached, by the person's
   * 生源地 prefecture; `inScope` picks the people a narrowed report reads.
   */
  const expected = async (inScope: (p: { household: string; origin: string }) => boolean = () => true) => {
    const claims = await queryRows<{ scheme: string; state: string; max: number; approved: number | null; household: string; origin: string; member: boolean }>(
      t.db,
      sql`select c.scheme_code as scheme, c.state, c.max_amount_yuan as max, c.approved_amount_yuan as approved, p.household_region_code as household, p.origin_region_code as origin,
                 exists (select 1 from person_categories pc join campaign_categories cc on cc.category_code = pc.category_code where pc.person_id = p.id and cc.campaign_id = ${campaignId}::uuid) as member
          from subsidy_claims c join people p on p.id = c.person_id`,
    );
    const byKey = new Map<string, Row>();
    for (const c of claims.filter((c) => c.member && inScope(c))) {
      const key = `${c.scheme}|${c.origin.slice(0, 4)}`;
      const row = byKey.get(key) ?? ([c.scheme, c.origin.slice(0, 4), 0, 0, 0, 0, 0, 0, 0, 0] as Row);
      for (const step of STATES_REACHED[c.state]!) {
        const at = ({ eligible: 2, applied: 4, approved: 6, paid: 8 } as const)[step as "eligible"];
        (row[at] as number)++;
        (row[at + 1] as number) += step === "approved" || step === "paid" ? c.approved! : c.max;
      }
      byKey.set(key, row);
    }
    return { rows: [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r), outside: claims.filter((c) => !c.member).length };
  };

  beforeAll(async () => {
    ({ t, admin, fuzhou } = await startSubsidyApp());
    const [row] = await queryRows<{ id: string }>(t.db, sql`select id from campaigns where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES'`);
    campaignId = row!.id;
  });
  afterAll(() => t.close());

  it("holds the campaign's people's claims only, by 生源地 prefecture; a region's report holds that region's people", async () => {
    const xiamenSchool = (await makeInstitution(t.db, { regionCode: "350203" })).id;
    const fuzhouSchool = (await makeInstitution(t.db, { regionCode: "350102" })).id;
    // Graduates of the campaign: one of Fuzhou, one whose household is in Fuzhou but who came from Xiamen (生源地), one of Xiamen.
    await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", trainingWishes: ["电工"], institutionId: fuzhouSchool });
    await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", householdRegionCode: "350102", originRegionCode: "350203", institutionId: fuzhouSchool });
    await makePerson(t, { registeredPoverty: true, trainingWishes: ["焊工"], householdRegionCode: "350203", institutionId: xiamenSchool });
    // A graduate of this year in no key-group category (so outside the campaign) with a training claim of their own.
    const year = Number(serviceToday().slice(0, 4));
    await makePerson(t, { registeredPoverty: false, trainingWishes: ["电工"], graduationDate: `${year}-06-30`, leaveSchoolDate: `${year}-07-01`, institutionId: fuzhouSchool });
    const all = await expected();
    expect(all.outside).toBeGreaterThan(0);
    expect(new Set(all.rows.map((r) => r[1]))).toEqual(new Set(["3501", "3502"]));
    expect(await sheet()).toEqual(all.rows);
    // Narrowed to Xiamen: the people of Xiamen (household or 生源地), as a Xiamen caseworker's report reads them.
    const xiamen = await expected((p) => p.household.startsWith("3502") || p.origin.startsWith("3502"));
    expect(xiamen.rows.length).toBeGreaterThan(0);
    expect(xiamen.rows.length).toBeLessThan(all.rows.length);
    expect(await sheet("3502")).toEqual(xiamen.rows);
  });

  it("a closed campaign's sheet stands as the claims stood when it closed: later steps and new claims move the live figures, not the report", async () => {
    const p = await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED" });
    const [claim] = await queryRows<{ id: string }>(t.db, sql`select id from subsidy_claims where person_id = ${p.id} and scheme_code = 'STARTUP_ONE_TIME'`);
    const docs = (await queryRows<{ documents: string[] }>(t.db, sql`select documents from subsidy_schemes where code = 'STARTUP_ONE_TIME' order by version desc limit 1`))[0]!.documents;
    const applied = await t.gql(`mutation($i: ApplyForSubsidyInput!) { applyForSubsidy(input: $i) { id state } }`, { i: { schemeCode: "STARTUP_ONE_TIME", personId: p.id, documents: docs } }, { token: fuzhou });
    expect(applied.errors).toBeUndefined();
    const atClose = (await expected()).rows;
    expect(atClose.some((r) => r[0] === "STARTUP_ONE_TIME" && r[4] > 0)).toBe(true);

    const closed = await t.gql(`mutation($id: ID!) { closeCampaign(id: $id) { status } }`, { id: campaignId }, { token: admin });
    expect(closed.errors).toBeUndefined();
    expect(await sheet()).toEqual(atClose);

    // After the close: the claim approved, a new person with claims — the live figures move, the closed report does not.
    expect((await t.gql(`mutation($c: ID!) { approveSubsidyClaim(claimId: $c, amountYuan: 5000) { state } }`, { c: claim!.id }, { token: fuzhou })).errors).toBeUndefined();
    await makePerson(t, { registeredPoverty: true, employmentStatus: "SELF_EMPLOYED", trainingWishes: ["电工"] });
    const live = await t.gql<{ subsidyFigures: { schemeCode: string; approved: number }[] }>(`{ subsidyFigures { schemeCode approved } }`, {}, { token: admin });
    expect(live.data!.subsidyFigures.find((f) => f.schemeCode === "STARTUP_ONE_TIME")!.approved).toBeGreaterThan(0);
    expect(await sheet()).toEqual(atClose);
    expect(atClose.find((r) => r[0] === "STARTUP_ONE_TIME")![6]).toBe(0);
  });
  it("a campaign frozen before its claims were (migration 0045): the migration gives its sheet its people's claims as they stand", async () => {
    // The campaign closed above; as a database closed before migration 0045 would hold it: frozen, no claims frozen.
    await t.db.execute(sql`delete from campaign_subsidy_results where campaign_id = ${campaignId}::uuid`);
    expect(await sheet()).toEqual([]);
    const migration = readFileSync(fileURLToPath(new URL("../../migrations/0045_subsidy_disclosure.sql", import.meta.url)), "utf8");
    await t.db.execute(sql.raw(migration.split("--> statement-breakpoint").at(-1)!));
    const now = (await expected()).rows;
    expect(now.length).toBeGreaterThan(0);
    expect(await sheet()).toEqual(now);
  });
});
