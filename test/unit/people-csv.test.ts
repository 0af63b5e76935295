import { describe, expect, it } from "vitest";
import { csvRecords, decodeChunks } from "../../src/modules/people/person-csv.parser.js";

async function* chunks(...parts: string[]) {
  for (const p of parts) yield p;
}
async function records(text: string, ...split: number[]) {
  const parts: string[] = [];
  let at = 0;
  for (const s of split) {
    parts.push(text.slice(at, s));
    at = s;
  }
  parts.push(text.slice(at));
  const out = [];
  for await (const r of csvRecords(chunks(...parts))) out.push(r);
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
