/**
 * Pure parsing of the 51job postings export (seed/data/postings-51job-2023.csv) into
 * normalized postings: monthly salary in yuan, education enum, county-level region code,
 * skills vs. benefits split out of the tags column, and a composed Chinese description.
 * Each field has its own parser beside this file; this one reads the rows and puts them together.
 *
 * No I/O here: callers read the files and pass their text in, so everything is unit-testable.
 */
import { parse } from "csv-parse/sync";
import { createAreaResolver } from "./area-resolver.js";
import { parseDegree, type Education } from "./degree-parser.js";
import { repairFromVocabulary } from "./garbled-text.js";
import type { RegionRow } from "./region-parser.js";
import { parseSalary } from "./salary-parser.js";
import { splitTags } from "./tag-splitter.js";

export interface Parsed51jobPosting {
  title: string;
  skills: string[];
  benefits: string[];
  areaText: string;
  regionCode: string;
  salaryMin: number;
  salaryMax: number;
  experienceText: string;
  minEducation: Education;
  companyName: string;
  companyType: string;
  companySize: string;
  issuedAt: Date;
  description: string;
}

export interface Parse51jobResult {
  postings: Parsed51jobPosting[];
  skipped: { row: number; reason: string }[];
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const ISSUE_DATE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2023-12-12 09:22:00" in Beijing time (UTC+8, no DST) → Date; null if malformed. */
function parseIssueDate(text: string): Date | null {
  const match = ISSUE_DATE.exec(text.trim());
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? "0"));
  if (year === undefined || month === undefined || day === undefined) return null;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC silently rolls "02-30" over into March; reject instead of inventing a date.
  const valid =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  return valid ? new Date(local.getTime() - BEIJING_OFFSET_MS) : null;
}

function composeDescription(posting: {
  companyName: string;
  title: string;
  degreeText: string;
  experienceText: string;
  skills: readonly string[];
  benefits: readonly string[];
}): string {
  const sentences = [`${posting.companyName}招聘${posting.title}。`];
  const requirements = [
    posting.degreeText === "" ? null : `学历要求：${posting.degreeText}`,
    posting.experienceText === "" ? null : `经验：${posting.experienceText}`,
  ].filter((part): part is string => part !== null);
  if (requirements.length > 0) sentences.push(`${requirements.join("；")}。`);
  if (posting.skills.length > 0) sentences.push(`技能：${posting.skills.join("、")}。`);
  if (posting.benefits.length > 0) sentences.push(`福利：${posting.benefits.join("、")}。`);
  return sentences.join("");
}

/** Company types as 51job spells them; used only to repair garbled values such as "��营". */
const COMPANY_TYPES: readonly string[] = [
  "民营", "国企", "已上市", "合资", "外资（欧美）", "外资（非欧美）", "事业单位", "创业公司", "非营利组织", "政府机关",
];

/**
 * Parses the whole export. Bad rows never throw: they land in `skipped` with their 1-based
 * data row number (header excluded) and a reason of the form "<field>: <problem>".
 */
export function parse51jobCsv(text: string, regions: RegionRow[]): Parse51jobResult {
  const records = parse(text, {
    columns: true,
    skip_empty_lines: true,
    bom: true,
    // Tolerate short/long rows and stray quotes: a bad row is reported, not fatal for the file.
    relax_column_count: true,
    relax_quotes: true,
  }) as Record<string, string | undefined>[];
  const resolveArea = createAreaResolver(regions);

  const postings: Parsed51jobPosting[] = [];
  const skipped: { row: number; reason: string }[] = [];
  records.forEach((record, index) => {
    const row = index + 1;
    const field = (name: string): string => (record[name] ?? "").trim();

    const title = field("jobName");
    if (title === "") {
      skipped.push({ row, reason: "title: empty" });
      return;
    }
    const salaryText = field("salary");
    const salary = parseSalary(salaryText);
    if (salary === null) {
      const reason = salaryText === "" ? "salary: empty" : `salary: unparseable ${JSON.stringify(salaryText)}`;
      skipped.push({ row, reason });
      return;
    }
    const areaText = field("area");
    const regionCode = resolveArea(areaText);
    if (regionCode === null) {
      skipped.push({ row, reason: areaText === "" ? "area: empty" : `area: unresolved ${JSON.stringify(areaText)}` });
      return;
    }
    const issuedAt = parseIssueDate(field("issueDate"));
    if (issuedAt === null) {
      skipped.push({ row, reason: `issueDate: invalid ${JSON.stringify(field("issueDate"))}` });
      return;
    }

    const experienceText = field("workYear");
    const degreeText = field("degree");
    const { skills, benefits } = splitTags(field("tags"), experienceText, degreeText);
    const companyName = field("companyName");
    const companyTypeRaw = field("companyType");
    const companyType = repairFromVocabulary(companyTypeRaw, COMPANY_TYPES) ?? companyTypeRaw;

    postings.push({
      title,
      skills,
      benefits,
      areaText,
      regionCode,
      salaryMin: salary.min,
      salaryMax: salary.max,
      experienceText,
      minEducation: parseDegree(degreeText),
      companyName,
      companyType,
      companySize: field("companySize"),
      issuedAt,
      description: composeDescription({ companyName, title, degreeText, experienceText, skills, benefits }),
    });
  });
  return { postings, skipped };
}
