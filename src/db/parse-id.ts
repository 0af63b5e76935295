import { badInput } from "../errors.js";
import { msg } from "../i18n.js";
import { isUuid } from "./ids.js";

/** IDs are UUIDs; anything else is the caller's mistake, refused before it reaches SQL. */
export function parseId(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, msg(`${field} 不是有效的 ID`, `${field} is not a valid ID`));
  return value.toLowerCase();
}
