/** The export's degree column as an education level. */
export type Education = "NONE" | "JUNIOR_HIGH" | "HIGH_SCHOOL" | "ASSOCIATE" | "BACHELOR" | "MASTER" | "DOCTORATE";

/** Highest first; parseDegree keeps the last (lowest) hit, so "硕士/博士" is MASTER. */
const DEGREE_KEYWORDS: readonly [RegExp, Education][] = [
  [/博士/, "DOCTORATE"],
  [/硕士|研究生|MBA/i, "MASTER"],
  [/本科|学士/, "BACHELOR"],
  [/大专|专科|高职/, "ASSOCIATE"],
  [/高中|中专|中技|职高|技校|中职/, "HIGH_SCHOOL"],
  [/初中/, "JUNIOR_HIGH"],
];

/**
 * 51job's degree label → minimum education. "硕士/博士"-style alternatives mean the lower
 * of the two is accepted, so the scan picks the lowest level mentioned.
 */
export function parseDegree(text: string): Education {
  const trimmed = text.trim();
  if (trimmed === "" || /无学历|不限/.test(trimmed)) return "NONE";
  let found: Education = "NONE";
  for (const [pattern, education] of DEGREE_KEYWORDS) {
    if (pattern.test(trimmed)) found = education; // later entries are lower levels
  }
  return found;
}
