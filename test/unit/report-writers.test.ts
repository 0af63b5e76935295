import { PassThrough, Writable } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { cumulativeCurve } from "../../src/modules/reports/report.service.js";
import type { SheetDefinition } from "../../src/modules/reports/report-tables.js";
import { csvCell, keepPace, OutputClosed, writeCsv, writeXlsx } from "../../src/modules/reports/report-writers.js";

/*
 * Issue 17: the report writers stream at the reader's pace and stop when the reader goes away —
 * closing the rows' source (on PostgreSQL, the cursor and its pooled connection) — and neutralise
 * every cell that came from input.
 */

type R = { name: string; n: number };
const SHEET: SheetDefinition<R> = { key: "below", title: "测试", columns: [{ header: "姓名", cell: (r) => r.name }, { header: "数", cell: (r) => r.n }, { header: "率", cell: (r) => ({ share: r.n / 4 }) }] };

/** Endless batches of rows, telling whether the consumer closed it (as a for-await does on an early exit). */
function endlessRows() {
  const state = { closed: false, batches: 0 };
  async function* rows(): AsyncGenerator<R[]> {
    try {
      for (;;) {
        state.batches++;
        yield Array.from({ length: 500 }, (_, i) => ({ name: `=人${i}`, n: i }));
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: rows() };
}

/** A reader that never reads: its buffer fills, and the writer must wait rather than buffer on. */
const stalledReader = () => new Writable({ highWaterMark: 1024, write: () => undefined });

describe("report writers", () => {
  it("csvCell neutralises a formula-like text, quotes what CSV needs, and writes shares as percentages", () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell({ share: 2 / 3 })).toBe("66.7%");
    expect(csvCell({ share: null })).toBe("");
    expect(csvCell(null)).toBe("");
  });

  for (const [label, write] of [
    ["CSV", (out: Writable, rows: AsyncIterable<R[]>) => writeCsv(out, { sheet: SHEET, rows })],
    ["XLSX", (out: Writable, rows: AsyncIterable<R[]>) => writeXlsx(out, [{ sheet: SHEET as SheetDefinition<unknown>, rows }])],
  ] as const) {
    it(`${label}: waits for a reader that does not read, and stops — closing the rows' source — when it goes away`, async () => {
      const { state, rows } = endlessRows();
      const out = stalledReader();
      const writing = write(out, rows);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Waiting: a few batches in (the zip holds some), not running on through an endless source.
      expect(state.batches).toBeLessThan(20);
      expect(state.closed).toBe(false);
      out.destroy();
      await expect(writing).rejects.toBeInstanceOf(OutputClosed);
      expect(state.closed).toBe(true);
    });
  }

  it("gives up on a reader that takes nothing for the stall limit: the response is destroyed, no listener is left behind", async () => {
    const out = stalledReader();
    out.write(Buffer.alloc(4096));
    expect(out.writableNeedDrain).toBe(true);
    await expect(keepPace(out, 50)).rejects.toBeInstanceOf(OutputClosed);
    expect(out.destroyed).toBe(true);
    const slow = stalledReader();
    slow.write(Buffer.alloc(4096));
    const before = slow.listenerCount("close") + slow.listenerCount("drain") + slow.listenerCount("error");
    const waiting = keepPace(slow, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    slow.emit("drain");
    await waiting;
    expect(slow.listenerCount("close") + slow.listenerCount("drain") + slow.listenerCount("error")).toBe(before);
  });

  it("XLSX: a whole workbook reads back, text neutralised and shares formatted as percentages", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const rows = [{ name: "=cmd|' /C calc'!A0", n: 1 }, { name: "王五", n: 2 }];
    expect(await writeXlsx(out, [{ sheet: SHEET as SheetDefinition<unknown>, rows }])).toBe(2);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("测试")!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(["姓名", "数", "率"]);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(["'=cmd|' /C calc'!A0", 1, 0.25]);
    expect(sheet.getRow(2).getCell(1).formula).toBeUndefined();
    expect(sheet.getRow(3).getCell(3).numFmt).toBe("0.0%");
  });

  it("the daily curve runs every day of the window, adding each day's count to the last", () => {
    expect(cumulativeCurve("2026-02-27", "2026-03-02", [{ day: "2026-02-28", reached: 2 }, { day: "2026-03-02", reached: 1 }])).toEqual([
      { day: "2026-02-27", reached: 0 },
      { day: "2026-02-28", reached: 2 },
      { day: "2026-03-01", reached: 2 },
      { day: "2026-03-02", reached: 3 },
    ]);
    expect(cumulativeCurve("2026-03-02", "2026-03-01", [])).toEqual([]);
  });
});
