import { cpus, loadavg } from "node:os";
import pg from "pg";
import { sql } from "drizzle-orm";
import { Role, type Viewer } from "../../src/auth/viewer.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase, queryRows, type Database } from "../../src/db/client.js";
import { countSqlStatements } from "../../src/db/sql-count.js";
import { serviceToday } from "../../src/dates.js";
import { loadCategoryEvaluator } from "../../src/modules/categories/category.service.js";
import { reevaluateNextPage, REEVALUATION_PAGE } from "../../src/modules/categories/reevaluation.service.js";
import { requestReevaluation } from "../../src/modules/categories/reevaluation.request.js";
import { wireModuleHooks } from "../../src/modules/module-hooks.js";
import { lockPeoplePage } from "../../src/modules/people/person.lock.js";
import { decideSubsidies } from "../../src/modules/subsidies/subsidy-eligibility.service.js";
import { publishSubsidyScheme } from "../../src/modules/subsidies/subsidy-scheme.service.js";
import { cli, cliBenchDatabase, dropBenchDatabase, printTable } from "./harness.js";

/**
 * Subsidy eligibility re-decided for everyone on PostgreSQL (issue 26): `--people` people (100,000
 * unless told: the CLI's seed of 2,000 realistic people, multiplied in SQL with their facts varied so
 * every scheme admits some — registered-poverty, graduation this year, training wishes, self-employed,
 * public-welfare posts — and 5 % of them hired by employers, a third of those poverty workshops).
 * Three passes, in-process against the database, a page of 1,000 people a transaction:
 *
 * 1. the first decision, every scheme (claims born);
 * 2. after a new version of JOB_SEARCH_GRADUATE (its rule narrowed): subsidies alone, every scheme;
 * 3. the real path: a re-decision request worked page by page (categories and subsidies together,
 *    as `categoryReevaluations` does after `publishSubsidyScheme`).
 *
 * Per pass: time, SQL statements per page (min–max: the same on every full page means constant per
 * person) and per person, claims added / removed / re-decided. Target: pass 2 and 3 ≤ 60 s at
 * 100,000 people; statements per page constant.
 */
export async function subsidiesBench(opts: { people?: number; runs?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("subsidies bench: set DATABASE_URL");
    return false;
  }
  const target = opts.people ?? 100_000;
  console.log(`subsidies bench: ${target} people; load average at the start ${loadavg().map((l) => l.toFixed(2)).join(" / ")} on ${cpus().length} cores`);
  const { databaseUrl, env } = await cliBenchDatabase();
  try {
    const seeded = await cli(["seed", "--people", "2000"], env);
    if (seeded.code !== 0) throw new Error("seed failed");
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await multiplyPeople(client, target);
    } finally {
      await client.end();
    }
    const config = loadConfig({ ...process.env, ...env, DATABASE_POOL_SIZE: "4" });
    const handle = await openDatabase(config.database);
    wireModuleHooks();
    try {
      return await measure(handle.db, target, opts.runs ?? 3);
    } finally {
      await handle.close();
    }
  } finally {
    await dropBenchDatabase(databaseUrl);
  }
}

/** The seeded people copied until there are `target`, their facts varied (set-based, deterministic). */
async function multiplyPeople(client: pg.Client, target: number): Promise<void> {
  const began = performance.now();
  const year = Number(serviceToday().slice(0, 4));
  await client.query("select setseed(0.26)");
  const [{ n }] = (await client.query<{ n: number }>("select count(*)::int as n from people")).rows as [{ n: number }];
  const columns = (await client.query<{ column_name: string }>("select column_name from information_schema.columns where table_name = 'people' order by ordinal_position")).rows.map((r) => r.column_name);
  const copied = columns.filter((c) => !["id", "id_number_hash", "registered_poverty", "poverty_household_no", "graduation_date", "leave_school_date", "employment_status", "training_wishes", "minimum_living", "disabled"].includes(c));
  const list = copied.map((c) => `p.${c}`).join(", ");
  await client.query(
    `insert into people (id, id_number_hash, registered_poverty, poverty_household_no, graduation_date, leave_school_date, employment_status, training_wishes, minimum_living, disabled, ${copied.join(", ")})
     select gen_random_uuid(), md5(p.id::text || g.i::text), r.poor, null,
            case when p.graduation_date is null then null when r.grad then make_date(${year}, 6, 30) else p.graduation_date end,
            case when p.graduation_date is null then null when r.grad then make_date(${year}, 7, 1) else p.leave_school_date end,
            (case when r.status < 0.08 then 'SELF_EMPLOYED' when r.status < 0.12 then 'PUBLIC_WELFARE_POST' when r.status < 0.4 then 'EMPLOYED' else 'UNEMPLOYED' end)::employment_status,
            case when r.wish then array['电工'] else '{}'::text[] end, r.living, r.disabled, ${list}
     from generate_series(1, ${Math.ceil(target / Math.max(1, n))}) g(i) cross join people p
     cross join lateral (select random() < 0.3 as poor, random() < 0.3 as grad, random() as status, random() < 0.2 as wish, random() < 0.05 as living, random() < 0.02 as disabled, p.id as pid) r
     limit ${Math.max(0, target - n)}`,
  );
  // 5 % hired (employer schemes read the hires), a third of the employers poverty workshops.
  await client.query(`update employers set is_poverty_workshop = (abs(hashtext(id::text)) % 3 = 0)`);
  await client.query(
    `insert into subsidy_hires (employer_id, person_id, hired_on, recorded_by)
     select e.id, p.id, current_date, 'bench' from (select id, row_number() over (order by id) as k from people where random() < 0.05) p
     join (select id, row_number() over (order by id) - 1 as j, count(*) over () as m from employers) e on e.j = p.k % e.m on conflict do nothing`,
  );
  await client.query("analyze");
  const counts = (await client.query<{ people: number; hires: number; poor: number }>(`select (select count(*) from people)::int as people, (select count(*) from subsidy_hires)::int as hires, (select count(*) from people where registered_poverty)::int as poor`)).rows[0]!;
  console.log(`subsidies bench: ${counts.people} people (${counts.poor} registered-poverty), ${counts.hires} hires — made in ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

interface Pass {
  name: string;
  ms: number;
  pages: number;
  people: number;
  perPage: number[];
  added: number;
  removed: number;
  redecided: number;
}

/** Every person's subsidies decided, a page a transaction, as the reaction does on a re-decision page. */
async function subsidiesPass(db: Database, name: string): Promise<Pass> {
  const pass: Pass = { name, ms: 0, pages: 0, people: 0, perPage: [], added: 0, removed: 0, redecided: 0 };
  const began = performance.now();
  let cursor: string | null = null;
  for (;;) {
    const { result, statements } = await countSqlStatements(() =>
      db.transaction(async (tx) => {
        const evaluator = await loadCategoryEvaluator(tx);
        const page = await lockPeoplePage(tx, cursor, REEVALUATION_PAGE);
        return { page, changes: await decideSubsidies(tx, page, evaluator.factsToday) };
      }),
    );
    if (result.page.length === 0) break;
    pass.pages++;
    pass.people += result.page.length;
    if (result.page.length === REEVALUATION_PAGE) pass.perPage.push(statements);
    pass.added += result.changes.added;
    pass.removed += result.changes.removed;
    pass.redecided += result.changes.redecided;
    cursor = result.page.at(-1)!.id;
    if (result.page.length < REEVALUATION_PAGE) break;
  }
  pass.ms = performance.now() - began;
  return pass;
}

/** The real path: a request, then its pages (categories and subsidies), as the background worker works it. */
async function requestPass(db: Database, name: string): Promise<Pass> {
  const pass: Pass = { name, ms: 0, pages: 0, people: 0, perPage: [], added: 0, removed: 0, redecided: 0 };
  const before = await claimTotals(db);
  const began = performance.now();
  await db.transaction((tx) => requestReevaluation(tx, "SUBSIDY_PUBLISHED", "bench"));
  for (;;) {
    const { result, statements } = await countSqlStatements(() => reevaluateNextPage(db));
    if (result === null) break;
    pass.pages++;
    if (!result.done) pass.perPage.push(statements);
    if (result.done) break;
  }
  pass.ms = performance.now() - began;
  const after = await claimTotals(db);
  pass.people = after.people;
  pass.added = after.claims - before.claims;
  return pass;
}

async function claimTotals(db: Database) {
  const [row] = await queryRows<{ claims: number; people: number }>(db, sql`select (select count(*) from subsidy_claims)::int as claims, (select count(*) from people)::int as people`);
  return row!;
}

async function measure(db: Database, target: number, runs: number): Promise<boolean> {
  const admin: Viewer = { kind: "user", userId: "bench", role: Role.ADMIN };
  const first = await subsidiesPass(db, "1. first decision, every scheme");
  const [scheme] = await queryRows<{ documents: string[] }>(db, sql`select documents from subsidy_schemes where code = 'JOB_SEARCH_GRADUATE' order by version desc limit 1`);
  await publishSubsidyScheme(db, admin, {
    code: "JOB_SEARCH_GRADUATE",
    name: "一次性求职创业补贴",
    subject: "PERSON",
    rule: { and: [{ "==": [{ var: "isGraduate" }, true] }, { "==": [{ var: "graduationYear" }, { var: "year" }] }, { "==": [{ var: "household.registeredPoverty" }, true] }] },
    amountKind: "FIXED",
    amountYuan: 2000,
    documents: scheme!.documents,
    issuingLevel: "PROVINCE",
    validFrom: serviceToday(),
  });
  const second = await subsidiesPass(db, "2. after a new version, subsidies alone");
  // Pass 1 warms the process up; the real path is then run `runs` times (a repeat re-decides the same facts) and judged on its median.
  const thirds: Pass[] = [];
  for (let r = 0; r < runs; r++) {
    const pass = await requestPass(db, `3. re-decision request (categories + subsidies), median of ${runs}`);
    thirds.push(pass);
    console.log(`re-decision request run ${r + 1}/${runs}: ${(pass.ms / 1000).toFixed(1)} s for ${pass.people} people; load ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
  }
  // The claims the request changed are the first run's (a repeat finds nothing new).
  const third = { ...[...thirds].sort((a, b) => a.ms - b.ms)[Math.floor(thirds.length / 2)]!, added: thirds[0]!.added };
  const [byScheme] = await queryRows<{ summary: string }>(db, sql`select string_agg(scheme_code || ' ' || n, ', ' order by scheme_code) as summary from (select scheme_code, count(*) as n from subsidy_claims group by 1) s`);
  const passes = [first, second, third];
  console.log(`\nsubsidy re-evaluation — PostgreSQL, in-process, ${REEVALUATION_PAGE} people a page (a transaction each)\n`);
  printTable(
    passes.map((p) => ({
      pass: p.name,
      people: p.people,
      seconds: (p.ms / 1000).toFixed(1),
      "people/s": Math.round((p.people / p.ms) * 1000),
      pages: p.pages,
      "statements per full page (min–max)": p.perPage.length ? `${Math.min(...p.perPage)}–${Math.max(...p.perPage)}` : "-",
      "statements per person": p.perPage.length ? (Math.max(...p.perPage) / REEVALUATION_PAGE).toFixed(4) : "-",
      "claims added / removed / re-decided": p === third ? `net ${p.added}` : `${p.added} / ${p.removed} / ${p.redecided}`,
    })),
  );
  console.log(`claims by scheme at the end: ${byScheme?.summary}`);
  // Constant per person: a page's statements do not grow with its 1,000 people (a write is skipped when a page has none of its kind, so pages differ by a few).
  const STATEMENTS_PER_PAGE_AT_MOST = 25;
  const constant = (p: Pass) => p.perPage.length > 0 && Math.max(...p.perPage) <= STATEMENTS_PER_PAGE_AT_MOST;
  const checks = [
    { check: `subsidies alone re-decided for ${second.people} people ≤ 60 s`, measured: `${(second.ms / 1000).toFixed(1)} s`, ok: second.ms <= 60_000 && second.people >= target },
    { check: `the re-decision request (categories too) for ${third.people} people ≤ 60 s`, measured: `${(third.ms / 1000).toFixed(1)} s`, ok: third.ms <= 60_000 },
    { check: `statements per page bounded (≤ ${STATEMENTS_PER_PAGE_AT_MOST} for 1,000 people, every pass)`, measured: passes.map((p) => (p.perPage.length ? `${Math.min(...p.perPage)}–${Math.max(...p.perPage)}` : "-")).join(", "), ok: passes.every(constant) },
    { check: "the new version changed some claims, not all", measured: `${second.removed} removed, ${second.redecided} re-decided`, ok: second.removed > 0 && second.redecided > 0 },
  ];
  console.log("");
  printTable(checks.map((c) => ({ check: c.check, measured: c.measured, result: c.ok ? "PASS" : "FAIL" })));
  console.log(`load average (1/5/15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(" / ")} on ${cpus().length} cores`);
  const ok = checks.every((c) => c.ok);
  console.log(ok ? "OK" : "BELOW TARGET");
  return ok;
}
