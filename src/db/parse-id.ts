import { badInput } from "../errors.js";
import { isUuid } from "./ids.js";

/** IDs are UUIDs; anything else is the caller's mistake, refused before it reaches SQL. */
export function parseId(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, `${field} is not a valid ID`);
  return value.toLowerCase();
}
