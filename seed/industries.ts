/**
 * Fujian's industries for the generated part of the demo (issue #24 item 4): who employs, under what
 * names, and which occupations each posts — at what pay, for what education, of what kind.
 *
 * Salaries are monthly yuan ranges. Where the 51job export (seed/data/postings-51job-2023.csv) has the
 * occupation in 5 or more titles, the range is its median salaryMin–salaryMax, printed by
 *   npx tsx test/eval/occupation-salaries.ts
 * which gave (keyword: postings, median min–max): 软件 790, 8000–13000; 测试 400, 9000–15000;
 * 电商 6, 7000–11000; 数据标注 35, 3000–5000; 技术员 8, 4500–8750. Those are mostly big-city postings, so
 * they sit at the top of what the demo's counties pay. For the occupations 51job lacks (it is nearly all
 * office and IT work), the range is marked `FJ`: typical Fujian county pay in 2023 as we estimate it from
 * public job-fair and recruitment notices, rounded to 100 yuan — not quoted from a table. Public-welfare
 * posts pay about the minimum wage (Fujian 2023: 1,810–2,030 a month by county class), so 1,800–2,500;
 * traineeship (就业见习) allowances are set at or a little above it, 2,000–3,000.
 */
import type { PostingKind } from "../src/modules/postings/posting.table.js";

export type DemoEducation = "NONE" | "JUNIOR_HIGH" | "HIGH_SCHOOL" | "ASSOCIATE" | "BACHELOR";

export interface DemoOccupation {
  title: string;
  occupation: string;
  skills: string[];
  majors: string[];
  minEducation: DemoEducation;
  /** Monthly yuan; every generated posting's range lies within it. */
  salary: readonly [min: number, max: number];
  kind: PostingKind;
  /** A job a poverty-alleviation workshop (扶贫车间) has: simple, local, low education. */
  workshop?: true;
}

export type EmployerName = (place: string, brand: string, town: string, county: string) => string;

export interface DemoIndustry {
  key: string;
  label: string;
  /** Share of the generated (non-public-service) employers, roughly Fujian's mix of employment. */
  weight: number;
  /** Employer names from the county's short name ("安溪"), a brand ("闽兴"), a town ("城关") and the county ("安溪县"). */
  names: readonly EmployerName[];
  /** Poverty-alleviation workshops of this industry, when it has any. */
  workshopNames?: readonly EmployerName[];
  /** Prefectures (4-digit codes) its employers sit in; all of Fujian when absent. */
  prefectures?: readonly string[];
  /** Public service: the only industry posting PUBLIC_WELFARE jobs; a few employers per prefecture. */
  publicService?: true;
  occupations: readonly DemoOccupation[];
}

const job = (title: string, occupation: string, skills: string[], majors: string[], minEducation: DemoEducation, salary: readonly [number, number], kind: PostingKind = "REGULAR"): DemoOccupation => ({ title, occupation, skills, majors, minEducation, salary, kind });
const workshopJob = (title: string, occupation: string, skills: string[], salary: readonly [number, number]): DemoOccupation => ({ ...job(title, occupation, skills, [], "NONE", salary), workshop: true });

// Tea, mushrooms and bamboo grow in the hills: 泉州 (安溪), 漳州, 南平 (武夷山, 建瓯), 三明, 龙岩, 宁德 (福鼎, 古田).
const HILL_PREFECTURES = ["3504", "3505", "3506", "3507", "3508", "3509"];

export const FUJIAN_INDUSTRIES: readonly DemoIndustry[] = [
  {
    key: "manufacturing", label: "制造业（电子、机械、新能源、建材）", weight: 20,
    names: [(p, b) => `${p}${b}电子科技有限公司`, (p, b) => `${p}${b}机械制造有限公司`, (p, b) => `${p}${b}新能源科技有限公司`, (p, b) => `${p}${b}建材有限公司`],
    occupations: [
      job("普工", "生产制造", ["流水线操作"], [], "NONE", [4500, 6500]), // FJ
      job("质检员", "生产制造", ["质量检验", "Excel"], ["机电一体化技术"], "HIGH_SCHOOL", [4500, 6000]), // FJ
      job("设备维修技术员", "生产制造", ["设备维修", "电工证"], ["机电一体化技术", "电气自动化"], "HIGH_SCHOOL", [4500, 8700]), // 51job 技术员
      job("数控车床操作工", "生产制造", ["数控加工", "看图纸"], ["数控加工"], "HIGH_SCHOOL", [5000, 7500]), // FJ
      job("仓管员", "物流", ["仓储管理", "ERP"], ["物流管理"], "HIGH_SCHOOL", [4000, 5500]), // FJ
      job("会计", "财务", ["财务核算", "税务申报", "Excel"], ["会计学", "财务管理", "会计"], "ASSOCIATE", [4000, 6500]), // FJ
      job("生产文员", "行政", ["Office", "报表统计"], [], "HIGH_SCHOOL", [3500, 4800]), // FJ
      job("工艺技术员（就业见习）", "生产制造", ["工艺改进", "CAD"], ["机械设计制造及其自动化", "机电一体化技术"], "ASSOCIATE", [2200, 3000], "TRAINEESHIP"), // FJ 见习
    ],
  },
  {
    key: "garments-shoes", label: "纺织鞋服、玩具", weight: 16,
    names: [(p, b) => `${p}${b}鞋业有限公司`, (p, b) => `${p}${b}服装有限公司`, (p, b) => `${p}${b}纺织有限公司`, (p, b) => `${p}${b}玩具有限公司`],
    workshopNames: [(p, _b, t) => `${p}${t}服装扶贫车间`, (p, b) => `${p}${b}鞋服加工扶贫车间`, (p, _b, t) => `${p}${t}玩具组装扶贫车间`],
    occupations: [
      workshopJob("缝纫工", "纺织服装", ["缝纫", "平车"], [3500, 6000]), // FJ (piece rate)
      workshopJob("鞋面车工", "纺织服装", ["缝纫", "鞋面加工"], [4000, 6500]), // FJ (piece rate)
      workshopJob("玩具组装工", "生产制造", ["手工组装"], [3000, 4500]), // FJ
      workshopJob("包装工", "生产制造", ["包装", "计件"], [3000, 4500]), // FJ
      job("鞋服质检员", "生产制造", ["质量检验"], ["服装设计与工程"], "HIGH_SCHOOL", [4200, 6000]), // FJ
      job("服装设计助理", "设计", ["服装设计", "CorelDRAW"], ["服装设计与工程", "服装与服饰设计"], "ASSOCIATE", [4000, 6500]), // FJ
      job("外贸跟单员", "销售", ["跟单", "英语"], ["国际经济与贸易", "商务英语"], "ASSOCIATE", [4500, 7000]), // FJ
      job("会计", "财务", ["财务核算", "税务申报", "Excel"], ["会计学", "财务管理", "会计"], "ASSOCIATE", [4000, 6500]), // FJ
    ],
  },
  {
    key: "tea", label: "茶业", weight: 10, prefectures: HILL_PREFECTURES,
    names: [(p, b) => `${p}${b}茶业有限公司`, (p, b) => `${p}${b}茶叶专业合作社`],
    workshopNames: [(p, b) => `${p}${b}茶叶扶贫车间`, (p, _b, t) => `${p}${t}茶叶加工扶贫车间`],
    occupations: [
      workshopJob("采茶工", "农业", ["采茶"], [2500, 4000]), // FJ (seasonal, by the jin)
      workshopJob("制茶工", "农产品加工", ["制茶", "摇青"], [3500, 5000]), // FJ
      workshopJob("茶叶包装工", "农产品加工", ["包装"], [3000, 4200]), // FJ
      job("茶叶加工技术员", "农产品加工", ["制茶", "质量检验"], ["茶学", "食品科学与工程"], "HIGH_SCHOOL", [4500, 8700]), // 51job 技术员
      job("评茶员", "农产品加工", ["茶叶审评"], ["茶学"], "ASSOCIATE", [4000, 6500]), // FJ
      job("茶叶销售代表", "销售", ["销售", "客户维护"], ["市场营销"], "HIGH_SCHOOL", [4000, 7000]), // FJ
    ],
  },
  {
    key: "mushrooms", label: "食用菌", weight: 6, prefectures: HILL_PREFECTURES,
    names: [(p, b) => `${p}${b}食用菌专业合作社`, (p, b) => `${p}${b}菌业有限公司`],
    workshopNames: [(p, _b, t) => `${p}${t}食用菌扶贫车间`],
    occupations: [
      workshopJob("食用菌种植工", "农业", ["食用菌种植"], [3000, 4500]), // FJ
      workshopJob("菌包生产工", "农业", ["菌包制作"], [3200, 4800]), // FJ
      workshopJob("分拣包装工", "农产品加工", ["分拣", "包装"], [3000, 4200]), // FJ
      job("食用菌种植技术员", "农业", ["食用菌种植", "病虫害防治"], ["园艺", "农学"], "HIGH_SCHOOL", [4500, 8700]), // 51job 技术员
    ],
  },
  {
    key: "bamboo", label: "竹木加工", weight: 4, prefectures: ["3504", "3507", "3508"],
    names: [(p, b) => `${p}${b}竹业有限公司`, (p, b) => `${p}${b}竹木制品有限公司`],
    workshopNames: [(p, _b, t) => `${p}${t}竹编扶贫车间`],
    occupations: [
      workshopJob("手工编织工", "手工艺", ["竹编"], [2800, 4500]), // FJ (piece rate)
      workshopJob("竹木制品加工工", "生产制造", ["打磨", "设备操作"], [3500, 5000]), // FJ
      workshopJob("包装工", "生产制造", ["包装", "计件"], [3000, 4500]), // FJ
      job("竹木产品设计员", "设计", ["产品设计", "CAD"], ["产品设计", "木材科学与工程"], "ASSOCIATE", [4500, 7000]), // FJ
    ],
  },
  {
    key: "ecommerce", label: "电子商务", weight: 10,
    names: [(p, b) => `${p}${b}电子商务有限公司`, (p, b) => `${p}${b}网络科技有限公司`],
    workshopNames: [(p, b) => `${p}${b}电商扶贫车间`],
    occupations: [
      job("电商运营专员", "电子商务", ["淘宝运营", "直播带货", "数据分析"], ["电子商务", "市场营销"], "ASSOCIATE", [7000, 11000]), // 51job 电商
      job("网店客服", "客服", ["在线客服", "打字"], [], "HIGH_SCHOOL", [3500, 5000]), // FJ
      job("直播带货主播", "电子商务", ["直播带货", "普通话"], [], "HIGH_SCHOOL", [4000, 8000]), // FJ
      job("数据标注员", "数据服务", ["数据标注", "电脑操作"], [], "HIGH_SCHOOL", [3000, 5000]), // 51job 数据标注
      workshopJob("打包发货员", "物流", ["打包", "发货"], [3000, 4500]), // FJ
      job("电商运营助理（就业见习）", "电子商务", ["淘宝运营", "Office"], ["电子商务"], "ASSOCIATE", [2200, 3000], "TRAINEESHIP"), // FJ 见习
    ],
  },
  {
    key: "logistics", label: "物流", weight: 8,
    names: [(p, b) => `${p}${b}物流有限公司`, (p, b) => `${p}${b}供应链管理有限公司`],
    occupations: [
      job("物流仓管员", "物流", ["仓储管理", "叉车"], ["物流管理"], "HIGH_SCHOOL", [4000, 6000]), // FJ
      job("快递分拣员", "物流", ["分拣"], [], "NONE", [4000, 5500]), // FJ
      job("快递员", "物流", ["派送", "电动车驾驶"], [], "NONE", [5000, 8000]), // FJ
      job("货车司机", "物流", ["驾驶", "B2驾照"], [], "JUNIOR_HIGH", [6000, 9000]), // FJ
      job("物流调度员", "物流", ["调度", "Excel"], ["物流管理"], "ASSOCIATE", [4500, 6500]), // FJ
      job("物流专员（就业见习）", "物流", ["Office", "仓储管理"], ["物流管理"], "ASSOCIATE", [2200, 3000], "TRAINEESHIP"), // FJ 见习
    ],
  },
  {
    key: "food", label: "食品加工", weight: 6,
    names: [(p, b) => `${p}${b}食品有限公司`, (p, b) => `${p}${b}水产食品有限公司`],
    occupations: [
      job("食品生产操作工", "生产制造", ["流水线操作", "食品卫生"], [], "NONE", [4000, 5800]), // FJ
      job("食品检验员", "生产制造", ["质量检验", "微生物检验"], ["食品科学与工程", "食品检验检测技术"], "ASSOCIATE", [4000, 6000]), // FJ
      job("出纳", "财务", ["现金管理", "Excel"], ["会计"], "ASSOCIATE", [3500, 5000]), // FJ
      job("销售代表", "销售", ["销售", "客户维护"], ["市场营销"], "HIGH_SCHOOL", [4000, 8000]), // FJ
    ],
  },
  {
    key: "software", label: "软件和信息服务", weight: 4, prefectures: ["3501", "3502"], // 福州、厦门软件园
    names: [(p, b) => `${p}${b}软件有限公司`, (p, b) => `${p}${b}信息技术有限公司`],
    occupations: [
      job("软件开发工程师", "软件开发", ["Java", "Spring", "MySQL"], ["计算机科学与技术", "软件工程"], "BACHELOR", [8000, 13000]), // 51job 软件
      job("软件测试工程师", "软件开发", ["软件测试", "Python"], ["计算机科学与技术", "软件工程"], "ASSOCIATE", [9000, 15000]), // 51job 测试
      job("网络运维工程师", "软件开发", ["Linux", "网络配置"], ["计算机应用技术", "网络工程"], "ASSOCIATE", [6000, 9000]), // FJ
      job("软件开发助理（就业见习）", "软件开发", ["Java", "Git"], ["计算机科学与技术", "软件工程", "计算机应用技术"], "ASSOCIATE", [2500, 3000], "TRAINEESHIP"), // FJ 见习
    ],
  },
  {
    key: "tourism", label: "文旅餐饮", weight: 4,
    names: [(p, b) => `${p}${b}旅行社有限公司`, (p, b) => `${p}${b}酒店管理有限公司`, (p, b) => `${p}${b}餐饮管理有限公司`],
    occupations: [
      job("导游", "旅游服务", ["讲解", "普通话"], ["旅游管理"], "ASSOCIATE", [3500, 6000]), // FJ
      job("酒店前台", "旅游服务", ["接待", "英语"], ["酒店管理"], "HIGH_SCHOOL", [3500, 4800]), // FJ
      job("厨师", "餐饮", ["闽菜", "面点"], ["烹饪工艺与营养"], "NONE", [4500, 8000]), // FJ
      job("客房服务员", "旅游服务", ["客房清洁"], [], "NONE", [3200, 4500]), // FJ
    ],
  },
  {
    key: "hospitals", label: "医院、卫生院", weight: 5,
    names: [(_p, _b, _t, c) => `${c}医院`, (_p, _b, _t, c) => `${c}中医院`, (p, _b, t) => `${p}${t}镇卫生院`],
    occupations: [
      job("护士", "医疗护理", ["护理", "急救"], ["护理学", "护理"], "ASSOCIATE", [4500, 7500]), // FJ
      job("临床医生", "医疗护理", ["临床诊疗"], ["临床医学"], "BACHELOR", [7000, 12000]), // FJ
      job("药剂员", "医疗护理", ["药品调剂"], ["药学"], "ASSOCIATE", [4000, 6000]), // FJ
      job("护理员", "医疗护理", ["生活照护"], [], "JUNIOR_HIGH", [3500, 5000]), // FJ
      job("护士（就业见习）", "医疗护理", ["护理"], ["护理学", "护理"], "ASSOCIATE", [2200, 3000], "TRAINEESHIP"), // FJ 见习
    ],
  },
  {
    key: "schools", label: "学校、幼儿园", weight: 5,
    names: [(p, _b, t) => `${p}${t}中心小学`, (_p, _b, _t, c) => `${c}第二中学`, (p, b) => `${p}${b}幼儿园`],
    occupations: [
      job("小学语文教师", "教育", ["教学", "普通话"], ["汉语言文学", "小学教育"], "BACHELOR", [4500, 7000]), // FJ (51job's 教师 are training-company lecturers)
      job("小学数学教师", "教育", ["教学", "课件制作"], ["数学与应用数学", "小学教育"], "BACHELOR", [4500, 7000]), // FJ
      job("幼儿园教师", "教育", ["幼儿教育", "钢琴"], ["学前教育"], "ASSOCIATE", [3500, 5500]), // FJ
      job("保育员", "教育", ["幼儿照护"], [], "HIGH_SCHOOL", [3000, 4200]), // FJ
      job("教学助理（就业见习）", "教育", ["教学", "Office"], ["小学教育", "学前教育"], "ASSOCIATE", [2200, 3000], "TRAINEESHIP"), // FJ 见习
    ],
  },
  {
    key: "elder-care", label: "养老、家政", weight: 6,
    names: [(p, b) => `${p}${b}养老院`, (_p, _b, _t, c) => `${c}社会福利中心`, (p, b) => `${p}${b}家政服务有限公司`],
    occupations: [
      job("养老护理员", "家庭服务", ["护理", "康复"], ["老年服务与管理"], "NONE", [3800, 5500], "HOUSEHOLD_SERVICE"), // FJ
      job("家政服务员", "家庭服务", ["保洁", "做饭"], [], "NONE", [4000, 6500], "HOUSEHOLD_SERVICE"), // FJ
      job("育婴员", "家庭服务", ["育婴", "早教"], [], "JUNIOR_HIGH", [5000, 8000], "HOUSEHOLD_SERVICE"), // FJ
      job("康复护理员", "家庭服务", ["康复", "护理"], ["康复治疗技术"], "HIGH_SCHOOL", [4000, 6000]), // FJ
    ],
  },
  {
    key: "public-service", label: "乡镇、街道、村委（公共服务）", weight: 0, publicService: true,
    names: [(p, _b, t) => `${p}${t}镇人民政府`, (p, _b, t) => `${p}${t}街道办事处`, (p, _b, t) => `${p}${t}村民委员会`],
    occupations: [
      job("护林员", "公益性岗位", ["巡山护林", "森林防火"], [], "NONE", [1800, 2500], "PUBLIC_WELFARE"),
      job("保洁员（公益性岗位）", "公益性岗位", ["保洁"], [], "NONE", [1800, 2500], "PUBLIC_WELFARE"),
      job("治安协管员", "公益性岗位", ["巡逻", "治安防范"], [], "JUNIOR_HIGH", [1800, 2500], "PUBLIC_WELFARE"),
      job("孤寡老人看护员", "公益性岗位", ["生活照护"], [], "NONE", [1800, 2500], "PUBLIC_WELFARE"),
      job("乡村公路养护员", "公益性岗位", ["道路养护"], [], "NONE", [1800, 2500], "PUBLIC_WELFARE"),
      job("乡村振兴专员", "基层服务", ["调研", "公文写作"], ["农业经济管理", "行政管理"], "BACHELOR", [3500, 5000], "GRASSROOTS"), // FJ
      job("社区工作者", "基层服务", ["社区服务", "公文写作"], ["社会工作"], "ASSOCIATE", [3200, 4500], "GRASSROOTS"), // FJ
      job("农技推广员", "基层服务", ["种植技术", "农技推广"], ["农学", "园艺"], "ASSOCIATE", [3200, 4500], "GRASSROOTS"), // FJ
      job("行政助理（就业见习）", "行政", ["Office", "档案管理"], [], "ASSOCIATE", [2000, 2800], "TRAINEESHIP"), // FJ 见习
      job("财务助理（就业见习）", "财务", ["财务核算"], ["会计学", "会计"], "ASSOCIATE", [2000, 2800], "TRAINEESHIP"), // FJ 见习
    ],
  },
];

/** Brands and town names the generated employers are named with (common words, no real firm meant). */
export const DEMO_BRANDS = ["闽兴", "海峡", "八闽", "福源", "鑫隆", "恒信", "华美", "永丰", "宏达", "金鹰", "绿源", "山海", "鼎盛", "嘉禾", "晨光", "腾飞", "天成", "万利"];
export const DEMO_TOWNS = ["城关", "东城", "西山", "南岭", "北溪", "洋中", "凤山", "龙门", "桃源", "溪口", "石门", "梅林"];

/** Public-service employers per prefecture: they post the PUBLIC_WELFARE, GRASSROOTS and their traineeships. */
export const PUBLIC_SERVICE_PER_PREFECTURE = 2;
