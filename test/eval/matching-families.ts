import { educationLevel } from "../../src/modules/postings/posting.table.js";

/**
 * The twelve job families of the matching labelled set, and the written-down labels (see the rubric
 * in matching-eval.ts). A family is the generator's hidden variable: neither ranker sees it.
 */
export interface JobFamily {
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

export const FAMILIES: JobFamily[] = [
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

export const familyByKey = (key: string): JobFamily => FAMILIES.find((f) => f.key === key)!;

/** Trades outside the twelve whose titles hold one of their words (家政服务员, 客房服务员 are not 餐厅服务员; a 快递分拣员 does not drive). */
const OTHER_TRADES = ["家政", "导游", "仓管", "社区", "护林", "保洁", "乡村振兴", "公益性", "客房", "分拣"];
/** Words of the demo's own titles (seed/industries.ts) the families' lists lack: its traineeships (见习) of a family's trade. */
const MORE_TITLE_WORDS: Record<string, string[]> = { 软件开发: ["软件开发"], 教育: ["教学助理"] };
// 软件测试 before 软件开发: a 测试开发工程师 tests.
const TITLE_ORDER = ["软件测试", ...FAMILIES.map((f) => f.key).filter((k) => k !== "软件测试")];

/**
 * The family of a posting the labelled set did not make (the demo's, real 51job ads among them), by
 * its title: the first family (软件测试 first) one of whose titles or seeker words the title holds;
 * none for a trade outside the twelve. A title in none is labelled 0 for everyone.
 */
export function familyOfTitle(title: string): string | null {
  if (OTHER_TRADES.some((w) => title.includes(w))) return null;
  for (const key of TITLE_ORDER) {
    const f = familyByKey(key);
    if ([...f.titles, ...f.seekerWords, ...(MORE_TITLE_WORDS[key] ?? [])].some((w) => title.toLowerCase().includes(w.toLowerCase()))) return key;
  }
  return null;
}

/** What the labels know of a person: their family, the places that count as near, the wage they ask. */
export interface Truth {
  family: string;
  /** Region-code prefixes that are "near" for this person (see each case family's rubric). */
  near: string[];
  wants: number | null;
}

/** The written-down label of a market posting for a person (the general rubric, with `near` per case family). */
export function label(truth: Truth, posting: { family: string | null; regionCode: string; salaryMax: number | null }): number {
  const near = truth.near.some((p) => posting.regionCode.startsWith(p));
  const paid = truth.wants === null || (posting.salaryMax ?? 0) >= truth.wants;
  if (posting.family === truth.family) return 1 + (near ? 1 : 0) + (paid ? 1 : 0);
  return posting.family !== null && familyByKey(truth.family).neighbours.includes(posting.family) && near && paid ? 1 : 0;
}
