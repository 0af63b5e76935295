import type { Parsed51jobPosting } from "../../seed/51job/posting-parser.js";
import type { ScreeningInput } from "../../src/modules/screening/screening-rules.js";

/**
 * The screening labelled set (issue 23). Three parts:
 *
 * - CLEAN: every real 51job posting we hold (seed/data/postings-51job-2023.csv, parsed with seed/51job/),
 *   the title as title and the tags (skills, then benefits) as the description, its salary. Labelled
 *   clean after reading the ones that mention marriage, childbirth, fees, WeChat or deposits (结婚生子福利,
 *   生育补贴, 婚育礼金, 单身公寓, 信用保证险, 微信小程序, 私募基金 …): none of the 4,5xx asks anything unlawful.
 *   REAL_51JOB_LABELS lists any real posting labelled otherwise (none so far, by the reading above).
 * - VIOLATIONS: written postings breaking each rule, several phrasings per rule, including evasions
 *   (spaces, full-width spaces and digits, middle dots, zero-width characters, emoji between the words).
 *   Each lists every rule it honestly breaks (a "限男，18-45岁" posting is GENDER_RESTRICTION and AGE_LIMIT).
 * - HARD NEGATIVES: lawful postings with the words rules are made of: 男女不限, 男装导购, 妇产科护士,
 *   免费培训, 无押金, 乙肝疫苗, 少数民族优先, 可解决本市户口, 单身公寓, 婚育礼金, 优先，交通补贴, 微信小程序,
 *   期货保证金, VxWorks, 6-12岁儿童 … each expected to hit nothing.
 */
export interface LabelledPosting {
  id: string;
  part: "clean-51job" | "violation" | "hard-negative";
  input: ScreeningInput;
  /** The rule codes this posting breaks (empty: clean). */
  expected: string[];
}

/**
 * Real 51job postings labelled as breaking a rule, by `title|salaryMax`: three state a monthly pay no
 * employer means (10–20万 a month for a new graduate, 20–40万 for three years' experience: annual figures
 * entered as monthly) — implausible as published. Senior roles at 5–15万 a month (CTO, AI 负责人, 资深 IC
 * 设计 at 90–180万 a year) are labelled clean: high, but what such posts pay.
 */
export const REAL_51JOB_LABELS: Readonly<Record<string, string[]>> = {
  "数字芯片验证工程师|400000": ["SALARY_IMPLAUSIBLE"],
  "验证工程师|400000": ["SALARY_IMPLAUSIBLE"],
  "数字IC验证工程师（应届生）|200000": ["SALARY_IMPLAUSIBLE"],
};

const posting = (title: string, description: string, salaryMax: number | null = 6000, occupation: string | null = null): ScreeningInput => ({
  title,
  description,
  occupation,
  skills: [],
  majors: [],
  salaryMin: salaryMax === null ? null : Math.round(salaryMax * 0.7),
  salaryMax,
});

type Written = [title: string, description: string, expected: string[], salaryMax?: number];

const VIOLATIONS: Written[] = [
  // GENDER_RESTRICTION
  ["普工", "招普工10名，限男性，18-45岁，包吃住", ["GENDER_RESTRICTION", "AGE_LIMIT"]],
  ["仓库管理员", "仅限男士，能吃苦耐劳，会开叉车", ["GENDER_RESTRICTION"]],
  ["前台接待", "女士优先，形象气质佳，普通话标准", ["GENDER_RESTRICTION"]],
  ["货车司机", "男性优先，持C1以上驾照，两年驾龄", ["GENDER_RESTRICTION"]],
  ["行政文员", "要求：女，25岁以下，会办公软件", ["GENDER_RESTRICTION", "AGE_LIMIT"]],
  ["装卸工", "限 男 性，力气大，日结", ["GENDER_RESTRICTION"]],
  ["搬运工", "限·男，计件工资", ["GENDER_RESTRICTION"]],
  ["收银员", "只招\u200b女生，超市收银", ["GENDER_RESTRICTION"]],
  ["保安", "招聘保安2名，男，50岁以下，退伍军人优先", ["GENDER_RESTRICTION", "AGE_LIMIT"]],
  ["电话客服", "性别：女；有耐心，会打字", ["GENDER_RESTRICTION"]],
  ["销售代表", "女性勿扰，需经常出差", ["GENDER_RESTRICTION"]],
  ["注塑工", "不招女工，两班倒", ["GENDER_RESTRICTION"]],
  ["网管", "男生优先考虑，会装系统", ["GENDER_RESTRICTION"]],
  ["焊工", "只要男的，有焊工证", ["GENDER_RESTRICTION"]],
  ["酒店服务员", "限　女　性，身高160以上", ["GENDER_RESTRICTION"]],
  ["安装工", "限男🚹性，会用电钻", ["GENDER_RESTRICTION"]],
  ["餐厅服务员", "招女服务员若干，包吃住", ["GENDER_RESTRICTION"]],
  ["办公室文员", "限未婚女性，会Excel", ["GENDER_RESTRICTION", "MARITAL_CHILDBEARING"]],
  // MARITAL_CHILDBEARING
  ["出纳", "已婚已育优先，会计相关专业", ["MARITAL_CHILDBEARING"]],
  ["人事专员", "入职后一年内不生育，本科以上", ["MARITAL_CHILDBEARING"]],
  ["会计", "婚否：已婚；三年以上经验", ["MARITAL_CHILDBEARING"]],
  ["助理", "要求未婚，可接受出差", ["MARITAL_CHILDBEARING"]],
  ["财务专员", "已 婚 已 育，稳定性好", ["MARITAL_CHILDBEARING"]],
  ["销售助理", "需承诺两年内不怀孕", ["MARITAL_CHILDBEARING"]],
  ["导购", "孕妇勿扰，站立工作", ["MARITAL_CHILDBEARING"]],
  ["业务员", "单身优先，能适应外派", ["MARITAL_CHILDBEARING"]],
  ["行政专员", "已婚未育者勿扰", ["MARITAL_CHILDBEARING"]],
  // CHILD_LABOUR
  ["暑假工", "年满14岁即可，电子厂流水线", ["CHILD_LABOUR"]],
  ["学徒", "招收15-18岁学徒，包吃住学手艺", ["CHILD_LABOUR"]],
  ["临时工", "15岁以上，寒暑假工，日结", ["CHILD_LABOUR"]],
  ["包装工", "年龄15-45岁，手脚麻利", ["CHILD_LABOUR", "AGE_LIMIT"]],
  ["服务员", "初中在读也可，周末兼职", ["CHILD_LABOUR"]],
  ["发单员", "未满16周岁也可，按天结算", ["CHILD_LABOUR"]],
  ["操作工", "年龄要求：14周岁以上", ["CHILD_LABOUR"]],
  ["包装工", "1 4 岁以上，计件", ["CHILD_LABOUR"]],
  ["打包员", "年满１５岁，电商仓库", ["CHILD_LABOUR"]],
  ["串珠工", "十五周岁以上可做，在家手工", ["CHILD_LABOUR"]],
  // AGE_LIMIT (LOW)
  ["程序员", "35岁以下，本科计算机相关专业", ["AGE_LIMIT"]],
  ["客服专员", "18-35周岁，普通话标准", ["AGE_LIMIT"]],
  ["保洁员", "年龄不超过55，身体健康", ["AGE_LIMIT"]],
  ["主播", "限90后，形象好", ["AGE_LIMIT"]],
  ["外卖骑手", "45岁以内，有电动车", ["AGE_LIMIT"]],
  // HUKOU
  ["社区网格员", "限本地户口，高中以上学历", ["HUKOU"]],
  ["银行柜员", "需福州户籍，本科", ["HUKOU"]],
  ["办事员", "本市户籍优先，会电脑", ["HUKOU"]],
  ["门店店员", "外地人勿扰，就近上班", ["HUKOU"]],
  ["保安员", "仅限本地人，能上夜班", ["HUKOU"]],
  ["营业员", "户籍要求：厦门", ["HUKOU"]],
  ["收费员", "本 地 户 口，高中学历", ["HUKOU"]],
  ["配送员", "只招本地人，熟悉路线", ["HUKOU"]],
  ["仓管", "不招外地，要求稳定", ["HUKOU"]],
  ["物业管理员", "须非农户口，大专", ["HUKOU"]],
  ["柜台销售", "要求福建籍，会讲闽南话", ["HUKOU"]],
  // ETHNICITY
  ["服务员", "限汉族，包吃住", ["ETHNICITY"]],
  ["厨工", "汉族优先，能吃苦", ["ETHNICITY"]],
  ["普工", "不招少数民族，两班倒", ["ETHNICITY"]],
  ["建筑工", "维族勿扰，日结", ["ETHNICITY"]],
  ["装配工", "新疆人免谈，长白班", ["ETHNICITY"]],
  ["安检员", "少数民族除外，高中以上", ["ETHNICITY"]],
  ["电子厂普工", "限 汉 族，18岁以上", ["ETHNICITY"]],
  ["理货员", "不 招 回 族，夜班", ["ETHNICITY"]],
  // HEALTH_STATUS
  ["厨师", "乙肝携带者勿扰，有健康证", ["HEALTH_STATUS"]],
  ["食品包装工", "无乙肝，身体健康", ["HEALTH_STATUS"]],
  ["幼儿园保育员", "入职需查两对半", ["HEALTH_STATUS"]],
  ["车间操作工", "入职体检含乙肝五项", ["HEALTH_STATUS"]],
  ["质检员", "非乙肝病毒携带者", ["HEALTH_STATUS"]],
  ["化验员", "HBV阴性，能上夜班", ["HEALTH_STATUS"]],
  ["面包师", "大三阳小三阳勿扰", ["HEALTH_STATUS"]],
  ["酒店服务员", "HIV阴性，形象好", ["HEALTH_STATUS"]],
  ["餐厅服务员", "乙 肝 携带者 不要", ["HEALTH_STATUS"]],
  // HEALTH_CONDITION (LOW)
  ["厨师", "持健康证，无传染病", ["HEALTH_CONDITION"]],
  ["保安", "无精神病史，退伍军人优先", ["HEALTH_CONDITION"]],
  ["仓管员", "身体健康无残疾", ["HEALTH_CONDITION"]],
  // FEE_DEPOSIT
  ["电商客服", "先交培训费500元，培训合格后上岗", ["FEE_DEPOSIT"]],
  ["普工", "入职需交押金300元，做满三个月退还", ["FEE_DEPOSIT"]],
  ["保安", "服装费200元从首月工资扣除", ["FEE_DEPOSIT"]],
  ["业务员", "需缴纳保证金1000元", ["FEE_DEPOSIT"]],
  ["网络兼职", "报名费50元，在家即可操作", ["FEE_DEPOSIT"]],
  ["酒店服务员", "收取介绍费300元，包分配", ["FEE_DEPOSIT"]],
  ["建筑工", "入职扣押身份证，年底结算", ["FEE_DEPOSIT"]],
  ["打字员", "押 金 100元，可在家做", ["FEE_DEPOSIT"]],
  ["流水线工", "押·金200元", ["FEE_DEPOSIT"]],
  ["美容师", "培 训 费 3800元，学成包就业", ["FEE_DEPOSIT"]],
  ["快递员", "工装费自理，日结", ["FEE_DEPOSIT"]],
  ["司机", "上岗前先缴500元车辆保险", ["FEE_DEPOSIT"]],
  ["普工", "住宿押金100元，离职退还", ["FEE_DEPOSIT"]],
  ["模特", "交钱拍摄资料卡后安排工作", ["FEE_DEPOSIT"]],
  ["保洁员", "需自购工服200元", ["FEE_DEPOSIT"]],
  // Traditional characters (review 3): read as simplified, character by character
  ["美容師", "入職先交培訓費3800元", ["FEE_DEPOSIT"]],
  ["業務員", "需交保證金1000元", ["FEE_DEPOSIT"]],
  ["社區網格員", "限本地戶口，高中以上學歷", ["HUKOU"]],
  ["倉管員", "只招男性，身體健康", ["GENDER_RESTRICTION"]],
  ["會計", "已婚已育優先，三年以上經驗", ["MARITAL_CHILDBEARING"]],
  ["廚師", "乙肝攜帶者勿擾", ["HEALTH_STATUS"]],
  // PRIVATE_CONTACT (LOW)
  ["兼职打字员", "加微信详聊，日结", ["PRIVATE_CONTACT"]],
  ["客服", "微信号：abc12345", ["PRIVATE_CONTACT"]],
  ["网络推广", "QQ：12345678", ["PRIVATE_CONTACT"]],
  ["主播助理", "感兴趣私聊", ["PRIVATE_CONTACT"]],
  ["兼职", "加V信了解详情", ["PRIVATE_CONTACT"]],
  ["刷单员", "vx：zhang888", ["PRIVATE_CONTACT"]],
  // SALARY_IMPLAUSIBLE (LOW): monthly salaryMax far above the occupation's
  ["普工", "包吃住，月入8万", ["SALARY_IMPLAUSIBLE"], 80_000],
  ["软件测试工程师", "双休，五险一金", ["SALARY_IMPLAUSIBLE"], 100_000],
  ["客服专员", "在家兼职，日结", ["SALARY_IMPLAUSIBLE"], 60_000],
  ["数据录入员", "在家兼职，轻松", ["SALARY_IMPLAUSIBLE"], 55_000],
  ["运维工程师", "高薪急招", ["SALARY_IMPLAUSIBLE"], 90_000],
  // Several at once, the way fraudulent postings read.
  ["高薪普工", "限男性，35岁以下，已婚已育优先，本地户口，先交培训费500元，加微信abc12345详聊", ["GENDER_RESTRICTION", "AGE_LIMIT", "MARITAL_CHILDBEARING", "HUKOU", "FEE_DEPOSIT", "PRIVATE_CONTACT"]],
];

const HARD_NEGATIVES: Written[] = [
  ["男装店导购", "负责男装销售，底薪加提成", []],
  ["女装店长", "女装品牌门店管理，三年经验", []],
  ["女鞋导购", "商场女鞋专柜，做六休一", []],
  ["妇产科护士", "持护士执业证，妇产科经验优先", []],
  ["月嫂", "照顾产妇和新生儿，持证上岗", []],
  ["护士", "护理专业，有护士资格证，五险一金", []],
  ["普工", "要求男女不限，18周岁以上，包吃住", []],
  ["客服", "性别不限，有无经验均可", []],
  ["操作工", "不限男女，包住宿，长白班", []],
  ["电商客服", "免费培训，包吃包住，不收取任何费用", []],
  ["流水线工", "无需押金，入职即可上岗", []],
  ["保安", "公司提供免费工装，无押金", []],
  ["美容师", "培训费用由公司承担，学徒期带薪", []],
  ["幼儿园老师", "乙肝疫苗免费接种，带薪寒暑假", []],
  ["行政助理", "员工子女优先入学，五险一金", []],
  ["社区工作者", "少数民族优先，本科以上", []],
  ["研发工程师", "可解决本市户口，提供人才公寓", []],
  ["软件工程师", "协助办理落户，单身公寓，拎包入住", []],
  ["算法工程师", "生育津贴，婚育礼金，结婚生子福利", []],
  ["配送司机", "有驾照者优先，交通补贴，餐补", []],
  ["前端开发", "微信小程序开发，uni-app", []],
  ["新媒体运营", "负责微信公众号运营和内容策划", []],
  ["电商运营", "负责全国市场（新疆西藏除外）的渠道推广", []],
  ["少儿编程老师", "教授6-12岁儿童编程，有教师资格证", []],
  ["早教老师", "负责0-3岁婴幼儿早期教育", []],
  ["青少年足球教练", "带12-18岁学员训练", []],
  ["人力资源专员", "严禁使用童工，负责员工入职审核", []],
  ["Java开发工程师", "期货保证金交易系统开发", []],
  ["普工", "男女不限，免費培訓，無需押金", []],
  ["行政專員", "可協助辦理本市戶口", []],
  ["嵌入式工程师", "熟悉VxWorks、嵌入式Linux", []],
  ["质量保证工程师", "负责产品质量保证体系", []],
  ["厨师", "身体健康，持健康证", []],
  ["餐厅服务员", "不查乙肝，乙肝携带者可", []],
  ["养老护理员", "照顾老人起居，有爱心", []],
  ["IT工程师", "参加微软认证培训，公司报销考试费", []],
  ["文员", "男女比例协调，团队氛围好", []],
  ["母婴店导购", "销售母婴用品，底薪加提成", []],
  ["操作工", "培训合格后上岗，培训期间带薪", []],
  ["算法专家", "月薪4-8万，股票期权", [], 80_000],
  ["学徒", "年满18周岁，包吃住学技术", []],
  ["暑假工", "16周岁以上，持身份证", []],
  ["快递分拣员", "16岁以下勿扰，夜班补贴", []],
  ["招聘专员", "负责招男女普工，熟悉劳动法", []],
  ["客服专员", "负责处理用户押金退款咨询", []],
  ["保安", "公司不押证，不收任何费用", []],
  ["销售经理", "有限公司女装事业部，负责华东区", []],
  ["人事助理", "学历不限，男女均可，五险一金", []],
  ["妇科医生", "妇产科执业医师，女性健康门诊", []],
  ["导购", "熟悉女性用品销售，要求女性用品行业经验", []],
  ["心理咨询师", "面向已婚人士的婚姻家庭咨询", []],
  ["人口计生专员", "负责辖区生育登记服务", []],
  ["HR专员", "婚育状况不限，欢迎宝妈", []],
  ["户籍协管员", "协助派出所办理户口迁移业务", []],
  ["疾控检验员", "从事艾滋病防治宣传工作", []],
];

export function buildScreeningSet(real: readonly Parsed51jobPosting[]): LabelledPosting[] {
  const set: LabelledPosting[] = real.map((p, i) => ({
    id: `51job-${i + 1}`,
    part: "clean-51job",
    input: { title: p.title, description: [...p.skills, ...p.benefits].join("，"), occupation: null, skills: p.skills, majors: [], salaryMin: p.salaryMin, salaryMax: p.salaryMax },
    expected: REAL_51JOB_LABELS[`${p.title}|${p.salaryMax}`] ?? [],
  }));
  VIOLATIONS.forEach(([title, description, expected, salaryMax], i) =>
    set.push({ id: `violation-${i + 1}`, part: "violation", input: posting(title, description, salaryMax), expected }),
  );
  HARD_NEGATIVES.forEach(([title, description, expected, salaryMax], i) =>
    set.push({ id: `hard-negative-${i + 1}`, part: "hard-negative", input: posting(title, description, salaryMax), expected }),
  );
  return set;
}
