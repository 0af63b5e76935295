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
import { postings, type PostingKind } from "../src/modules/postings/posting.table.js";
import { seedDataFolder } from "../src/paths.js";
import { logPostingChanges } from "../src/search/change-log.js";
import { parse51jobCsv } from "./51job/posting-parser.js";
import { parseRegionsCsv } from "./51job/region-parser.js";
import { seededRandom } from "./random.js";
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

// Fujian openings of the kinds the campaign deals in, for the generated part of the demo.
const FUJIAN_JOBS: { title: string; occupation: string; skills: string[]; majors: string[]; edu: "NONE" | "HIGH_SCHOOL" | "ASSOCIATE" | "BACHELOR"; salary: [number, number]; kind: PostingKind }[] = [
  { title: "电商运营专员", occupation: "电子商务", skills: ["淘宝运营", "直播带货", "数据分析"], majors: ["电子商务", "市场营销"], edu: "ASSOCIATE", salary: [4500, 7000], kind: "REGULAR" },
  { title: "茶叶加工技术员", occupation: "农产品加工", skills: ["制茶", "质量检验"], majors: ["茶学", "食品科学与工程"], edu: "HIGH_SCHOOL", salary: [3800, 5500], kind: "REGULAR" },
  { title: "会计", occupation: "财务", skills: ["财务核算", "税务申报", "Excel"], majors: ["会计学", "财务管理"], edu: "ASSOCIATE", salary: [4000, 6500], kind: "REGULAR" },
  { title: "护士", occupation: "医疗护理", skills: ["护理", "急救"], majors: ["护理学"], edu: "ASSOCIATE", salary: [4500, 7500], kind: "REGULAR" },
  { title: "幼儿园教师", occupation: "教育", skills: ["幼儿教育", "钢琴"], majors: ["学前教育"], edu: "ASSOCIATE", salary: [3500, 5500], kind: "REGULAR" },
  { title: "普工", occupation: "生产制造", skills: ["流水线操作"], majors: [], edu: "NONE", salary: [4500, 6500], kind: "REGULAR" },
  { title: "鞋服质检员", occupation: "生产制造", skills: ["质量检验"], majors: ["服装设计与工程"], edu: "HIGH_SCHOOL", salary: [4200, 6000], kind: "REGULAR" },
  { title: "软件开发工程师", occupation: "软件开发", skills: ["Java", "Spring", "MySQL"], majors: ["计算机科学与技术", "软件工程"], edu: "BACHELOR", salary: [7000, 13000], kind: "REGULAR" },
  { title: "导游", occupation: "旅游服务", skills: ["讲解", "普通话"], majors: ["旅游管理"], edu: "ASSOCIATE", salary: [3500, 6000], kind: "REGULAR" },
  { title: "厨师", occupation: "餐饮", skills: ["闽菜", "面点"], majors: ["烹饪工艺与营养"], edu: "NONE", salary: [4500, 8000], kind: "REGULAR" },
  { title: "家政服务员", occupation: "家庭服务", skills: ["保洁", "育婴"], majors: [], edu: "NONE", salary: [4000, 6500], kind: "HOUSEHOLD_SERVICE" },
  { title: "养老护理员", occupation: "家庭服务", skills: ["护理", "康复"], majors: ["老年服务与管理"], edu: "NONE", salary: [3800, 5500], kind: "HOUSEHOLD_SERVICE" },
  { title: "乡村振兴专员", occupation: "基层服务", skills: ["调研", "公文写作"], majors: ["农业经济管理", "行政管理"], edu: "BACHELOR", salary: [3500, 5000], kind: "GRASSROOTS" },
  { title: "社区工作者", occupation: "基层服务", skills: ["社区服务", "公文写作"], majors: ["社会工作"], edu: "ASSOCIATE", salary: [3200, 4500], kind: "GRASSROOTS" },
  { title: "行政助理（就业见习）", occupation: "行政", skills: ["Office", "档案管理"], majors: [], edu: "ASSOCIATE", salary: [2200, 3000], kind: "TRAINEESHIP" },
  { title: "财务助理（就业见习）", occupation: "财务", skills: ["财务核算"], majors: ["会计学"], edu: "ASSOCIATE", salary: [2200, 3000], kind: "TRAINEESHIP" },
  { title: "护林员", occupation: "公益性岗位", skills: ["巡山护林"], majors: [], edu: "NONE", salary: [1800, 2200], kind: "PUBLIC_WELFARE" },
  { title: "保洁员（公益性岗位）", occupation: "公益性岗位", skills: ["保洁"], majors: [], edu: "NONE", salary: [1800, 2200], kind: "PUBLIC_WELFARE" },
  { title: "食用菌种植技术员", occupation: "农业", skills: ["食用菌种植"], majors: ["园艺", "农学"], edu: "HIGH_SCHOOL", salary: [3500, 5000], kind: "REGULAR" },
  { title: "物流仓管员", occupation: "物流", skills: ["仓储管理", "叉车"], majors: ["物流管理"], edu: "HIGH_SCHOOL", salary: [4000, 6000], kind: "REGULAR" },
];
const FUJIAN_TRADES = ["食品", "茶业", "鞋业", "纺织", "电子", "物流", "农业发展", "旅游", "家政服务", "医疗", "教育", "科技", "建材", "餐饮管理"];

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
 * generated Fujian employers (some poverty-alleviation workshops) and postings of every kind.
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

  const fujianCounties = regionRows.filter((r) => r.level === "county" && r.code.startsWith("35"));
  const fujianEmployerIds: { id: string; regionCode: string; workshop: boolean }[] = [];
  for (let i = 0; i < 160; i++) {
    const county = random.pick(fujianCounties);
    const workshop = i % 5 === 0;
    const id = newId();
    const place = county.name.replace(/(市|县|区)$/, "");
    employerRows.push({
      id,
      name: workshop ? `${place}${random.pick(["茶叶", "食用菌", "竹木", "服装"])}扶贫车间${i}` : `${place}${random.pick(FUJIAN_TRADES)}有限公司${i}`,
      creditCode: syntheticCreditCode(county.code, serial++),
      regionCode: county.code,
      isPovertyWorkshop: workshop,
      verified: i % 7 !== 3,
      createdBy: SEED_ACTOR,
    });
    fujianEmployerIds.push({ id, regionCode: county.code, workshop });
  }
  for (let i = 0; i < (opts.fujianPostings ?? 1500); i++) {
    const employer = random.pick(fujianEmployerIds);
    const job = random.pick(FUJIAN_JOBS);
    const status = random.chance(0.9) ? "OPEN" : random.pick(["DRAFT", "CLOSED"] as const);
    const bump = random.int(0, 8) * 100;
    postingRows.push({
      id: newId(),
      employerId: employer.id,
      title: job.title,
      description: `${job.title}，工作地点在本县。要求：${job.skills.join("、")}。`,
      occupation: job.occupation,
      skills: job.skills,
      majors: job.majors,
      minEducation: job.edu,
      regionCode: random.chance(0.8) ? employer.regionCode : random.pick(fujianCounties).code,
      salaryMin: job.salary[0] + bump,
      salaryMax: job.salary[1] + bump,
      headcount: random.int(1, 20),
      kind: job.kind,
      forKeyGroups: job.kind === "PUBLIC_WELFARE" || employer.workshop || random.chance(0.15),
      status,
      validUntil: new Date(now.getTime() + random.int(15, 120) * DAY),
      publishedAt: status === "DRAFT" ? null : new Date(now.getTime() - random.int(0, 30) * DAY),
      closedAt: status === "CLOSED" ? now : null,
      source: "EMPLOYER",
      createdBy: SEED_ACTOR,
    });
  }

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
