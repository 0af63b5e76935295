/** The export's tags column split into skills and benefits. */
import { repairFromVocabulary, sameModuloGarbling } from "./garbled-text.js";

/** Welfare words seen in the export's tags (everything not listed here is treated as a skill). */
const BENEFIT_WORDS: readonly string[] = [
  // The common 51job checklist.
  "五险一金", "员工旅游", "交通补贴", "餐饮补贴", "绩效奖金", "年终奖金", "专业培训", "定期体检", "免费班车",
  "通讯补贴", "周末双休", "带薪年假", "节日福利", "弹性工作", "住房补贴", "股票期权", "出国机会", "全勤奖",
  "包吃", "包住", "加班补助", "补充医疗保险", "餐补", "房补", "双休",
  // Insurance and funds.
  "五险", "六险", "六险一金", "七险一金", "八险一金", "五险二金", "五险两金", "六险二金", "六险两金", "七险二金",
  "七险两金", "五险三金", "全额五险一金", "补充公积金", "全额公积金", "公积金", "企业年金", "社会保险", "商业保险",
  "补充商业保险", "商业医疗保险", "补充医疗险", "补充保险", "意外险", "补充意外险", "意外保险", "医疗保险",
  "养老保险", "重疾险意外险", "雇主责任险", "员工团体险",
  // Pay extras.
  "年终奖", "项目奖金", "季度奖金", "优秀员工奖", "全勤奖金", "工龄奖", "加班工资", "加班费", "加班补贴",
  "高温补贴", "取暖补贴", "采暖补贴", "采暖补助", "出差补贴", "差旅补贴", "租房补贴", "住宿补贴", "餐费补贴",
  "午餐补助", "午餐补贴", "交通补助", "电脑补贴", "健身补贴", "学历补贴", "证书补贴", "落户补贴", "专利奖金",
  "股权奖金", "公司分红", "年底分红", "月绩效奖金",
  // Food and housing.
  "包住宿", "包吃住", "包吃包住", "包食宿", "包三餐", "提供食宿", "提供住宿", "提供宿舍", "免费宿舍", "员工宿舍",
  "免费住宿", "宿舍", "工作餐", "免费工作餐", "免费午餐", "免费三餐", "免费早午餐", "员工餐厅", "下午茶",
  "零食下午茶", "水果零食", "膳食福利", "提供午餐",
  // Time off and schedule.
  "做五休二", "每周双休", "大小周休息", "法定节假日", "法定假日", "带薪病假", "带薪休假", "带薪假期", "带薪寒暑假",
  "寒暑假", "年假", "带薪年休", "超长年假", "弹性工作时间", "不加班", "单休",
  // Other perks.
  "节假日福利", "生日福利", "节日礼物", "节日礼品", "节日礼金", "生日礼金", "生日礼物", "生日会", "过节福利",
  "年节福利", "过节费", "工会福利", "定期团建", "团建活动", "团建", "公司团建", "团队聚餐", "年度旅游", "年度体检",
  "员工体检", "健康体检", "岗位晋升", "晋升空间大", "晋升空间", "晋升机会", "婚礼礼金", "带薪培训", "技能培训",
  "入职培训", "员工培训", "拓展培训", "免费健身", "健身瑜伽", "员工食堂", "免费食堂", "免费停车", "活动经费", "通讯津贴",
  "社保", "工龄工资", "实习证明", "生日礼品", "补充养老保险", "节假日礼物", "提供工作餐", "节日礼包", "房补餐补",
  // More time off and schedule.
  "高温假", "产假", "春节假期", "超长春节假期", "年休", "节假日", "午休2小时", "大小周", "早九晚六", "朝九晚六",
  "早九晚五", "朝九晚五",
  // Workplace selling points, which 51job files under welfare too.
  "地铁周边", "氛围好", "工作氛围好", "团队活动", "团队氛围好", "大牛带队", "扁平管理", "发展空间大", "领导好",
  "互联网百强",
];
const BENEFIT_SET: ReadonlySet<string> = new Set(BENEFIT_WORDS);

/** Endings that only ever name welfare in this export ("年底双薪", "14薪", "高温补助", "六险二金"). */
const BENEFIT_PATTERNS: readonly RegExp[] = [
  /薪$/, /补贴$/, /补助$/, /津贴$/, /福利$/, /奖金$/, /礼金$/, /险[一二两三]金$/, /体检$/, /团建/, /旅游$/, /聚餐$/,
  /双休/, /年假$/, /休假$/, /病假$/, /宿舍$/, /食宿$/, /[早午晚]餐$/, /下午茶$/,
];

const EXPERIENCE_TAG = /^(?:\d+(?:-\d+)?年(?:及以上|以上)?|无需经验|经验不限|在校生\/应届生|应届生|在校生)$/;
const DEGREE_TAGS: ReadonlySet<string> = new Set([
  "初中及以下", "高中", "中技/中专", "中专", "中技", "大专", "本科", "硕士", "博士", "无学历要求",
]);

function isBenefit(tag: string): boolean {
  return BENEFIT_SET.has(tag) || BENEFIT_PATTERNS.some((pattern) => pattern.test(tag));
}

/**
 * Splits the tags column. Its first entries repeat experience and degree (sometimes garbled,
 * e.g. "3-4�"), so leading entries matching either are dropped. Garbled tags are repaired
 * when one benefit word fits, else dropped: a half-word is useless as a skill. Deduplication
 * ignores letter case ("python" vs "Python"), keeping the first spelling.
 */
export function splitTags(tagsText: string, experienceText: string, degreeText: string): { skills: string[]; benefits: string[] } {
  const tags = tagsText
    .split(/[,，]/)
    .map((tag) => tag.trim().replace(/[，、。；;]+$/, ""))
    .filter((tag) => tag !== "");

  let start = 0;
  while (start < tags.length) {
    const tag = tags[start] ?? "";
    const leading =
      sameModuloGarbling(tag, experienceText) ||
      sameModuloGarbling(tag, degreeText) ||
      EXPERIENCE_TAG.test(tag) ||
      DEGREE_TAGS.has(tag);
    if (!leading) break;
    start += 1;
  }

  const skills: string[] = [];
  const benefits: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags.slice(start)) {
    const tag = repairFromVocabulary(raw, BENEFIT_WORDS);
    if (tag === null) continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    (isBenefit(tag) ? benefits : skills).push(tag);
  }
  return { skills, benefits };
}
