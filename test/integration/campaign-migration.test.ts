import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "../../src/paths.js";
import { requiredMinimum } from "../../src/modules/categories/category.sql.js";
import { countedReferrals } from "../../src/modules/referrals/referral.sql.js";
import { Role } from "../../src/auth/viewer.js";
import { startTestApp } from "../helpers/test-app.js";

/*
 * Issue 16: the 2020 campaign becomes one row among others with its figures unchanged. A database is
 * migrated up to 0022 (the one-campaign schema), filled with people, memberships and referrals,
 * measured with the rules as they were written then (the strictest minimum of any membership; a
 * referral counting if fitted, not withdrawn, and inside the active campaign's window); then migrated
 * on, and measured with today's rules for the 2020 campaign. Every person's minimum and count agree,
 * and the server, started on the migrated database, reports through the API (campaignProgress,
 * referralCompliance) exactly the figures the old rules give.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of migrations/ whose journal stops after `last` (its tag's number). */
function migrationsUpTo(last: number): string {
  const dir = mkdtempSync(join(tmpdir(), "jb-migrations-"));
  dirs.push(dir);
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

// A simple seeded generator: the same data every run.
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe("the 2020 campaign across migration 0023", () => {
  it("gives every person the same minimum and the same count of referrals before and after, and the API reports the same figures", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jb-pglite-2020-"));
    dirs.push(dataDir);
    const client = await PGlite.create(dataDir, { extensions: { btree_gist } });
    const db = drizzle(client);
    let campaignId = "";
    let before: { id: string; required: number; counted: number }[] = [];
    try {
      await migrate(db, { migrationsFolder: migrationsUpTo(22) });
      const rnd = random(2020);
      const categories = (await client.query<{ id: string; code: string; version: number }>(`select id, code, version from target_categories order by code, version`)).rows;
      await client.query(`insert into employers (id, name, credit_code, region_code, created_by) values ('00000000-0000-7000-8000-0000000000e1', '迁移测试公司', '91350100M000000001', '350102', 'test')`);
      const postings = Array.from({ length: 6 }, (_, i) => `00000000-0000-7000-8000-00000000010${i}`);
      for (const id of postings) {
        await client.query(`insert into postings (id, employer_id, title, region_code, valid_until, created_by, status) values ($1, '00000000-0000-7000-8000-0000000000e1', '会计', '350102', now() + interval '30 days', 'test', 'OPEN')`, [id]);
      }
      // 60 people, each in a random few categories (some versions older than the newest), with referrals
      // made inside the window, before it, after it, withdrawn, or not fitted.
      const made = ["2020-10-02T02:00:00Z", "2020-11-20T08:00:00Z", "2020-12-31T15:30:00Z", "2020-09-30T15:59:00Z", "2020-12-31T16:00:00Z", "2021-03-01T00:00:00Z"];
      for (let p = 0; p < 60; p++) {
        const person = `00000000-0000-7000-8000-${String(p).padStart(12, "0")}`;
        await client.query(
          `insert into people (id, name, id_number_sealed, id_number_hash, birth_date, gender, household_region_code, origin_region_code, employment_status_since, created_by)
           values ($1, $2, 'sealed', $3, '1998-05-17', 'FEMALE', '350102', '350102', '2020-07-01', 'test')`,
          [person, `迁移${p}`, `hash-${p}`],
        );
        const held = new Set<string>();
        for (const c of categories) {
          if (held.has(c.code) || rnd() > 0.25) continue;
          held.add(c.code);
          await client.query(`insert into person_categories (person_id, category_code, category_id, rule_version) values ($1, $2, $3, $4)`, [person, c.code, c.id, c.version]);
        }
        for (let k = 0; k < postings.length; k++) {
          if (rnd() > 0.5) continue;
          const status = rnd() < 0.15 ? "WITHDRAWN" : "RECOMMENDED";
          const madeAt = made[Math.floor(rnd() * made.length)];
          const [referral] = (
            await client.query<{ id: string }>(
              `insert into referrals (id, person_id, posting_id, source, made_by, fitted, status, made_at) values (gen_random_uuid(), $1, $2, 'CASEWORKER', 'test', $3, $4, $5) returning id`,
              [person, postings[k], rnd() > 0.1, status, madeAt],
            )
          ).rows;
          // As the service writes them: every change of status is an event (reports as of a day read them).
          await client.query(`insert into referral_events (id, referral_id, from_status, to_status, at, by) values (gen_random_uuid(), $1, null, 'RECOMMENDED', $2, 'test')`, [referral!.id, madeAt]);
          if (status === "WITHDRAWN") await client.query(`insert into referral_events (id, referral_id, from_status, to_status, at, by) values (gen_random_uuid(), $1, 'RECOMMENDED', 'WITHDRAWN', $2::timestamptz + interval '1 day', 'seeker')`, [referral!.id, madeAt]);
        }
      }
      // The rules as migration 0022's code wrote them.
      before = (
        await client.query<{ id: string; required: number; counted: number }>(
          `select p.id,
                  coalesce((select max(tc.min_referrals) from person_categories pc join target_categories tc on tc.id = pc.category_id where pc.person_id = p.id), 0)::int as required,
                  (select count(*) from referrals r where r.person_id = p.id and r.fitted and r.status <> 'WITHDRAWN'
                     and (not exists (select 1 from campaigns cw where cw.active)
                          or exists (select 1 from campaigns cw where cw.active
                                      and r.made_at >= (cw.starts_on::timestamp at time zone 'Asia/Shanghai')
                                      and r.made_at < ((cw.ends_on + 1)::timestamp at time zone 'Asia/Shanghai'))))::int as counted
           from people p order by p.id`,
        )
      ).rows;
      expect(before.filter((b) => b.required > 0).length).toBeGreaterThan(20);
      expect(before.filter((b) => b.counted > 0).length).toBeGreaterThan(20);
      expect(new Set(before.map((b) => b.counted)).size).toBeGreaterThan(2);

      // Deployed databases migrate without a manual step: the rest of the migrations, as the server runs them.
      await migrate(db, { migrationsFolder });
      const [campaign] = (await client.query<{ id: string; status: string; kind: string }>(`select id, status::text, kind from campaigns where code = 'FJ-2020-KG'`)).rows;
      expect(campaign).toMatchObject({ status: "ACTIVE", kind: "KEY_GROUP_GRADUATES" });
      campaignId = campaign!.id;
      const after = (
        await db.execute<{ id: string; required: number; counted: number }>(
          sql`select p.id, ${requiredMinimum(sql`p.id`, sql`${campaign!.id}::uuid`)}::int as required, ${countedReferrals(sql`p.id`, sql`${campaign!.id}::uuid`)}::int as counted from people p order by p.id`,
        )
      ).rows;
      expect(after).toEqual(before);
    } finally {
      await client.close();
    }

    // The server on the migrated database (the embedded one, whichever database the suite runs on).
    const t = await startTestApp({ DATABASE_URL: "", PGLITE_DATA_DIR: dataDir });
    try {
      const admin = await t.token({ sub: "admin", role: Role.ADMIN });
      const withMinimum = before.filter((b) => b.required > 0);
      const at = withMinimum.filter((b) => b.counted >= b.required);
      const progress = await t.gql<{ campaignProgress: { campaign: { code: string }; total: Record<string, number>; rows: Record<string, unknown>[] } }>(
        `query($c: ID) { campaignProgress(campaignId: $c, groupBy: REGION) { campaign { code } total { registered withMinimum atMinimum belowMinimum } rows { key registered withMinimum atMinimum belowMinimum } } }`,
        { c: campaignId },
        { token: admin },
      );
      expect(progress.errors).toBeUndefined();
      const figures = { registered: 60, withMinimum: withMinimum.length, atMinimum: at.length, belowMinimum: withMinimum.length - at.length };
      expect(progress.data!.campaignProgress.total).toEqual(figures);
      expect(progress.data!.campaignProgress.rows).toEqual([{ key: "350100", ...figures }]);
      // The default campaign is the 2020 one too (the only one active).
      const byDefault = await t.gql<{ campaignProgress: { campaign: { code: string }; total: Record<string, number> } }>(`{ campaignProgress(groupBy: REGION) { campaign { code } total { registered withMinimum atMinimum belowMinimum } } }`, {}, { token: admin });
      expect(byDefault.data!.campaignProgress).toEqual({ campaign: { code: "FJ-2020-KG" }, total: figures });
      const compliance = await t.gql<{ referralCompliance: { total: number; atMinimum: number; belowMinimum: number; below: { required: number; counted: number; person: { id: string } }[]; nextCursor: string | null } }>(
        `query($c: ID) { referralCompliance(campaignId: $c, first: 100) { total atMinimum belowMinimum below { required counted person { id } } nextCursor } }`,
        { c: campaignId },
        { token: admin },
      );
      expect(compliance.errors).toBeUndefined();
      expect(compliance.data!.referralCompliance).toEqual({
        total: withMinimum.length,
        atMinimum: at.length,
        belowMinimum: withMinimum.length - at.length,
        below: withMinimum.filter((b) => b.counted < b.required).map((b) => ({ required: b.required, counted: b.counted, person: { id: b.id } })),
        nextCursor: null,
      });
    } finally {
      await t.close();
    }
  });
  it("migrates databases as deployed: no campaign active with a referral run on record, and hand-written campaigns overlapping", async () => {
    for (const setup of [
      [`update campaigns set active = false`, `insert into campaign_runs (id, scope, created_by, kind, created_at) values (gen_random_uuid(), '{}', 'x', 'REFERRALS', '2020-11-02T03:00:00Z')`],
      [`insert into campaigns (id, code, name, cohort_year, starts_on, ends_on, active) values (gen_random_uuid(), 'FJ-2020-PILOT', 'pilot', 2020, '2020-09-01', '2020-10-15', false)`],
    ]) {
      const client = await PGlite.create("memory://", { extensions: { btree_gist } });
      const db = drizzle(client);
      try {
        await migrate(db, { migrationsFolder: migrationsUpTo(22) });
        for (const statement of setup) await client.query(statement);
        await migrate(db, { migrationsFolder });
        const runs = await client.query<{ n: number }>(`select count(*)::int as n from campaign_runs r join campaigns c on c.id = r.campaign_id where c.code = 'FJ-2020-KG'`);
        const campaigns = await client.query<{ code: string; status: string }>(`select code, status::text from campaigns order by code`);
        if (setup.length === 2) {
          expect(runs.rows[0]!.n).toBe(1); // the run is the 2020 campaign's: its day was in its window
          expect(campaigns.rows).toEqual([{ code: "FJ-2020-KG", status: "CLOSED" }]);
        } else {
          expect(campaigns.rows).toEqual([{ code: "FJ-2020-KG", status: "ACTIVE" }, { code: "FJ-2020-PILOT", status: "CLOSED" }]);
          // The migration froze nothing for the campaign it closed: its reports read the ledger, not empty frozen rows.
          const frozen = await client.query<{ frozen: boolean }>(`select figures_frozen_at is not null as frozen from campaigns where code = 'FJ-2020-PILOT'`);
          expect(frozen.rows).toEqual([{ frozen: false }]);
        }
      } finally {
        await client.close();
      }
    }
  }, 120_000);
});
