import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { badInput } from "../../errors.js";
import type { Loaders } from "../../graphql/context.js";
import { PAIRED_PREFECTURES } from "../regions/paired-regions.js";
import type { SearchEngine } from "../../search/search-port.js";
import { segment } from "../../search/segment.js";
import { educationLevel, type PostingRow } from "../postings/posting.table.js";
import type { PersonRow } from "../people/person.table.js";
import {
  distanceFactor,
  distanceKm,
  educationFactor,
  freshnessFactor,
  headcountFactor,
  keyGroupFactor,
  occupationFactor,
  salaryFactor,
  textFactor,
  workshopFactor,
  type Factor,
  type MatchWeights,
} from "./match-score.js";
import { matchingPolicies } from "./matching-policy.table.js";

export interface MatchItem {
  posting: PostingRow;
  score: number;
  reasons: { factor: string; weight: number; detail: string }[];
}

const CANDIDATES = 200;

/** A region code as the prefix it stands for: 350000 → 35, 350100 → 3501, 350102 → 350102. */
const asPrefix = (code: string) => (code.endsWith("0000") ? code.slice(0, 2) : code.endsWith("00") ? code.slice(0, 4) : code);

export async function activeWeights(db: Executor): Promise<MatchWeights> {
  const [row] = await db.select().from(matchingPolicies).where(eq(matchingPolicies.active, true));
  if (!row) throw new Error("No active matching policy: the migrations load one");
  return row.weights as MatchWeights;
}

/**
 * The hard constraints of a match (never traded against a score): open and valid; the person meets
 * the education requirement; the place is acceptable (their county or prefecture, their stated
 * regions, anywhere in Fujian if willing to move for work, the paired regions if open to labour
 * cooperation); public-welfare posts only for poverty labourers.
 */
export function hardConstraints(person: PersonRow, now = new Date()) {
  const educationRank = person.degreeLevel ? educationLevel.enumValues.indexOf(person.degreeLevel) : 1; // unknown: compulsory schooling
  const prefixes = new Set<string>([person.householdRegionCode.slice(0, 4), person.originRegionCode.slice(0, 4), ...person.intentionRegionCodes.map(asPrefix)]);
  if (person.willingToRelocate) prefixes.add("35");
  if (person.openToLabourCooperation) for (const p of PAIRED_PREFECTURES) prefixes.add(p);
  return {
    statuses: ["OPEN"],
    validAt: Math.floor(now.getTime() / 1000),
    educationAtMost: educationRank,
    regionPrefixes: [...prefixes],
    ...(person.registeredPoverty ? {} : { excludeKinds: ["PUBLIC_WELFARE"] }),
  };
}

/**
 * The postings that fit a person, best first (就业推荐): candidates by text from their intention,
 * major and skills (topped up by the newest fitting postings when text finds few), within the hard
 * constraints, re-ranked by factors whose weights are policy data, with the reasons in words a
 * caseworker can read to the person. Membership of a target category can add a boost, never remove one.
 */
export async function matchesForPerson(
  deps: { search: SearchEngine; loaders: Pick<Loaders, "postingById" | "employerById" | "regionByCode" | "memberships" | "matchingWeights"> },
  person: PersonRow,
  first: number,
): Promise<{ items: MatchItem[]; note: string | null }> {
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput("first", "first must be 1–100");
  // Once per request, however many people's matches it asks for.
  const weights = await deps.loaders.matchingWeights.load("active");
  const filter = hardConstraints(person);
  const words = [...person.intentionKeywords, ...(person.major ? [person.major] : []), ...person.skills];
  const text = words.join(" ");

  const byText = text ? await deps.search.search({ text, filter, offset: 0, limit: CANDIDATES, countTotal: false }) : { hits: [] };
  const scores = new Map(byText.hits.map((h) => [h.id, h.score]));
  if (scores.size < Math.max(first * 3, 30)) {
    const nearby = await deps.search.search({ filter, sort: "NEWEST", offset: 0, limit: CANDIDATES, countTotal: false });
    for (const h of nearby.hits) if (!scores.has(h.id)) scores.set(h.id, 0);
  }
  if (scores.size === 0) {
    return { items: [], note: "没有符合条件的在招岗位（学历要求、工作地点或岗位类型不符）。可扩大意向地区，或登记转移就业意愿。" };
  }

  const ids = [...scores.keys()];
  const postings = (await deps.loaders.postingById.loadMany(ids)).filter((p): p is PostingRow => !!p && !(p instanceof Error) && p.status === "OPEN");
  const employers = new Map(
    (await deps.loaders.employerById.loadMany([...new Set(postings.map((p) => p.employerId))]))
      .filter((e) => e && !(e instanceof Error))
      .map((e) => [(e as { id: string }).id, e as { id: string; isPovertyWorkshop: boolean }]),
  );
  const regionCodes = [...new Set([person.householdRegionCode, ...postings.map((p) => p.regionCode)])];
  const regions = new Map(
    (await deps.loaders.regionByCode.loadMany(regionCodes)).filter((r) => r && !(r instanceof Error)).map((r) => [(r as { code: string }).code, r as { code: string; name: string; lng: number | null; lat: number | null }]),
  );
  const memberships = await deps.loaders.memberships.load(person.id);
  const home = regions.get(person.householdRegionCode);
  const personTerms = [...new Set(segment(words.join(" ")))];
  const personRank = person.degreeLevel ? educationLevel.enumValues.indexOf(person.degreeLevel) : 1;
  const now = Date.now();

  const scored = postings.map((posting) => {
    const place = regions.get(posting.regionCode);
    const km = home?.lng != null && home.lat != null && place?.lng != null && place.lat != null ? distanceKm([home.lng, home.lat], [place.lng, place.lat]) : null;
    // The person's terms are segmented once; a posting's text is searched for them (no jieba per posting).
    const postingText = [posting.title, posting.occupation ?? "", ...posting.skills, ...posting.majors].join(" ").toLowerCase();
    const factors: Factor[] = [
      textFactor(scores.get(posting.id) ?? 0, words.length > 0),
      occupationFactor(personTerms, postingText, person.major && posting.majors.includes(person.major) ? person.major : null),
      distanceFactor(km, posting.regionCode === person.householdRegionCode, place?.name ?? posting.regionCode),
      salaryFactor(posting.salaryMax, person.intentionMinSalary),
      educationFactor(personRank, educationLevel.enumValues.indexOf(posting.minEducation), posting.minEducation),
      keyGroupFactor(posting.forKeyGroups, memberships.length > 0),
      workshopFactor(employers.get(posting.employerId)?.isPovertyWorkshop ?? false, person.registeredPoverty),
      freshnessFactor(posting.publishedAt ? (now - posting.publishedAt.getTime()) / 86_400_000 : 90),
      headcountFactor(posting.headcount),
    ];
    const score = factors.reduce((sum, f) => sum + weights[f.factor] * f.score, 0);
    const reasons = factors
      .map((f) => ({ factor: f.factor, weight: Math.round(weights[f.factor] * f.score * 1000) / 1000, detail: f.detail }))
      .filter((r) => r.weight > 0 && r.detail)
      .sort((a, b) => b.weight - a.weight);
    return { posting, score, reasons };
  });

  // Diversity: each further posting of an employer already chosen is damped, so one employer cannot fill the list.
  const chosen: MatchItem[] = [];
  const perEmployer = new Map<string, number>();
  const pool = [...scored];
  while (chosen.length < first && pool.length > 0) {
    let best = 0;
    let bestScore = -1;
    pool.forEach((c, i) => {
      const adjusted = c.score * weights.employerRepeatDamping ** (perEmployer.get(c.posting.employerId) ?? 0);
      if (adjusted > bestScore) [best, bestScore] = [i, adjusted];
    });
    const [pick] = pool.splice(best, 1);
    perEmployer.set(pick!.posting.employerId, (perEmployer.get(pick!.posting.employerId) ?? 0) + 1);
    chosen.push({ ...pick!, score: Math.round(bestScore * 1000) / 1000 });
  }
  return { items: chosen, note: words.length === 0 ? "未填写求职意向、专业和技能，按所在地区和学历推荐。" : null };
}
