import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { Role, type Viewer } from "../../auth/viewer.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { personScope, personWithinScope } from "./person.access.js";
import type { PersonRow } from "./person.table.js";
import type { UnmaskedRead } from "../audit/audit.loaders.js";
import { statedPurpose } from "../audit/audit.purpose.js";

/**
 * An ID number, phone, exact birth date or poverty household number in clear (PIPL): only for an administrator, a caseworker whose scope holds
 * the person, or the person themself; only with a stated purpose; and only after the read is audited.
 */
export async function revealPersonField(
  deps: { viewer: Viewer; pii: PiiCipher; audit: (read: UnmaskedRead) => Promise<unknown> },
  person: PersonRow,
  field: "idNumber" | "phone" | "birthDate" | "povertyHouseholdNo",
  purpose: string | null | undefined,
): Promise<string | null> {
  const why = statedPurpose(purpose);
  const v = deps.viewer;
  const allowed =
    v.kind === "user" &&
    (v.role === Role.ADMIN || ((v.role === Role.CASEWORKER || v.role === Role.SEEKER) && personWithinScope(personScope(v), person)));
  if (!allowed) throw forbidden(msg("您的角色无权查看该人员未脱敏的个人信息", "Your role may not see this person's personal information unmasked"));
  if (field === "birthDate" || field === "povertyHouseholdNo") {
    const value = field === "birthDate" ? person.birthDate : person.povertyHouseholdNo;
    if (value === null) return null;
    await deps.audit({ personId: person.id, field, purpose: why });
    return value;
  }
  const sealed = field === "idNumber" ? person.idNumberSealed : person.phoneSealed;
  if (!sealed) return null;
  await deps.audit({ personId: person.id, field, purpose: why });
  return deps.pii.decrypt(sealed);
}

/**
 * A person's phone handed to an employer with the person's consent (they accepted its invitation to
 * interview): the caller has checked the consent; this writes the disclosure to the audit log, with
 * its purpose, before the value is released — if the row cannot be written, nothing is shown.
 */
export async function disclosePhoneWithConsent(deps: { pii: PiiCipher; audit: (read: UnmaskedRead) => Promise<unknown> }, person: Pick<PersonRow, "id" | "phoneSealed">, purpose: string): Promise<string | null> {
  if (!person.phoneSealed) return null;
  await deps.audit({ personId: person.id, field: "phone", purpose });
  return deps.pii.decrypt(person.phoneSealed);
}
