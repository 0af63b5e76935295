import type { Database, Executor } from "../../db/client.js";
import type { PostingDocumentPage, PostingDocumentSource } from "../../search/document-source.js";
import { salaryBand, type PostingDocument } from "../../search/search-port.js";
import { segmentedText } from "../../search/segment.js";
import type { SegmentMany } from "../../search/segment-pool.js";
import { getEmployersByIds } from "../employers/employer.service.js";
import type { EmployerRow } from "../employers/employer.table.js";
import { activeLinkPairs, linkPairKey } from "../partners/partner-link.service.js";
import { employerVerifiedFor } from "./posting-review.service.js";
import { findPostingsByIds, listPostingIdsByStatus, listPostingDocumentRows, type PostingDocumentRow } from "./posting.repository.js";
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
  posting: PostingDocumentRow,
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
export function postingText(posting: Pick<PostingRow, "title" | "occupation" | "skills" | "majors" | "description">): string {
  return [posting.title, posting.occupation ?? "", posting.skills.join(" "), posting.majors.join(" "), posting.description].join("\n");
}

/**
 * The documents of postings read (their employers and partner links read, their texts segmented by
 * `segment` or in this thread), in the order given: null for a posting the index should not hold.
 */
async function documentsOf(db: Executor, postings: readonly PostingDocumentRow[], opts: { segment?: SegmentMany }): Promise<(PostingDocument | null)[]> {
  const employers = new Map((await getEmployersByIds(db, [...new Set(postings.map((p) => p.employerId))])).map((e) => [e.id, e]));
  const partnerPairs = postings.filter((p) => p.partnerId !== null && employers.get(p.employerId)?.verified).map((p) => ({ partnerId: p.partnerId!, employerId: p.employerId }));
  const linked = await activeLinkPairs(db, partnerPairs);
  const indexed = postings.filter((p) => INDEXED_STATUSES.includes(p.status) && employers.has(p.employerId));
  const segmented = opts.segment ? await opts.segment(indexed.map(postingText)) : null;
  let next = 0;
  return postings.map((p) => {
    const employer = employers.get(p.employerId);
    if (!INDEXED_STATUSES.includes(p.status) || !employer) return null;
    const searchText = segmented ? segmented[next++]! : undefined;
    return postingDocument(p, employer, { partnerLinked: p.partnerId !== null && linked.has(linkPairKey({ partnerId: p.partnerId, employerId: p.employerId })), ...(searchText !== undefined ? { searchText } : {}) });
  });
}

/** The postings module as the search index's document source (see `PostingDocumentSource`). */
export const postingDocumentSource: PostingDocumentSource = {
  async documentsFor(db: Executor, postingIds: readonly string[], opts: { segment?: SegmentMany } = {}): Promise<Map<string, PostingDocument | null>> {
    const postings = await findPostingsByIds(db, postingIds);
    const found = await documentsOf(db, postings, opts);
    // In the order PostgreSQL returned them (the order they reach the engine), then the ids not found.
    const documents = new Map<string, PostingDocument | null>(postings.map((p, i) => [p.id, found[i]!]));
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

  async *publicPostingDocuments(db: Database, pageSize: number, opts: { segment?: SegmentMany } = {}): AsyncGenerator<PostingDocumentPage> {
    let afterId: string | undefined;
    for (;;) {
      const postings = await listPostingDocumentRows(db, INDEXED_STATUSES, { ...(afterId ? { afterId } : {}), limit: pageSize });
      if (postings.length === 0) return;
      afterId = postings.at(-1)!.id;
      const documents = documentsOf(db, postings, opts).then((found) => found.filter((d): d is PostingDocument => d !== null));
      // Its reader may stop before awaiting it (an earlier page failed): never an unhandled rejection.
      documents.catch(() => undefined);
      yield { ids: postings.map((p) => p.id), documents };
    }
  },
};
