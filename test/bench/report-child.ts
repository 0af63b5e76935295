import { Writable } from "node:stream";
import { Role, type Viewer } from "../../src/auth/viewer.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { countSqlStatements } from "../../src/db/sql-count.js";
import { campaignProgress } from "../../src/modules/progress/progress.service.js";
import { loadCharts, reportPage } from "../../src/modules/reports/report-page.js";
import { workbookSheets } from "../../src/modules/reports/report-tables.js";
import { writeXlsx } from "../../src/modules/reports/report-writers.js";
import { authoriseReport, campaignReport, peopleBelowMinimum } from "../../src/modules/reports/report.service.js";

/** What report.bench.ts asks a fresh process to make: the baseline (campaignProgress by prefecture), the page, or the workbook. */
export type ChildMeasure = "baseline" | "page" | "xlsx" | "xlsx-retained";

export interface ChildResult {
  measure: ChildMeasure;
  /** Resident set after start-up, imports and a first statement (authorising the report). */
  rssBeforeMb: number;
  /** The process's peak resident set (process.resourceUsage().maxRSS). */
  maxRssMb: number;
  ms: number;
  statements: number;
  bytes: number;
  rows: number;
  /** xlsx-retained: the heap in use after a full GC as the workbook began, and the most after any batch of rows (MB). */
  retained?: { startMb: number; maxMb: number };
}

// `node --import tsx test/bench/report-child.ts <measure> <campaignId>`, with DATABASE_URL and the
// server's settings in the environment: one report made in-process (the workbook into a sink that only
// counts its bytes), then one JSON line on stdout. `xlsx-retained` (with --expose-gc) collects after
// every batch of rows and records the heap still in use: flat when nothing is held across batches.
const [measure, campaignId] = process.argv.slice(2) as [ChildMeasure, string];
const config = loadConfig(process.env);
const handle = await openDatabase(config.database);
// The server loads ECharts and exceljs with its first report: loaded here before anything is timed or weighed.
await Promise.all([loadCharts(), import("exceljs")]);
const admin: Viewer = { kind: "user", userId: "bench", role: Role.ADMIN };
const { viewer, campaign } = await authoriseReport(handle.db, admin, campaignId, null);
const rssBeforeMb = process.memoryUsage.rss() / 2 ** 20;
let bytes = 0;
const gc = (globalThis as { gc?: () => void }).gc;
const retainedMb = () => {
  gc!();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
let retained: ChildResult["retained"];
const started = performance.now();
const { result: rows, statements } = await countSqlStatements(async (): Promise<number> => {
  if (measure === "baseline") return (await campaignProgress(handle.db, viewer, { campaignId: campaign.id, groupBy: "REGION" })).rows.length;
  const report = await campaignReport(handle.db, viewer, campaign);
  if (measure === "page") {
    bytes = Buffer.byteLength(await reportPage(report, { xlsx: `${campaign.id}.xlsx` }));
    return report.prefectures.length;
  }
  // autoDestroy off: a plain Writable emits 'close' a tick after 'finish', which writeXlsx's
  // finishOrClose takes for a reader gone before the workbook's commit settles (OutputClosed).
  const sink = new Writable({
    autoDestroy: false,
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  if (measure === "xlsx") return writeXlsx(sink, workbookSheets(report, peopleBelowMinimum(handle.db, viewer, campaign)));
  const held = { startMb: retainedMb(), maxMb: 0 };
  const rows = await writeXlsx(sink, workbookSheets(report, peopleBelowMinimum(handle.db, viewer, campaign)), () => (held.maxMb = Math.max(held.maxMb, retainedMb())));
  retained = held;
  return rows;
});
const ms = performance.now() - started;
await handle.close();
const result: ChildResult = { measure, rssBeforeMb, maxRssMb: process.resourceUsage().maxRSS / 1024, ms, statements, bytes, rows, ...(retained ? { retained } : {}) };
console.log(JSON.stringify(result));
