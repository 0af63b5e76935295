import pg from "pg";
import { loadavg } from "node:os";
import { dropBenchDatabase, fulfilBenchDatabase, fulfilOnce, fulfilRegion, median, printTable, type FulfilOutcome } from "./harness.js";

/**
 * Fulfilment at scale on PostgreSQL: ~100,000 people below their referral minimum (from 250,000
 * generated through the import, `--people` to change) against ~100,000 open postings, from no referrals to
 * everyone at their minimum, by `npm run cli -- fulfil --region 35` in its own process (which builds
 * its embedded index first, timed apart). Reports people/s, SQL statements per person and peak RSS,
 * then checks the outcome: no duplicate referrals, nobody below their minimum without a reason.
 */
export async function fulfilBench(opts: { people?: number; compare?: boolean; runs?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("fulfil bench: set DATABASE_URL");
    return false;
  }
  const generate = opts.people ?? 250_000;
  // Generated people through the import (categories decided by the rules): about 45 % have a minimum
  // and a Fujian household or origin, so 250,000 give ~100,000 in the run.
  const { databaseUrl, env, client } = await fulfilBenchDatabase(generate);
  try {
    if (opts.compare) return await compareCampaignCounts(client, env);
    const { rows: [counts] } = await client.query<{ people: number; kg: number; postings: number }>(
      `select (select count(*)::int from people) as people,
              (select count(distinct person_id)::int from person_categories where category_code like 'KG%') as kg,
              (select count(*)::int from postings where status = 'OPEN') as postings`,
    );

    // Each run a new CLI process from no referrals (its index build, timed apart, warms it up); issue 25's targets on the median.
    const runs = opts.runs ?? 3;
    const outs: FulfilOutcome[] = [];
    for (let r = 0; r < runs; r++) {
      const run = r === 0 && !process.env.BENCH_DATABASE ? await fulfilRegion(env) : await fulfilOnce(client, env);
      outs.push(run);
      console.log(`run ${r + 1}/${runs}: ${(run.runMs / 1000).toFixed(1)} s for ${run.total} people (${Math.round(run.total / (run.runMs / 1000))} people/s), index ${(run.indexMs / 1000).toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB; load ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
    }
    const out = { ...outs[outs.length - 1]!, runMs: median(outs.map((o) => o.runMs)), indexMs: median(outs.map((o) => o.indexMs)), peakRssMb: median(outs.map((o) => o.peakRssMb)) };
    const { rows: [check] } = await client.query<{ dupes: number; silent: number; below: number }>(
      `select (select count(*) - count(distinct (person_id, posting_id)) from referrals)::int as dupes,
              (select count(*) from campaign_run_items where state = 'BELOW' and coalesce(reason, '') = '')::int as silent,
              (select count(*) from campaign_run_items where state = 'BELOW')::int as below`,
    );
    console.log(`\nfulfilment — ${counts!.people} people (${counts!.kg} in key-group categories), ${counts!.postings} open postings (postgres)\n`);
    printTable([
      { measure: "people in the run (below their minimum)", value: String(out.total) },
      { measure: "runner threads (one per core; each with a copy of the index)", value: String(out.runnerThreads ?? 0) },
      { measure: "embedded index build in the CLI (not part of the run)", value: `${(out.indexMs / 1000).toFixed(1)} s` },
      { measure: `run: none → everyone at minimum (median of ${runs})`, value: `${(out.runMs / 1000).toFixed(1)} s (${Math.round(out.total / (out.runMs / 1000))} people/s; runs ${outs.map((o) => (o.runMs / 1000).toFixed(1)).join(", ")})` },
      { measure: "referrals created", value: String(out.created) },
      { measure: "SQL statements per person", value: (out.sqlStatements / out.total).toFixed(2) },
      { measure: `peak RSS of the CLI process (median of ${runs})`, value: `${out.peakRssMb.toFixed(0)} MB` },
      { measure: "left below, with reasons", value: `${check!.below}: ${out.reasons.map((r) => `${r.count}× ${r.reason.slice(0, 24)}…`).join("; ") || "—"}` },
      { measure: "duplicate referrals / below without a reason", value: `${check!.dupes} / ${check!.silent}` },
    ]);
    // Issue 25: 100,000 people in ≤ 60 s (median of 3), peak RSS ≤ 1.5 GB; every run complete.
    const ok = out.runMs <= 60_000 && out.peakRssMb <= 1536 && check!.dupes === 0 && check!.silent === 0 && outs.every((o) => o.processed === o.total);
    console.log(ok ? "OK" : "BELOW TARGET (≤ 60 s median, peak RSS ≤ 1.5 GB, no duplicates, nobody below without a reason)");
    return ok;
  } finally {
    await client.end();
    await dropBenchDatabase(databaseUrl);
  }
}

/**
 * Issue 16: the key-group campaign's fulfil with the poverty-labour action ACTIVE beside it (two
 * campaigns, the same people in both) against the same run with the action not active — three
 * runs each, interleaved (one, two, one, two, …), each from no referrals; medians compared.
 */
async function compareCampaignCounts(client: pg.Client, env: Record<string, string>): Promise<boolean> {
  const { rows: [kg] } = await client.query<{ id: string }>("select id from campaigns where status = 'ACTIVE' and kind = 'KEY_GROUP_GRADUATES'");
  const { rows: [pl] } = await client.query<{ id: string }>("select id from campaigns where kind = 'POVERTY_LABOUR' order by starts_on desc limit 1");
  if (!kg || !pl) throw new Error("the demo's two campaigns are missing");
  const { rows: [both] } = await client.query<{ n: number }>(
    `select count(distinct a.person_id)::int as n from person_categories a join person_categories b on b.person_id = a.person_id
      where a.category_code like 'KG%' and b.category_code like 'PL%'`,
  );
  const results: Record<"one" | "two", Awaited<ReturnType<typeof fulfilOnce>>[]> = { one: [], two: [] };
  for (let i = 0; i < 3; i++) {
    for (const mode of ["one", "two"] as const) {
      await client.query(mode === "two" ? "update campaigns set status = 'ACTIVE', activated_at = now() where id = $1" : "update campaigns set status = 'DRAFT' where id = $1", [pl.id]);
      const r = await fulfilOnce(client, env, kg.id);
      results[mode].push(r);
      console.log(`  run ${i + 1}, ${mode} active: ${(r.runMs / 1000).toFixed(1)} s for ${r.total} people, ${r.created} referrals, ${r.stillBelow} left below`);
    }
  }
  const fmt = (rs: { runMs: number }[]) => `${(median(rs.map((r) => r.runMs)) / 1000).toFixed(1)} s (${rs.map((r) => (r.runMs / 1000).toFixed(1)).join(", ")})`;
  const ratio = median(results.two.map((r) => r.runMs)) / median(results.one.map((r) => r.runMs));
  console.log(`\nfulfil of the key-group campaign with one and with two campaigns ACTIVE — ${results.one[0]!.total} people below their minimum (${both!.n} also poverty labourers in the action)\n`);
  printTable([
    { measure: "one campaign ACTIVE: run, median of 3", value: fmt(results.one) },
    { measure: "two campaigns ACTIVE: run, median of 3", value: fmt(results.two) },
    { measure: "two / one", value: `${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)} %)` },
    { measure: "referrals created (one · two)", value: `${results.one.map((r) => r.created).join("/")} · ${results.two.map((r) => r.created).join("/")}` },
    { measure: "SQL statements per person (one · two)", value: `${(results.one[0]!.sqlStatements / results.one[0]!.total).toFixed(2)} · ${(results.two[0]!.sqlStatements / results.two[0]!.total).toFixed(2)}` },
  ]);
  const same = results.one.every((r) => r.created === results.one[0]!.created) && results.two.every((r) => r.created === results.one[0]!.created);
  const ok = ratio <= 1.1 && same;
  console.log(ok ? "OK" : "BELOW TARGET (two campaigns within 10 % of one; the same referrals)");
  return ok;
}
