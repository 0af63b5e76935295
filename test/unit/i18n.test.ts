import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { currentLanguage, msg, negotiateLanguage, say, withLanguage } from "../../src/i18n.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("messages in two languages", () => {
  it("negotiates Accept-Language by weight, Chinese by default", () => {
    expect(negotiateLanguage(undefined)).toBe("zh");
    expect(negotiateLanguage("")).toBe("zh");
    expect(negotiateLanguage("en")).toBe("en");
    expect(negotiateLanguage("en-US,en;q=0.9")).toBe("en");
    expect(negotiateLanguage("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh");
    expect(negotiateLanguage("fr;q=1, en;q=0.5, zh;q=0.7")).toBe("zh");
    expect(negotiateLanguage("fr;q=1, en;q=0.8, zh;q=0.7")).toBe("en");
    expect(negotiateLanguage("en;q=0, zh;q=0.1")).toBe("zh");
    expect(negotiateLanguage("de, fr")).toBe("zh");
    expect(negotiateLanguage("english")).toBe("zh");
    expect(negotiateLanguage("en;q=abc")).toBe("zh");
    // `*` weighs what is not named; q=0 refuses (RFC 9110 §12.5.4).
    expect(negotiateLanguage("fr, *;q=0.5")).toBe("zh");
    expect(negotiateLanguage("zh;q=0.2, *;q=0.5")).toBe("en");
    expect(negotiateLanguage("en;q=0.2, *")).toBe("zh");
    expect(negotiateLanguage("zh;q=0")).toBe("en");
    expect(negotiateLanguage("fr, zh-CN;q=0")).toBe("en");
    expect(negotiateLanguage("*;q=0")).toBe("zh");
    expect(negotiateLanguage("zh;q=0, en;q=0")).toBe("zh");
    // A malformed weight is no refusal: the range is ignored.
    expect(negotiateLanguage("zh;q=")).toBe("zh");
    expect(negotiateLanguage("zh-CN;q=x")).toBe("zh");
    expect(negotiateLanguage("zh;q=1.5")).toBe("zh");
    expect(negotiateLanguage("en;q=0.1234")).toBe("zh");
  });

  it("says a message in the language of the request it is said in", async () => {
    const m = msg("岗位已关闭", "The posting is closed");
    expect(say(m)).toBe("岗位已关闭");
    expect(currentLanguage()).toBe("zh");
    await withLanguage("en", async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(say(m)).toBe("The posting is closed");
    });
    expect(say("as it is")).toBe("as it is");
  });

  it("keeps each of overlapping requests in its own language, before, while and after one in English runs", async () => {
    const m = msg("岗位已关闭", "The posting is closed");
    const request = (language: "zh" | "en", steps: number[]) =>
      withLanguage(language, async () => {
        const said: string[] = [];
        for (const ms of steps) {
          await new Promise((r) => setTimeout(r, ms));
          said.push(say(m));
        }
        return said;
      });
    const later = async () => {
      await new Promise((r) => setTimeout(r, 3));
      return request("zh", [1, 5]);
    };
    // A Chinese request before the English one, the English one, and a Chinese one begun while it runs.
    const [zhFirst, en, zhDuring] = await Promise.all([request("zh", [1, 6, 1]), request("en", [2, 2, 2]), later()]);
    expect(zhFirst).toEqual(["岗位已关闭", "岗位已关闭", "岗位已关闭"]);
    expect(en).toEqual(["The posting is closed", "The posting is closed", "The posting is closed"]);
    expect(zhDuring).toEqual(["岗位已关闭", "岗位已关闭"]);
    // After the English one has ended, and again later.
    expect(await request("zh", [1])).toEqual(["岗位已关闭"]);
    expect(await request("en", [1, 1])).toEqual(["The posting is closed", "The posting is closed"]);
    expect(currentLanguage()).toBe("zh");
  });

  it("every message written in the source has its Chinese first and its English second", () => {
    const problems: string[] = [];
    let count = 0;
    let calls = 0;
    for (const file of sources("src")) {
      const text = readFileSync(file, "utf8");
      // Every call is read, so none escapes the checks below by being written differently.
      calls += [...text.matchAll(/(?<![\w.])msg\(/g)].length - (file.endsWith("i18n.ts") ? [...text.matchAll(/(?<![\w.])msg\((?!\s*["`])/g)].length : 0);
      for (const match of text.matchAll(/\bmsg\(\s*(["`])((?:\\.|(?!\1)[^\\])*)\1\s*,\s*(["`])((?:\\.|(?!\3)[^\\])*)\3\s*,?\s*\)/g)) {
        count++;
        const [, , zh, , en] = match;
        // The Chinese is Chinese (or made of Chinese parts: `${problem.zh}`, a `…_ZH` table).
        if (!/[\u4e00-\u9fff]/.test(zh!) && !/\.zh\b|_ZH\b/.test(zh!)) problems.push(`${file}: no Chinese in ${JSON.stringify(zh)}`);
        // The English is English: Chinese only as a term in parentheses (建档立卡) or interpolated.
        if (/[\u4e00-\u9fff]/.test(en!.replace(/\$\{[^}]*\}/g, "").replace(/\([^)]*\)/g, ""))) problems.push(`${file}: Chinese in the English ${JSON.stringify(en)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(200);
    expect(count).toBe(calls);
  });

  it("no error is worded in one language only where it is made", () => {
    // A GraphQLError's message is said (say(msg(…))) or passed on; a DomainError or HttpError takes a Message (the compiler holds those).
    const bare = sources("src").flatMap((file) => [...readFileSync(file, "utf8").matchAll(/new GraphQLError\(\s*["'`]/g)].map((m) => `${file}@${m.index}`));
    expect(bare).toEqual([]);
  });
});
