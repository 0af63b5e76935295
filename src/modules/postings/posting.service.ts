import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { decodeTimeCursor, encodeTimeCursor, keysetOf, pageFromRows, pageSize, type Page, type PageRequest } from "../../pagination.js";
import type { createPostingLoaders } from "./posting.loaders.js";
import { findEmployerForPosting } from "../employers/employer.service.js";
import { requireCounty } from "../regions/region.service.js";
import { countPostings, expireOverduePostings, findPostingById, insertPosting, listPostings, listPostingsByUpdate, updatePostingRow, type PostingColumn, type PostingQuery } from "./posting.repository.js";
import { PostingSort, type CreatePostingInput, type PostingFilter, type UpdatePostingInput } from "./posting.inputs.js";
import type { PostingRow } from "./posting.table.js";
import { canManagePosting, canSee, isNamedEmployer, isPublicStatus, visibilityFor } from "./posting.access.js";
import { assertSalaryRange, assertValidUntil, cleanTags, columnsFromInput } from "./posting.fields.js";
import { recordScreening, screenContent, screeningRuleSet } from "../screening/screening.service.js";
import { heldAfterScreening, screeningInputOf } from "./posting-screening.js";


/** Loads a posting for a change, locked; refuses what the viewer may not manage (or, for closing, close). */
async function lockManagedPosting(tx: Executor, viewer: Viewer, id: string, purpose: "manage" | "close" = "manage"): Promise<PostingRow> {
  const postingId = parseId(id, "id");
  const posting = await findPostingById(tx, postingId, { forUpdate: true });
  // A posting the viewer cannot even see is "not found", so ids do not leak drafts.
  if (!posting || !canSee(viewer, posting)) throw notFound("Posting", postingId);
  const allowed = canManagePosting(viewer, posting) || (purpose === "close" && isNamedEmployer(viewer, posting));
  if (!allowed) {
    throw forbidden(posting.source === "PARTNER" ? msg("此岗位由推送它的合作平台管理", "This posting is managed by the partner site that pushed it") : msg("您无权修改此岗位", "You cannot change this posting"));
  }
  return posting;
}

// ---------------------------------------------------------------- reads

export async function getPosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow | null> {
  const posting = await findPostingById(db, parseId(id, "id"));
  return posting && canSee(viewer, posting) ? posting : null;
}

export function postingQueryFor(viewer: Viewer, filter: PostingFilter | undefined | null): PostingQuery {
  return {
    visibility: visibilityFor(viewer),
    statuses: filter?.status && filter.status.length > 0 ? filter.status : ["OPEN"],
    ...(filter?.regionCode ? { regionPrefix: filter.regionCode } : {}),
    ...(filter?.employerId ? { employerIds: [parseId(filter.employerId, "filter.employerId")] } : {}),
    ...(filter?.kind && filter.kind.length > 0 ? { kinds: filter.kind } : {}),
    ...(filter?.forKeyGroups != null ? { forKeyGroups: filter.forKeyGroups } : {}),
    ...(filter?.educationAtMost ? { educationAtMost: filter.educationAtMost } : {}),
    ...(filter?.source ? { source: filter.source } : {}),
    ...(filter?.updatedSince ? { updatedSince: filter.updatedSince } : {}),
  };
}

/**
 * The `postings` query: newest first (or by update, oldest change first); OPEN only unless the
 * filter asks for other statuses the viewer may see. `columns`: what the request reads of each
 * posting (postingColumnsFor), else whole rows.
 */
export async function listVisiblePostings<C extends PostingColumn = PostingColumn>(
  db: Database,
  viewer: Viewer,
  filter: PostingFilter | undefined | null,
  page: PageRequest,
  sort: PostingSort = PostingSort.NEWEST,
  columns?: readonly C[],
): Promise<Page<Pick<PostingRow, C | "id">>> {
  const q = postingQueryFor(viewer, filter);
  if (sort === PostingSort.UPDATED) {
    // Keyset on (updatedAt, id): its cursors carry both, and are refused by the list by id (and back).
    const { size, backward } = pageSize(page);
    const after = decodeTimeCursor(page.after, "after");
    const before = decodeTimeCursor(page.before, "before");
    const rows = await listPostingsByUpdate(db, q, { after, before, limit: size + 1, backward });
    const keyset = { size, limit: size + 1, backward, ...(after ? { afterId: after.id } : {}), ...(before ? { beforeId: before.id } : {}) };
    return pageFromRows(rows, keyset, () => countPostings(db, q), (p) => encodeTimeCursor({ at: p.updatedAt, id: p.id }));
  }
  const keyset = keysetOf(page);
  const rows = columns ? await listPostings(db, q, keyset, columns) : await listPostings(db, q, keyset);
  return pageFromRows(rows, keyset, () => countPostings(db, q));
}

/** `Employer.postings`: one employer's page, batched across the employers of a list by the loaders. */
export async function employerPostingsPage(
  loaders: Pick<ReturnType<typeof createPostingLoaders>, "employerPostings" | "employerPostingCount">,
  viewer: Viewer,
  employerId: string,
  filter: PostingFilter | null | undefined,
  page: PageRequest,
): Promise<Page<PostingRow>> {
  const keyset = keysetOf(page);
  const key = { employerId, query: postingQueryFor(viewer, { ...filter, employerId: undefined }), keyset };
  const rows = await loaders.employerPostings.load(key);
  return pageFromRows(rows, keyset, () => loaders.employerPostingCount.load(key));
}

// ---------------------------------------------------------------- the lifecycle

/** Creates a DRAFT. An employer posts as itself; caseworkers and admins name the employer. */
export async function createPosting(db: Database, viewer: Viewer, input: CreatePostingInput): Promise<PostingRow> {
  if (viewer.kind !== "user") throw forbidden(msg("只有用人单位、经办人员和管理员可以创建岗位", "Only employers, caseworkers and admins create postings"));
  let employerId: string;
  if (viewer.role === Role.EMPLOYER) {
    if (input.employerId && parseId(input.employerId, "input.employerId") !== viewer.employerId) throw forbidden(msg("用人单位只能以本单位名义发布岗位", "An employer posts only as itself"));
    if (!viewer.employerId) throw forbidden(msg("您的账号尚未关联用人单位：请先申请登记（requestEmployerRegistration）", "Your account is not linked to an employer yet: sign it up first (requestEmployerRegistration)"));
    employerId = viewer.employerId;
  } else if (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER) {
    if (!input.employerId) throw badInput("input.employerId", msg("代用人单位发布岗位时须提供 employerId", "employerId is required when posting for an employer"));
    employerId = parseId(input.employerId, "input.employerId");
  } else {
    throw forbidden(msg("只有用人单位、经办人员和管理员可以创建岗位", "Only employers, caseworkers and admins create postings"));
  }
  assertSalaryRange(input.salaryMin, input.salaryMax, "input.salaryMax");
  assertValidUntil(input.validUntil, "input.validUntil", { future: true });
  await requireCounty(db, input.regionCode, "input.regionCode");
  const employer = await findEmployerForPosting(db, employerId);
  if (!employer) throw notFound("Employer", employerId);
  const draft = { employerId, regionCode: input.regionCode, source: "EMPLOYER" as const, partnerId: null };
  if (!canManagePosting(viewer, draft)) throw forbidden(msg(`地区 ${input.regionCode} 不在您的管辖范围内`, `Region ${input.regionCode} is outside your scope`));

  // A draft is screened too (the poster sees the flags early); it is held only when published.
  const rules = await screeningRuleSet(db);
  return db.transaction(async (tx) => {
    const posting = await insertPosting(tx, { id: newId(), employerId, ...columnsFromInput(input), status: "DRAFT", source: "EMPLOYER", createdBy: actorOf(viewer) });
    await recordScreening(tx, posting.id, await screenContent(tx, rules, null, screeningInputOf(posting)), { fresh: true });
    return posting;
  });
}

// Only these may be cleared with an explicit null; the others are required once written.
const CLEARABLE = new Set(["occupation", "salaryMin", "salaryMax"]);

export async function updatePosting(db: Database, viewer: Viewer, id: string, input: UpdatePostingInput): Promise<PostingRow> {
  for (const [field, value] of Object.entries(input)) {
    if (value === null && !CLEARABLE.has(field)) throw badInput(`input.${field}`, msg(`${field} 不能为 null；如需保留原值，请不要传该字段`, `${field} cannot be null; leave it out to keep it`));
  }
  const rules = await screeningRuleSet(db);
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    if (posting.status === "BLOCKED") throw conflict(msg("已屏蔽的岗位不能编辑，须先由管理员解除屏蔽", "A blocked posting cannot be edited; an administrator must unblock it first"));
    const salaryMin = input.salaryMin !== undefined ? input.salaryMin : posting.salaryMin;
    const salaryMax = input.salaryMax !== undefined ? input.salaryMax : posting.salaryMax;
    assertSalaryRange(salaryMin, salaryMax, input.salaryMax !== undefined ? "input.salaryMax" : "input.salaryMin");
    if (input.validUntil) assertValidUntil(input.validUntil, "input.validUntil", { future: posting.status === "OPEN" });
    if (input.regionCode && input.regionCode !== posting.regionCode) {
      await requireCounty(tx, input.regionCode, "input.regionCode");
      if (!canManagePosting(viewer, { ...posting, regionCode: input.regionCode })) throw forbidden(msg(`地区 ${input.regionCode} 不在您的管辖范围内`, `Region ${input.regionCode} is outside your scope`));
    }
    const patch = {
      ...(input.title !== undefined ? { title: input.title.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.occupation !== undefined ? { occupation: input.occupation } : {}),
      ...(input.skills !== undefined ? { skills: cleanTags(input.skills) } : {}),
      ...(input.majors !== undefined ? { majors: cleanTags(input.majors) } : {}),
      ...(input.minEducation !== undefined ? { minEducation: input.minEducation } : {}),
      ...(input.regionCode !== undefined ? { regionCode: input.regionCode } : {}),
      salaryMin,
      salaryMax,
      ...(input.headcount !== undefined ? { headcount: input.headcount } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.forKeyGroups !== undefined ? { forKeyGroups: input.forKeyGroups } : {}),
      ...(input.validUntil !== undefined ? { validUntil: input.validUntil } : {}),
      // An expired posting stays expired when edited (even before the sweep wrote it): reopening is publishPosting's.
      ...(posting.status === "EXPIRED" ? { status: "EXPIRED" as const } : {}),
    };
    // Screened again: a public posting (or one held for another reason) with new HIGH words is held;
    // one already held by screening stays held, whatever the edit — an official releases it.
    const screening = await screenContent(tx, rules, posting.id, screeningInputOf({ ...posting, ...patch }));
    await recordScreening(tx, posting.id, screening);
    // Public (OPEN, CLOSED, EXPIRED: the public reads them all) or held for another reason: new HIGH words hold it; a draft is only screened.
    const wouldBePublic = isPublicStatus(posting.status) || posting.status === "PENDING_REVIEW";
    const hold = !posting.heldByScreening && heldAfterScreening(false, screening, wouldBePublic);
    return updatePostingRow(tx, posting.id, { ...patch, ...(hold ? { status: "PENDING_REVIEW" as const, heldByScreening: true } : {}) });
  });
}

/** DRAFT, CLOSED or EXPIRED → OPEN; validUntil (the stored one, or a new one given here) must be in the future. */
export async function publishPosting(db: Database, viewer: Viewer, id: string, validUntil?: Date | null): Promise<PostingRow> {
  const rules = await screeningRuleSet(db);
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    if (posting.status === "OPEN") throw conflict(msg("该岗位已在招聘中", "The posting is already open"));
    if (posting.status === "BLOCKED") throw conflict(msg("已屏蔽的岗位不能发布", "A blocked posting cannot be published"));
    if (posting.status === "PENDING_REVIEW") throw conflict(msg("待审核的岗位须经审核发布（reviewPosting / approvePosting）", "A held posting is released by review (reviewPosting, approvePosting)"));
    // An employer that signed itself up publishes once a caseworker has verified it (officials register verified employers).
    if (viewer.kind === "user" && viewer.role === Role.EMPLOYER && !(await findEmployerForPosting(tx, posting.employerId))?.verified) {
      throw forbidden(msg("用人单位尚未通过核验：核验后岗位才能发布（请联系所在地人社部门）", "Your employer is not verified yet: its postings are published once a caseworker has verified it"));
    }
    const until = validUntil ?? posting.validUntil;
    assertValidUntil(until, validUntil ? "validUntil" : "posting.validUntil", { future: true });
    // Screened as it goes public: a HIGH hit no official approved holds it PENDING_REVIEW (JobPosting.screening says why).
    const screening = await screenContent(tx, rules, posting.id, screeningInputOf(posting));
    await recordScreening(tx, posting.id, screening);
    if (heldAfterScreening(false, screening, true)) return updatePostingRow(tx, posting.id, { status: "PENDING_REVIEW", heldByScreening: true, validUntil: until, closedAt: null, closedBy: null });
    return updatePostingRow(tx, posting.id, { status: "OPEN", validUntil: until, publishedAt: new Date(), closedAt: null, closedBy: null });
  });
}

/**
 * Closing is idempotent: a closed posting stays closed. A draft may be closed too (discarded). The
 * employer named on a partner's copy may close it, and the partner's re-push does not reopen it.
 */
export async function closePosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow> {
  const rules = await screeningRuleSet(db);
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id, "close");
    if (posting.status === "CLOSED") return posting;
    // A held posting closed stays out of sight: recorded as closed, never released (approvePosting, a link).
    if (posting.status === "PENDING_REVIEW") return posting.closedAt ? posting : updatePostingRow(tx, posting.id, { closedAt: new Date(), closedBy: actorOf(viewer) });
    if (posting.status === "BLOCKED") throw conflict(msg("已屏蔽的岗位不能关闭：它已经下架", "A blocked posting cannot be closed; it is already withdrawn"));
    if (posting.status === "DRAFT") {
      // A closed draft is public (CLOSED): its words are screened as for publishing — HIGH ones hold it, closed.
      const screening = await screenContent(tx, rules, posting.id, screeningInputOf(posting));
      await recordScreening(tx, posting.id, screening);
      if (heldAfterScreening(false, screening, true)) return updatePostingRow(tx, posting.id, { status: "PENDING_REVIEW", heldByScreening: true, closedAt: new Date(), closedBy: actorOf(viewer) });
    }
    return updatePostingRow(tx, posting.id, { status: "CLOSED", closedAt: new Date(), closedBy: actorOf(viewer) });
  });
}

/** An administrator withdraws a false or discriminatory posting (虚假招聘、就业歧视); the reason is kept. */
export async function blockPosting(db: Database, viewer: Viewer, id: string, reason: string): Promise<PostingRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以屏蔽岗位", "Only administrators block postings"));
  const why = reason.trim();
  if (why.length === 0 || why.length > 500) throw badInput("reason", msg("须填写原因（1–500 个字符）", "A reason of 1–500 characters is required"));
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    return updatePostingRow(tx, posting.id, { status: "BLOCKED", heldByScreening: false, blockedReason: why, closedAt: new Date(), closedBy: actorOf(viewer) });
  });
}

/** A blocked posting goes back to DRAFT: its employer fixes it and publishes again. */
export async function unblockPosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以解除岗位屏蔽", "Only administrators unblock postings"));
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    if (posting.status !== "BLOCKED") throw conflict(msg("该岗位未被屏蔽", "The posting is not blocked"));
    return updatePostingRow(tx, posting.id, { status: "DRAFT", blockedReason: null });
  });
}

/** Writes EXPIRED for open postings past their date, and ends their open referrals, in one transaction. */
export function expirePostings(db: Database): Promise<number> {
  return db.transaction((tx) => expireOverduePostings(tx));
}

