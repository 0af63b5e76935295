import pg from "pg";
import { cli, cliBenchDatabase, dropBenchDatabase, multiplyPostings, printTable } from "./harness.js";

/**
 * Fulfilment at scale on PostgreSQL: ~100,000 people below their referral minimum (from 250,000
 * generated through the import, `--people` to change) against ~100,000 open postings, from no referrals to
 * everyone at their minimum, by `npm run cli -- fulfil --region 35` in its own process (which builds
 * its embedded index first, timed apart). Reports people/s, SQL statements per person and peak RSS,
 * then checks the outcome: no duplicate referrals, nobody below their minimum without a reason.
 */
export async function fulfilBench(opts: { people?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("fulfil bench: set DATABASE_URL");
    return false;
  }
  const generate = opts.people ?? 250_000;
  const { databaseUrl, env } = await cliBenchDatabase();
  // Generated people through the import (categories decided by the rules): about 45 % have a minimum
  // and a Fujian household or origin, so 250,000 give ~100,000 in the run.
  const seeded = await cli(["seed", "--people", String(generate)], env);
  if (seeded.code !== 0) throw new Error("seed failed");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await multiplyPostings(client, 100_000);
    await client.query("update search_outbox set done_at = now() where done_at is null");
    // The campaign window is policy data: run it through today so today's referrals count.
    await client.query("update campaigns set ends_on = (now() at time zone 'Asia/Shanghai')::date + 60 where status = 'ACTIVE'");
    await client.query("analyze");
    const { rows: [counts] } = await client.query<{ people: number; kg: number; postings: number }>(
      `select (select count(*)::int from people) as people,
              (select count(distinct person_id)::int from person_categories where category_code like 'KG%') as kg,
              (select count(*)::int from postings where status = 'OPEN') as postings`,
    );

    const run = await cli(["fulfil", "--region", "35"], env);
    if (run.code !== 0) throw new Error(`fulfil exited ${run.code}`);
    const out = JSON.parse(run.stdout) as { total: number; processed: number; created: number; stillBelow: number; reasons: { reason: string; count: number }[]; indexMs: number; runMs: number; sqlStatements: number };
    const { rows: [check] } = await client.query<{ dupes: number; silent: number; below: number }>(
      `select (select count(*) - count(distinct (person_id, posting_id)) from referrals)::int as dupes,
              (select count(*) from campaign_run_items where state = 'BELOW' and coalesce(reason, '') = '')::int as silent,
              (select count(*) from campaign_run_items where state = 'BELOW')::int as below`,
    );
    console.log(`\nfulfilment — ${counts!.people} people (${counts!.kg} in key-group categories), ${counts!.postings} open postings (postgres)\n`);
    printTable([
      { measure: "people in the run (below their minimum)", value: String(out.total) },
      { measure: "embedded index build in the CLI (not part of the run)", value: `${(out.indexMs / 1000).toFixed(1)} s` },
      { measure: "run: none → everyone at minimum", value: `${(out.runMs / 1000).toFixed(1)} s (${Math.round(out.total / (out.runMs / 1000))} people/s)` },
      { measure: "referrals created", value: String(out.created) },
      { measure: "SQL statements per person", value: (out.sqlStatements / out.total).toFixed(2) },
      { measure: "peak RSS of the CLI process", value: `${run.peakRssMb.toFixed(0)} MB` },
      { measure: "left below, with reasons", value: `${check!.below}: ${out.reasons.map((r) => `${r.count}× ${r.reason.slice(0, 24)}…`).join("; ") || "—"}` },
      { measure: "duplicate referrals / below without a reason", value: `${check!.dupes} / ${check!.silent}` },
    ]);
    const ok = out.runMs <= 120_000 && run.peakRssMb <= 2048 && check!.dupes === 0 && check!.silent === 0 && out.processed === out.total;
    console.log(ok ? "OK" : "BELOW TARGET (≤ 120 s, peak RSS ≤ 2 GB, no duplicates, nobody below without a reason)");
    return ok;
  } finally {
    await client.end();
    await dropBenchDatabase(databaseUrl);
  }
}
