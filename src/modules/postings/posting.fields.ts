import { DATE_BOUNDS, instantYearsAfter } from "../../dates.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { PostingFieldsInput } from "./posting.inputs.js";

/** The rules on a posting's fields, shared by an employer's posting and a partner's push. */
export function assertSalaryRange(min: number | null | undefined, max: number | null | undefined, field: string): void {
  if (min != null && max != null && min > max) throw badInput(field, msg(`salaryMin（${min}）不能高于 salaryMax（${max}）`, `salaryMin (${min}) must not exceed salaryMax (${max})`));
}

/**
 * A validUntil at most `DATE_BOUNDS.validityYearsAhead` (10) years ahead and not before 1900; in the
 * future when the posting is (or is about to be) open.
 */
export function assertValidUntil(validUntil: Date, field: string, opts: { future: boolean }, now = new Date()): void {
  const t = validUntil.getTime();
  if (Number.isNaN(t) || t < Date.parse(`${DATE_BOUNDS.earliest}T00:00:00Z`)) throw badInput(field, msg(`validUntil 须晚于 ${DATE_BOUNDS.earliest}`, `validUntil must be after ${DATE_BOUNDS.earliest}`));
  if (opts.future && !(t > now.getTime())) throw badInput(field, msg("validUntil 须为将来的时间", "validUntil must be in the future"));
  if (t > instantYearsAfter(now, DATE_BOUNDS.validityYearsAhead).getTime()) throw badInput(field, msg(`validUntil 最晚为 ${DATE_BOUNDS.validityYearsAhead} 年后`, `validUntil is at most ${DATE_BOUNDS.validityYearsAhead} years ahead`));
}

export const cleanTags = (tags: readonly string[]) => [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))];

/** The columns an employer's or a partner's posting input writes, normalised the same way for both. */
export function columnsFromInput(input: PostingFieldsInput) {
  return {
    title: input.title.trim(),
    description: input.description,
    occupation: input.occupation ?? null,
    skills: cleanTags(input.skills),
    majors: cleanTags(input.majors),
    minEducation: input.minEducation,
    regionCode: input.regionCode,
    salaryMin: input.salaryMin ?? null,
    salaryMax: input.salaryMax ?? null,
    headcount: input.headcount,
    kind: input.kind,
    forKeyGroups: input.forKeyGroups,
    validUntil: input.validUntil,
  };
}
