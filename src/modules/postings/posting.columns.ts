import type { PostingColumn } from "./posting.repository.js";

/** What `canManagePosting` reads. */
const MANAGE: readonly PostingColumn[] = ["employerId", "regionCode", "source", "partnerId"];

/**
 * The columns each field of JobPosting reads: its own, or what its resolver's rule needs (who
 * manages the posting, whether its employer is verified for it). A field not named here — another
 * module's (`referrals`, `applicants`, `screening`) — reads the whole row.
 */
const FIELD_COLUMNS: Readonly<Record<string, readonly PostingColumn[]>> = {
  __typename: [],
  id: ["id"],
  title: ["title"],
  description: ["description"],
  occupation: ["occupation"],
  skills: ["skills"],
  majors: ["majors"],
  minEducation: ["minEducation"],
  regionCode: ["regionCode"],
  salaryMin: ["salaryMin"],
  salaryMax: ["salaryMax"],
  headcount: ["headcount"],
  kind: ["kind"],
  forKeyGroups: ["forKeyGroups"],
  status: ["status"],
  validUntil: ["validUntil"],
  publishedAt: ["publishedAt"],
  closedAt: ["closedAt"],
  source: ["source"],
  createdAt: ["createdAt"],
  updatedAt: ["updatedAt"],
  employer: ["employerId"],
  employerVerified: ["employerId", "partnerId", "source"],
  region: ["regionCode"],
  blockedReason: ["blockedReason", ...MANAGE],
  externalId: ["externalId", "partnerId"],
};

/**
 * The columns a list must read for the JobPosting fields a request selects (a page of 100 postings
 * showing titles and places need not carry 26 columns each); undefined — the whole row — when a
 * field is selected whose needs are not known here.
 */
export function postingColumnsFor(fields: Iterable<string>): PostingColumn[] | undefined {
  const columns = new Set<PostingColumn>();
  for (const field of fields) {
    const needs = Object.hasOwn(FIELD_COLUMNS, field) ? FIELD_COLUMNS[field] : undefined;
    if (!needs) return undefined;
    for (const column of needs) columns.add(column);
  }
  return [...columns];
}
