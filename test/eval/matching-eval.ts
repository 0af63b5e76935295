import { openDatabase } from "../../src/db/client.js";
import { createPostingLoaders } from "../../src/modules/postings/posting.loaders.js";
import { policyReads, recommendForPeople, type MatchReads } from "../../src/modules/matching/recommend.service.js";
import type { MatchWeights } from "../../src/modules/matching/match-score.js";
import { hardConstraints } from "../../src/modules/matching/match-constraints.js";
import { educationLevel, type PostingRow } from "../../src/modules/postings/posting.table.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import { regions } from "../../src/modules/regions/region.table.js";
import { loadSearchSettings } from "../../src/modules/synonyms/synonym.service.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import { indexAllPostings } from "../../src/search/search-index.js";
import { postingDocumentSource } from "../../src/modules/postings/posting-documents.js";
import { and, eq, like } from "drizzle-orm";
import { seededRandom } from "../../seed/random.js";
import { makeEmployer, makePosting } from "../helpers/factories.js";

/**
 * The matching quality harness: a labelled set built from a fixed seed, the ranker (`matchesForPerson`,
 * exactly as the API runs it) and a text-only baseline (the engine's own relevance on the person's
 * words, under the same hard constraints) scored on it.
 *
 * THE LABELLED SET (reproducible: same seed, same set). Twelve job families (财务, 软件开发, 软件测试,
 * 护理, 教育, 电商, 销售, 行政, 生产, 餐饮, 农业, 驾驶) each with the titles, skills, majors, pay and
 * education of real Fujian postings of that kind. Postings are drawn from a family: one of its titles,
 * some of its skills and majors, a county anywhere in Fujian (weighted towards the big cities), pay
 * spread around the family's range, published 0–60 days ago. People are drawn from a family too: the
 * words a seeker would type for it (often not the posting's own title: 财务 for a 会计 posting), the
 * family's major, a home county, sometimes a wage they want, sometimes willing to move for work;
 * one in five gives no intention words and no skills, only their major (and home). Nobody is drawn
 * with nothing at all: a person who says nothing has no right answer to label.
 *
 * THE LABELS (a caseworker's judgement, written down; the ranker's weights are not consulted). For a
 * person and a posting within their hard constraints:
 *   3  the person's family, in their home prefecture, paying what they ask (or they asked nothing)
 *   2  the person's family, and either in their home prefecture or paying what they ask
 *   1  the person's family, far and paying less; or a neighbouring family (财务↔行政, 软件开发↔软件测试,
 *      电商↔销售, 护理↔教育 no) in their home prefecture paying what they ask
 *   0  anything else
 * "Acceptable" is 2 or more. The family is the generator's hidden variable: neither ranker sees it.
 *
 * METRICS, averaged over people: precision@3 (share of the first three that are acceptable),
 * NDCG@10 (gain 2^label − 1; the ideal is every posting the person's hard constraints allow, sorted
 * by label), coverage (share of people with at least three acceptable postings in their first ten).
 */
export interface EvalOptions {
  seed: number;
  postingsPerFamily: number;
  people: number;
  /** Try other ranker weights than the active policy's (for tuning; the report says which were used). */
  weights?: MatchWeights;
}

export const FULL_EVAL: EvalOptions = { seed: 2020, postingsPerFamily: 250, people: 600 };

interface Family {
  key: string;
  titles: string[];
  skills: string[];
  majors: string[];
  /** What a seeker in this family types as their intention. */
  seekerWords: string[];
  education: (typeof educationLevel.enumValues)[number];
  salary: [number, number];
  kind?: "REGULAR" | "HOUSEHOLD_SERVICE";
  neighbours: string[];
}

export const FAMILIES: Family[] = [
  { key: "财务", titles: ["会计", "出纳", "财务专员", "成本会计", "总账会计", "财务助理", "税务专员"], skills: ["财务核算", "税务申报", "用友", "金蝶", "Excel", "记账"], majors: ["会计学", "财务管理", "审计学"], seekerWords: ["会计", "财务", "出纳", "记账"], education: "ASSOCIATE", salary: [4000, 7000], neighbours: ["行政"] },
  { key: "软件开发", titles: ["Java开发工程师", "前端开发工程师", "软件工程师", "程序员", "后端开发工程师", "嵌入式软件工程师"], skills: ["Java", "Spring", "Vue", "MySQL", "Python", "Linux"], majors: ["计算机科学与技术", "软件工程"], seekerWords: ["程序员", "开发工程师", "Java", "前端", "软件工程师"], education: "BACHELOR", salary: [7000, 14000], neighbours: ["软件测试"] },
  { key: "软件测试", titles: ["软件测试工程师", "测试工程师", "自动化测试工程师", "QA工程师"], skills: ["功能测试", "自动化测试", "Selenium", "接口测试"], majors: ["计算机科学与技术", "软件工程"], seekerWords: ["软件测试", "测试"], education: "ASSOCIATE", salary: [6000, 11000], neighbours: ["软件开发"] },
  { key: "护理", titles: ["护士", "病房护士", "护理员", "养老护理员"], skills: ["护理", "急救", "静脉输液"], majors: ["护理学"], seekerWords: ["护士", "护理"], education: "ASSOCIATE", salary: [4500, 7500], neighbours: [] },
  { key: "教育", titles: ["幼儿园教师", "小学语文老师", "英语老师", "培训讲师", "数学教师"], skills: ["教学", "课件制作", "普通话"], majors: ["学前教育", "汉语言文学", "英语", "数学与应用数学"], seekerWords: ["教师", "老师", "幼师"], education: "ASSOCIATE", salary: [3500, 6500], neighbours: [] },
  { key: "电商", titles: ["电商运营专员", "网店运营", "直播运营", "电子商务专员", "淘宝客服"], skills: ["淘宝运营", "直播带货", "数据分析", "抖音"], majors: ["电子商务", "市场营销"], seekerWords: ["电商", "电商运营", "直播"], education: "ASSOCIATE", salary: [4500, 8000], neighbours: ["销售"] },
  { key: "销售", titles: ["销售代表", "业务员", "销售经理", "市场营销专员", "门店销售"], skills: ["客户开发", "谈判", "市场推广"], majors: ["市场营销", "工商管理"], seekerWords: ["销售", "营销", "业务员"], education: "HIGH_SCHOOL", salary: [4000, 9000], neighbours: ["电商"] },
  { key: "行政", titles: ["行政助理", "文员", "办公室文员", "人事专员", "行政专员"], skills: ["Office", "档案管理", "公文写作"], majors: ["行政管理", "人力资源管理"], seekerWords: ["行政", "文员", "人事"], education: "ASSOCIATE", salary: [3500, 5500], neighbours: ["财务"] },
  { key: "生产", titles: ["普工", "操作工", "质检员", "生产工人", "包装工"], skills: ["流水线操作", "质量检验", "设备操作"], majors: [], seekerWords: ["普工", "操作工", "质检"], education: "NONE", salary: [4200, 6500], neighbours: [] },
  { key: "餐饮", titles: ["厨师", "面点师", "餐厅服务员", "厨工", "餐厅领班"], skills: ["闽菜", "面点", "餐饮服务"], majors: ["烹饪工艺与营养"], seekerWords: ["厨师", "餐饮", "服务员"], education: "NONE", salary: [4000, 8000], neighbours: [] },
  { key: "农业", titles: ["茶叶加工技术员", "食用菌种植技术员", "农技员", "果树种植员"], skills: ["制茶", "食用菌种植", "种植技术"], majors: ["茶学", "农学", "园艺"], seekerWords: ["茶叶", "种植", "农业"], education: "HIGH_SCHOOL", salary: [3500, 5500], neighbours: [] },
  { key: "驾驶", titles: ["货车司机", "驾驶员", "配送司机", "快递员"], skills: ["C1驾照", "B2驾照", "配送"], majors: [], seekerWords: ["司机", "驾驶员", "快递"], education: "NONE", salary: [5000, 9000], neighbours: [] },
];

/** The seed's random stream (the demo's generator), plus drawing a few distinct items. */
function prng(seed: number) {
  const random = seededRandom(seed);
  return { ...random, some: <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => random.next() - 0.5).slice(0, n) };
}

const EDU = educationLevel.enumValues;

/** The written-down label of a posting for a person (see the rubric above). */
export function label(person: { family: string; home: string; wants: number | null }, posting: { family: string; regionCode: string; salaryMax: number | null }): number {
  const near = posting.regionCode.slice(0, 4) === person.home.slice(0, 4);
  const paid = person.wants === null || (posting.salaryMax ?? 0) >= person.wants;
  if (posting.family === person.family) return 1 + (near ? 1 : 0) + (paid ? 1 : 0);
  const family = FAMILIES.find((f) => f.key === person.family)!;
  return family.neighbours.includes(posting.family) && near && paid ? 1 : 0;
}

const dcg = (grades: number[]) => grades.slice(0, 10).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);

export interface Metrics {
  precisionAt3: number;
  ndcgAt10: number;
  coverage: number;
}

export interface EvalReport {
  options: EvalOptions;
  postings: number;
  people: number;
  peopleWithoutWords: number;
  ranker: Metrics;
  baseline: Metrics;
  /** The same metrics for kinds of people (each person is in three groups). */
  groups: { name: string; people: number; ranker: Metrics; baseline: Metrics }[];
}

export async function runMatchingEval(options: EvalOptions): Promise<EvalReport> {
  const random = prng(options.seed);
  const handle = await openDatabase({ driver: "pglite", dataDir: "memory://" });
  try {
    await handle.migrate();
    const db = handle.db;
    const counties = (await db.select({ code: regions.code }).from(regions).where(and(eq(regions.level, "COUNTY"), like(regions.code, "35%")))).map((r) => r.code).sort();
    // The big cities get more postings, as they do.
    const weighted = counties.flatMap((c) => (c.startsWith("3501") || c.startsWith("3502") || c.startsWith("3505") ? [c, c, c] : [c]));

    // Postings: an employer per county and family, postings drawn from the family.
    const familyOf = new Map<string, string>();
    const employers = new Map<string, string>();
    const now = Date.now();
    for (const family of FAMILIES) {
      for (let i = 0; i < options.postingsPerFamily; i++) {
        const regionCode = random.pick(weighted);
        const key = `${family.key}:${regionCode}:${i % 3}`;
        if (!employers.has(key)) employers.set(key, (await makeEmployer(db, { regionCode, name: `${family.key}样本单位${employers.size + 1}`, isPovertyWorkshop: random.chance(0.05) })).id);
        const spread = 0.7 + random.next() * 0.6;
        const salaryMax = Math.round((family.salary[1] * spread) / 100) * 100;
        const title = random.pick(family.titles);
        const skills = random.some(family.skills, random.int(1, 3));
        const row = await makePosting(db, {
          employerId: employers.get(key)!,
          title,
          description: `${title}，要求${skills.join("、")}。`,
          occupation: family.key,
          skills,
          majors: family.majors.length > 0 && random.chance(0.6) ? random.some(family.majors, 1) : [],
          minEducation: random.chance(0.7) ? family.education : EDU[Math.max(0, EDU.indexOf(family.education) - 1)]!,
          regionCode,
          salaryMin: Math.round((salaryMax * 0.65) / 100) * 100,
          salaryMax,
          headcount: random.int(1, 12),
          kind: family.kind ?? "REGULAR",
          forKeyGroups: random.chance(0.1),
          publishedAt: new Date(now - random.int(0, 60) * 86_400_000),
        });
        familyOf.set(row.id, family.key);
      }
    }
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings(await loadSearchSettings(db));
    const indexed = await indexAllPostings(db, engine, postingDocumentSource);

    const policy = policyReads(db);
    const inForce = await policy.policy();
    const weights = options.weights ?? inForce.weights;
    const postingLoaders = createPostingLoaders(db);
    // The generated people are not in the ledger: no categories, no referrals.
    const reads: MatchReads = {
      ...policy,
      policy: async () => ({ ...inForce, weights }),
      profiles: async () => new Map(),
      referred: async () => new Map(),
      postings: async (ids) => new Map((await postingLoaders.postingById.loadMany(ids)).flatMap((r) => (r && !(r instanceof Error) ? [[r.id, r] as const] : []))),
    };
    const scores = { ranker: [] as Metrics[], baseline: [] as Metrics[] };
    const groups: Record<string, { ranker: Metrics[]; baseline: Metrics[] }> = {};
    const inGroup = (name: string, ranker: Metrics, baseline: Metrics) => {
      groups[name] ??= { ranker: [], baseline: [] };
      groups[name].ranker.push(ranker);
      groups[name].baseline.push(baseline);
    };
    let withoutWords = 0;
    for (let n = 0; n < options.people; n++) {
      // One in five states no intention and no skills, only a major (so they come from families with majors).
      const noWords = random.chance(0.2);
      const family = random.pick(noWords ? FAMILIES.filter((f) => f.majors.length > 0) : FAMILIES);
      const home = random.pick(weighted);
      if (noWords) withoutWords++;
      const major = family.majors.length > 0 && (noWords || random.chance(0.7)) ? random.pick(family.majors) : null;
      const wants = random.chance(0.5) ? Math.round((family.salary[0] + random.next() * (family.salary[1] - family.salary[0])) / 100) * 100 : null;
      const person = {
        id: `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`,
        householdRegionCode: home,
        originRegionCode: home,
        degreeLevel: EDU[Math.min(EDU.length - 1, EDU.indexOf(family.education) + random.int(0, 1))]!,
        major,
        intentionKeywords: noWords ? [] : random.some(family.seekerWords, random.int(1, 2)),
        intentionRegionCodes: [],
        intentionMinSalary: wants,
        skills: noWords ? [] : random.some(family.skills, random.int(0, 2)),
        willingToRelocate: random.chance(0.3),
        openToLabourCooperation: false,
        registeredPoverty: random.chance(0.1),
      } as unknown as PersonRow;
      const truth = { family: family.key, home, wants };

      // The ideal: every posting the hard constraints allow, by label.
      const filter = hardConstraints(person, { places: await policy.places(), rules: inForce.rules, populations: new Set() });
      const allowed = (await engine.search({ filter, sort: "NEWEST", offset: 0, limit: indexed, withDocuments: true })).hits;
      const gradeOf = (id: string, regionCode: string, salaryMax: number | null) => label(truth, { family: familyOf.get(id)!, regionCode, salaryMax });
      const ideal = allowed.map((h) => gradeOf(h.id, h.document!.regionCode, h.document!.salaryMax)).sort((a, b) => b - a);
      const idealDcg = dcg(ideal);

      const measure = (grades: number[]): Metrics => ({
        precisionAt3: grades.slice(0, 3).filter((g) => g >= 2).length / 3,
        ndcgAt10: idealDcg > 0 ? dcg(grades) / idealDcg : 0,
        coverage: grades.slice(0, 10).filter((g) => g >= 2).length >= 3 ? 1 : 0,
      });

      const ranked = (await recommendForPeople(engine, reads, [person], { limit: 10, excludeReferred: true })).get(person.id)!;
      const rankerMetrics = measure(ranked.items.map((i: { posting: PostingRow }) => gradeOf(i.posting.id, i.posting.regionCode, i.posting.salaryMax)));
      scores.ranker.push(rankerMetrics);

      const words = [...person.intentionKeywords, ...(person.major ? [person.major] : []), ...person.skills].join(" ");
      const raw = await engine.search({ ...(words ? { text: words } : { sort: "NEWEST" as const }), filter, offset: 0, limit: 10, countTotal: false, withDocuments: true });
      const baselineMetrics = measure(raw.hits.map((h) => gradeOf(h.id, h.document!.regionCode, h.document!.salaryMax)));
      scores.baseline.push(baselineMetrics);
      // EVAL_SHOW_LOSSES=1: the people the ranker serves worse than the baseline, to study.
      if (process.env.EVAL_SHOW_LOSSES && (rankerMetrics.precisionAt3 < baselineMetrics.precisionAt3 || rankerMetrics.coverage < baselineMetrics.coverage)) {
        const line = (tag: string, title: string, id: string, regionCode: string, salaryMax: number | null) => `  ${tag} ${title} [${familyOf.get(id)}] ${regionCode} ${salaryMax ?? "-"} → label ${gradeOf(id, regionCode, salaryMax)}`;
        console.log(`${family.key} · home ${home} · wants ${wants ?? "-"} · moves ${person.willingToRelocate} · words: ${words}`);
        for (const i of ranked.items.slice(0, 3)) console.log(line("ranker  ", i.posting.title, i.posting.id, i.posting.regionCode, i.posting.salaryMax));
        for (const h of raw.hits.slice(0, 3)) console.log(line("baseline", h.document!.title, h.id, h.document!.regionCode, h.document!.salaryMax));
      }
      inGroup(noWords ? "major only" : "with intention words", rankerMetrics, baselineMetrics);
      inGroup(person.willingToRelocate ? "willing to move (all Fujian)" : "home prefecture only", rankerMetrics, baselineMetrics);
      inGroup(wants === null ? "no wage asked" : "asks a wage", rankerMetrics, baselineMetrics);
    }
    const mean = (xs: Metrics[]): Metrics => ({
      precisionAt3: xs.reduce((s, m) => s + m.precisionAt3, 0) / xs.length,
      ndcgAt10: xs.reduce((s, m) => s + m.ndcgAt10, 0) / xs.length,
      coverage: xs.reduce((s, m) => s + m.coverage, 0) / xs.length,
    });
    return {
      options: { ...options, weights },
      postings: indexed,
      people: options.people,
      peopleWithoutWords: withoutWords,
      ranker: mean(scores.ranker),
      baseline: mean(scores.baseline),
      groups: Object.entries(groups).map(([name, g]) => ({ name, people: g.ranker.length, ranker: mean(g.ranker), baseline: mean(g.baseline) })),
    };
  } finally {
    await handle.close();
  }
}

export function formatReport(r: EvalReport): string {
  const row = (name: string, m: Metrics) => `| ${name.padEnd(38)} | ${m.precisionAt3.toFixed(3)}        | ${m.ndcgAt10.toFixed(3)}   | ${m.coverage.toFixed(3)}    |`;
  return [
    `matching quality — seed ${r.options.seed}: ${r.postings} postings in ${FAMILIES.length} families, ${r.people} people (${r.peopleWithoutWords} with only a major)`,
    "",
    "| ranker                                 | precision@3  | NDCG@10 | coverage |",
    "|----------------------------------------|--------------|---------|----------|",
    row("Person.matches (the ranker)", r.ranker),
    row("text-only baseline (engine relevance)", r.baseline),
    "",
    "| group (people)                         | ranker p@3 · NDCG · coverage | baseline p@3 · NDCG · coverage |",
    "|----------------------------------------|------------------------------|--------------------------------|",
    ...r.groups.map((g) => `| ${`${g.name} (${g.people})`.padEnd(38)} | ${[g.ranker.precisionAt3, g.ranker.ndcgAt10, g.ranker.coverage].map((x) => x.toFixed(3)).join(" · ")}        | ${[g.baseline.precisionAt3, g.baseline.ndcgAt10, g.baseline.coverage].map((x) => x.toFixed(3)).join(" · ")}          |`),
  ].join("\n");
}

