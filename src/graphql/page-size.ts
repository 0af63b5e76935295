import { badInput } from "../errors.js";

/** The most any list gives at once. (No decorators here: services and the benchmarks' tsx import it.) */
export const MAX_PAGE_SIZE = 100;

/** `first` on any list (pages, matches, reports): a whole number from 1 to MAX_PAGE_SIZE. */
export function checkFirst(first: number, field = "first"): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(field, `${field} must be 1–${MAX_PAGE_SIZE}`);
  return first;
}
