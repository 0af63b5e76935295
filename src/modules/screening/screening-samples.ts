import { normalisePhrase } from "./screening-text.js";

/**
 * The texts a rule's pattern must get through within the time budget before it may be saved (issue 23).
 * Two kinds: posting texts like the ones the rules will read (real 51job titles and tags, and the
 * phrasings of the labelled set), normalised as the engine normalises them; and adversarial strings —
 * a run of one character then one that breaks the run ("aaa…a!", "111…1男"), for every character class
 * a pattern is likely to repeat, short (where nested quantifiers blow up exponentially: 30 characters
 * are 2^30 steps for `(a+)+$`) and long (where polynomial ones do: 5,000 characters, longer than most fields).
 */
const POSTING_TEXTS = [
  "中高级python开发工程师 3-4年,本科,五险一金,员工旅游,交通补贴,绩效奖金,年终奖金,专业培训,定期体检",
  "Python 老师或助教 2年,本科,python,讲师,五险一金,员工旅游,专业培训,周末双休,带薪年假",
  "软件开发工程师（python） 五险一金,定期体检,年终奖金,周末双休,提供食宿,结婚生子福利",
  "Web前端开发 html,javascript,vue,css,五险一金,交通补贴,餐饮补贴,做五休二,单身公寓",
  "小程序开发/全栈小程序开发（可居家办公、可兼职） 微信小程序,java,javascript,Vue全家桶",
  "信用保证险部数据分析岗（风控方向） 节日福利,高温补贴,全勤奖,绩效奖金,五险一金",
  "普工 月薪5000-6500元，包吃包住，男女不限，18-45周岁，免费培训，无需押金，不收取任何费用",
  "会计 熟悉金蝶、用友，应收应付、预付账款核算，有经验者优先，交通补贴",
  "护士 持护士资格证，妇产科、儿科经验优先，乙肝疫苗免费接种，五险一金",
  "招聘男装店导购，年龄18-35岁，底薪3000+提成，联系电话0591-12345678",
  "限男性，35岁以下，已婚已育优先，本地户口，先交培训费500元，加微信abc12345详聊",
].map(normalisePhrase);

const RUN_CHARACTERS = [
  ..."abcdefghijklmnopqrstuvwxyz0123456789",
  ..."限男女性别婚育岁以下户口籍民族汉乙肝病费押金保证微信号联系招聘工资元万千",
  "-",
  " ",
];
const BREAKERS = ["!", "男", "1", "a", "-", "\n"];

function adversarialTexts(): string[] {
  const texts: string[] = [];
  for (const c of RUN_CHARACTERS) {
    for (const breaker of BREAKERS) if (breaker !== c) texts.push(c.repeat(30) + breaker);
    texts.push(c.repeat(5_000) + "!");
  }
  texts.push("ab".repeat(2_500) + "!", "a1".repeat(2_500) + "!", "男女".repeat(2_500) + "!", "1-".repeat(2_500) + "!");
  return texts;
}

let samples: readonly string[] | undefined;

/** The sample texts (built once). */
export function patternSampleTexts(): readonly string[] {
  samples ??= [...POSTING_TEXTS, ...adversarialTexts()];
  return samples;
}
