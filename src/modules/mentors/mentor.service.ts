import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from "../../errors.js";
import { msg, said } from "../../i18n.js";
import { requiredText } from "../../text-input.js";
import { keysetOf, pageFromRows, type Page, type PageRequest } from "../../pagination.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { maskPhone, parseMobilePhone } from "../../pii/resident-id.js";
import { isRegionPrefix } from "../../region-code.js";
import { institutionsByIds } from "../institutions/institution.service.js";
import { EMPLOYED_STATUSES } from "../people/employment-status.js";
import { personScope, personWithinScope } from "../people/person.access.js";
import { lockPeople, lockPerson } from "../people/person.lock.js";
import { findRegionByCode } from "../regions/region.service.js";
import { mayAssignMentors, mayManageMentor, maySeeMentor, mentorScopeCondition } from "./mentor.access.js";
import { mentorsWithinReach, NO_MENTOR_IN_REACH, pairPeople } from "./mentor-pairing.service.js";
import {
  countMentors,
  endMentorship,
  findActiveMentorship,
  findActiveMentorshipsOfMentor,
  findActiveMentorshipsOfPeople,
  findMentorById,
  findMentorEligibleIds,
  findMentorsPage,
  findActivePairingForFollowUp,
  insertFollowUp,
  insertMentor,
  insertMentorship,
  lockMentors,
  markMentorInactive,
  takePlace,
  updateMentorCapacity,
  type MentorListFilter,
} from "./mentor.repository.js";
import type { FollowUpChannel, FollowUpOutcome, FollowUpRow, MentorRow, MentorshipRow } from "./mentor.table.js";


/** The most mentees one mentor may be given (a one-to-one programme: a handful each). */
export const MAX_CAPACITY = 100;

function checkCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) throw badInput("capacity", msg(`capacity 须为 1 至 ${MAX_CAPACITY} 之间的整数`, `capacity must be a whole number from 1 to ${MAX_CAPACITY}`));
  return capacity;
}

export interface CreateMentorInput {
  name: string;
  phone?: string | null;
  institutionId?: string | null;
  regionCode?: string | null;
  capacity: number;
  userId?: string | null;
}

/** Registers a mentor (admins; caseworkers within their region or institution). */
export async function createMentor(deps: { db: Database; pii: PiiCipher }, viewer: Viewer, input: CreateMentorInput): Promise<MentorRow> {
  const name = requiredText(input.name, "name", 50);
  const capacity = checkCapacity(input.capacity);
  const phone = input.phone == null || input.phone.trim() === "" ? null : parseMobilePhone(input.phone);
  if (input.phone != null && input.phone.trim() !== "" && phone === null) throw badInput("phone", msg("phone 不是有效的中国大陆手机号码", "phone is not a mainland mobile number"));
  const institutionId = input.institutionId == null ? null : parseId(input.institutionId, "institutionId");
  const regionCode = input.regionCode ?? null;
  if (regionCode !== null && !/^\d{6}$/.test(regionCode)) throw badInput("regionCode", msg("regionCode 须为 6 位县（区）或市级地区代码", "regionCode is a 6-digit county or prefecture code"));
  if (institutionId === null && regionCode === null) throw badInput("regionCode", msg("请为红娘指定所属高校或地区（也可同时指定）", "Place the mentor at an institution, a region or both"));
  const userId = input.userId == null ? null : requiredText(input.userId, "userId", 100);
  if (!mayManageMentor(viewer, { regionCode, institutionId })) throw forbidden(msg("经办人员只能在本地区或本高校范围内登记红娘", "Caseworkers register mentors within their own region or institution"));
  return deps.db.transaction(async (tx) => {
    if (regionCode !== null) {
      const region = await findRegionByCode(tx, regionCode);
      if (!region) throw badInput("regionCode", msg(`未知的地区代码 ${regionCode}`, `Unknown region ${regionCode}`));
      // Automatic pairing reaches a county or a prefecture, never a whole province.
      if (region.level === "PROVINCE") throw badInput("regionCode", msg("红娘应设在县（区）级或市级，不能设在省级", "Place a mentor at a county or a prefecture, not a province"));
    }
    if (institutionId !== null && (await institutionsByIds(tx, [institutionId])).length === 0) throw badInput("institutionId", msg(`未知的高校 ${institutionId}`, `Unknown institution ${institutionId}`));
    try {
      return await insertMentor(tx, { userId, name, phoneSealed: phone ? deps.pii.encrypt(phone) : null, phoneMasked: phone ? maskPhone(phone) : null, institutionId, regionCode, capacity, createdBy: actorOf(viewer) });
    } catch (error) {
      if (isUniqueViolation(error, "mentors_user_idx")) throw conflict(msg("该登录账号已是另一名红娘", "That login already acts as another mentor"), { field: "userId" });
      throw error;
    }
  });
}

/** Changes a mentor's capacity; never below the mentees they have now. */
export async function setMentorCapacity(db: Database, viewer: Viewer, id: string, capacity: number): Promise<MentorRow> {
  const mentorId = parseId(id, "mentorId");
  checkCapacity(capacity);
  return db.transaction(async (tx) => {
    const mentor = await findMentorById(tx, mentorId, { forUpdate: true });
    if (!mentor || !maySeeMentor(viewer, mentor)) throw notFound("Mentor", mentorId);
    if (!mayManageMentor(viewer, mentor)) throw forbidden(msg("只有经办人员和管理员可以修改红娘的名额", "Only caseworkers and administrators change a mentor's capacity"));
    if (capacity < mentor.activeMentees) throw badInput("capacity", msg(`该红娘目前结对 ${mentor.activeMentees} 人：请先将部分人员改派他人，再将名额降至 ${capacity}`, `The mentor has ${mentor.activeMentees} mentees now: reassign some before lowering the capacity to ${capacity}`));
    return updateMentorCapacity(tx, mentorId, capacity);
  });
}

/** Is the person eligible for a mentor by policy: a member of any category marked mentorEligible. */
export async function isMentorEligible(db: Executor, personId: string): Promise<boolean> {
  return (await findMentorEligibleIds(db, [personId])).has(personId);
}

/**
 * Gives a person a mentor (结对): the one named, or — without one — the one the rules choose
 * (`pairPeople`, the rule mentor runs use). Only for people the policy makes eligible, unless an administrator overrides
 * with a reason. A person with a mentor already is moved to the one named (the old pairing ends as
 * REASSIGNED); asked to choose automatically for them, it refuses. The person is locked first, so
 * two assignments of one person take turns; the partial unique index is the last guard.
 */
export async function assignMentor(
  db: Database,
  viewer: Viewer,
  input: { personId: string; mentorId?: string | null; overrideReason?: string | null },
): Promise<MentorshipRow> {
  if (!mayAssignMentors(viewer)) throw forbidden(msg("只有经办人员和管理员可以指定红娘", "Only caseworkers and administrators assign mentors"));
  const personId = parseId(input.personId, "personId");
  const mentorId = input.mentorId == null ? null : parseId(input.mentorId, "mentorId");
  const overrideReason = input.overrideReason == null ? null : requiredText(input.overrideReason, "overrideReason", 500);
  if (overrideReason !== null && !(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以为不在帮扶范围内的人员指定红娘", "Only an administrator may assign a mentor to someone the policy does not make eligible"));
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!person || !personWithinScope(personScope(viewer), person)) throw notFound("Person", personId);
    if (overrideReason === null && !(await isMentorEligible(tx, person.id))) {
      throw badInput("personId", msg("按现行规则，该人员不在红娘结对帮扶范围内（管理员可注明理由后特批）", "The person is not eligible for a mentor under the policy (an administrator may override with a reason)"));
    }
    const current = await findActiveMentorship(tx, person.id);
    if (mentorId === null) {
      if (current) throw conflict(msg("该人员已有红娘：如需改派，请指定新的红娘", "The person already has a mentor: name one to move them to"), { field: "personId" });
      // The same rule as a mentor run's, for one person.
      const [outcome] = await pairPeople(tx, [person], by, { overrideReason });
      if (outcome!.state === "BELOW") throw conflict(said(outcome!.reason ?? NO_MENTOR_IN_REACH), { field: "mentorId" });
      return (await findActiveMentorship(tx, person.id))!;
    }
    // The new mentor and the old one, locked together in id order; then read as they stand.
    const locked = await lockMentors(tx, [mentorId, ...(current ? [current.mentorId] : [])]);
    const mentor = locked.find((m) => m.id === mentorId);
    // A mentor outside the caller's region or institution is not found (no existence oracle).
    if (!mentor || !mayManageMentor(viewer, mentor)) throw notFound("Mentor", mentorId);
    if (!mentor.active) throw conflict(msg("该红娘已停用", "The mentor is no longer active"), { field: "mentorId" });
    if (current?.mentorId === mentor.id) throw conflict(msg("该人员已与该红娘结对", "The person already has this mentor"), { field: "mentorId" });
    if (!(await takePlace(tx, mentor.id))) throw conflict(msg(`该红娘名额已满（${mentor.capacity} 人）`, `The mentor is full (${mentor.capacity} mentees)`), { field: "mentorId" });
    if (current) await endMentorship(tx, current, "REASSIGNED", by);
    return insertMentorship(tx, { personId: person.id, mentorId: mentor.id, matchedBy: "CHOSEN", startedBy: by, overrideReason });
  });
}

export interface DeactivationOutcome {
  mentor: MentorRow;
  reassigned: MentorshipRow[];
  unassigned: { personId: string; reason: string }[];
}

/**
 * A mentor leaves: the record is kept, inactive, and each mentee's pairing ends
 * (MENTOR_DEACTIVATED) and is made again by the automatic rules (`pairPeople`), with anyone else
 * within reach; those the policy no longer makes eligible (an override, say) and those nobody
 * within reach can take are listed with the reason. Locks: the mentees first, then the leaving mentor
 * and every mentor within reach of them in one id-ordered statement — people before mentors, and
 * mentors in id order, as every other path takes them, so none can deadlock with this one.
 */
export async function deactivateMentor(db: Database, viewer: Viewer, id: string): Promise<DeactivationOutcome> {
  const mentorId = parseId(id, "mentorId");
  const by = actorOf(viewer);
  return db.transaction(async (tx) => {
    const visible = await findMentorById(tx, mentorId);
    if (!visible || !maySeeMentor(viewer, visible)) throw notFound("Mentor", mentorId);
    if (!mayManageMentor(viewer, visible)) throw forbidden(msg("只有经办人员和管理员可以停用红娘", "Only caseworkers and administrators deactivate mentors"));
    let persons = await lockPeople(tx, (await findActiveMentorshipsOfMentor(tx, mentorId)).map((m) => m.personId));
    const [mentor] = (await lockMentors(tx, [mentorId, ...(await mentorsWithinReach(tx, persons))])).filter((m) => m.id === mentorId);
    if (!mentor!.active) throw conflict(msg("该红娘已处于停用状态", "The mentor is already inactive"), { field: "id" });
    // Once the mentor is locked nobody can join them: anyone who joined in between is locked too.
    const current = await findActiveMentorshipsOfMentor(tx, mentorId);
    const missing = current.map((m) => m.personId).filter((pid) => !persons.some((p) => p.id === pid));
    if (missing.length > 0) persons = [...persons, ...(await lockPeople(tx, missing))];
    const updated = await markMentorInactive(tx, mentorId);
    for (const mentorship of current) await endMentorship(tx, mentorship, "MENTOR_DEACTIVATED", by);
    const leaving = persons.filter((p) => current.some((m) => m.personId === p.id));
    const outcomes = await pairPeople(tx, leaving, by);
    const started = await findActiveMentorshipsOfPeople(tx, leaving.map((p) => p.id));
    const after = await findMentorById(tx, mentorId);
    return {
      mentor: after ?? updated,
      reassigned: started,
      unassigned: outcomes.filter((o) => o.state === "BELOW").map((o) => ({ personId: o.personId, reason: o.reason ?? NO_MENTOR_IN_REACH })),
    };
  });
}

/**
 * People who found work: their mentorships end with that reason and free the places (called in
 * the transaction that records the status, the people already locked). The mentors are locked in
 * id order before their loads change, the order every batch keeps.
 */
export async function endMentorshipsOfEmployed(tx: Executor, changes: readonly { personId: string; status: string }[], by: string): Promise<void> {
  const personIds = changes.filter((c) => EMPLOYED_STATUSES.includes(c.status)).map((c) => c.personId);
  if (personIds.length === 0) return;
  const current = await findActiveMentorshipsOfPeople(tx, personIds);
  if (current.length === 0) return;
  await lockMentors(tx, current.map((m) => m.mentorId));
  for (const mentorship of current) await endMentorship(tx, mentorship, "EMPLOYED", by);
}

/** A mentor the viewer may see, or null. */
export async function getMentor(db: Executor, viewer: Viewer, id: string): Promise<MentorRow | null> {
  const mentor = await findMentorById(db, parseId(id, "id"));
  return mentor && maySeeMentor(viewer, mentor) ? mentor : null;
}

export interface MentorFilter {
  regionCode?: string | null;
  institutionId?: string | null;
  active?: boolean | null;
  withRoom?: boolean | null;
}

/** Mentors the viewer may see (and the filter), oldest record first, a page at a time. */
export async function listMentors(db: Executor, viewer: Viewer, filter: MentorFilter, page: PageRequest): Promise<Page<MentorRow>> {
  const keyset = keysetOf(page);
  if (filter.regionCode != null && !isRegionPrefix(filter.regionCode)) throw badInput("filter.regionCode", msg("regionCode 须为 2、4 或 6 位数字的地区代码前缀", "regionCode must be a prefix of 2, 4 or 6 digits"));
  const parsed: MentorListFilter = {
    regionPrefix: filter.regionCode ?? null,
    institutionId: filter.institutionId == null ? null : parseId(filter.institutionId, "filter.institutionId"),
    active: filter.active ?? null,
    withRoom: filter.withRoom === true,
  };
  const scope = mentorScopeCondition(viewer);
  const rows = await findMentorsPage(db, scope, parsed, keyset);
  return pageFromRows(rows, keyset, () => countMentors(db, scope, parsed));
}

/**
 * A mentor logs a contact with their mentee (跟踪回访): only the person's mentor now, for a moment
 * not in the future nor before the pairing began. Anyone else is told the person is not found.
 */
export async function logFollowUp(
  db: Database,
  viewer: Viewer,
  input: { personId: string; channel: FollowUpChannel; outcome: FollowUpOutcome; note?: string | null; at?: Date | null },
): Promise<FollowUpRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.MENTOR) throw forbidden(msg("跟踪回访由该人员的红娘记录", "Follow-ups are logged by the person's mentor"));
  const personId = parseId(input.personId, "personId");
  const note = input.note == null || input.note.trim() === "" ? null : requiredText(input.note, "note", 500);
  const at = input.at ?? new Date();
  if (Number.isNaN(at.getTime())) throw badInput("at", msg("at 不是有效的时间", "at is not a time"));
  if (at.getTime() > Date.now() + 60_000) throw badInput("at", msg("at 不能晚于当前时间", "at is in the future"));
  return db.transaction(async (tx) => {
    const current = await findActivePairingForFollowUp(tx, personId);
    if (!current || current.mentor.userId !== viewer.userId) throw notFound("Person", personId);
    if (at < current.mentorship.startedAt) throw badInput("at", msg("at 早于结对开始时间", "at is before the pairing began"));
    return insertFollowUp(tx, { mentorshipId: current.mentorship.id, personId, mentorId: current.mentor.id, channel: input.channel, outcome: input.outcome, note, at, loggedBy: actorOf(viewer) });
  });
}
