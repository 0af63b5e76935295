import type { PersonRow } from "../people/person.table.js";
import type { PostingRow } from "../postings/posting.table.js";
import { EDUCATION_LEVELS, educationRank } from "../postings/education.js";
import { PAIRED_PREFECTURES } from "../regions/paired-regions.js";
import { prefixOfRegionCode } from "../../region-code.js";
import { msg, type Message } from "../../i18n.js";

/**
 * The hard constraints of a match (never traded against a score): open and valid; the person meets
 * the education requirement; the place is acceptable (their county or prefecture, their stated
 * regions, anywhere in Fujian if willing to move for work, the paired regions if open to labour
 * cooperation); public-welfare posts only for poverty labourers. (Postings already referred to the
 * person are left out by `recommendForPeople`.)
 */
export function hardConstraints(person: PersonRow, now = new Date()) {
  const prefixes = new Set<string>([person.householdRegionCode.slice(0, 4), person.originRegionCode.slice(0, 4), ...person.intentionRegionCodes.map(prefixOfRegionCode)]);
  if (person.willingToRelocate) prefixes.add("35");
  if (person.openToLabourCooperation) for (const p of PAIRED_PREFECTURES) prefixes.add(p);
  return {
    statuses: ["OPEN"],
    validAt: Math.floor(now.getTime() / 1000),
    educationAtMost: educationRank(person.degreeLevel),
    regionPrefixes: [...prefixes],
    ...(person.registeredPoverty ? {} : { excludeKinds: ["PUBLIC_WELFARE"] }),
  };
}

/**
 * Why a posting does not fit a person — not open, expired, above their education, outside their
 * acceptable places, a public-welfare post for someone not from a poverty household — or null when
 * it fits: the same rules `hardConstraints` gives the engine, applied to one PostgreSQL row.
 */
export function misfit(person: PersonRow, posting: Pick<PostingRow, "status" | "validUntil" | "minEducation" | "regionCode" | "kind">, now = new Date()): Message | null {
  const c = hardConstraints(person, now);
  if (posting.status !== "OPEN") return msg(`该岗位状态为 ${posting.status}，未在招聘中`, `The posting is ${posting.status.toLowerCase()}, not open`);
  if (posting.validUntil && posting.validUntil.getTime() <= now.getTime()) return msg("该岗位已过期", "The posting has expired");
  if (EDUCATION_LEVELS.indexOf(posting.minEducation) > c.educationAtMost) return msg(`该岗位要求 ${posting.minEducation} 学历，高于此人的学历`, `The posting asks for ${posting.minEducation}, above the person's education`);
  if (!c.regionPrefixes.some((prefix) => posting.regionCode.startsWith(prefix))) return msg("该岗位不在此人可接受的地区（本市、求职意向地区、愿意省内流动时的全省、参加劳务协作时的协作地区）", "The posting is outside the places the person accepts (their prefecture, intention regions, Fujian if willing to move, paired regions if open to labour cooperation)");
  if (c.excludeKinds?.includes(posting.kind)) return msg("公益性岗位仅面向建档立卡贫困家庭", "Public-welfare posts are for registered-poverty households");
  return null;
}
