import * as OpenCC from "opencc-js";

/**
 * The text screening rules read (issue 23): a posting field normalised so that the ways people dodge a
 * phrase do not work — full-width forms folded to half-width (NFKC: "ＱＱ" is "qq"), Latin lower-cased,
 * and every character that is not a letter or a digit dropped (spaces, punctuation, zero-width
 * characters, emoji, symbols): "限 男 性", "限·男", "限男 性" and "限\u200b男" all read "限男性".
 *
 * One exception keeps numbers apart: a dash or tilde right after a digit stays, as "-" ("18～35岁" reads
 * "18-35岁", not "1835岁"), so that age ranges can be read. Spaces between digits still go ("1 5岁" is 15).
 *
 * "Segmented text": rules match phrases and patterns over this normalised character string rather than
 * over jieba's words (src/search/segment.ts). Segmentation would not help here: jieba cuts the evasions
 * themselves differently ("限 男" is two words), the phrases are short and exact, and where a phrase
 * also occurs inside an innocent word (限男 in 不限男女, 先交 in 优先交通补贴) the rule says so with its
 * `unless` phrases — measured on the labelled set (npm run eval:screening).
 *
 * Traditional characters are read as simplified, character by character (先交培訓費 reads 先交培训费,
 * 限本地戶口 reads 限本地户口), with OpenCC's traditional → mainland table (opencc-js): each CJK character
 * is converted on its own the first time it is seen and the result cached, and only where the result is
 * one character, so the text keeps one normalised character per original one. No phrase conversion
 * (OpenCC's 乾隆/干燥 choices do not matter to rules, which read characters).
 *
 * Every character of the normalised text remembers where it came from, so a hit is reported as a span
 * of the text as the poster wrote it (UTF-16 offsets, as JavaScript strings count).
 */
export interface NormalisedText {
  /** The normalised text. */
  readonly text: string;
  /** For each UTF-16 unit of `text`: the offset in the original where the character it came from starts … */
  readonly starts: Int32Array;
  /** … and where it ends (exclusive). */
  readonly ends: Int32Array;
}

/** The CJK ideographs looked up (extension A and the unified block; U+F900 compatibility forms go through NFKC first). */
const CJK_FIRST = 0x3400;
const CJK_LAST = 0x9fff;
/** For each CJK ideograph: 0 not yet looked up, else the UTF-16 unit it reads as (itself when it has no simplified form). */
const SIMPLIFIED = new Uint16Array(CJK_LAST - CJK_FIRST + 1);
let toSimplified: ((text: string) => string) | undefined;

/** The simplified form of one CJK ideograph `cp` (itself when none, or when OpenCC's answer is not one character). */
function simplifiedCode(cp: number): number {
  const slot = cp - CJK_FIRST;
  let code = SIMPLIFIED[slot]!;
  if (code === 0) {
    const convert = (toSimplified ??= OpenCC.Converter({ from: "t", to: "cn" }));
    const out = convert(String.fromCharCode(cp));
    code = out.length === 1 ? out.charCodeAt(0) : cp;
    SIMPLIFIED[slot] = code;
  }
  return code;
}

function simplifiedChar(cp: number, ch: string): string {
  const code = simplifiedCode(cp);
  return code === cp ? ch : String.fromCharCode(code);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const DASHES = new Set(["-", "~", "–", "—", "―", "〜", "‐", "‑", "−"]);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The normalised form of one code point of the original, as the characters it contributes (often none). */
function fold(cp: number, ch: string, afterDigit: boolean): string {
  // Fast paths: ASCII letters and digits, and the CJK ideographs (most of a posting; traditional read as simplified).
  if ((cp >= 97 && cp <= 122) || isDigit(cp)) return ch;
  if (cp >= CJK_FIRST && cp <= CJK_LAST) return simplifiedChar(cp, ch);
  if (cp >= 65 && cp <= 90) return String.fromCharCode(cp + 32);
  if (cp < 128) return afterDigit && (ch === "-" || ch === "~") ? "-" : "";
  let out = "";
  for (const c of ch.normalize("NFKC").toLowerCase()) {
    const code = c.charCodeAt(0);
    if (c.length === 1 && code >= CJK_FIRST && code <= CJK_LAST) out += simplifiedChar(code, c);
    else if (LETTER_OR_DIGIT.test(c)) out += c;
    else if (DASHES.has(c) && (afterDigit || (out.length > 0 && isDigit(out.charCodeAt(out.length - 1))))) out += "-";
  }
  return out;
}

/** `text` normalised for screening, with the map back to the original (see the module comment). */
export function normaliseForScreening(text: string): NormalisedText {
  const starts: number[] = [];
  const ends: number[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const ch = width === 1 ? text[i]! : text.slice(i, i + 2);
    const last = out.length > 0 ? out.charCodeAt(out.length - 1) : -1;
    let folded = fold(cp, ch, isDigit(last));
    // One "-" between numbers is enough ("18 -- 35" is "18-35"); a dash never starts a run.
    if (folded === "-" && last === 45) folded = "";
    for (let k = 0; k < folded.length; k++) {
      starts.push(i);
      ends.push(i + width);
    }
    out += folded;
    i += width;
  }
  return { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** A phrase as rules compare it: normalised the same way as the text (so "限 男" in a rule is "限男"). */
export function normalisePhrase(phrase: string): string {
  return normaliseForScreening(phrase).text;
}

/** `text` with each traditional CJK ideograph replaced by its simplified form (as the normalised text reads it); nothing else changes. */
export function simplifyIdeographs(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    out += cp >= CJK_FIRST && cp <= CJK_LAST ? simplifiedChar(cp, text[i]!) : text[i]!;
  }
  return out;
}

/** The span of the original text that the normalised range [start, end) came from. */
export function originalSpan(n: NormalisedText, start: number, end: number): { start: number; end: number } {
  return { start: n.starts[start]!, end: n.ends[end - 1]! };
}
