/**
 * The first screening rules (issue 23), as the migration 0038 inserts them (version 1, created by
 * 'migration:0038'). Policy data: later changes are new versions saved by administrators through the
 * API, never edits here. This file is how the INSERTs are written (`npx tsx test/eval/screening-salaries.ts
 * --write` renders them into the migration); the migration's SQL is what the database gets and what
 * `npm run eval:screening` measures (it reads the rules back from the SQL and fails if they drifted from
 * this file).
 *
 * Patterns run over the normalised text (src/modules/screening/screening-text.ts): lower-case, with no
 * spaces or punctuation (a dash after a digit stays as "-"), so they are written without either.
 * Severity: HIGH holds the posting for review, LOW publishes it with a flag officials see. The choices
 * are explained per rule; README "Screening rules" lists them.
 */
import type { Matcher, Severity } from "../src/modules/screening/screening-rules.js";

export interface SeedScreeningRule {
  code: string;
  severity: Severity;
  description: string;
  matcher: Matcher;
}

/** The unless phrases for a fee word: said not to be charged (无押金, 免培训费), or paid by the employer (培训费公司承担). */
function feeExceptions(words: readonly string[]): string[] {
  const before = ["无", "免", "零", "不收", "不收取", "无需", "无须", "不需", "不需要", "不用", "不用交", "不交", "没有", "无任何", "不要"];
  const after = ["全免", "公司承担", "由公司承担", "公司出", "报销", "公司报销", "全额报销", "无", "0元", "不收", "免费", "用由公司承担", "用公司承担", "用全免", "用报销"];
  return words.flatMap((w) => [...before.map((b) => b + w), ...after.map((a) => w + a)]);
}

const FEE_WORDS = ["押金", "保证金", "培训费", "服装费", "工装费", "报名费", "介绍费", "中介费", "建档费", "上岗费", "入职费", "办卡费"];

const G = "(?:男|女)";
/** After a gender word: not 男女 (both), not clothes or goods (男装, 女鞋, 女性用品). */
const NOT_GOODS = "(?![男女装鞋包款袜]|性(?:用品|健康|护理|服饰|内衣|产品|消费|顾客|客户))";

export const SEED_SCREENING_RULES: readonly SeedScreeningRule[] = [
  {
    code: "GENDER_RESTRICTION",
    // HIGH, 男性优先 included: the 2019 notice forbids a stated gender preference as much as a restriction.
    severity: "HIGH",
    description:
      "招聘中限定性别或规定性别优先（如：限男、仅招女性、男性优先、女士优先）。依据《就业促进法》第二十七条、《妇女权益保障法》第四十三条及《关于进一步规范招聘行为促进妇女就业的通知》（人社部发〔2019〕17号）：除国家规定的女职工禁忌劳动范围等情况外，不得限定性别或者性别优先。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        `(?<![不有无])(?:限|仅限|只限|仅招|只招|只要|只收|要求|须为|须是|需为|必须是|限定|性别要求|性别)(?:已婚|未婚|已育|未育|年轻|单身)?${G}${NOT_GOODS}`,
        `(?<![子儿孙侄甥男女])${G}(?:性|士|生|工|孩|同志|员工)?者?(?:优先|限定|勿扰|免谈|不要|不招|除外)`,
        `(?:不招|不要|不收|谢绝|拒绝|不考虑|不接受)${G}${NOT_GOODS}`,
        `(?<![不禁])招${G}(?:性|士|生|工|孩)?${NOT_GOODS}`,
        `\\d{1,5}名${G}(?:性|士|生|工)?${NOT_GOODS}`,
        `(?<![子儿孙男女])${G}(?:性|士|生|工)\\d{1,5}名`,
        `(?<![男女])${G}性?\\d{2}(?:周岁|岁)`,
      ].join("|"),
      unless: ["男女不限", "不限男女", "性别不限", "不限性别", "男女均可", "男女皆可"],
    },
  },
  {
    code: "MARITAL_CHILDBEARING",
    severity: "HIGH",
    description:
      "以婚姻或生育状况作为录用条件（如：已婚已育、限未婚、承诺一年内不生育、孕妇勿扰）。依据《妇女权益保障法》第四十三条及人社部发〔2019〕17号：不得询问妇女婚育情况，不得将妊娠测试作为入职体检项目，不得将限制生育作为录用条件。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "(?:限|仅限|只限|只招|要求|须|需|必须|最好)(?:已婚|未婚|已育|未育|单身)",
        "(?:已婚|未婚|离异|单身)(?:已育|未育|已孕|未孕|有孩|无孩)",
        "(?:已婚|未婚|已育|未育|单身)(?:者|人士|女性|男性|女士|男士)?(?:优先|限定|勿扰|免谈)",
        "(?:不得|不准|不能|不可|暂不|暂无|无|没有|不)(?:生育|怀孕|要孩子|要小孩|生孩子|生小孩|生二胎)",
        "承诺(?:不生育|不怀孕|不结婚)|婚育状况|婚育情况|婚否|婚姻状况|孕妇勿扰|孕期勿扰|孕妇不要|哺乳期勿扰",
      ].join("|"),
      unless: ["婚姻状况不限", "婚育状况不限", "婚育情况不限", "婚否不限", "不限婚否", "不问婚育状况", "不问婚育情况", "不问婚否"],
    },
  },
  {
    code: "CHILD_LABOUR",
    // HIGH: employing anyone under 16 is forbidden outright (the rare licensed exceptions go through review).
    severity: "HIGH",
    description:
      "招用未满十六周岁的未成年人（如：年满14岁即可、15-45岁、初中在读可）。依据《劳动法》第十五条、《禁止使用童工规定》（国务院令第364号）及《就业服务与就业管理规定》第十四条：禁止用人单位招用未满16周岁的未成年人（文艺、体育和特种工艺单位经批准的除外）。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "年满(?:1[0-5]|[1-9]|十[一二三四五]?|[一二三四五六七八九])(?!\\d)(?:周岁|岁)",
        "(?:满|年龄|年龄要求|要求|招收|招聘|招|限)(?:在)?(?:1[0-5]|[1-9]|十[一二三四五]?|[一二三四五六七八九])(?!\\d)(?:周岁|岁)?(?:-\\d{1,2}(?:周岁|岁)?|(?:周岁|岁)(?:以上|及以上|或以上|起|即可|可))",
        "(?<![\\d-])1[0-5](?:周岁|岁)?-[2-6]\\d(?:周岁|岁)",
        "(?<![\\d-])(?:1[0-5]|十[一二三四五])(?:周岁|岁)(?:以上|及以上|或以上|即可)",
        "(?<![不禁拒])(?:招收|招聘|招|收)童工",
        "初中在读|在校初中生|初中生可|未成年人?(?:可|均可|亦可|也可)|未满(?:16|十六)(?:周岁|岁)?(?:可|均可|亦可|也可)",
      ].join("|"),
    },
  },
  {
    code: "AGE_LIMIT",
    // LOW: the law names no age ground and some ceilings have reasons (heavy work, the retirement age);
    // but age ceilings like 35岁以下 shut out older seekers wholesale, so officials see them.
    severity: "LOW",
    description:
      "设置年龄上限或年龄区间（如：35岁以下、18-35岁、限90后）。法律未一概禁止年龄条件，部分岗位有正当理由；但“35岁门槛”等年龄限制易构成就业歧视，标记供审核人员关注，不拦截。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "[2-6]\\d(?:周岁|岁)(?:以下|以内|之内|及以下)",
        "(?<![\\d-])(?:1\\d|[2-6]\\d)(?:周岁|岁)?-[2-6]\\d(?:周岁|岁)",
        "(?:年龄|年纪)(?:不超过|不得超过|不大于|小于|低于|不高于)\\d{2}",
        "限[0-9]0后|[0-9]0后优先",
      ].join("|"),
    },
  },
  {
    code: "HUKOU",
    severity: "HIGH",
    description:
      "以户籍（户口）或籍贯限制录用（如：限本地户口、本市户籍、外地人勿扰）。依据《就业促进法》第三条、第三十一条及《人力资源市场暂行条例》第二十四条：劳动者就业不因户籍等受歧视，不得对农村劳动者进城就业设置歧视性限制，招聘信息不得含有歧视性内容。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "(?:限|仅限|只限|只招|只要|要求|须|需|必须)(?:本地|本市|本省|本县|本区|当地|城镇|农村|非农业?|[\\u4e00-\\u9fff]{2}(?:市|省|县|区)?)?(?:户口|户籍|户藉)",
        "(?<!解决|办理|协助|迁入|提供|落)(?:本地|本市|本省|本县|本区|当地|城镇|非农业?)(?:户口|户籍|户藉)",
        "(?:限|仅限|只限|只招|只要)(?:本地|本市|当地|本县|本省)(?:人|籍)(?!才|口|员工)",
        "(?:本地|本市|当地|本县)(?:人|籍)(?:优先|限定)",
        "外地(?:人|户口|户籍)?(?:勿扰|免谈|不要|不招)|(?:不招|不要|谢绝)外地",
        "(?:户口|户籍)(?:限|要求|须为|需为|必须是)",
      ].join("|"),
      unless: ["不限户籍", "户籍不限", "户口不限", "不限户口", "户籍要求不限", "户口要求不限", "户籍要求无", "户口要求无"],
    },
  },
  {
    code: "ETHNICITY",
    // 少数民族优先 is not matched: the law asks employers to give minority workers due consideration (art. 28).
    severity: "HIGH",
    description:
      "以民族限制录用（如：限汉族、不招少数民族、某族勿扰）。依据《就业促进法》第三条、第二十八条：劳动者就业不因民族、种族等不同而受歧视，各民族劳动者享有平等的劳动权利（对少数民族劳动者依法给予适当照顾的，不在此列）。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "(?:限|仅限|只限|只招|只要|要求|须为|需为|必须是)汉族|汉族人?(?:优先|限定)",
        "(?:不招|不要|不收|谢绝|拒绝|不录用|不接受|不考虑)(?:少数民族|回族|维族|维吾尔族|藏族|彝族|壮族|苗族|新疆人|西藏人|新疆籍|西藏籍|凉山人)",
        "(?:少数民族|回族|维族|维吾尔族|藏族|彝族|壮族|苗族)(?:人|人员|同胞)?(?:勿扰|免谈|不要|不招|除外|不录用)",
        "(?:新疆|西藏|凉山)(?:人|籍)(?:勿扰|免谈|不要|不招|除外|不录用)",
      ].join("|"),
    },
  },
  {
    code: "HEALTH_STATUS",
    severity: "HIGH",
    description:
      "以乙肝、艾滋病等传染病病原携带状态限制录用，或要求乙肝项目检测（如：乙肝携带者勿扰、查两对半、无乙肝）。依据《就业促进法》第三十条及《关于进一步规范入学和就业体检项目维护乙肝表面抗原携带者入学和就业权利的通知》（人社部发〔2010〕12号）：用人单位不得以是传染病病原携带者为由拒绝录用，不得在招聘中要求乙肝项目检测（国家规定的特殊岗位除外）。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "(?:无|非|不是|不能是|排除|拒绝|不招|不要|不收|谢绝)(?:乙肝|乙型肝炎|hbv|艾滋|hiv|传染病携带)",
        "(?:乙肝|乙型肝炎|hbv)(?:病毒)?(?:携带者?|阳性|阴性|患者|五项|检查|表面抗原)",
        "(?:查|检查|检测|体检含?|体检包括)(?:乙肝|乙型肝炎|hbv|两对半|艾滋|hiv)",
        "两对半|大三阳|小三阳|hbsag",
        "(?:艾滋|hiv)病?(?:阴性|携带者?(?:勿扰|不要|免谈)|患者(?:勿扰|不要|免谈))",
      ].join("|"),
      unless: [
        "不查乙肝", "不检查乙肝", "不检测乙肝", "不查两对半", "不检查两对半", "无乙肝歧视", "不歧视乙肝",
        "乙肝携带者可", "乙肝携带者亦可", "乙肝携带者也可", "乙肝携带者均可", "接受乙肝携带者", "乙肝病毒携带者可", "乙肝携带者不受影响", "乙肝携带者不受限",
      ],
    },
  },
  {
    code: "HEALTH_CONDITION",
    // LOW: food, public-place and childcare jobs lawfully need a health certificate (食品安全法 art. 45),
    // so a general 无传染病 may be lawful there; elsewhere it may discriminate. Officials judge.
    severity: "LOW",
    description:
      "笼统要求“无传染病”“无病史”“无残疾”等健康条件。食品、公共场所、托育等岗位依法须持健康证（《食品安全法》第四十五条），此类条件可能合法；其他岗位可能构成《就业促进法》第二十九条、第三十条所禁止的歧视，标记供审核人员判断，不拦截。",
    matcher: {
      kind: "PATTERN",
      pattern: "无传染病|无传染性疾病|无遗传病|无精神病|无精神疾病|无(?:重大)?(?:疾病)?病史|无重大疾病|无慢性病|无残疾|肢体健全",
    },
  },
  {
    code: "FEE_DEPOSIT",
    severity: "HIGH",
    description:
      "向求职者收取押金、保证金、培训费、服装费、报名费、介绍费等费用，或要求先交钱、扣押证件。依据《劳动合同法》第九条：用人单位招用劳动者，不得扣押劳动者的居民身份证和其他证件，不得要求劳动者提供担保或者以其他名义向劳动者收取财物；《就业服务与就业管理规定》第十四条。这是虚假招聘最常见的手段。",
    matcher: {
      kind: "PHRASES",
      phrases: [
        ...FEE_WORDS,
        "风险金", "押证", "扣押身份证", "押身份证", "扣押证件", "先交", "先缴", "先付", "交钱", "交费上岗", "缴费上岗", "收费上岗", "自费培训",
      ],
      unless: [
        ...feeExceptions(FEE_WORDS),
        "期货保证金", "保证金交易", "保证金管理", "保证金业务", "保证金账户", "优先交", "优先缴", "优先付", "首先交",
        "先交社保", "先缴社保", "先缴纳社保", "用户押金", "客户押金", "不押证", "不扣押", "不用交钱", "无需交钱", "不交钱", "不需要交钱", "无需交任何钱", "不收取任何费用",
      ],
    },
  },
  {
    code: "PRIVATE_CONTACT",
    // LOW: a WeChat or QQ contact is lawful and common among honest small employers; the fraud that
    // follows it (a fee, a deposit) is what FEE_DEPOSIT holds. Flagged so officials can watch the pattern.
    severity: "LOW",
    description:
      "要求通过微信、QQ 等私人通讯方式联系（如：加微信、私聊、微信号xxx）。本身不违法，但常见于绕开平台监管的虚假招聘，标记供审核人员关注；收费等违法行为由其他规则拦截。",
    matcher: {
      kind: "PATTERN",
      pattern: [
        "(?<![参增追附])加我?(?:微信|薇信|威信|v信|vx|wx|qq|扣扣|企鹅|薇)",
        "(?:微信|薇信|威信|v信|vx|wx)号?\\d",
        "(?:微信|薇信|威信|v信|vx|wx)号",
        "(?:qq|扣扣)号?\\d{5,15}|qq号|扣扣号",
        "私聊|(?:微信|qq)(?:联系|咨询|详聊|沟通)|(?:联系|咨询)(?:微信|qq)",
      ].join("|"),
    },
  },
  {
    code: "SALARY_IMPLAUSIBLE",
    // LOW, by the eval: keyword references are coarse (a 销售总监 is a 销售), so even at 3 × p90 real
    // postings cross the line; a lure pay is a signal for officials, not proof (see README figures).
    severity: "LOW",
    description:
      "薪资上限远高于同类职业：超过该职业在岗位数据中月薪上限第90百分位的3倍，无同类数据时超过每月5万元。虚高薪资是虚假招聘的常见诱饵（《人力资源市场暂行条例》第二十四条：招聘信息应当真实、合法），标记供审核人员核实。",
    matcher: { kind: "SALARY_IMPLAUSIBLE", factor: 3, absoluteMax: 50_000 },
  },
];
