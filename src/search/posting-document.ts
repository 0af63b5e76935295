import type { EmployerRow } from "../modules/employers/employer.table.js";
import { educationLevel, type PostingRow } from "../modules/postings/posting.table.js";
import { salaryBand, type PostingDocument } from "./search-port.js";
import { segmentedText } from "./segment.js";

const epoch = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : 0);

/** The public face of a posting as the engines index it (no personal data: postings carry none). */
export function postingDocument(posting: PostingRow, employer: Pick<EmployerRow, "name" | "verified" | "isPovertyWorkshop">): PostingDocument {
  const text = [posting.title, posting.occupation ?? "", posting.skills.join(" "), posting.majors.join(" "), posting.description].join("\n");
  return {
    id: posting.id,
    title: posting.title,
    searchText: segmentedText(text),
    matchText: [posting.title, posting.occupation ?? "", ...posting.skills, ...posting.majors].join(" ").toLowerCase(),
    majors: posting.majors,
    employerId: posting.employerId,
    employerName: employer.name,
    employerVerified: employer.verified,
    povertyWorkshop: employer.isPovertyWorkshop,
    regionCode: posting.regionCode,
    regionPath: [posting.regionCode.slice(0, 2), posting.regionCode.slice(0, 4), posting.regionCode],
    regionPrefecture: `${posting.regionCode.slice(0, 4)}00`,
    educationRank: educationLevel.enumValues.indexOf(posting.minEducation),
    salaryMin: posting.salaryMin,
    salaryMax: posting.salaryMax,
    salaryBand: salaryBand(posting.salaryMax),
    kind: posting.kind,
    forKeyGroups: posting.forKeyGroups,
    status: posting.status,
    validUntil: epoch(posting.validUntil),
    publishedAt: epoch(posting.publishedAt),
    headcount: posting.headcount,
  };
}
