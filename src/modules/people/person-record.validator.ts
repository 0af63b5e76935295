import { DATE_BOUNDS, serviceToday, yearsAfter } from "../../dates.js";
import { msg, type Message } from "../../i18n.js";
import { maskPhone, maskResidentId, parseMobilePhone, parseResidentId, type Gender } from "../../pii/resident-id.js";
import type { Education } from "../postings/posting.table.js";
import type { EmploymentStatus } from "./person.table.js";

/** A person as a caller describes them, before checks: from GraphQL input or a CSV row. */
export interface PersonDraft {
  name: string;
  idNumber: string;
  phone?: string | null;
  householdRegionCode: string;
  originRegionCode: string;
  registeredPoverty?: boolean;
  povertyHouseholdNo?: string | null;
  minimumLiving?: boolean;
  zeroEmployment?: boolean;
  disabled?: boolean;
  institutionId?: string | null;
  major?: string | null;
  degreeLevel?: Education | null;
  graduationDate?: string | null;
  leaveSchoolDate?: string | null;
  employmentStatus?: EmploymentStatus;
  employmentStatusSince?: string | null;
  ableToWork?: boolean;
  seekingWork?: boolean;
  intentionKeywords?: string[];
  intentionRegionCodes?: string[];
  intentionMinSalary?: number | null;
  willingToRelocate?: boolean;
  openToLabourCooperation?: boolean;
  skills?: string[];
  trainingWishes?: string[];
}

/** A checked person: what the ledger stores, before sealing the ID number and phone. */
export interface PersonRecord {
  name: string;
  idNumber: string;
  idNumberMasked: string;
  birthDate: string;
  gender: Gender;
  phone: string | null;
  phoneMasked: string | null;
  householdRegionCode: string;
  originRegionCode: string;
  registeredPoverty: boolean;
  povertyHouseholdNo: string | null;
  minimumLiving: boolean;
  zeroEmployment: boolean;
  disabled: boolean;
  institutionId: string | null;
  major: string | null;
  degreeLevel: Education | null;
  graduationDate: string | null;
  leaveSchoolDate: string | null;
  employmentStatus: EmploymentStatus;
  employmentStatusSince: string;
  ableToWork: boolean;
  seekingWork: boolean;
  intentionKeywords: string[];
  intentionRegionCodes: string[];
  intentionMinSalary: number | null;
  willingToRelocate: boolean;
  openToLabourCooperation: boolean;
  skills: string[];
  trainingWishes: string[];
}

export interface Problem {
  field: string;
  code: "BAD_USER_INPUT";
  message: Message;
}

export interface RecordContext {
  today: Date;
  /** The level of a region code, or undefined when there is no such region. */
  regionLevel: (code: string) => "PROVINCE" | "PREFECTURE" | "COUNTY" | undefined;
  institutionExists: (id: string) => boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TAGS = 30;
const MAX_TAG = 40;

function validDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** What parseResidentId says is wrong (English, from src/pii), in Chinese; an unknown one is quoted as it is. */
const ID_PROBLEMS_ZH: Record<string, string> = {
  "must be 18 characters: 17 digits and a digit or X": "须为 18 位：17 位数字加 1 位数字或 X",
  "check digit does not match (GB 11643)": "校验码不符（GB 11643）",
  "has no valid birth date": "中的出生日期无效",
  "has a birth date in the future": "中的出生日期晚于今天",
};
const idProblemZh = (problem: string) => ID_PROBLEMS_ZH[problem] ?? `无效（${problem}）`;

const LEVEL_ZH = { PROVINCE: "省级", PREFECTURE: "地级", COUNTY: "县级" } as const;

function cleanList(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v.length > 0))];
}

/**
 * Checks a person against the ledger's rules (GB 11643 ID, mainland mobile, counties that exist,
 * dates that make sense) and derives birth date and gender from the ID. Every problem is reported,
 * each with its field, so an import can name the column.
 */
export function checkPerson(draft: PersonDraft, ctx: RecordContext): { ok: true; record: PersonRecord } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (field: string, message: Message) => problems.push({ field, code: "BAD_USER_INPUT", message });
  const today = serviceToday(ctx.today);

  const name = (draft.name ?? "").trim();
  if (name.length === 0 || name.length > 50) bad("name", msg("name 须为 1–50 个字符", "name must be 1–50 characters"));

  const id = parseResidentId(draft.idNumber ?? "", ctx.today);
  if (!id.ok) bad("idNumber", msg(`身份证号${idProblemZh(id.problem)}`, `idNumber ${id.problem}`));

  let phone: string | null = null;
  if (draft.phone && draft.phone.trim() !== "") {
    phone = parseMobilePhone(draft.phone);
    if (!phone) bad("phone", msg("phone 须为中国大陆手机号（11 位，13x–19x 开头）", "phone must be a mainland mobile number (11 digits, 13x–19x)"));
  }

  for (const field of ["householdRegionCode", "originRegionCode"] as const) {
    const code = draft[field];
    const level = code ? ctx.regionLevel(code) : undefined;
    if (!code || !/^\d{6}$/.test(code)) bad(field, msg(`${field} 须为 6 位县级行政区代码`, `${field} must be a six-digit county code`));
    else if (!level) bad(field, msg(`未知的地区代码 ${code}`, `Unknown region code ${code}`));
    else if (level !== "COUNTY") bad(field, msg(`${code} 是${LEVEL_ZH[level]}行政区，不是县级行政区`, `${code} is a ${level.toLowerCase()}, not a county`));
  }

  const intentionRegionCodes = cleanList(draft.intentionRegionCodes);
  for (const code of intentionRegionCodes) {
    if (!ctx.regionLevel(code)) bad("intentionRegionCodes", msg(`未知的地区代码 ${code}`, `Unknown region code ${code}`));
    // Matching narrows to what is stated: an intention is a place in Fujian. Someone who would work
    // back home outside Fujian states none, and is matched at their household and origin.
    else if (!code.startsWith("35")) bad("intentionRegionCodes", msg(`求职意向地区须在福建省内（${code} 不是福建省的地区代码）；回原籍就业的不填意向地区，按户籍和生源地推荐`, `Intention regions are places in Fujian (${code} is not); someone who would work back home states none and is matched at their household and origin`));
  }

  if (draft.institutionId && !ctx.institutionExists(draft.institutionId)) bad("institutionId", msg("未知的高校", "Unknown institution"));

  const dates: Record<"graduationDate" | "leaveSchoolDate" | "employmentStatusSince", string | null> = {
    graduationDate: draft.graduationDate || null,
    leaveSchoolDate: draft.leaveSchoolDate || null,
    employmentStatusSince: draft.employmentStatusSince || null,
  };
  // Out-of-range dates (a year 9999) are refused: nothing before 1900; school dates at most 5 years ahead.
  const latestSchoolDate = yearsAfter(today, DATE_BOUNDS.schoolYearsAhead);
  for (const [field, value] of Object.entries(dates)) {
    if (value !== null && !validDate(value)) bad(field, msg(`${field} 须为日期（YYYY-MM-DD）`, `${field} must be a date (YYYY-MM-DD)`));
    else if (value !== null && value < DATE_BOUNDS.earliest) bad(field, msg(`${field} 早于 ${DATE_BOUNDS.earliest}`, `${field} is before ${DATE_BOUNDS.earliest}`));
    else if (value !== null && field !== "employmentStatusSince" && value > latestSchoolDate) bad(field, msg(`${field} 超过 ${DATE_BOUNDS.schoolYearsAhead} 年后（晚于 ${latestSchoolDate}）`, `${field} is more than ${DATE_BOUNDS.schoolYearsAhead} years ahead (after ${latestSchoolDate})`));
  }
  if (id.ok) {
    const birth = id.value.birthDate;
    if (dates.graduationDate && validDate(dates.graduationDate) && dates.graduationDate <= birth) bad("graduationDate", msg("graduationDate 早于身份证号中的出生日期", "graduationDate is before the birth date in the ID number"));
    if (dates.leaveSchoolDate && validDate(dates.leaveSchoolDate) && dates.leaveSchoolDate <= birth) bad("leaveSchoolDate", msg("leaveSchoolDate 早于身份证号中的出生日期", "leaveSchoolDate is before the birth date in the ID number"));
  }
  if (dates.employmentStatusSince && dates.employmentStatusSince > today) bad("employmentStatusSince", msg("employmentStatusSince 不能是将来的日期", "employmentStatusSince is in the future"));

  const registeredPoverty = draft.registeredPoverty ?? false;
  const povertyHouseholdNo = draft.povertyHouseholdNo?.trim() || null;
  if (povertyHouseholdNo && !registeredPoverty) bad("povertyHouseholdNo", msg("povertyHouseholdNo 仅适用于建档立卡贫困户", "povertyHouseholdNo is only for registered poverty households (建档立卡)"));
  if (povertyHouseholdNo && povertyHouseholdNo.length > 40) bad("povertyHouseholdNo", msg("povertyHouseholdNo 最多 40 个字符", "povertyHouseholdNo is at most 40 characters"));

  const major = draft.major?.trim() || null;
  if (major && major.length > 100) bad("major", msg("major 最多 100 个字符", "major is at most 100 characters"));
  if (draft.intentionMinSalary != null && (!Number.isInteger(draft.intentionMinSalary) || draft.intentionMinSalary < 0 || draft.intentionMinSalary > 1_000_000)) {
    bad("intentionMinSalary", msg("intentionMinSalary 须为 0 至 1,000,000 元之间的整数", "intentionMinSalary must be a whole number of yuan from 0 to 1,000,000"));
  }
  const lists = {
    intentionKeywords: cleanList(draft.intentionKeywords),
    skills: cleanList(draft.skills),
    trainingWishes: cleanList(draft.trainingWishes),
  };
  for (const [field, values] of Object.entries({ ...lists, intentionRegionCodes })) {
    if (values.length > MAX_TAGS) bad(field, msg(`${field} 最多 ${MAX_TAGS} 项`, `${field} has at most ${MAX_TAGS} entries`));
    if (values.some((v) => v.length > MAX_TAG)) bad(field, msg(`${field} 中每项最多 ${MAX_TAG} 个字符`, `each of ${field} is at most ${MAX_TAG} characters`));
  }

  if (problems.length > 0 || !id.ok) return { ok: false, problems };
  return {
    ok: true,
    record: {
      name,
      idNumber: id.value.idNumber,
      idNumberMasked: maskResidentId(id.value.idNumber),
      birthDate: id.value.birthDate,
      gender: id.value.gender,
      phone,
      phoneMasked: phone ? maskPhone(phone) : null,
      householdRegionCode: draft.householdRegionCode,
      originRegionCode: draft.originRegionCode,
      registeredPoverty,
      povertyHouseholdNo,
      minimumLiving: draft.minimumLiving ?? false,
      zeroEmployment: draft.zeroEmployment ?? false,
      disabled: draft.disabled ?? false,
      institutionId: draft.institutionId || null,
      major,
      degreeLevel: draft.degreeLevel ?? null,
      graduationDate: dates.graduationDate,
      leaveSchoolDate: dates.leaveSchoolDate,
      employmentStatus: draft.employmentStatus ?? "UNEMPLOYED",
      // Unemployed graduates are so since leaving school, unless a date is given; anyone else since today.
      employmentStatusSince:
        dates.employmentStatusSince ??
        ((draft.employmentStatus ?? "UNEMPLOYED") === "UNEMPLOYED" && dates.leaveSchoolDate && dates.leaveSchoolDate <= today ? dates.leaveSchoolDate : today),
      ableToWork: draft.ableToWork ?? true,
      seekingWork: draft.seekingWork ?? true,
      intentionKeywords: lists.intentionKeywords,
      intentionRegionCodes,
      intentionMinSalary: draft.intentionMinSalary ?? null,
      willingToRelocate: draft.willingToRelocate ?? false,
      openToLabourCooperation: draft.openToLabourCooperation ?? false,
      skills: lists.skills,
      trainingWishes: lists.trainingWishes,
    },
  };
}
