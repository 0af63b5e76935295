import { and, asc, eq, sql } from "drizzle-orm";
import { Role, type Viewer } from "../src/auth/viewer.js";
import type { Database } from "../src/db/client.js";
import { queryRows } from "../src/db/client.js";
import { serviceToday } from "../src/dates.js";
import { activateCampaign, closeCampaign, createCampaign } from "../src/modules/categories/campaign.service.js";
import { reevaluateNextPage } from "../src/modules/categories/reevaluation.service.js";
import { campaigns, targetCategories, type CampaignRow, type Population } from "../src/modules/categories/category.table.js";
import { addFairSession, createJobFair, registerBooth, setJobFairStatus } from "../src/modules/fairs/fair.service.js";
import { createMentor } from "../src/modules/mentors/mentor.service.js";
import { parseFulfilScope, startCampaignRun, startMentorRun } from "../src/modules/referrals/campaign-run.service.js";
import type { PiiCipher } from "../src/pii/pii-crypto.js";

/**
 * The demo's live year (issue 16): the 2020 campaign, long over, is closed as an official would
 * close it; this year's key-group graduate campaign and poverty-labour action are created and
 * activated through the same services the API calls; mentors, an OPEN fair with booths and sessions,
 * and two queued runs (Xiamen brought to its minimums; mentors paired) give a newcomer people both
 * below and at their minimum. The server's runner works the queued runs once it listens.
 */

const ADMIN: Viewer = { kind: "user", userId: "seed", role: Role.ADMIN };
const DAY = 86_400_000;

export interface DemoCampaigns {
  current: CampaignRow;
  labour: CampaignRow;
}

/** The latest version of every category of a population, each with its own minimum. */
async function latestCategories(db: Database, population: Population) {
  const rows = await db.select().from(targetCategories).where(eq(targetCategories.population, population)).orderBy(asc(targetCategories.code), asc(targetCategories.version));
  const latest = new Map(rows.map((r) => [r.code, r]));
  return [...latest.values()].map((r) => ({ categoryId: r.id }));
}

/**
 * The key-group campaign's window: the autumn campaign (1 October – 31 December) when today is in
 * it; otherwise, so that the demo always runs one, from the first of this month for three months.
 */
export function demoCampaignWindow(today: string): { startsOn: string; endsOn: string; cohortYear: number } {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const cohortYear = month >= 7 ? year : year - 1;
  if (month >= 10) return { startsOn: `${year}-10-01`, endsOn: `${year}-12-31`, cohortYear };
  const start = new Date(Date.UTC(year, month - 1, 1));
  const end = new Date(Date.UTC(year, month + 2, 0));
  return { startsOn: start.toISOString().slice(0, 10), endsOn: end.toISOString().slice(0, 10), cohortYear };
}

/** Closes campaigns whose window has ended (freezing their figures) and opens this year's two. */
export async function seedDemoCampaigns(db: Database, now: Date): Promise<DemoCampaigns> {
  const today = serviceToday(now);
  const ended = await db.select().from(campaigns).where(and(eq(campaigns.status, "ACTIVE"), sql`${campaigns.endsOn} < ${today}`));
  for (const c of ended) await closeCampaign(db, ADMIN, c.id);
  const year = Number(today.slice(0, 4));
  const window = demoCampaignWindow(today);
  const current = await createCampaign(db, ADMIN, {
    code: `FJ-${year}-KG`,
    name: `${year}年高校毕业生重点群体就业帮扶专项行动（演示）`,
    kind: "KEY_GROUP_GRADUATES",
    ...window,
    categories: await latestCategories(db, "KEY_GROUP_GRADUATE"),
  });
  const labour = await createCampaign(db, ADMIN, {
    code: `FJ-${year}-PL`,
    name: `${year}年建档立卡贫困劳动力就业帮扶行动（演示）`,
    kind: "POVERTY_LABOUR",
    cohortYear: window.cohortYear,
    startsOn: `${year}-01-01`,
    endsOn: `${year}-12-31`,
    categories: await latestCategories(db, "POVERTY_LABOURER"),
  });
  return { current: await activateCampaign(db, ADMIN, current.id), labour: await activateCampaign(db, ADMIN, labour.id) };
}

const PREFECTURES: [string, string][] = [
  ["350100", "福州"],
  ["350200", "厦门"],
  ["350300", "莆田"],
  ["350400", "三明"],
  ["350500", "泉州"],
  ["350600", "漳州"],
  ["350700", "南平"],
  ["350800", "龙岩"],
  ["350900", "宁德"],
];

export interface DemoActivity {
  fairId: string;
  mentors: number;
  runs: string[];
}

/**
 * Mentors in every prefecture, an OPEN fair (registration; sessions in a few days) with three
 * Fuzhou employers' booths, presentations and interview slots, and the queued runs.
 */
export async function seedDemoActivity(deps: { db: Database; pii: PiiCipher }, demo: DemoCampaigns, now: Date): Promise<DemoActivity> {
  const { db } = deps;
  for (const [i, [regionCode, place]] of PREFECTURES.entries()) {
    await createMentor(deps, ADMIN, { name: `${place}红娘导师${i + 1}`, regionCode, capacity: 5, phone: `1390591${String(1000 + i).padStart(4, "0")}` });
  }

  // Tomorrow 09:00 to the day after 17:00, Beijing time.
  const tomorrow = Date.parse(`${serviceToday(new Date(now.getTime() + DAY))}T09:00:00+08:00`);
  const fair = await createJobFair(db, ADMIN, {
    title: `${serviceToday(now).slice(0, 4)}年福建省高校毕业生重点群体网络招聘会（演示）`,
    kind: "CAMPUS",
    startsAt: new Date(tomorrow),
    endsAt: new Date(tomorrow + DAY + 8 * 3_600_000),
    audience: { populations: ["KEY_GROUP_GRADUATE"], regionPrefixes: ["35"] },
    organiserRegionCode: "350000",
  });
  // Open for registration first: employers see a fair only once it is no longer a draft.
  await setJobFairStatus(db, ADMIN, fair.id, "OPEN");
  const exhibitors = await queryRows<{ employer_id: string; posting_ids: string[] }>(
    db,
    sql`select p.employer_id, (array_agg(p.id order by p.id))[1:3] as posting_ids
        from postings p join employers e on e.id = p.employer_id
        where p.status = 'OPEN' and p.valid_until > ${now} and e.region_code like '3501%' and e.verified
        group by p.employer_id order by p.employer_id limit 3`,
  );
  for (const [i, ex] of exhibitors.entries()) {
    const employer: Viewer = { kind: "user", userId: `seed-employer-${i}`, role: Role.EMPLOYER, employerId: ex.employer_id };
    await registerBooth(db, employer, { fairId: fair.id, postingIds: ex.posting_ids });
    const at = (hours: number) => new Date(tomorrow + hours * 3_600_000);
    await addFairSession(db, ADMIN, { fairId: fair.id, kind: "PRESENTATION", employerId: ex.employer_id, title: "企业宣讲", startsAt: at(i), endsAt: at(i + 1) });
    for (let slot = 0; slot < 3; slot++) {
      await addFairSession(db, ADMIN, { fairId: fair.id, kind: "INTERVIEW", employerId: ex.employer_id, title: `面试 ${slot + 1}`, startsAt: at(4 + slot), endsAt: at(4.5 + slot) });
    }
  }

  // The activations asked for everyone to be re-decided (the people were imported after, already decided
  // on the new campaign): done here, as the server's worker would, so the runs may start.
  while ((await reevaluateNextPage(db)) !== null);
  const fulfil = await startCampaignRun(db, ADMIN, parseFulfilScope({ regionCode: "3502" }), demo.current.id);
  const mentors = await startMentorRun(db, ADMIN, parseFulfilScope({ regionCode: "35" }));
  return { fairId: fair.id, mentors: PREFECTURES.length, runs: [fulfil.id, mentors.id] };
}
