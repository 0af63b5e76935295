import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";

/** The purpose an unmasked read must state (PIPL), trimmed: 2–200 characters, else BAD_USER_INPUT on `purpose`. */
export function statedPurpose(purpose: string | null | undefined): string {
  const why = purpose?.trim() ?? "";
  if (why.length < 2 || why.length > 200) throw badInput("purpose", msg("请说明查看未脱敏信息的用途（purpose，2–200 个字符）", "Say why you need the unmasked value (purpose, 2–200 characters)"));
  return why;
}
