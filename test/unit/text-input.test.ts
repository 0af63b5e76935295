import { describe, expect, it } from "vitest";
import { findTextProblem, textProblem } from "../../src/text-input.js";

describe("text every caller sends (GraphQL, CSV, partner pushes)", () => {
  it("refuses control characters and lone UTF-16 surrogates, and takes pairs, emoji and CJK", () => {
    expect(textProblem("a\u0000b")).toMatch(/control character/);
    expect(textProblem("\ud800")).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem("x\udc00")).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem("\udc00\ud800")).toMatch(/lone UTF-16 surrogate/); // a pair the wrong way round
    expect(textProblem("😀𠮷陈\t\n")).toBeNull();
  });

  it("names the first bad string's path inside lists and objects", () => {
    expect(findTextProblem({ a: "ok", b: ["fine", "\ud83d"] }, "input")).toEqual({ field: "input.b.1", message: "input.b.1 contains a lone UTF-16 surrogate (not valid Unicode text)" });
    expect(findTextProblem({ a: "ok", d: new Date() }, "input")).toBeNull();
  });
});
