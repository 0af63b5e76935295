import { describe, expect, it } from "vitest";
import { neutraliseCell } from "../../src/spreadsheet-cell.js";

describe("neutraliseCell (OWASP CSV injection), for every cell of every export", () => {
  it("puts an apostrophe before a leading = + - @ tab or carriage return", () => {
    for (const formula of ['=HYPERLINK("http://evil.example","点我")', "=cmd|'/C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1", "\r=1+1"]) {
      expect(neutraliseCell(formula)).toBe(`'${formula}`);
    }
  });

  it("leaves other text, numbers and empty cells as they are", () => {
    expect(neutraliseCell("陈晓")).toBe("陈晓");
    expect(neutraliseCell("a=b")).toBe("a=b");
    expect(neutraliseCell(" =1")).toBe(" =1");
    expect(neutraliseCell("")).toBe("");
    expect(neutraliseCell(null)).toBe("");
    expect(neutraliseCell(undefined)).toBe("");
    expect(neutraliseCell(-5)).toBe("-5");
    expect(neutraliseCell(true)).toBe("true");
    expect(neutraliseCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
  });

  it("is applied once: an already neutralised cell is not changed again", () => {
    expect(neutraliseCell(neutraliseCell("=1+1"))).toBe("'=1+1");
  });
});
