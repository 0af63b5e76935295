import type { CampaignRow } from "../categories/category.table.js";
import type { FairCoverage } from "../fairs/fair-report.service.js";
import type { ProgressRow } from "../progress/progress.service.js";
import type { SubsidyFigureRow } from "../subsidies/subsidy-read.service.js";
import type { BelowMinimumRow } from "./report.repository.js";

/** A campaign's report: what the spreadsheet's sheets and the page's charts are drawn from. */
export interface CampaignReport {
  campaign: CampaignRow;
  /** The day the figures stand as of: today, or the day a closed campaign's figures were frozen as of. */
  asOf: string;
  frozen: boolean;
  /** Whose report: the caller's scope in words (全省, a region prefix, an institution). */
  scope: string;
  generatedAt: Date;
  prefectures: ProgressRow[];
  counties: ProgressRow[];
  institutions: ProgressRow[];
  categories: ProgressRow[];
  total: ProgressRow;
  /** Each day of the campaign up to `asOf`: how many of those at their minimum had reached it by that day's end. */
  curve: { day: string; reached: number }[];
  fairs: FairCoverage;
  /** The campaign's people's subsidy claims by scheme and 生源地 prefecture, as they stand (frozen at close; DOMAIN §7: recorded, never paid here). */
  subsidies: SubsidyFigureRow[];
}

/**
 * The report's sheets — one definition for the spreadsheet, the CSV and the page's tables: Chinese
 * headers, and each row's cells. A cell is text, a number, or a share (a number from 0 to 1, shown
 * as a percentage); text that came from input passes through `neutraliseCell` in the writers.
 */
export type Cell = string | number | { share: number | null } | null;

export interface Column<R> {
  header: string;
  width?: number;
  cell: (row: R) => Cell;
}

export interface SheetDefinition<R> {
  /** The `?sheet=` name of its CSV. */
  key: SheetKey;
  title: string;
  columns: Column<R>[];
}

/** Rows for a sheet: an array, or batches streamed from the database. */
export type SheetRows<R> = R[] | AsyncIterable<R[]>;

export interface SheetOutput<R> {
  sheet: SheetDefinition<R>;
  rows: SheetRows<R>;
}

export const SHEET_KEYS = ["summary", "prefecture", "county", "institution", "category", "below", "mentors", "fairs", "subsidies"] as const;
export type SheetKey = (typeof SHEET_KEYS)[number];

const share = (part: number, whole: number): Cell => ({ share: whole > 0 ? part / whole : null });

const progressColumns = (codeHeader: string, nameHeader: string): Column<ProgressRow>[] => [
  { header: codeHeader, width: 12, cell: (r) => (r.key === "TOTAL" ? "" : r.key) },
  { header: nameHeader, width: 22, cell: (r) => r.label },
  { header: "登记人数", cell: (r) => r.registered },
  { header: "有推荐下限", cell: (r) => r.withMinimum },
  { header: "达到下限", cell: (r) => r.atMinimum },
  { header: "低于下限", cell: (r) => r.belowMinimum },
  { header: "下限达标率", cell: (r) => share(r.atMinimum, r.withMinimum) },
  { header: "应配红娘", cell: (r) => r.mentorEligible },
  { header: "已配红娘", cell: (r) => r.mentoredEligible },
  { header: "已就业", cell: (r) => r.employed },
  { header: "就业率", cell: (r) => share(r.employed, r.registered) },
  { header: "经推荐入职", cell: (r) => r.hiredThroughReferral },
];

export const PREFECTURE_SHEET: SheetDefinition<ProgressRow> = { key: "prefecture", title: "按地市", columns: progressColumns("地区代码", "地市（生源地）") };
export const COUNTY_SHEET: SheetDefinition<ProgressRow> = { key: "county", title: "按区县", columns: progressColumns("地区代码", "区县（生源地）") };
export const INSTITUTION_SHEET: SheetDefinition<ProgressRow> = { key: "institution", title: "按院校", columns: progressColumns("院校编号", "院校") };
export const CATEGORY_SHEET: SheetDefinition<ProgressRow> = { key: "category", title: "按类别", columns: progressColumns("类别代码", "类别（一人可属多类）") };

export const BELOW_SHEET: SheetDefinition<BelowMinimumRow> = {
  key: "below",
  title: "低于推荐下限人员",
  columns: [
    { header: "人员编号", width: 38, cell: (r) => r.personId },
    { header: "姓名", width: 14, cell: (r) => r.name },
    { header: "手机（脱敏）", width: 14, cell: (r) => r.phoneMasked },
    { header: "户籍地代码", width: 10, cell: (r) => r.householdRegionCode },
    { header: "户籍地", width: 14, cell: (r) => r.householdRegionName },
    { header: "院校", width: 22, cell: (r) => r.institutionName },
    { header: "应推荐", cell: (r) => r.required },
    { header: "已推荐", cell: (r) => r.counted },
    { header: "尚缺", cell: (r) => r.required - r.counted },
    { header: "未能补足的原因", width: 40, cell: (r) => r.reason },
  ],
};

export const MENTOR_SHEET: SheetDefinition<ProgressRow> = {
  key: "mentors",
  title: "红娘覆盖",
  columns: [
    { header: "地区代码", width: 12, cell: (r) => (r.key === "TOTAL" ? "" : r.key) },
    { header: "地市（生源地）", width: 22, cell: (r) => r.label },
    { header: "应配红娘", cell: (r) => r.mentorEligible },
    { header: "已配红娘", cell: (r) => r.mentoredEligible },
    { header: "未配", cell: (r) => r.mentorEligible - r.mentoredEligible },
    { header: "覆盖率", cell: (r) => share(r.mentoredEligible, r.mentorEligible) },
    { header: "超期未联系", cell: (r) => r.mentorOverdue },
    { header: "政策外配对", cell: (r) => r.mentored - r.mentoredEligible },
  ],
};

export interface FairCoverageRow {
  kind: "院校" | "人社部门";
  code: string;
  name: string;
  regionCode: string;
}

export const FAIR_SHEET: SheetDefinition<FairCoverageRow> = {
  key: "fairs",
  title: "招聘会未达标单位",
  columns: [
    { header: "类型", cell: (r) => r.kind },
    { header: "代码", width: 14, cell: (r) => r.code },
    { header: "名称", width: 28, cell: (r) => r.name },
    { header: "所在地区代码", width: 12, cell: (r) => r.regionCode },
  ],
};

export const SUBSIDY_SHEET: SheetDefinition<SubsidyFigureRow> = {
  key: "subsidies",
  title: "补贴",
  columns: [
    { header: "补贴项目", width: 30, cell: (r) => r.schemeCode },
    { header: "生源地地市", width: 10, cell: (r) => r.prefecture },
    { header: "符合条件（笔）", cell: (r) => r.eligible },
    { header: "可补贴上限（元）", cell: (r) => r.eligibleYuan },
    { header: "已申请（笔）", cell: (r) => r.applied },
    { header: "申请上限（元）", cell: (r) => r.appliedYuan },
    { header: "已核准（笔）", cell: (r) => r.approved },
    { header: "核准金额（元）", cell: (r) => r.approvedYuan },
    { header: "已记录支付（笔）", cell: (r) => r.paid },
    { header: "已记录支付（元）", cell: (r) => r.paidYuan },
  ],
};

/** The subsidy rows with their total last (every scheme and prefecture). */
export function subsidyRows(report: CampaignReport): SubsidyFigureRow[] {
  const total: SubsidyFigureRow = { schemeCode: "合计", prefecture: "", eligible: 0, eligibleYuan: 0, applied: 0, appliedYuan: 0, approved: 0, approvedYuan: 0, paid: 0, paidYuan: 0 };
  for (const r of report.subsidies) {
    for (const k of ["eligible", "eligibleYuan", "applied", "appliedYuan", "approved", "approvedYuan", "paid", "paidYuan"] as const) total[k] += r[k];
  }
  return [...report.subsidies, total];
}

export const SUMMARY_SHEET: SheetDefinition<[string, Cell]> = {
  key: "summary",
  title: "说明",
  columns: [
    { header: "项目", width: 28, cell: (r) => r[0] },
    { header: "内容", width: 48, cell: (r) => r[1] },
  ],
};

/** The institutions and HR bureaus that held fewer key-group fairs in the year than the policy asks. */
export function fairRows(report: CampaignReport): FairCoverageRow[] {
  return [
    ...report.fairs.institutionsWithout.map((i) => ({ kind: "院校" as const, code: i.code, name: i.name, regionCode: i.regionCode })),
    ...report.fairs.bureausWithout.map((b) => ({ kind: "人社部门" as const, code: b.code, name: b.name, regionCode: b.code })),
  ];
}

/** The cover sheet: what the report is of, as of when, for whom, and its totals. */
export function summaryRows(report: CampaignReport): [string, Cell][] {
  const c = report.campaign;
  const t = report.total;
  const f = report.fairs;
  return [
    ["活动", c.name],
    ["活动代码", c.code],
    ["活动期间", `${c.startsOn} 至 ${c.endsOn}`],
    ["数据截至", `${report.asOf}${report.frozen ? "（活动已结束，数据已冻结）" : ""}`],
    ["范围", report.scope],
    ["生成时间", report.generatedAt.toISOString()],
    ["登记人数", t.registered],
    ["有推荐下限", t.withMinimum],
    ["达到下限", t.atMinimum],
    ["低于下限", t.belowMinimum],
    ["下限达标率", share(t.atMinimum, t.withMinimum)],
    ["应配红娘", t.mentorEligible],
    ["已配红娘", t.mentoredEligible],
    ["已就业", t.employed],
    ["就业率", share(t.employed, t.registered)],
    [`${f.year} 年每单位应办重点群体网络招聘会（场）`, f.required],
    ["院校：总数 / 未达标", `${f.institutions} / ${f.institutionsWithout.length}`],
    ["人社部门：总数 / 未达标", `${f.bureaus} / ${f.bureausWithout.length}`],
    ["说明", "人员按生源地计入地区；一人可属多个类别，按类别合计以人计。低于下限人员仅含脱敏信息。"],
  ];
}

/** A progress sheet's rows with its total last (the category sheet's total counts each person once). */
export const withTotal = (rows: ProgressRow[], total: ProgressRow): ProgressRow[] => [...rows, { ...total, key: "TOTAL", label: "合计" }];

/** The sheets, in the workbook's order; each is also a CSV (`?sheet=`). */
export const CSV_SHEETS: readonly SheetDefinition<never>[] = [SUMMARY_SHEET, PREFECTURE_SHEET, COUNTY_SHEET, INSTITUTION_SHEET, CATEGORY_SHEET, BELOW_SHEET, MENTOR_SHEET, FAIR_SHEET, SUBSIDY_SHEET] as unknown as SheetDefinition<never>[];

/** Every sheet of the workbook, in order, the people below their minimum streamed. */
export function workbookSheets(report: CampaignReport, below: AsyncIterable<BelowMinimumRow[]>): SheetOutput<unknown>[] {
  return SHEET_KEYS.map((key) => sheetOutput(report, key, below));
}

/** One sheet and its rows. */
export function sheetOutput(report: CampaignReport, key: SheetKey, below: AsyncIterable<BelowMinimumRow[]>): SheetOutput<unknown> {
  const out = <R>(sheet: SheetDefinition<R>, rows: SheetRows<R>) => ({ sheet, rows }) as SheetOutput<unknown>;
  switch (key) {
    case "summary":
      return out(SUMMARY_SHEET, summaryRows(report));
    case "prefecture":
      return out(PREFECTURE_SHEET, withTotal(report.prefectures, report.total));
    case "county":
      return out(COUNTY_SHEET, withTotal(report.counties, report.total));
    case "institution":
      return out(INSTITUTION_SHEET, withTotal(report.institutions, report.total));
    case "category":
      return out(CATEGORY_SHEET, withTotal(report.categories, report.total));
    case "below":
      return out(BELOW_SHEET, below);
    case "mentors":
      return out(MENTOR_SHEET, withTotal(report.prefectures, report.total));
    case "fairs":
      return out(FAIR_SHEET, fairRows(report));
    case "subsidies":
      return out(SUBSIDY_SHEET, subsidyRows(report));
  }
}
