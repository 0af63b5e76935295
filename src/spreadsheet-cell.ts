/**
 * Spreadsheet (CSV/XLSX) formula injection, OWASP's "CSV Injection": text is stored as typed, and
 * every export passes every cell through `neutraliseCell` on the way out, so that a name typed as
 * `=HYPERLINK(…)`, `=cmd|'/C calc'!A0` or `@SUM(…)` opens in Excel or WPS as text, never as a formula.
 * Imports no feature module; exports (campaign reports and any CSV/XLSX answer) call it.
 */

// What a spreadsheet may take as the start of a formula (OWASP): = + - @, and tab and carriage
// return, which some applications skip before looking for one.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell's text for an export: a value starting like a formula gets a leading apostrophe (which
 * spreadsheets show as "text" and do not display); numbers and booleans are written as they are
 * (a number is not a formula), null and undefined as an empty cell, dates as ISO 8601.
 * Quoting the cell for CSV (commas, quotes, line breaks) is the writer's job, after this.
 */
export function neutraliseCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  return FORMULA_START.test(value) ? `'${value}` : value;
}
