import { createWriteStream } from "node:fs";
import { once } from "node:events";
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
  if (format !== ".xlsx" && format !== ".csv") throw new RangeError("--out must end in .xlsx or .csv");
  if (format === ".csv" && !(SHEET_KEYS as readonly string[]).includes(opts.sheet ?? "")) throw new RangeError(`a CSV is one sheet: --sheet ${SHEET_KEYS.join("|")}`);
  const started = performance.now();
  const { result: rows, statements } = await countSqlStatements(async () => {
    const allowed = await authoriseReport(db, viewer, opts.campaignId, opts.region);
    const report = await campaignReport(db, allowed.viewer, allowed.campaign);
    const below = peopleBelowMinimum(db, allowed.viewer, allowed.campaign);
    const bar = progress(report.total.belowMinimum);
    let written = 0;
    const onRows = (n: number) => bar.update((written += n));
    const file = createWriteStream(opts.out);
    try {
      await once(file, "open");
      return format === ".xlsx" ? await writeXlsx(file, workbookSheets(report, below), onRows) : await writeCsv(file, sheetOutput(report, opts.sheet as SheetKey, below), onRows);
    } finally {
      bar.stop();
    }
  });
  return { file: opts.out, rows, ms: Math.round(performance.now() - started), sqlStatements: statements };
}
