import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { Role, type Viewer } from "../../auth/viewer.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import type { UnmaskedRead } from "../audit/audit.loaders.js";
import { statedPurpose } from "../audit/audit.purpose.js";
import { mayManageMentor } from "./mentor.access.js";
import type { MentorRow } from "./mentor.table.js";

/**
 * A mentor's phone in clear (PIPL, as a person's): only for those who manage the mentor (an
 * administrator, a caseworker of its region or institution) or the mentor themself; only with a
 * stated purpose; and only after the read is audited (field `Mentor.phone`, the mentor's id as whose).
 */
export async function revealMentorPhone(
  deps: { viewer: Viewer; pii: PiiCipher; audit: (read: UnmaskedRead) => Promise<unknown> },
  mentor: MentorRow,
  purpose: string | null | undefined,
): Promise<string | null> {
  const why = statedPurpose(purpose);
  const v = deps.viewer;
  const allowed = mayManageMentor(v, mentor) || (v.kind === "user" && v.role === Role.MENTOR && mentor.userId === v.userId);
  if (!allowed) throw forbidden(msg("您的角色无权查看该红娘的完整手机号码", "Your role may not see this mentor's phone unmasked"));
  if (!mentor.phoneSealed) return null;
  await deps.audit({ personId: mentor.id, field: "Mentor.phone", purpose: why });
  return deps.pii.decrypt(mentor.phoneSealed);
}
