/** The export's salary column as a monthly range in yuan. */
export interface SalaryRange {
  min: number;
  max: number;
}

const WORKING_DAYS_PER_MONTH = 21.75;
const HOURS_PER_DAY = 8;

const UNIT_MULTIPLIER: Readonly<Record<string, number>> = { 元: 1, 千: 1_000, k: 1_000, K: 1_000, 万: 10_000 };

/** Converts a per-period amount to per-month. */
const PERIOD_TO_MONTH: Readonly<Record<string, number>> = {
  月: 1,
  年: 1 / 12,
  天: WORKING_DAYS_PER_MONTH,
  日: WORKING_DAYS_PER_MONTH,
  小时: HOURS_PER_DAY * WORKING_DAYS_PER_MONTH,
  时: HOURS_PER_DAY * WORKING_DAYS_PER_MONTH,
};

const SALARY_PATTERN =
  /^(\d+(?:\.\d+)?)(元|千|万|k|K)?(?:[-~至到](\d+(?:\.\d+)?)(元|千|万|k|K)?)?(及以下|以下|及以上|以上)?(?:\/(月|年|天|日|小时|时))?$/;

/**
 * Monthly salary range in yuan from 51job's salary text, e.g. "8千-1.5万·13薪" → 8000..15000.
 * "·N薪" (months paid per year) is ignored: the range is the monthly figure.
 * "N及以下" has no stated floor, so min is 0; "N以上" has no ceiling, so max = min.
 */
export function parseSalary(text: string): SalaryRange | null {
  const compact = text
    .replace(/\s+/g, "")
    .replace(/[·•]\d+(?:-\d+)?薪/g, "")
    .replace(/[－—–]/g, "-");
  const match = SALARY_PATTERN.exec(compact);
  if (match === null) return null;
  const [, lowText, lowUnit, highText, highUnit, bound, period] = match;
  if (lowText === undefined) return null;

  // In "1-1.5万" the unit is written once, after the upper figure, and applies to both.
  const lowMultiplier = UNIT_MULTIPLIER[lowUnit ?? highUnit ?? "元"] ?? 1;
  const highMultiplier = UNIT_MULTIPLIER[highUnit ?? lowUnit ?? "元"] ?? 1;
  const perMonth = PERIOD_TO_MONTH[period ?? "月"] ?? 1;

  const low = Number(lowText) * lowMultiplier * perMonth;
  let min = low;
  let max = highText === undefined ? low : Number(highText) * highMultiplier * perMonth;
  if (bound === "及以下" || bound === "以下") {
    if (highText !== undefined) return null;
    min = 0;
  }
  min = Math.round(min);
  max = Math.round(max);
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= 0 || min > max) return null;
  return { min, max };
}
