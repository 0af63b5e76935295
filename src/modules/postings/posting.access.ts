import { regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import type { PostingVisibility } from "./posting.repository.js";
import { PUBLIC_POSTING_STATUSES, type PostingRow, type PostingStatus } from "./posting.table.js";

/** Whether the public sees a posting in this status (everyone else: only those who manage it). */
export const isPublicStatus = (status: PostingStatus): boolean => (PUBLIC_POSTING_STATUSES as readonly string[]).includes(status);

/** What a viewer may see beyond public postings (PUBLIC_POSTING_STATUSES). */
export function visibilityFor(viewer: Viewer): PostingVisibility {
  if (viewer.kind === "anonymous") return { kind: "public" };
  if (viewer.kind === "partner") return { kind: "public", alsoPartnerId: viewer.partnerId };
  switch (viewer.role) {
    case Role.ADMIN:
      return { kind: "all" };
    case Role.EMPLOYER:
      return viewer.employerId ? { kind: "public", alsoEmployerId: viewer.employerId } : { kind: "public" };
    case Role.CASEWORKER:
      return viewer.regionCode ? { kind: "public", alsoRegionPrefix: viewer.regionCode } : { kind: "public" };
    default:
      return { kind: "public" };
  }
}

/**
 * Who manages a posting: an admin; its own employer (postings it wrote, not a partner's copy);
 * a caseworker whose region holds the posting; the partner that pushed it.
 */
export function canManagePosting(viewer: Viewer, posting: Pick<PostingRow, "employerId" | "regionCode" | "source" | "partnerId">): boolean {
  if (viewer.kind === "anonymous") return false;
  if (viewer.kind === "partner") return posting.partnerId === viewer.partnerId;
  switch (viewer.role) {
    case Role.ADMIN:
      return true;
    case Role.EMPLOYER:
      return posting.source === "EMPLOYER" && posting.employerId === viewer.employerId;
    case Role.CASEWORKER:
      return regionWithinScope(viewer.regionCode, posting.regionCode);
    default:
      return false;
  }
}

/** The employer named on a posting, whoever pushed it: it sees the posting and may close it. */
export function isNamedEmployer(viewer: Viewer, posting: Pick<PostingRow, "employerId">): boolean {
  return viewer.kind === "user" && viewer.role === Role.EMPLOYER && posting.employerId === viewer.employerId;
}

/** The single-read form of `visibilityFor` (the list's SQL): the two must agree. */
export function canSee(viewer: Viewer, posting: PostingRow): boolean {
  return isPublicStatus(posting.status) || canManagePosting(viewer, posting) || isNamedEmployer(viewer, posting);
}
