import type { Database, Executor } from "../../db/client.js";
import type { PostingDocumentSource } from "../../search/document-source.js";
import { salaryBand, type PostingDocument } from "../../search/search-port.js";
import { segmentedText } from "../../search/segment.js";
import type { SegmentMany } from "../../search/segment-pool.js";
import { getEmployersByIds } from "../employers/employer.service.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { activeLinkPairs, linkPairKey } from "../partners/partner-link.service.js";
import { employerVerifiedFor } from "./posting-review.service.js";
import { findPostingsByIds, listPostingIdsByStatus } from "./posting.repository.js";
import { educationLevel, type PostingRow, type PostingStatus } from "./posting.table.js";

/** What the search index holds: drafts and blocked postings are not public, so they are removed from it, not indexed. */
export const INDEXED_STATUSES: readonly PostingStatus[] = ["OPEN", "CLOSED", "EXPIRED"];

const epoch = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : 0);

/**
 * The public face of a posting as the engines index it (no personal data: postings carry none).
 * `employerVerified` as `JobPosting.employerVerified` (employerVerifiedFor): a partner's copy is
 * verified only while its partner is linked to the employer.
 */
export function postingDocument(
  posting: PostingRow,
  employer: Pick<EmployerRow, "name" | "verified" | "isPovertyWorkshop">,
  opts: { partnerLinked?: boolean; /** `segmentedText(postingText(posting))`, when segmented elsewhere. */ searchText?: string } = {},
): PostingDocument {
  return {
    id: posting.id,
    title: posting.title,
    searchText: opts.searchText ?? segmentedText(postingText(posting)),
    matchText: [posting.title, posting.occupation ?? "", ...posting.skills, ...posting.majors].join(" ").toLowerCase(),
    majors: posting.majors,
    employerId: posting.employerId,
    employerName: employer.name,
    employerVerified: employerVerifiedFor(posting, employer, opts.partnerLinked ?? false),
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

/** The text a posting is found by: its title, occupation, skills, majors and description. */
export function postingText(posting: PostingRow): string {
  return [posting.title, posting.occupation ?? "", posting.skills.join(" "), posting.majors.join(" "), posting.description].join("\n");
}

/** The postings module as the search index's document source (see `PostingDocumentSource`). */
export const postingDocumentSource: PostingDocumentSource = {
  async documentsFor(db: Executor, postingIds: readonly string[], opts: { segment?: SegmentMany } = {}): Promise<Map<string, PostingDocument | null>> {
    const postings = await findPostingsByIds(db, postingIds);
    const employers = new Map((await getEmployersByIds(db, [...new Set(postings.map((p) => p.employerId))])).map((e) => [e.id, e]));
    const partnerPairs = postings.filter((p) => p.partnerId !== null && employers.get(p.employerId)?.verified).map((p) => ({ partnerId: p.partnerId!, employerId: p.employerId }));
    const linked = await activeLinkPairs(db, partnerPairs);
    // In the order PostgreSQL returned them (the order they reach the engine), then the ids not found.
    const documents = new Map<string, PostingDocument | null>();
    const indexed = postings.filter((p) => INDEXED_STATUSES.includes(p.status) && employers.has(p.employerId));
    const segmented = opts.segment ? await opts.segment(indexed.map(postingText)) : null;
    const searchText = new Map(segmented ? indexed.map((p, i) => [p.id, segmented[i]!]) : []);
    for (const p of postings) {
      const employer = employers.get(p.employerId);
      const text = searchText.get(p.id);
      documents.set(
        p.id,
        INDEXED_STATUSES.includes(p.status) && employer ? postingDocument(p, employer, { partnerLinked: p.partnerId !== null && linked.has(linkPairKey({ partnerId: p.partnerId, employerId: p.employerId })), ...(text !== undefined ? { searchText: text } : {}) }) : null,
      );
    }
    for (const id of postingIds) if (!documents.has(id)) documents.set(id, null);
    return documents;
  },

  async *publicPostingIds(db: Database, pageSize: number): AsyncGenerator<string[]> {
    let afterId: string | undefined;
    for (;;) {
      const ids = await listPostingIdsByStatus(db, INDEXED_STATUSES, { ...(afterId ? { afterId } : {}), limit: pageSize });
      if (ids.length === 0) return;
      yield ids;
      afterId = ids.at(-1)!;
    }
  },
};
