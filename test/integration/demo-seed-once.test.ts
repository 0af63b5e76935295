import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { seedDemo } from "../../seed/demo.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/*
 * Issue 19: replicas started at once on one empty PostgreSQL (SEED_DEMO=always) seed the demo once —
 * its postings and marker are written under an advisory lock, the marker read again inside it.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(() => t.close());

it("two seedings at once load the demo once: one seeds, the other finds it loaded and writes nothing", async () => {
  const opts = { jwtSecret: "x".repeat(32), piiKey: t.config.pii.key, fujianPostings: 20, people: 5 };
  const outcomes = await Promise.all([seedDemo(t.db, t.app.log, opts), seedDemo(t.db, t.app.log, opts)]);
  const seeded = outcomes.filter((o) => o !== null);
  expect(seeded).toHaveLength(1);
  const [row] = await queryRows<{ employers: number; postings: number; partners: number }>(
    t.db,
    sql`select (select count(*)::int from employers) as employers, (select count(*)::int from postings) as postings,
               (select count(*)::int from partners where created_by = 'seed:demo') as partners`,
  );
  expect(row).toEqual({ employers: seeded[0]!.employers, postings: seeded[0]!.postings, partners: 1 });
}, 120_000);
