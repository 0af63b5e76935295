/**
 * The ranker's factors, each a score in [0, 1] with the words a caseworker can read to the person.
 * Pure functions: the service gathers the facts, the policy's weights combine them.
 */
export interface MatchWeights {
  text: number;
  occupation: number;
  distance: number;
  salary: number;
  education: number;
  keyGroup: number;
  workshop: number;
  freshness: number;
  headcount: number;
  /** Each further posting of an employer already listed is multiplied by this. */
  employerRepeatDamping: number;
}

/** The factors that boost (a target group, a workshop, a big intake) rather than measure fit: together capped by the policy's boostMargin. */
export const BOOST_FACTORS: ReadonlySet<Factor["factor"]> = new Set(["keyGroup", "workshop", "headcount"]);


/** A factor's score, and its words for the person — `explain = false` leaves them out (scoring many candidates to explain a few). */
export interface Factor {
  factor: keyof Omit<MatchWeights, "employerRepeatDamping">;
  score: number;
  detail: string;
}

/** Great-circle distance in km between two points given as [lng, lat]. */
export function distanceKm(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/*
 * Each factor twice over: its score alone (what ranking 200 candidates per person computes — no
 * objects, no words) and, built on it, the Factor with the words for the few shown. The score is
 * defined once, in the first.
 */

export function textFactor(score: number, hasWords: boolean, explain = true): Factor {
  return { factor: "text", score, detail: !explain ? "" : hasWords ? "岗位内容与求职意向、专业或技能相关" : "未填写求职意向，按所在地区推荐" };
}

/** Education levels as a caseworker says them. */
export const EDUCATION_NAMES: Record<string, string> = {
  NONE: "不限",
  JUNIOR_HIGH: "初中",
  HIGH_SCHOOL: "高中/中专",
  ASSOCIATE: "大专",
  BACHELOR: "本科",
  MASTER: "硕士",
  DOCTORATE: "博士",
};

/** One of the person's words (an intention, a skill, their major) and its synonyms, lower-cased. */
export interface PersonWord {
  word: string;
  synonyms: string[];
}

/**
 * Occupation fit: the person's whole words found in the posting's title, occupation, skills and
 * majors (`postingText`, lower-cased) — a word itself counts 1, a synonym of it 0.6 — over two words,
 * or one for a person who gave one (so two found words, or a person's only word, make a full fit);
 * the posting asking for the person's major is a full fit.
 * Whole words, not jieba's sub-words: 工程师 alone does not make a 测试工程师 a fit for a 软件工程师.
 */
export function occupationScore(words: PersonWord[], postingText: string, majorMatched: boolean): number {
  if (majorMatched) return 1;
  let sum = 0;
  for (const { word, synonyms } of words) {
    if (postingText.includes(word)) sum += 1;
    else if (synonyms.some((s) => postingText.includes(s))) sum += 0.6;
  }
  return words.length === 0 ? 0 : Math.min(1, sum / Math.min(2, words.length));
}

export function occupationFactor(words: PersonWord[], postingText: string, majorMatched: string | null, explain = true): Factor {
  const score = occupationScore(words, postingText, Boolean(majorMatched));
  if (!explain) return { factor: "occupation", score, detail: "" };
  if (majorMatched) return { factor: "occupation", score, detail: `岗位要求的专业包含“${majorMatched}”` };
  const hits: string[] = [];
  for (const { word, synonyms } of words) {
    if (postingText.includes(word)) {
      hits.push(word);
    } else {
      const synonym = synonyms.find((s) => postingText.includes(s));
      if (synonym) hits.push(`${word}（${synonym}）`);
    }
  }
  return { factor: "occupation", score, detail: hits.length > 0 ? `意向或技能“${hits.slice(0, 3).join("、")}”与岗位对口` : "与意向职业关联不大" };
}

/**
 * Nearness: at one of the person's places (their county, an intention region they named) is best;
 * otherwise falling with the km from the nearest of them. The words say which rule admits the place
 * (地点：意向地区厦门市) and how far it is.
 */
export function distanceScore(km: number | null, atPlace: boolean): number {
  return atPlace ? 1 : km === null ? 0.5 : 1 / (1 + km / 50);
}

export function distanceFactor(km: number | null, atPlace: boolean, placeWords: string, explain = true): Factor {
  const score = distanceScore(km, atPlace);
  if (atPlace || km === null) return { factor: "distance", score, detail: explain ? `地点：${placeWords}` : "" };
  return { factor: "distance", score, detail: explain ? `地点：${placeWords}，距离约${Math.round(km)}公里` : "" };
}

export function salaryScore(salaryMax: number | null, wanted: number | null): number {
  return wanted === null || salaryMax === null ? 0.5 : salaryMax >= wanted ? 1 : (salaryMax / wanted) ** 2;
}

export function salaryFactor(salaryMax: number | null, wanted: number | null, explain = true): Factor {
  const score = salaryScore(salaryMax, wanted);
  if (wanted === null || salaryMax === null) return { factor: "salary", score, detail: !explain ? "" : salaryMax ? `月薪最高${salaryMax}元` : "薪资面议" };
  if (salaryMax >= wanted) return { factor: "salary", score, detail: explain ? `月薪最高${salaryMax}元，达到期望的${wanted}元` : "" };
  return { factor: "salary", score, detail: explain ? `月薪最高${salaryMax}元，低于期望的${wanted}元` : "" };
}

/** Meeting the requirement is best; far above it is still fine, a little less so (over-qualification). */
export function educationScore(personRank: number, requiredRank: number): number {
  const gap = personRank - requiredRank;
  return gap <= 1 ? 1 : gap === 2 ? 0.85 : 0.7;
}

export function educationFactor(personRank: number, requiredRank: number, required: string, explain = true): Factor {
  const requiredName = EDUCATION_NAMES[required] ?? required;
  const gap = personRank - requiredRank;
  const score = educationScore(personRank, requiredRank);
  return { factor: "education", score, detail: !explain ? "" : gap <= 1 ? `学历符合要求（${requiredName}）` : `学历高于要求（${requiredName}）` };
}

export function keyGroupScore(reserved: boolean, member: boolean): number {
  return reserved && member ? 1 : 0;
}

export function keyGroupFactor(reserved: boolean, member: boolean): Factor {
  return { factor: "keyGroup", score: keyGroupScore(reserved, member), detail: reserved && member ? "岗位面向重点群体，优先推荐" : "" };
}

export function workshopScore(workshop: boolean, povertyHousehold: boolean): number {
  return workshop && povertyHousehold ? 1 : 0;
}

export function workshopFactor(workshop: boolean, povertyHousehold: boolean): Factor {
  return { factor: "workshop", score: workshopScore(workshop, povertyHousehold), detail: workshop && povertyHousehold ? "扶贫车间/基地，吸纳贫困劳动力" : "" };
}

export function freshnessScore(daysSincePublished: number): number {
  return daysSincePublished <= 7 ? 1 : Math.max(0, 1 - (daysSincePublished - 7) / 83);
}

export function freshnessFactor(daysSincePublished: number): Factor {
  const score = freshnessScore(daysSincePublished);
  return { factor: "freshness", score, detail: daysSincePublished <= 7 ? "近一周新发布" : "" };
}

export function headcountScore(headcount: number): number {
  return Math.min(1, headcount / 10);
}

export function headcountFactor(headcount: number, explain = true): Factor {
  return { factor: "headcount", score: headcountScore(headcount), detail: explain && headcount >= 5 ? `招聘${headcount}人` : "" };
}
