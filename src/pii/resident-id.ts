/**
 * Resident identity numbers (公民身份号码), GB 11643-1999: 6-digit region of first registration,
 * 8-digit birth date, 3-digit sequence (odd for men, even for women), ISO 7064 MOD 11-2 check.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

export type Gender = "MALE" | "FEMALE";

export interface ResidentIdFacts {
  /** Normalised: upper-case X. */
  idNumber: string;
  birthDate: string; // YYYY-MM-DD
  gender: Gender;
  registrationRegion: string;
}

export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** The facts an ID number carries, or why it is not a valid one. `today` bounds the birth date. */
export function parseResidentId(raw: string, today = new Date()): { ok: true; value: ResidentIdFacts } | { ok: false; problem: string } {
  const idNumber = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, problem: "must be 18 characters: 17 digits and a digit or X" };
  if (residentIdCheckCharacter(idNumber.slice(0, 17)) !== idNumber[17]) return { ok: false, problem: "check digit does not match (GB 11643)" };
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || y < 1900) {
    return { ok: false, problem: "has no valid birth date" };
  }
  if (birth.getTime() > today.getTime()) return { ok: false, problem: "has a birth date in the future" };
  return {
    ok: true,
    value: {
      idNumber,
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      gender: Number(idNumber[16]) % 2 === 1 ? "MALE" : "FEMALE",
      registrationRegion: idNumber.slice(0, 6),
    },
  };
}

/** `350***********1234`: the province digits and the last four, as the ledger shows by default. */
export function maskResidentId(idNumber: string): string {
  return `${idNumber.slice(0, 3)}${"*".repeat(11)}${idNumber.slice(-4)}`;
}

/**
 * `35**********45`: a poverty household number (建档立卡户编号) as shown by default — its first two and
 * last two characters when it has at least eight, else nothing but its length.
 */
export function maskHouseholdNo(householdNo: string): string {
  const chars = [...householdNo];
  if (chars.length < 8) return "*".repeat(chars.length);
  return `${chars.slice(0, 2).join("")}${"*".repeat(chars.length - 4)}${chars.slice(-2).join("")}`;
}

/** Mainland mobile numbers: 11 digits starting 13–19 (an optional +86 / 86 prefix is dropped). */
export function parseMobilePhone(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, "").replace(/^(\+?86)/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** `138****5678`. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** A valid ID number for a region, birth date and serial — demo data and test factories only. */
export function syntheticResidentId(regionCode: string, birthDate: string, serial: number, gender: Gender): string {
  const seq = (serial % 500) * 2 + (gender === "MALE" ? 1 : 0);
  const first17 = `${regionCode}${birthDate.replace(/-/g, "")}${String(seq).padStart(3, "0")}`;
  return first17 + residentIdCheckCharacter(first17);
}
