import { serviceToday } from "../../dates.js";
import { and, eq, type SQL } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, findPgError, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { requiredText } from "../../text-input.js";
import { checkFirst, type KeysetPage } from "../../pagination.js";
import { isRegionPrefix } from "../../region-code.js";
import type { createMatchLoaders } from "../matching/match.loaders.js";
import { visiblePerson } from "../people/person.access.js";
import type { createPersonLoaders } from "../people/person.loaders.js";
import { publishFairEvent, publishFairEvents } from "./fair-events.js";
import { activeFairPolicy } from "./fair-policy.service.js";
import { mayOrganise, mayRunSession, mayViewFair, visibleFairsCondition } from "./fair.access.js";
import type { FairLoaders } from "./fair.loaders.js";
import {
  cancelBookingsOfSessions,
  cancelScheduledSessions,
  countFairs,
  employerExists,
  endLiveSessions,
  findBoothOf,
  findFairById,
  findSessionById,
  insertFair,
  insertSession,
  institutionExists,
  knownCategoryCodes,
  listFairs,
  putBooth,
  regionExists,
  setSessionStatus,
  shareFairPostings,
  updateFairStatus,
} from "./fair.repository.js";
import { jobFairs, type FairKind, type FairSessionKind, type FairSessionRow, type FairStatus, type JobFairRow } from "./fair.table.js";

export interface FairAudience {
  categoryCodes: string[];
  populations: string[];
  regionPrefixes: string[];
}

export function checkWindow(startsAt: Date, endsAt: Date, field: string): void {
  if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) throw badInput(field, msg("不是有效的时间", "Not a time"));
  if (!(startsAt < endsAt)) throw badInput(field, msg("startsAt 必须早于 endsAt", "startsAt must be before endsAt"));
}

/** A fair as the viewer may see it: public once open; a draft only to its organiser (null otherwise). */
export async function getJobFair(db: Executor, viewer: Viewer, id: string): Promise<JobFairRow | null> {
  const fair = await findFairById(db, parseId(id, "id"));
  return fair && mayViewFair(viewer, fair) ? fair : null;
}

/** Fairs the viewer may see, newest first (`limit` rows after the cursor), and their count when asked for. */
export async function listJobFairs(
  db: Executor,
  viewer: Viewer,
  args: { status?: FairStatus | null; kind?: FairKind | null; page: KeysetPage },
): Promise<{ rows: JobFairRow[]; count: () => Promise<number> }> {
  const where: SQL | undefined = and(visibleFairsCondition(viewer), args.status ? eq(jobFairs.status, args.status) : undefined, args.kind ? eq(jobFairs.kind, args.kind) : undefined);
  const rows = await listFairs(db, where, args.page);
  return { rows, count: () => countFairs(db, where) };
}

/** The fair a live subscription follows: NOT_FOUND unless the viewer may see it. */
export async function fairToFollow(db: Executor, viewer: Viewer, fairId: string): Promise<JobFairRow> {
  const id = parseId(fairId, "fairId");
  const fair = await findFairById(db, id);
  if (!fair || !mayViewFair(viewer, fair)) throw notFound("JobFair", id);
  return fair;
}

/**
 * The fair's booth postings ranked for a person by the matching engine (only those that fit them;
 * ones already referred stay — they may meet the employer at the fair). The person must be in scope.
 */
export async function fairRecommendations(
  deps: { loaders: Pick<FairLoaders, "fairBoothPostingIds"> & Pick<ReturnType<typeof createMatchLoaders>, "recommendations"> & Pick<ReturnType<typeof createPersonLoaders>, "personById"> },
  viewer: Viewer,
  fair: JobFairRow,
  personId: string,
  first: number,
) {
  checkFirst(first);
  // Through the request's loader: one read of the person however many fairs are listed.
  const person = visiblePerson(viewer, await deps.loaders.personById.load(parseId(personId, "id")));
  if (!person) throw notFound("Person", personId);
  const postingIds = await deps.loaders.fairBoothPostingIds.load(fair.id);
  // The one recommend operation, among the booths' postings (those already referred stay: the person may meet the employer here).
  return deps.loaders.recommendations.load({
    person,
    first,
    among: {
      fairId: fair.id,
      postingIds,
      nothingFitsNote: postingIds.length === 0 ? "该招聘会尚无展位岗位。" : "该招聘会的展位岗位都不符合条件（学历要求、工作地点或岗位类型不符）。",
    },
  });
}

/**
 * Creates a fair (DRAFT). A caseworker organises for their institution or, without one, as their
 * region's HR bureau; an administrator names the organiser. The audience's categories must exist;
 * the fair runs no longer than the policy's `maxFairDays`.
 */
export async function createJobFair(
  db: Database,
  viewer: Viewer,
  input: { title: string; kind: FairKind; startsAt: Date; endsAt: Date; audience?: Partial<FairAudience> | null; organiserInstitutionId?: string | null; organiserRegionCode?: string | null },
): Promise<JobFairRow> {
  if (viewer.kind !== "user" || (viewer.role !== Role.ADMIN && viewer.role !== Role.CASEWORKER)) throw forbidden(msg("招聘会由高校和人社部门主办", "Fairs are organised by institutions and HR bureaus"));
  const title = requiredText(input.title, "title", 200);
  checkWindow(input.startsAt, input.endsAt, "endsAt");

  let organiserInstitutionId = input.organiserInstitutionId == null ? null : parseId(input.organiserInstitutionId, "organiserInstitutionId");
  let organiserRegionCode = input.organiserRegionCode ?? null;
  if (viewer.role === Role.CASEWORKER) {
    organiserInstitutionId = viewer.institutionId ?? null;
    organiserRegionCode = viewer.institutionId ? null : (viewer.regionCode ?? "").padEnd(6, "0");
  }
  if ((organiserInstitutionId === null) === (organiserRegionCode === null)) throw badInput("organiserRegionCode", msg("请指明主办方：高校或地区人社部门", "Name the organiser: an institution or a regional HR bureau"));
  const audience: FairAudience = {
    categoryCodes: [...new Set(input.audience?.categoryCodes ?? [])],
    populations: [...new Set(input.audience?.populations ?? [])],
    regionPrefixes: [...new Set(input.audience?.regionPrefixes ?? [])],
  };
  for (const [i, p] of audience.regionPrefixes.entries()) if (!isRegionPrefix(p)) throw badInput(`audience.regionPrefixes.${i}`, msg("地区代码前缀应为 2、4 或 6 位数字", "A region prefix is 2, 4 or 6 digits"));
  for (const [i, p] of audience.populations.entries()) if (p !== "KEY_GROUP_GRADUATE" && p !== "POVERTY_LABOURER") throw badInput(`audience.populations.${i}`, msg("不是有效的人群类别", "Not a population"));
  return db.transaction(async (tx) => {
    // The rules in force on the fair's first day (a fair for next year follows next year's version).
    const { maxFairDays } = await activeFairPolicy(tx, serviceToday(input.startsAt));
    if (input.endsAt.getTime() - input.startsAt.getTime() > maxFairDays * 86_400_000) throw badInput("endsAt", msg(`招聘会最长举办 ${maxFairDays} 天`, `A fair runs at most ${maxFairDays} days`));
    if (audience.categoryCodes.length > 0) {
      const known = await knownCategoryCodes(tx, audience.categoryCodes);
      const unknown = audience.categoryCodes.findIndex((c) => !known.has(c));
      if (unknown >= 0) throw badInput(`audience.categoryCodes.${unknown}`, msg(`未知的人员类别 ${audience.categoryCodes[unknown]}`, `Unknown category ${audience.categoryCodes[unknown]}`));
    }
    if (organiserRegionCode !== null && !(await regionExists(tx, organiserRegionCode))) throw badInput("organiserRegionCode", msg(`未知的地区代码 ${organiserRegionCode}`, `Unknown region ${organiserRegionCode}`));
    if (organiserInstitutionId !== null && !(await institutionExists(tx, organiserInstitutionId))) throw badInput("organiserInstitutionId", msg("未知的高校", "Unknown institution"));
    return insertFair(tx, { title, kind: input.kind, organiserInstitutionId, organiserRegionCode, startsAt: input.startsAt, endsAt: input.endsAt, audience, createdBy: actorOf(viewer) });
  });
}

const FAIR_MOVES: Record<FairStatus, readonly FairStatus[]> = { DRAFT: ["OPEN", "CLOSED"], OPEN: ["LIVE", "CLOSED"], LIVE: ["CLOSED"], CLOSED: [] };

/** Reads a fair for change, locked: NOT_FOUND (or a draft not theirs), FORBIDDEN (not its organiser) or CONFLICT (closed) otherwise. */
async function fairForChange(tx: Executor, viewer: Viewer, fairId: string): Promise<JobFairRow> {
  const fair = await findFairById(tx, fairId, "update");
  // A draft is NOT_FOUND to all but its organisers, as an id that does not exist.
  if (!fair || !mayViewFair(viewer, fair)) throw notFound("JobFair", fairId);
  if (!mayOrganise(viewer, fair)) throw forbidden(msg("只有招聘会主办方可以修改", "Only the fair's organiser changes it"));
  if (fair.status === "CLOSED") throw conflict(msg("招聘会已关闭", "The fair is closed"), { field: "fairId" });
  return fair;
}

/** DRAFT → OPEN (registration) → LIVE → CLOSED; a draft or an open fair may be closed (cancelled). */
export async function setJobFairStatus(db: Database, viewer: Viewer, id: string, status: FairStatus): Promise<JobFairRow> {
  const fairId = parseId(id, "id");
  return db.transaction(async (tx) => {
    const fair = await fairForChange(tx, viewer, fairId);
    if (!FAIR_MOVES[fair.status].includes(status)) throw badInput("status", msg(`状态为 ${fair.status} 的招聘会不能变为 ${status}`, `A ${fair.status} fair cannot become ${status}`));
    const row = await updateFairStatus(tx, fairId, status);
    await publishFairEvent(tx, { kind: "FAIR_STATUS", fairId, fairStatus: status });
    if (status === "CLOSED") {
      // Closing ends what is running and calls off what has not begun, freeing those times for
      // the people and employers (the overlap constraints span every fair). Subscribers hear of
      // each session; a session called off takes its bookings with it.
      const ended = await endLiveSessions(tx, fairId);
      const calledOff = await cancelScheduledSessions(tx, fairId);
      await publishFairEvents(tx, [
        ...ended.map((s) => ({ kind: "SESSION_ENDED" as const, fairId, sessionId: s.id, seatsLeft: s.capacity - s.booked, employerId: s.employerId })),
        ...calledOff.map((s) => ({ kind: "SESSION_CANCELLED" as const, fairId, sessionId: s.id, seatsLeft: 0, employerId: s.employerId })),
      ]);
      await cancelBookingsOfSessions(
        tx,
        calledOff.map((c) => c.id),
        actorOf(viewer),
      );
    }
    return row;
  });
}

/**
 * Adds a session inside the fair's window: by the organiser, or by an employer for itself (it must
 * have a booth). An INTERVIEW slot seats one; a GROUP session its capacity; a PRESENTATION its
 * capacity (default 500). One employer's sessions may not overlap (the database refuses: CONFLICT).
 */
export async function addFairSession(
  db: Database,
  viewer: Viewer,
  input: { fairId: string; kind: FairSessionKind; employerId?: string | null; title: string; startsAt: Date; endsAt: Date; capacity?: number | null },
): Promise<FairSessionRow> {
  const fairId = parseId(input.fairId, "fairId");
  const title = requiredText(input.title, "title", 200);
  checkWindow(input.startsAt, input.endsAt, "endsAt");
  let employerId = input.employerId == null ? null : parseId(input.employerId, "employerId");
  const isEmployer = viewer.kind === "user" && viewer.role === Role.EMPLOYER;
  if (isEmployer) employerId = viewer.employerId ?? null;
  if (input.kind !== "GROUP" && employerId === null) throw badInput("employerId", msg("宣讲会和面试时段须属于某一用人单位", "Presentations and interview slots belong to an employer"));
  const capacity = input.kind === "INTERVIEW" ? 1 : (input.capacity ?? (input.kind === "PRESENTATION" ? 500 : null));
  if (capacity === null || !Number.isInteger(capacity) || capacity < 1 || capacity > 5000) throw badInput("capacity", msg("capacity 须为 1 至 5000 的整数（面试时段只设一个名额）", "capacity must be a whole number from 1 to 5,000 (an interview slot seats one)"));
  if (input.kind === "INTERVIEW" && input.capacity != null && input.capacity !== 1) throw badInput("capacity", msg("面试时段只设一个名额", "An interview slot seats one"));
  return db.transaction(async (tx) => {
    const fair = await findFairById(tx, fairId, "update");
    if (!fair || !mayViewFair(viewer, fair)) throw notFound("JobFair", fairId);
    if (isEmployer) {
      if (!(await findBoothOf(tx, fairId, employerId!))) throw forbidden(msg("请先在招聘会登记展位，再添加场次", "Register a booth at the fair before adding sessions"));
    } else if (!mayOrganise(viewer, fair)) throw forbidden(msg("只有招聘会主办方或已设展位的用人单位可以添加场次", "Only the fair's organiser or an employer with a booth adds sessions"));
    if (fair.status === "CLOSED") throw conflict(msg("招聘会已关闭", "The fair is closed"), { field: "fairId" });
    if (input.startsAt < fair.startsAt || input.endsAt > fair.endsAt) throw badInput("startsAt", msg("场次须在招聘会举办时间之内", "The session must lie inside the fair's window"));
    if (employerId !== null && !(await employerExists(tx, employerId))) throw badInput("employerId", msg("未知的用人单位", "Unknown employer"));
    try {
      return await insertSession(tx, { fairId, kind: input.kind, employerId, title, startsAt: input.startsAt, endsAt: input.endsAt, capacity });
    } catch (error) {
      // exclusion_violation: the employer's sessions overlap.
      if (findPgError(error)?.code === "23P01") throw conflict(msg("该用人单位在该时段已有场次", "The employer already has a session at that time"), { field: "startsAt" });
      throw error;
    }
  });
}

/** SCHEDULED → LIVE → ENDED (the organiser or the session's employer), while the fair is live. */
export async function moveSession(db: Database, viewer: Viewer, id: string, to: "LIVE" | "ENDED"): Promise<FairSessionRow> {
  const sessionId = parseId(id, "sessionId");
  return db.transaction(async (tx) => {
    const session = await findSessionById(tx, sessionId, "update");
    if (!session) throw notFound("FairSession", sessionId);
    const fair = (await findFairById(tx, session.fairId))!;
    if (!mayViewFair(viewer, fair)) throw notFound("FairSession", sessionId);
    if (!mayRunSession(viewer, fair, session)) throw forbidden(msg("场次由主办方或该场次的用人单位主持", "The organiser or the session's employer runs a session"));
    if (fair.status !== "LIVE") throw conflict(msg(`招聘会进行中方可开展场次（当前状态为 ${fair.status}）`, `Sessions run while the fair is live (it is ${fair.status})`), { field: "sessionId" });
    const from = to === "LIVE" ? "SCHEDULED" : "LIVE";
    if (session.status !== from) throw badInput("sessionId", msg(`状态为 ${session.status} 的场次不能变为 ${to}`, `A ${session.status} session cannot become ${to}`));
    const row = await setSessionStatus(tx, sessionId, to);
    await publishFairEvent(tx, { kind: to === "LIVE" ? "SESSION_STARTED" : "SESSION_ENDED", fairId: fair.id, sessionId, seatsLeft: row.capacity - row.booked, employerId: row.employerId });
    return row;
  });
}

/**
 * An employer's booth at a fair, with some of its OPEN postings (replacing those it had). Only
 * once the fair is public (a draft is NOT_FOUND) and while it is not closed.
 */
export async function registerBooth(db: Database, viewer: Viewer, input: { fairId: string; postingIds: string[] }): Promise<{ boothId: string; postingIds: string[] }> {
  if (viewer.kind !== "user" || viewer.role !== Role.EMPLOYER || !viewer.employerId) throw forbidden(msg("展位由用人单位登记", "Employers register booths"));
  const employerId = viewer.employerId;
  const fairId = parseId(input.fairId, "fairId");
  const postingIds = [...new Set(input.postingIds.map((p, i) => parseId(p, `postingIds.${i}`)))];
  if (postingIds.length === 0 || postingIds.length > 50) throw badInput("postingIds", msg("请提供 1 至 50 个岗位", "Bring 1–50 postings"));
  return db.transaction(async (tx) => {
    const fair = await findFairById(tx, fairId, "share");
    // Someone else's draft (an employer organises none): NOT_FOUND, as an id that does not exist.
    if (!fair || !mayViewFair(viewer, fair)) throw notFound("JobFair", fairId);
    if (fair.status === "CLOSED") throw conflict(msg("招聘会已关闭", "The fair is closed"), { field: "fairId" });
    const rows = await shareFairPostings(tx, postingIds);
    for (const [i, id] of postingIds.entries()) {
      const row = rows.find((r) => r.id === id);
      if (!row || row.employerId !== employerId) throw badInput(`postingIds.${i}`, msg("不是本单位的岗位", "Not one of your postings"));
      if (row.status !== "OPEN") throw badInput(`postingIds.${i}`, msg("只有状态为 OPEN 的岗位可以参加招聘会", "Only OPEN postings go to a fair"));
    }
    const boothId = await putBooth(tx, fairId, employerId, postingIds);
    return { boothId, postingIds };
  });
}
