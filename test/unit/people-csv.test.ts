import { describe, expect, it } from "vitest";
import { csvRecords, decodeChunks, DEFAULT_MAX_RECORD_CHARS, draftFromCells, mapHeader } from "../../src/modules/people/person-csv.parser.js";

async function* chunks(...parts: string[]) {
  for (const p of parts) yield p;
}
async function records(text: string, ...split: number[]) {
  return recordsCapped(text, undefined, ...split);
}
async function recordsCapped(text: string, maxRecordChars: number | undefined, ...split: number[]) {
  const parts: string[] = [];
  let at = 0;
  for (const s of split) {
    parts.push(text.slice(at, s));
    at = s;
  }
  parts.push(text.slice(at));
  const out = [];
  for await (const r of csvRecords(chunks(...parts), maxRecordChars ? { maxRecordChars } : {})) out.push(r);
  return out;
}

describe("CSV records, one bad row at a time", () => {
  it("reads quoted commas, doubled quotes and quoted newlines, whatever the chunking", async () => {
    const text = 'a,b\n1,"x, y"\n2,"say ""hi"""\n3,"two\nlines"\n4,end\n';
    for (const split of [[], [5], [3, 9, 17, 30]]) {
      const got = await records(text, ...split);
      expect(got.map((r) => [r.row, r.cells])).toEqual([
        [1, ["a", "b"]],
        [2, ["1", "x, y"]],
        [3, ["2", 'say "hi"']],
        [4, ["3", "two\nlines"]],
        [6, ["4", "end"]],
      ]);
    }
  });

  it("reports a stray or unclosed quote on its row and reads the rows after it", async () => {
    const stray = await records('h\nok1\nab"c,d\nok2\n');
    expect(stray.map((r) => [r.row, r.cells ?? r.error!.slice(0, 20)])).toEqual([[1, ["h"]], [2, ["ok1"]], [3, "broken CSV quoting: "], [4, ["ok2"]]]);
    const unclosed = await records('h\n"never closed,x\nok1\nok2\n');
    expect(unclosed.filter((r) => r.error).map((r) => r.row)).toEqual([2]);
    expect(unclosed.filter((r) => r.cells).map((r) => r.cells![0])).toEqual(["h", "ok1", "ok2"]);
  });
});

describe("CSV records: the row length cap", () => {
  it("takes a 64 KiB − 1 line and refuses a 100 KB one as a bad row, then reads on — in one chunk or many", async () => {
    expect(DEFAULT_MAX_RECORD_CHARS).toBe(65_536);
    const under = "a," + "x".repeat(65_535 - 2);
    const over = "b," + "y".repeat(100_000);
    const text = `h1,h2\n${under}\n${over}\nc,3\n`;
    const pieces = [[], [70_000], Array.from({ length: 40 }, (_, i) => (i + 1) * 4_099)];
    for (const split of pieces) {
      const got = await records(text, ...split);
      expect(got.map((r) => [r.row, r.cells?.[0] ?? r.error])).toEqual([
        [1, "h1"],
        [2, "a"],
        [3, "row too long: over 65536 characters (IMPORT_MAX_ROW_CHARS); the row is skipped"],
        [4, "c"],
      ]);
      expect(got[1]!.cells![1]!.length).toBe(65_533);
    }
  });

  it("counts a quoted record's line breaks, skips the whole over-long record and numbers the rows after it", async () => {
    // Row 2 is one record over three lines (inside quotes): 33 characters in all.
    const record = '"0123456789\n0123456789\n012345678"';
    expect(record.length).toBe(33);
    const text = `h\n${record}\nnext\n"ok\nfine"\nlast`;
    const over = await recordsCapped(text, 32, 5, 17, 26);
    expect(over.map((r) => [r.row, r.cells?.[0] ?? r.error!.slice(0, 12)])).toEqual([[1, "h"], [2, "row too long"], [5, "next"], [6, "ok\nfine"], [8, "last"]]);
    // Exactly at the cap it is read.
    const at = await recordsCapped(text, 33, 5, 17, 26);
    expect(at.map((r) => [r.row, r.cells?.[0]])).toEqual([[1, "h"], [2, "0123456789\n0123456789\n012345678"], [5, "next"], [6, "ok\nfine"], [8, "last"]]);
  });

  it("an over-long line with an unclosed quote is skipped as far as a record may reach, then reading resumes", async () => {
    const lines = ['h', '"' + "z".repeat(50), ...Array.from({ length: 12 }, (_, i) => `l${i + 3}`)];
    const got = await recordsCapped(lines.join("\n"), 40);
    expect(got.map((r) => r.row)).toEqual([1, 2, 12, 13, 14]);
    expect(got[1]!.error).toMatch(/^row too long/);
  });

  it("finds the same records however the text is cut into chunks (quotes and CRLF split across chunks)", async () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % n);
    const alphabet = ['"', '"', ",", "\n", "\r\n", "a", "b", "中", " "];
    for (let round = 0; round < 60; round++) {
      let text = "";
      for (let i = 0; i < 80; i++) text += alphabet[rand(alphabet.length)];
      const whole = await recordsCapped(text, 1024);
      const cuts = [...new Set(Array.from({ length: 6 }, () => rand(text.length)))].sort((a, b) => a - b);
      expect(await recordsCapped(text, 1024, ...cuts)).toEqual(whole);
      const oneByOne = await recordsCapped(text, 1024, ...Array.from({ length: text.length - 1 }, (_, i) => i + 1));
      expect(oneByOne).toEqual(whole);
    }
  });
});

describe("CSV cells", () => {
  it("refuses a lone surrogate or a U+FFFD left by decoding in a cell, naming its column", () => {
    const columns = mapHeader(["姓名", "专业", "技能"]);
    const { problems } = draftFromCells(["陈\ud800", "会计\uFFFD", "ok"], columns, () => undefined);
    expect(problems).toEqual([
      { column: "姓名", message: "contains a lone UTF-16 surrogate (not valid Unicode text)" },
      { column: "专业", message: "contains bytes that are not valid in the file's encoding (U+FFFD)" },
    ]);
  });
});

describe("decoding", () => {
  it("takes valid UTF-8 (with a BOM) as UTF-8 and anything else as GBK", async () => {
    const gbk = Uint8Array.from([0xb8, 0xa3, 0xbd, 0xa8]); // 福建
    let chosen = "";
    let text = "";
    for await (const t of decodeChunks((async function* () { yield gbk; })(), "auto", (e) => (chosen = e))) text += t;
    expect([chosen, text]).toEqual(["gbk", "福建"]);
    text = "";
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("福建", "utf8")]);
    for await (const t of decodeChunks((async function* () { yield utf8.subarray(0, 4); yield utf8.subarray(4); })(), "auto", (e) => (chosen = e))) text += t;
    expect([chosen, text]).toEqual(["utf-8", "福建"]);
  });
});
