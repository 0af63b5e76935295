import { msg, type Message } from "../../i18n.js";

/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters —
 * registration authority (1), organisation kind (1), GB/T 2260 region (6),
 * organisation code (9), check character (1) — over a 31-character alphabet without I, O, Z, S, V.
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// w_i = 3^(i-1) mod 31
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i] ?? "");
    if (value < 0) throw new RangeError(`not a credit-code character at ${i}`);
    sum += value * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Why a string is not a valid credit code, in both languages, or null when it is. */
export function creditCodeIssue(code: string): Message | null {
  if (code.length !== 18) return msg("须为 18 位", "must be 18 characters");
  if (!SHAPE.test(code)) return msg("含有 GB 32100 不允许的字符（只能是数字和除 I、O、Z、S、V 以外的大写字母；第 3–8 位为行政区划代码）", "has characters outside GB 32100 (digits and capitals without I, O, Z, S, V; positions 3–8 a region code)");
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code[17]) return msg("校验码不符（GB 32100）", "check character does not match (GB 32100)");
  return null;
}

/** Why a string is not a valid credit code, in English, or null when it is. */
export function creditCodeProblem(code: string): string | null {
  return creditCodeIssue(code)?.en ?? null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** A valid code built from a region and a serial — for demo data and test factories only. */
export function syntheticCreditCode(regionCode: string, serial: number): string {
  const org = serial.toString(31).toUpperCase().padStart(9, "0").slice(-9)
    .split("").map((ch) => ALPHABET[parseInt(ch, 31)]).join("");
  const first17 = `91${regionCode}${org}`;
  return first17 + creditCodeCheckCharacter(first17);
}
