import { once } from "node:events";
import type { Writable } from "node:stream";
import { neutraliseCell } from "../../spreadsheet-cell.js";
import type { Cell, SheetOutput, SheetRows } from "./report-tables.js";

/** The reader went away (closed the connection): writing stops, the database cursor is closed. */
export class OutputClosed extends Error {
  constructor() {
    super("the client closed the connection before the report was written");
    this.name = "OutputClosed";
  }
}

/** How long a reader may go without taking what it was sent before the report gives up on it. */
export const STALL_LIMIT_MS = 30_000;

/**
 * Waits while `out` holds more than it should (its reader is slower than the database), and stops
 * once it is closed — so a slow download holds one batch in memory, and an abandoned one ends. A
 * reader that takes nothing for `stallMs` is treated as gone (the response is destroyed): it would
 * otherwise hold a report slot, a database connection and an open transaction for as long as it liked.
 */
export async function keepPace(out: Writable, stallMs = STALL_LIMIT_MS): Promise<void> {
  // A turn of the event loop first: the zip and the socket move their bytes on only then (rows that
  // arrive without I/O — an array, the embedded database — would otherwise all be buffered first).
  await new Promise((resolve) => setImmediate(resolve));
  if (out.destroyed || out.writableEnded) throw new OutputClosed();
  if (!out.writableNeedDrain) return;
  // One listener each, removed whichever comes first (a long download waits thousands of times).
  const done = new AbortController();
  const stalled = new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("stalled"), stallMs);
    done.signal.addEventListener("abort", () => clearTimeout(timer));
  });
  const event = await Promise.race([
    once(out, "drain", { signal: done.signal }).then(() => "drain", () => "aborted"),
    once(out, "close", { signal: done.signal }).then(() => "close", () => "aborted"),
    stalled,
  ]).finally(() => done.abort());
  if (event === "stalled") out.destroy();
  if (event !== "drain") throw new OutputClosed();
}

/** Waits for `finishing` (the last bytes handed over), or throws OutputClosed if the reader goes first. */
async function finishOrClose(out: Writable, finishing: Promise<unknown>): Promise<void> {
  let onClose = () => {};
  const closed = new Promise<never>((_, reject) => {
    // A close after the last bytes were handed over is the normal end, not the reader leaving.
    onClose = () => {
      if (!out.writableFinished) reject(new OutputClosed());
    };
    out.once("close", onClose);
  });
  closed.catch(() => undefined);
  try {
    await Promise.race([finishing, closed]);
  } finally {
    out.off("close", onClose);
  }
}

async function* batches<R>(rows: SheetRows<R>): AsyncGenerator<R[]> {
  if (Array.isArray(rows)) yield rows;
  else yield* rows;
}

const percent = (n: number) => `${(Math.round(n * 1000) / 10).toFixed(1)}%`;

/** A cell as CSV text: shares as percentages, text neutralised, then quoted when it holds , " or a line break. */
export function csvCell(cell: Cell): string {
  const text = cell !== null && typeof cell === "object" ? (cell.share === null ? "" : percent(cell.share)) : neutraliseCell(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One sheet as CSV (UTF-8 with a byte-order mark, so Excel and WPS read the Chinese headers; CRLF
 * lines), written as its rows arrive. Resolves to the number of data rows.
 */
export async function writeCsv<R>(out: Writable, { sheet, rows }: SheetOutput<R>, onRows?: (n: number) => void): Promise<number> {
  out.write(`\uFEFF${sheet.columns.map((c) => csvCell(c.header)).join(",")}\r\n`);
  let count = 0;
  for await (const batch of batches(rows)) {
    let chunk = "";
    for (const row of batch) chunk += `${sheet.columns.map((c) => csvCell(c.cell(row))).join(",")}\r\n`;
    out.write(chunk);
    count += batch.length;
    onRows?.(batch.length);
    await keepPace(out);
  }
  await finishOrClose(out, new Promise<void>((resolve) => out.end(resolve)));
  return count;
}

/** A cell for the workbook: text neutralised, shares as numbers formatted as percentages. */
function xlsxCell(cell: Cell): string | number | null {
  if (cell === null) return null;
  if (typeof cell === "number") return cell;
  if (typeof cell === "object") return cell.share;
  return neutraliseCell(cell);
}

/**
 * The workbook, streamed (exceljs's WorkbookWriter: each row is written out as it is committed, one
 * sheet after another), with a bold frozen header row. Resolves to the number of data rows.
 */
export async function writeXlsx(out: Writable, sheets: SheetOutput<unknown>[], onRows?: (n: number) => void): Promise<number> {
  // Loaded with the first workbook rather than at start-up (a quarter of a second of the server's start).
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "就业帮扶 job-matching API";
  let count = 0;
  try {
    for (const { sheet, rows } of sheets) {
      const worksheet = workbook.addWorksheet(sheet.title, { views: [{ state: "frozen", ySplit: 1 }] });
      worksheet.columns = sheet.columns.map((c) => ({ header: c.header, width: c.width ?? 12 }));
      worksheet.getRow(1).font = { bold: true };
      for await (const batch of batches(rows)) {
        for (const row of batch) {
          const cells = sheet.columns.map((c) => c.cell(row));
          const added = worksheet.addRow(cells.map(xlsxCell));
          cells.forEach((cell, i) => {
            if (cell !== null && typeof cell === "object") added.getCell(i + 1).numFmt = "0.0%";
          });
          added.commit();
        }
        count += batch.length;
        onRows?.(batch.length);
        await keepPace(out);
      }
      worksheet.commit();
    }
    await finishOrClose(out, workbook.commit());
  } catch (error) {
    // The zip stream stops too (its buffered bytes are dropped); the caller destroys the response.
    (workbook as unknown as { zip: { abort(): void } }).zip.abort();
    throw error;
  }
  return count;
}
