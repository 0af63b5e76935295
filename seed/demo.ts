import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database, Executor } from "../src/db/client.js";
import { queryRows } from "../src/db/client.js";
import { newId } from "../src/db/ids.js";
import { insertMany } from "../src/db/bulk-insert.js";
import { logStep, type Logger } from "../src/logger.js";
import { syntheticCreditCode } from "../src/modules/employers/credit-code.js";
import { employers } from "../src/modules/employers/employer.table.js";
import { hashApiKey } from "../src/modules/partners/partner.service.js";
import { partnerApiKeys, partners } from "../src/modules/partners/partner.table.js";
import { postings } from "../src/modules/postings/posting.table.js";
import { seedDataFolder } from "../src/paths.js";
import { logPostingChanges } from "../src/search/change-log.js";
import { parse51jobCsv } from "./51job/posting-parser.js";
import { parseRegionsCsv } from "./51job/region-parser.js";
import { seededRandom } from "./random.js";
import { generateFujianEmployers, generateFujianPostings } from "./fujian-demo.js";
import { ensureDemoInstitutions, generatePeopleCsv, generatorRegions } from "./people.js";
import { Role, type Viewer } from "../src/auth/viewer.js";
import { createPiiCipher, type PiiCipher } from "../src/pii/pii-crypto.js";
import { importPeople, type ImportReport } from "../src/modules/people/person-import.service.js";
import { seedDemoActivity, seedDemoCampaigns } from "./campaigns.js";
import { findActiveCampaign } from "../src/modules/categories/category.repository.js";

const DAY = 86_400_000;
const SEED_ACTOR = "seed:demo";
export const DEMO_PARTNER_NAME = "演示招聘网 (demo partner)";
// Held while the demo's postings and marker are written (see seedDemo).
const DEMO_SEED_LOCK = 73_202_021;

/** The demo partner's key, derived from the (dev) JWT secret so the start-up banner can print it. */
export function demoPartnerKey(jwtSecret: string): string {
  return "jbpk_demo_" + createHmac("sha256", jwtSecret).update("demo-partner-key").digest("base64url");
}

export interface DemoSummary {
  employers: number;
  postings: number;
  skippedRealPostings: number;
  people: number;
  /** This year's key-group campaign and poverty-labour action (ACTIVE), the OPEN fair, the queued runs. */
  currentCampaignId: string;
  labourCampaignId: string;
  fairId: string;
  runs: string[];
}

const SEED_OPERATOR: Viewer = { kind: "user", userId: "seed", role: Role.ADMIN };

/**
 * Generated people, through the same import as a county's spreadsheet (so they are checked and their
 * categories decided like anyone's). Deterministic for a seed; safe to run again (unchanged rows).
 */
export async function seedPeople(deps: { db: Database; pii: PiiCipher }, count: number, opts: { seed?: number; cohortYear?: number; onProgress?: (rows: number) => void } = {}): Promise<ImportReport> {
  await ensureDemoInstitutions(deps.db);
  const regions = await generatorRegions(deps.db);
  // Graduates of the running key-group campaign's cohort unless told otherwise.
  const cohortYear = opts.cohortYear ?? (await findActiveCampaign(deps.db))?.cohortYear ?? 2020;
  const report = await importPeople(deps, SEED_OPERATOR, generatePeopleCsv(count, regions, opts.seed ?? 2020, cohortYear), opts.onProgress ? { onProgress: opts.onProgress } : {});
  await deps.db.execute(sql`analyze people`);
  await deps.db.execute(sql`analyze employment_history`);
  await deps.db.execute(sql`analyze person_categories`);
  return report;
}

/** True when nothing has been seeded (no employers yet): `npm start` seeds only then. */
export async function databaseIsEmpty(db: Database): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from employers`);
  return Number(row?.n ?? 0) === 0;
}

/** The demo is loaded once: its partner is the marker. */
export async function demoPresent(db: Executor): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from partners where name = ${DEMO_PARTNER_NAME}`);
  return Number(row?.n ?? 0) > 0;
}

/**
 * The demo: the 51job postings in seed/data (real ads, Oct–Dec 2023) with their employers, plus
 * generated Fujian employers of Fujian's industries (some poverty-alleviation workshops, a few
 * public-service bodies per prefecture) posting their industry's occupations, of every kind.
 * Deterministic; validity dates are set from `now` so the demo is open when it is shown.
 */
export async function seedDemo(db: Database, log: Logger, opts: { jwtSecret: string; piiKey: Buffer; now?: Date; fujianPostings?: number; people?: number }): Promise<DemoSummary | null> {
  if (await demoPresent(db)) {
    log.info("the demo data is already loaded");
    return null;
  }
  const now = opts.now ?? new Date();
  const random = seededRandom(20201001);
  const regionRows = parseRegionsCsv(readFileSync(join(seedDataFolder, "regions-cn-2023.csv"), "utf8"));
  const parsed = parse51jobCsv(readFileSync(join(seedDataFolder, "postings-51job-2023.csv"), "utf8"), regionRows);

  const employerRows: (typeof employers.$inferInsert)[] = [];
  const postingRows: (typeof postings.$inferInsert)[] = [];
  const employerByName = new Map<string, string>();
  let serial = 1;

  for (const p of parsed.postings) {
    let employerId = employerByName.get(p.companyName);
    if (!employerId) {
      employerId = newId();
      employerByName.set(p.companyName, employerId);
      employerRows.push({
        id: employerId,
        name: p.companyName.slice(0, 200),
        creditCode: syntheticCreditCode(p.regionCode, serial++),
        regionCode: p.regionCode,
        isPovertyWorkshop: false,
        verified: true,
        createdBy: SEED_ACTOR,
      });
    }
    postingRows.push({
      id: newId(),
      employerId,
      title: p.title.slice(0, 100),
      description: p.description,
      occupation: null,
      skills: p.skills.slice(0, 30).map((s) => s.slice(0, 40)),
      majors: [],
      minEducation: p.minEducation,
      regionCode: p.regionCode,
      salaryMin: p.salaryMin,
      salaryMax: p.salaryMax,
      headcount: random.int(1, 5),
      kind: "REGULAR",
      forKeyGroups: false,
      status: "OPEN",
      validUntil: new Date(now.getTime() + random.int(20, 90) * DAY),
      publishedAt: p.issuedAt,
      closedAt: null,
      source: "EMPLOYER",
      createdBy: SEED_ACTOR,
    });
  }

  // Fujian's employers by industry, each posting only its industry's occupations (seed/industries.ts).
  const fujianCounties = regionRows.filter((r) => r.level === "county" && r.code.startsWith("35"));
  const fujianEmployers = generateFujianEmployers(random, fujianCounties, 160, () => serial++);
  employerRows.push(...fujianEmployers.map((e) => e.row));
  postingRows.push(...generateFujianPostings(random, fujianEmployers, opts.fujianPostings ?? 1500, now).map((p) => p.row));

  // UUID v7 ids order postings by insertion: put the newest publication last so lists read newest first.
  postingRows.sort((a, b) => (a.publishedAt?.getTime() ?? now.getTime()) - (b.publishedAt?.getTime() ?? now.getTime()));
  for (const row of postingRows) row.id = newId();

  // Several processes may start at once on one empty PostgreSQL: one seeds, under a lock taken in
  // the transaction that writes the demo's marker (its partner); the others find the marker and go on.
  const inserted = await logStep(
    log,
    "demo",
    () =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_SEED_LOCK})`);
        if (await demoPresent(tx)) return false;
        const partnerId = newId();
        await tx.insert(partners).values({ id: partnerId, name: DEMO_PARTNER_NAME, createdBy: SEED_ACTOR });
        const key = demoPartnerKey(opts.jwtSecret);
        await tx.insert(partnerApiKeys).values({
          id: newId(),
          partnerId,
          keyHash: hashApiKey(key),
          keyPrefix: key.slice(0, 12),
          scopes: ["postings:read", "postings:write"],
          createdBy: SEED_ACTOR,
        });
        // One set-based INSERT … SELECT FROM unnest(…) per table: a parameter per column, not per value.
        await insertMany(tx, employers, employerRows);
        await insertMany(tx, postings, postingRows);
        await logPostingChanges(tx, postingRows.map((p) => p.id!));
        return true;
      }),
    (done) => (done ? `inserted ${employerRows.length.toLocaleString("en")} employers and ${postingRows.length.toLocaleString("en")} postings, the demo partner` : "loaded meanwhile by another process"),
  );
  if (!inserted) return null;
  // Fresh statistics, so the planner uses the indexes at once (PGlite runs no autovacuum).
  await db.execute(sql`analyze employers`);
  await db.execute(sql`analyze postings`);
  // This year's campaigns before the people, so their categories are decided against this year's cohort.
  const demo = await logStep(log, "demo", () => seedDemoCampaigns(db, now), () => "closed the 2020 campaign, opened this year's key-group campaign and poverty-labour action");
  const cohortYear = demo.current.cohortYear;
  const pii = createPiiCipher(opts.piiKey);
  const people = await logStep(log, "demo", () => seedPeople({ db, pii }, opts.people ?? 300, { cohortYear }), (r) => `imported ${r.created} generated people into the ledger`);
  const activity = await logStep(
    log,
    "demo",
    () => seedDemoActivity({ db, pii }, demo, now),
    () => "mentors, an OPEN fair with booths and sessions, and runs for the runner (Xiamen to its minimums; mentors paired)",
  );
  const summary: DemoSummary = {
    employers: employerRows.length,
    postings: postingRows.length,
    skippedRealPostings: parsed.skipped.length,
    people: people.created,
    currentCampaignId: demo.current.id,
    labourCampaignId: demo.labour.id,
    fairId: activity.fairId,
    runs: activity.runs,
  };
  log.debug(summary, "demo data seeded");
  return summary;
}
