/**
 * Free text from any caller (GraphQL inputs, CSV cells, partner pushes), checked the same way:
 * no control characters, trimmed, lengths in code points as PostgreSQL counts them. No transport here.
 */
import { badInput } from "./errors.js";

// C0 control characters other than tab, newline and carriage return; PostgreSQL refuses NUL outright.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The path of the first string inside `value` that holds a control character, or null. */
export function findControlCharacter(value: unknown, path: string): string | null {
  if (typeof value === "string") return CONTROL.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findControlCharacter(item, path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findControlCharacter(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** A required one-line text field: no control characters, trimmed, 1–`max` characters (code points). */
export function requiredText(value: string, field: string, max: number): string {
  if (findControlCharacter(value, field) !== null) throw badInput(field, `${field} contains a control character`);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(field, `${field} is empty`);
  if ([...trimmed].length > max) throw badInput(field, `${field} is at most ${max} characters`);
  return trimmed;
}
