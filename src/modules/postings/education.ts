/**
 * Education levels, lowest first: a posting's requirement and a person's degree compare by their
 * place in this list ("requirement ≤ the person's level"). The `education_level` enum is made from it.
 */
export const EDUCATION_LEVELS = ["NONE", "JUNIOR_HIGH", "HIGH_SCHOOL", "ASSOCIATE", "BACHELOR", "MASTER", "DOCTORATE"] as const;

export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** A level's rank (NONE = 0); an unknown degree counts as compulsory schooling (1). */
export function educationRank(level: string | null | undefined): number {
  if (!level) return 1;
  const rank = EDUCATION_LEVELS.indexOf(level as EducationLevel);
  return rank < 0 ? 1 : rank;
}
