/**
 * How screening (issue 23) decides a posting's status, for every write path (posting.service.ts,
 * posting-partner.service.ts): a HIGH hit no official approved holds a posting that would be public
 * (OPEN, CLOSED or EXPIRED) — PENDING_REVIEW with `heldByScreening`, its closing kept — and a posting held by screening stays held when
 * edited, whatever the edit (the anti-dodging rule: only an official's review releases it). LOW hits
 * and drafts are only recorded, for the poster and officials to see.
 */
import type { PostingRow } from "./posting.table.js";
import type { ScreeningInput, ScreeningResult } from "../screening/screening.service.js";

type Content = Pick<PostingRow, "title" | "description" | "occupation" | "skills" | "majors" | "salaryMin" | "salaryMax">;

/** The fields screening reads, from a posting row or the row a write is about to store. */
export function screeningInputOf(p: Content): ScreeningInput {
  return { title: p.title, description: p.description, occupation: p.occupation, skills: p.skills, majors: p.majors, salaryMin: p.salaryMin, salaryMax: p.salaryMax };
}

/**
 * Whether a posting is held by screening after a write that screened it (`wouldBePublic`: the write
 * leaves it OPEN, CLOSED or EXPIRED — every public status: a closed posting is read by the public
 * too — or held for another reason, to be public once that ends). A draft is only screened.
 */
export function heldAfterScreening(alreadyHeld: boolean, screening: ScreeningResult, wouldBePublic: boolean): boolean {
  return alreadyHeld || (wouldBePublic && screening.holding.length > 0);
}
