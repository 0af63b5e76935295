import { and, eq, inArray } from "drizzle-orm";
import { lockPerson } from "../people/person.lock.js";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database } from "../../db/client.js";
import { isUuid } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { serviceToday } from "../../dates.js";
import { badInput, forbidden, notFound, type DomainErrorCode } from "../../errors.js";
import { msg, say, type Message } from "../../i18n.js";
import { refuseBadText } from "../../text-input.js";
import { misfitCheck } from "../matching/recommend.service.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { applyEmploymentStatus, findPeopleByIds } from "../people/person.service.js";
import { readPostings, sharePostings } from "../postings/posting.lock.js";
import type { PostingRow } from "../postings/posting.table.js";
import { allowedMoves, APPLIED_OR_LATER, mayMove, personApplied } from "./referral-rules.js";
import { findReferralById, insertReferralIfAbsent, moveReferral } from "./referral.repository.js";
import { referralEvents, type ReferralRow, type ReferralSource, type ReferralStatus } from "./referral.table.js";

/** Postings one call may recommend. */
export const MAX_RECOMMENDATIONS_PER_CALL = 20;

export interface RecommendItem {
  index: number;
  postingId: string;
  referral: ReferralRow | null;
  error: { code: DomainErrorCode; field: string | null; message: string } | null;
}

/** A note on a referral, an application or an invitation: free text of at most 500 characters, blank as none. */
export function checkNote(note: string | null | undefined): string | null {
  if (note == null) return null;
  refuseBadText(note, "note");
  if ([...note].length > 500) throw badInput("note", msg("note 最多 500 个字符", "note is at most 500 characters"));
  return note.trim() || null;
}

/** Who recommends as what: caseworkers and administrators as CASEWORKER (mentors and fairs come with their features). */
function sourceOf(viewer: Viewer): ReferralSource {
  if (viewer.kind === "user" && (viewer.role === Role.CASEWORKER || viewer.role === Role.ADMIN)) return "CASEWORKER";
  throw forbidden(msg("只有经办人员和管理员可以推荐岗位", "Only caseworkers and administrators recommend postings"));
}

/**
 * Recommends postings to a person (推荐岗位): one result per posting, in order. A posting that is
 * unknown (NOT_FOUND), not open or outside the person's hard constraints (BAD_USER_INPUT, with the
 * reason), or already referred to them (CONFLICT) is refused on its own; the rest are recorded. The
 * person must be in the caller's scope. Each posting is read with a share lock, so it cannot close
 * between the check and the referral.
 */
export async function recommendPostings(
  db: Database,
  viewer: Viewer,
  input: { personId: string; postingIds: string[]; note?: string | null },
): Promise<RecommendItem[]> {
  const source = sourceOf(viewer);
  const personId = parseId(input.personId, "personId");
  if (input.postingIds.length === 0) throw badInput("postingIds", msg("请至少指定一个岗位", "Name at least one posting"));
  if (input.postingIds.length > MAX_RECOMMENDATIONS_PER_CALL) throw badInput("postingIds", msg(`每次最多推荐 ${MAX_RECOMMENDATIONS_PER_CALL} 个岗位`, `At most ${MAX_RECOMMENDATIONS_PER_CALL} postings per call`));
  const note = checkNote(input.note);
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    // The person first, in the mode campaign batches take: recommendations for one person take turns.
    const person = await lockPerson(tx, personId);
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    const now = new Date();
    // What the hard constraints read (policy, places, the person's categories): once for every posting.
    const misfitOf = await misfitCheck(tx, person);
    const seen = new Set<string>();
    const items: RecommendItem[] = [];
    for (const [index, raw] of input.postingIds.entries()) {
      const field = `postingIds.${index}`;
      const fail = (code: DomainErrorCode, message: Message): RecommendItem => ({ index, postingId: raw, referral: null, error: { code, field, message: say(message) } });
      if (!isUuid(raw)) {
        items.push(fail("BAD_USER_INPUT", msg("不是岗位 id", "Not a posting id")));
        continue;
      }
      const postingId = raw.toLowerCase();
      if (seen.has(postingId)) {
        items.push(fail("BAD_USER_INPUT", msg("同一岗位被指定了两次", "The same posting is named twice")));
        continue;
      }
      seen.add(postingId);
      const posting = (await sharePostings(tx, [postingId])).get(postingId);
      if (!posting || posting.status === "DRAFT") {
        items.push(fail("NOT_FOUND", msg(`未找到岗位 ${postingId}`, `Posting ${postingId} not found`)));
        continue;
      }
      const why = misfitOf(posting as PostingRow, now);
      if (why) {
        items.push(fail("BAD_USER_INPUT", why));
        continue;
      }
      const referral = await insertReferralIfAbsent(tx, { personId, postingId, source, madeBy: by, fitted: true, note });
      items.push(referral ? { index, postingId, referral, error: null } : fail("CONFLICT", msg("此岗位已推荐给此人", "This posting was already referred to the person")));
    }
    return items;
  });
}

/**
 * Whether a viewer may see a referral: the person's ledger scope; the partner that made it; the
 * posting's employer once the person has applied (a recommendation alone does not hand a person's
 * name to an employer — applying does; a step the employer recorded itself does not: `personApplied`).
 */
export async function referralVisibleTo(db: Database, viewer: Viewer, referral: ReferralRow, postingEmployerId: string): Promise<boolean> {
  if (viewer.kind === "partner") return referral.madeBy === `partner:${viewer.partnerId}`;
  if (viewer.kind === "user" && viewer.role === Role.EMPLOYER) {
    if (viewer.employerId !== postingEmployerId) return false;
    const trail = await db
      .select({ toStatus: referralEvents.toStatus, by: referralEvents.by })
      .from(referralEvents)
      .where(and(eq(referralEvents.referralId, referral.id), inArray(referralEvents.toStatus, [...APPLIED_OR_LATER])));
    return personApplied(trail);
  }
  const [person] = await findPeopleByIds(db, [referral.personId]);
  return !!person && personWithinScope(personScope(viewer), person);
}

/**
 * Moves a referral along its funnel, timestamped and attributed. A referral the viewer cannot see is
 * NOT_FOUND; a move their role may not make is FORBIDDEN; a move the funnel does not allow from the
 * current status is BAD_USER_INPUT. HIRED records the person's employment in their status history.
 */
export async function updateReferralStatus(
  db: Database,
  viewer: Viewer,
  input: { referralId: string; status: ReferralStatus; note?: string | null },
): Promise<ReferralRow> {
  const referralId = parseId(input.referralId, "referralId");
  const note = checkNote(input.note);
  if (input.status === "RECOMMENDED" || input.status === "POSTING_CLOSED") throw badInput("status", msg(`${input.status} 状态不能手动设置`, `${input.status} is not set by hand`));
  return db.transaction(async (tx) => {
    // Person before referral, as recommendations and campaign batches lock them: no lock cycles.
    const peek = await findReferralById(tx, referralId);
    if (peek) await lockPerson(tx, peek.personId);
    const referral = peek && (await findReferralById(tx, referralId, { forUpdate: true }));
    // Read without a lock: closing a posting locks it and then its referrals, so a share lock taken here, after the referral's, could deadlock with it.
    const posting = referral ? (await readPostings(tx, [referral.postingId])).get(referral.postingId) : undefined;
    if (!referral || !posting || !(await referralVisibleTo(tx as unknown as Database, viewer, referral, posting.employerId))) throw notFound("Referral", referralId);
    if (!allowedMoves(viewer, referral, posting.employerId).includes(input.status)) throw forbidden(msg(`您无权将该推荐标记为 ${input.status}`, `You may not mark this referral ${input.status}`));
    if (!mayMove(referral.status, input.status)) throw badInput("status", msg(`推荐状态不能从 ${referral.status} 变为 ${input.status}`, `A referral cannot move from ${referral.status} to ${input.status}`));
    const by = actorOf(viewer);
    const moved = await moveReferral(tx, referral, input.status, by, note);
    if (input.status === "HIRED") {
      const person = (await lockPerson(tx, referral.personId))!;
      await applyEmploymentStatus(tx, person, { status: "EMPLOYED", since: serviceToday(), source: "REFERRAL", by, note: `通过推荐入职：${posting.title}`, employerId: posting.employerId });
    }
    return moved;
  });
}
