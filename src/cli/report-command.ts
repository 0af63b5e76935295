import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { extname } from "node:path";
import type { Viewer } from "../auth/viewer.js";
import type { Database } from "../db/client.js";
import { countSqlStatements } from "../db/sql-count.js";
import { SHEET_KEYS, sheetOutput, workbookSheets, type SheetKey } from "../modules/reports/report-tables.js";
import { writeCsv, writeXlsx } from "../modules/reports/report-writers.js";
import { authoriseReport, campaignReport, peopleBelowMinimum } from "../modules/reports/report.service.js";

export interface ReportCommandOptions {
  campaignId: string;
  out: string;
  region: string | null;
  sheet: string | null;
}

/** Why the command's options cannot make a report (the file's kind, the CSV's sheet), or null. */
export function reportUsageProblem(opts: Pick<ReportCommandOptions, "out" | "sheet">): string | null {
  const format = extname(opts.out).toLowerCase();
  if (format !== ".xlsx" && format !== ".csv") return "--out must end in .xlsx or .csv";
  if (format === ".csv" && !(SHEET_KEYS as readonly string[]).includes(opts.sheet ?? "")) return `a CSV is one sheet: --sheet ${SHEET_KEYS.join("|")}`;
  return null;
}

/**
 * `npm run cli -- report --campaign ID --out FILE.xlsx|FILE.csv [--sheet KEY] [--region PREFIX]`: the
 * campaign's report written to a file as the server streams it, with `onRows` told as rows are written
 * (the progress bar). Resolves to what was written and what it took.
 */
export async function writeReportFile(
  db: Database,
  viewer: Viewer,
  opts: ReportCommandOptions,
  progress: (total: number) => { update: (n: number) => void; stop: () => void },
): Promise<{ file: string; rows: number; ms: number; sqlStatements: number }> {
  const format = extname(opts.out).toLowerCase();
  const usage = reportUsageProblem(opts);
  if (usage) throw new RangeError(usage);
  const started = performance.now();
  const { result: rows, statements } = await countSqlStatements(async () => {
    const allowed = await authoriseReport(db, viewer, opts.campaignId, opts.region);
    const report = await campaignReport(db, allowed.viewer, allowed.campaign);
    const below = peopleBelowMinimum(db, allowed.viewer, allowed.campaign);
    const sheets = format === ".xlsx" ? workbookSheets(report, below) : [sheetOutput(report, opts.sheet as SheetKey, below)];
    // The bar counts every row the file will hold: the sheets' own, and the people below streamed.
    const bar = progress(sheets.reduce((n, s) => n + (Array.isArray(s.rows) ? s.rows.length : report.total.belowMinimum), 0));
    let written = 0;
    const onRows = (n: number) => bar.update((written += n));
    const file = createWriteStream(opts.out);
    let opened = false;
    try {
      await once(file, "open");
      opened = true;
      return format === ".xlsx" ? await writeXlsx(file, sheets, onRows) : await writeCsv(file, sheets[0]!, onRows);
    } catch (error) {
      // No half-written report is left behind to be mistaken for a whole one (a file that could not be
      // opened was never ours to remove).
      file.destroy();
      if (opened) await rm(opts.out, { force: true }).catch(() => undefined);
      throw error;
    } finally {
      bar.stop();
    }
  });
  return { file: opts.out, rows, ms: Math.round(performance.now() - started), sqlStatements: statements };
}
