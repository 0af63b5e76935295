import { textProblem } from "../../text-input.js";
import type { Education } from "../postings/posting.table.js";
import type { PersonDraft } from "./person-record.validator.js";
import type { EmploymentStatus } from "./person.table.js";

/**
 * The import's columns: English names or the Chinese headers county and university spreadsheets use.
 * Documented in the README; unknown headers are reported and ignored.
 */
export const PEOPLE_COLUMNS: { field: keyof PersonDraft | "institutionCode"; headers: string[]; required?: boolean }[] = [
  { field: "name", headers: ["name", "姓名"], required: true },
  { field: "idNumber", headers: ["idNumber", "身份证号", "身份证号码", "公民身份号码"], required: true },
  { field: "phone", headers: ["phone", "手机号", "手机号码", "联系电话"] },
  { field: "householdRegionCode", headers: ["householdRegionCode", "户籍地代码", "户籍地区代码"], required: true },
  { field: "originRegionCode", headers: ["originRegionCode", "生源地代码", "生源地区代码"], required: true },
  { field: "registeredPoverty", headers: ["registeredPoverty", "建档立卡", "是否建档立卡"] },
  { field: "povertyHouseholdNo", headers: ["povertyHouseholdNo", "建档立卡户编号", "贫困户编号"] },
  { field: "minimumLiving", headers: ["minimumLiving", "低保", "低保家庭"] },
  { field: "zeroEmployment", headers: ["zeroEmployment", "零就业", "零就业家庭"] },
  { field: "disabled", headers: ["disabled", "残疾"] },
  { field: "institutionCode", headers: ["institutionCode", "院校代码", "学校代码"] },
  { field: "major", headers: ["major", "专业"] },
  { field: "degreeLevel", headers: ["degreeLevel", "学历"] },
  { field: "graduationDate", headers: ["graduationDate", "毕业日期", "毕业时间"] },
  { field: "leaveSchoolDate", headers: ["leaveSchoolDate", "离校日期", "离校时间"] },
  { field: "employmentStatus", headers: ["employmentStatus", "就业状态"] },
  { field: "employmentStatusSince", headers: ["employmentStatusSince", "状态日期", "就业状态日期"] },
  { field: "ableToWork", headers: ["ableToWork", "有就业能力"] },
  { field: "seekingWork", headers: ["seekingWork", "有就业需求"] },
  { field: "intentionKeywords", headers: ["intentionKeywords", "求职意向", "意向职业"] },
  { field: "intentionRegionCodes", headers: ["intentionRegionCodes", "意向地区代码", "意向地区"] },
  { field: "intentionMinSalary", headers: ["intentionMinSalary", "期望最低月薪", "最低月薪"] },
  { field: "willingToRelocate", headers: ["willingToRelocate", "转移就业意愿", "愿意外出务工"] },
  { field: "openToLabourCooperation", headers: ["openToLabourCooperation", "劳务协作意愿"] },
  { field: "skills", headers: ["skills", "技能", "职业技能"] },
  { field: "trainingWishes", headers: ["trainingWishes", "培训意愿"] },
];

const BOOLEAN_FIELDS = new Set(["registeredPoverty", "minimumLiving", "zeroEmployment", "disabled", "ableToWork", "seekingWork", "willingToRelocate", "openToLabourCooperation"]);
const LIST_FIELDS = new Set(["intentionKeywords", "intentionRegionCodes", "skills", "trainingWishes"]);
const DATE_FIELDS = new Set(["graduationDate", "leaveSchoolDate", "employmentStatusSince"]);
const TRUE = new Set(["是", "有", "y", "yes", "true", "1", "√"]);
const FALSE = new Set(["否", "无", "n", "no", "false", "0", "×", ""]);
const EDUCATION: Record<string, Education> = {
  无: "NONE", 初中: "JUNIOR_HIGH", 初中及以下: "JUNIOR_HIGH", 高中: "HIGH_SCHOOL", 中专: "HIGH_SCHOOL", 中技: "HIGH_SCHOOL", 技校: "HIGH_SCHOOL",
  大专: "ASSOCIATE", 专科: "ASSOCIATE", 高职: "ASSOCIATE", 本科: "BACHELOR", 硕士: "MASTER", 研究生: "MASTER", 博士: "DOCTORATE",
};
const STATUS: Record<string, EmploymentStatus> = {
  未就业: "UNEMPLOYED", 失业: "UNEMPLOYED", 已就业: "EMPLOYED", 就业: "EMPLOYED", 灵活就业: "SELF_EMPLOYED", 自主创业: "SELF_EMPLOYED", 创业: "SELF_EMPLOYED",
  升学: "FURTHER_STUDY", 公益性岗位: "PUBLIC_WELFARE_POST", 基层项目: "GRASSROOTS_PROJECT", 退出劳动力市场: "OUT_OF_LABOUR_FORCE",
};

export interface CellProblem {
  column: string;
  message: string;
}

export interface ColumnMap {
  /** For each cell position, the field it fills (undefined: ignored). */
  fields: (string | undefined)[];
  headerOf: Map<string, string>;
  ignored: string[];
  missing: string[];
}

export function mapHeader(cells: string[]): ColumnMap {
  const lookup = new Map<string, string>();
  for (const c of PEOPLE_COLUMNS) for (const h of c.headers) lookup.set(h.toLowerCase(), c.field);
  const headerOf = new Map<string, string>();
  const ignored: string[] = [];
  // A field is read from its first column only; a second column with the same meaning is ignored.
  const fields = cells.map((cell) => {
    const header = cell.replace(/^\uFEFF/, "").trim();
    const field = lookup.get(header.toLowerCase());
    if (field && !headerOf.has(field)) {
      headerOf.set(field, header);
      return field;
    }
    if (header) ignored.push(header);
    return undefined;
  });
  const missing = PEOPLE_COLUMNS.filter((c) => c.required && !headerOf.has(c.field)).map((c) => c.headers[0]!);
  return { fields, headerOf, ignored, missing };
}

function normaliseDate(value: string): string | null {
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : null;
}

/** One row's cells as a draft, with any cell that cannot be read reported against its column. */
export function draftFromCells(
  cells: string[],
  columns: ColumnMap,
  institutionIdByCode: (code: string) => string | undefined,
): { draft: PersonDraft & { institutionCode?: string }; problems: CellProblem[] } {
  const draft: Record<string, unknown> = {};
  const problems: CellProblem[] = [];
  columns.fields.forEach((field, i) => {
    if (!field) return;
    const raw = (cells[i] ?? "").trim();
    const column = columns.headerOf.get(field)!;
    // An empty cell says nothing: a new person gets the default, a known one keeps what is stored.
    if (raw === "") return;
    // U+FFFD is what decoding leaves of bytes the file's encoding cannot read: refused, not stored.
    const textIssue = textProblem(raw) ?? (raw.includes("\uFFFD") ? "contains bytes that are not valid in the file's encoding (U+FFFD)" : null);
    if (textIssue) {
      problems.push({ column, message: textIssue });
      return;
    }
    if (BOOLEAN_FIELDS.has(field)) {
      const v = raw.toLowerCase();
      if (TRUE.has(v)) draft[field] = true;
      else if (FALSE.has(v)) draft[field] = false;
      else problems.push({ column, message: `"${raw}" is not yes/no (是/否, 1/0, true/false)` });
    } else if (LIST_FIELDS.has(field)) {
      draft[field] = raw.split(/[;；、|,，/]/).map((s) => s.trim()).filter(Boolean);
    } else if (DATE_FIELDS.has(field)) {
      if (raw === "") return;
      const date = normaliseDate(raw);
      if (date) draft[field] = date;
      else problems.push({ column, message: `"${raw}" is not a date (YYYY-MM-DD)` });
    } else if (field === "degreeLevel") {
      if (raw === "") return;
      const level = EDUCATION[raw] ?? (Object.values(EDUCATION).includes(raw.toUpperCase() as Education) ? (raw.toUpperCase() as Education) : undefined);
      if (level) draft[field] = level;
      else problems.push({ column, message: `"${raw}" is not an education level (本科, 大专, 硕士…)` });
    } else if (field === "employmentStatus") {
      if (raw === "") return;
      const status = STATUS[raw] ?? (Object.values(STATUS).includes(raw.toUpperCase() as EmploymentStatus) ? (raw.toUpperCase() as EmploymentStatus) : undefined);
      if (status) draft[field] = status;
      else problems.push({ column, message: `"${raw}" is not an employment status (未就业, 已就业, 自主创业, 升学…)` });
    } else if (field === "intentionMinSalary") {
      if (raw === "") return;
      const n = Number(raw.replace(/[,，元]/g, ""));
      if (Number.isInteger(n)) draft[field] = n;
      else problems.push({ column, message: `"${raw}" is not a whole number of yuan` });
    } else if (field === "institutionCode") {
      if (raw === "") return;
      const id = institutionIdByCode(raw);
      if (id) draft.institutionId = id;
      else problems.push({ column, message: `Unknown institution code ${raw}` });
    } else {
      draft[field] = raw;
    }
  });
  return { draft: draft as unknown as PersonDraft, problems };
}

// The generic streaming reader (records, row cap, decoding) lives in src/csv-stream.ts.
export { csvRecords, decodeChunks, DEFAULT_MAX_RECORD_CHARS, ROW_TOO_LONG, type CsvEncoding, type CsvRecord } from "../../csv-stream.js";
