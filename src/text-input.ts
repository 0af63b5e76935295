/**
 * Free text from any caller (GraphQL inputs, CSV cells, partner pushes), checked the same way:
 * no control characters, no lone UTF-16 surrogates, trimmed, lengths in code points as PostgreSQL
 * counts them. No transport here.
 */
import { badInput } from "./errors.js";
import { msg, type Message } from "./i18n.js";

// C0 control characters other than tab, newline and carriage return; PostgreSQL refuses NUL outright.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// Half of a surrogate pair without its other half ("\ud800" in JSON): not Unicode text, and UTF-8
// (so the database) would silently store it as U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one string, in both languages (`msg("含有控制字符", "contains a control character")`, …), or null when it is acceptable text. */
export function textIssue(text: string): Message | null {
  if (CONTROL.test(text)) return msg("含有控制字符", "contains a control character");
  if (LONE_SURROGATE.test(text)) return msg("含有不成对的 UTF-16 代理项（不是有效的 Unicode 文本）", "contains a lone UTF-16 surrogate (not valid Unicode text)");
  return null;
}

/** What is wrong with one string ("contains a control character", …), in English, or null when it is acceptable text. */
export function textProblem(text: string): string | null {
  return textIssue(text)?.en ?? null;
}

/** The first string inside `value` (strings, lists, objects) that is not acceptable text: its path and the problem (both languages), or null. */
export function findTextIssue(value: unknown, path: string): { field: string; message: Message } | null {
  if (typeof value === "string") {
    const problem = textIssue(value);
    return problem ? { field: path, message: msg(`${path} ${problem.zh}`, `${path} ${problem.en}`) } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findTextIssue(item, path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findTextIssue(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** The first string inside `value` that is not acceptable text: its path and the problem in English, or null. */
export function findTextProblem(value: unknown, path: string): { field: string; message: string } | null {
  const found = findTextIssue(value, path);
  return found ? { field: found.field, message: found.message.en } : null;
}

/** Throws BAD_USER_INPUT naming the first string inside `value` that is not acceptable text. */
export function refuseBadText(value: unknown, path: string): void {
  const found = findTextIssue(value, path);
  if (found) throw badInput(found.field, found.message);
}

/** A required one-line text field: acceptable text, trimmed, 1–`max` characters (code points). */
export function requiredText(value: string, field: string, max: number): string {
  refuseBadText(value, field);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(field, msg(`${field} 不能为空`, `${field} is empty`));
  if ([...trimmed].length > max) throw badInput(field, msg(`${field} 最多 ${max} 个字符`, `${field} is at most ${max} characters`));
  return trimmed;
}
