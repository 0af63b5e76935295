import { validate, type ValidationError } from "class-validator";
import { findControlCharacter } from "../../text-input.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, conflict, DomainError, forbidden, notFound } from "../../errors.js";
import { actorOf, regionWithinScope, Role, type Viewer } from "../../auth/viewer.js";
import { decodeCursor, pageFromRows, type Page } from "../../pagination.js";
import type { createPostingLoaders } from "./posting.loaders.js";
import { loggableError, type Logger } from "../../logger.js";
import { findEmployerForPosting, insertEmployerIfAbsent } from "../employers/employer.service.js";
import { getRegionsByCodes } from "../regions/region.service.js";
import { requireCounty } from "../regions/region.service.js";
import {
  countPostings,
  expireOverduePostings,
  findPartnerPosting,
  findPostingById,
  insertPartnerPostingIfAbsent,
  insertPosting,
  listPostings,
  updatePostingRow,
  type PostingQuery,
  type PostingVisibility,
} from "./posting.repository.js";
import {
  PartnerPostingInput,
  PartnerEmployerInput,
  type CreatePostingInput,
  type PostingFieldsInput,
  type PostingFilter,
  type UpdatePostingInput,
} from "./posting.inputs.js";
import type { PostingRow } from "./posting.table.js";
import { UpsertOutcome } from "./posting.type.js";

/** One item's fate in a partner push (the GraphQL `PartnerItemResult`). */
export interface PartnerItemResult {
  index: number;
  externalId: string | null;
  outcome: UpsertOutcome;
  posting: PostingRow | null;
  error: { code: string; field: string | null; message: string } | null;
}

// ---------------------------------------------------------------- who may do what

/** What a viewer may see beyond public postings (OPEN, CLOSED, EXPIRED). */
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
function isNamedEmployer(viewer: Viewer, posting: Pick<PostingRow, "employerId">): boolean {
  return viewer.kind === "user" && viewer.role === Role.EMPLOYER && posting.employerId === viewer.employerId;
}

/** The single-read form of `visibilityFor` (the list's SQL): the two must agree. */
function canSee(viewer: Viewer, posting: PostingRow): boolean {
  return (posting.status !== "DRAFT" && posting.status !== "BLOCKED") || canManagePosting(viewer, posting) || isNamedEmployer(viewer, posting);
}

/** Loads a posting for a change, locked; refuses what the viewer may not manage (or, for closing, close). */
async function lockManagedPosting(tx: Executor, viewer: Viewer, id: string, purpose: "manage" | "close" = "manage"): Promise<PostingRow> {
  const postingId = parseId(id, "id");
  const posting = await findPostingById(tx, postingId, { forUpdate: true });
  // A posting the viewer cannot even see is "not found", so ids do not leak drafts.
  if (!posting || !canSee(viewer, posting)) throw notFound("Posting", postingId);
  const allowed = canManagePosting(viewer, posting) || (purpose === "close" && isNamedEmployer(viewer, posting));
  if (!allowed) {
    throw forbidden(posting.source === "PARTNER" ? "This posting is managed by the partner site that pushed it" : "You cannot change this posting");
  }
  return posting;
}

// ---------------------------------------------------------------- rules on the fields

function assertSalaryRange(min: number | null | undefined, max: number | null | undefined, field: string): void {
  if (min != null && max != null && min > max) throw badInput(field, `salaryMin (${min}) must not exceed salaryMax (${max})`);
}

function assertFuture(validUntil: Date, field: string, now = new Date()): void {
  if (!(validUntil.getTime() > now.getTime())) throw badInput(field, "validUntil must be in the future");
}

const cleanTags = (tags: readonly string[]) => [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))];

/** The columns an employer's or a partner's posting input writes, normalised the same way for both. */
function columnsFromInput(input: PostingFieldsInput) {
  return {
    title: input.title.trim(),
    description: input.description,
    occupation: input.occupation ?? null,
    skills: cleanTags(input.skills),
    majors: cleanTags(input.majors),
    minEducation: input.minEducation,
    regionCode: input.regionCode,
    salaryMin: input.salaryMin ?? null,
    salaryMax: input.salaryMax ?? null,
    headcount: input.headcount,
    kind: input.kind,
    forKeyGroups: input.forKeyGroups,
    validUntil: input.validUntil,
  };
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
  };
}

/** The `postings` query: newest first; OPEN only unless the filter asks for other statuses the viewer may see. */
export async function listVisiblePostings(
  db: Database,
  viewer: Viewer,
  filter: PostingFilter | undefined | null,
  page: { first: number; after?: string | null },
): Promise<Page<PostingRow>> {
  const q = postingQueryFor(viewer, filter);
  const afterId = decodeCursor(page.after);
  const rows = await listPostings(db, q, { ...(afterId ? { afterId } : {}), limit: page.first + 1 });
  return pageFromRows(rows, page.first, () => countPostings(db, q));
}

/** `Employer.postings`: one employer's page, batched across the employers of a list by the loaders. */
export async function employerPostingsPage(
  loaders: Pick<ReturnType<typeof createPostingLoaders>, "employerPostings" | "employerPostingCount">,
  viewer: Viewer,
  employerId: string,
  filter: PostingFilter | null | undefined,
  page: { first: number; after?: string | null },
): Promise<Page<PostingRow>> {
  const afterId = decodeCursor(page.after);
  const key = { employerId, query: postingQueryFor(viewer, { ...filter, employerId: undefined }), ...(afterId ? { afterId } : {}), limit: page.first + 1 };
  const rows = await loaders.employerPostings.load(key);
  return pageFromRows(rows, page.first, () => loaders.employerPostingCount.load(key));
}

// ---------------------------------------------------------------- the lifecycle

/** Creates a DRAFT. An employer posts as itself; caseworkers and admins name the employer. */
export async function createPosting(db: Database, viewer: Viewer, input: CreatePostingInput): Promise<PostingRow> {
  if (viewer.kind !== "user") throw forbidden("Only employers, caseworkers and admins create postings");
  let employerId: string;
  if (viewer.role === Role.EMPLOYER) {
    if (input.employerId && parseId(input.employerId, "input.employerId") !== viewer.employerId) throw forbidden("An employer posts only as itself");
    employerId = viewer.employerId!;
  } else if (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER) {
    if (!input.employerId) throw badInput("input.employerId", "employerId is required when posting for an employer");
    employerId = parseId(input.employerId, "input.employerId");
  } else {
    throw forbidden("Only employers, caseworkers and admins create postings");
  }
  assertSalaryRange(input.salaryMin, input.salaryMax, "input.salaryMax");
  assertFuture(input.validUntil, "input.validUntil");
  await requireCounty(db, input.regionCode, "input.regionCode");
  const employer = await findEmployerForPosting(db, employerId);
  if (!employer) throw notFound("Employer", employerId);
  const draft = { employerId, regionCode: input.regionCode, source: "EMPLOYER" as const, partnerId: null };
  if (!canManagePosting(viewer, draft)) throw forbidden(`Region ${input.regionCode} is outside your scope`);

  return db.transaction((tx) => insertPosting(tx, {
    id: newId(),
    employerId,
    ...columnsFromInput(input),
    status: "DRAFT",
    source: "EMPLOYER",
    createdBy: actorOf(viewer),
  }));
}

// Only these may be cleared with an explicit null; the others are required once written.
const CLEARABLE = new Set(["occupation", "salaryMin", "salaryMax"]);

export async function updatePosting(db: Database, viewer: Viewer, id: string, input: UpdatePostingInput): Promise<PostingRow> {
  for (const [field, value] of Object.entries(input)) {
    if (value === null && !CLEARABLE.has(field)) throw badInput(`input.${field}`, `${field} cannot be null; leave it out to keep it`);
  }
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    if (posting.status === "BLOCKED") throw conflict("A blocked posting cannot be edited; an administrator must unblock it first");
    const salaryMin = input.salaryMin !== undefined ? input.salaryMin : posting.salaryMin;
    const salaryMax = input.salaryMax !== undefined ? input.salaryMax : posting.salaryMax;
    assertSalaryRange(salaryMin, salaryMax, input.salaryMax !== undefined ? "input.salaryMax" : "input.salaryMin");
    if (input.validUntil && posting.status === "OPEN") assertFuture(input.validUntil, "input.validUntil");
    if (input.regionCode && input.regionCode !== posting.regionCode) {
      await requireCounty(tx, input.regionCode, "input.regionCode");
      if (!canManagePosting(viewer, { ...posting, regionCode: input.regionCode })) throw forbidden(`Region ${input.regionCode} is outside your scope`);
    }
    return updatePostingRow(tx, posting.id, {
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
    });
  });
}

/** DRAFT, CLOSED or EXPIRED → OPEN; validUntil (the stored one, or a new one given here) must be in the future. */
export async function publishPosting(db: Database, viewer: Viewer, id: string, validUntil?: Date | null): Promise<PostingRow> {
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    if (posting.status === "OPEN") throw conflict("The posting is already open");
    if (posting.status === "BLOCKED") throw conflict("A blocked posting cannot be published");
    const until = validUntil ?? posting.validUntil;
    assertFuture(until, validUntil ? "validUntil" : "posting.validUntil");
    return updatePostingRow(tx, posting.id, { status: "OPEN", validUntil: until, publishedAt: new Date(), closedAt: null, closedBy: null });
  });
}

/**
 * Closing is idempotent: a closed posting stays closed. A draft may be closed too (discarded). The
 * employer named on a partner's copy may close it, and the partner's re-push does not reopen it.
 */
export async function closePosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow> {
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id, "close");
    if (posting.status === "CLOSED") return posting;
    if (posting.status === "BLOCKED") throw conflict("A blocked posting cannot be closed; it is already withdrawn");
    return updatePostingRow(tx, posting.id, { status: "CLOSED", closedAt: new Date(), closedBy: actorOf(viewer) });
  });
}

/** An administrator withdraws a false or discriminatory posting (虚假招聘、就业歧视); the reason is kept. */
export async function blockPosting(db: Database, viewer: Viewer, id: string, reason: string): Promise<PostingRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden("Only administrators block postings");
  const why = reason.trim();
  if (why.length === 0 || why.length > 500) throw badInput("reason", "A reason of 1–500 characters is required");
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    return updatePostingRow(tx, posting.id, { status: "BLOCKED", blockedReason: why, closedAt: new Date(), closedBy: actorOf(viewer) });
  });
}

/** A blocked posting goes back to DRAFT: its employer fixes it and publishes again. */
export async function unblockPosting(db: Database, viewer: Viewer, id: string): Promise<PostingRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden("Only administrators unblock postings");
  return db.transaction(async (tx) => {
    const posting = await lockManagedPosting(tx, viewer, id);
    if (posting.status !== "BLOCKED") throw conflict("The posting is not blocked");
    return updatePostingRow(tx, posting.id, { status: "DRAFT", blockedReason: null });
  });
}

/** Writes EXPIRED for open postings past their date, and ends their open referrals, in one transaction. */
export function expirePostings(db: Database): Promise<number> {
  return db.transaction((tx) => expireOverduePostings(tx));
}

// ---------------------------------------------------------------- partner pushes

function firstValidationProblem(errors: ValidationError[], path: string): { field: string; message: string } | null {
  for (const error of errors) {
    const field = `${path}.${error.property}`;
    const message = error.constraints ? Object.values(error.constraints)[0] : undefined;
    if (message) return { field, message };
    const nested = firstValidationProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return null;
}

function asInstance(item: PartnerPostingInput): PartnerPostingInput {
  // type-graphql hands over class instances; plain objects (CLI, tests) are lifted so the decorators apply.
  if (item instanceof PartnerPostingInput && item.employer instanceof PartnerEmployerInput) return item;
  return Object.assign(new PartnerPostingInput(), item, { employer: Object.assign(new PartnerEmployerInput(), item.employer) });
}

const SAME_FIELDS = ["title", "description", "occupation", "minEducation", "regionCode", "salaryMin", "salaryMax", "headcount", "kind", "forKeyGroups", "status"] as const;

function unchanged(existing: PostingRow, next: Record<(typeof SAME_FIELDS)[number], unknown> & { skills: string[]; majors: string[]; validUntil: Date; employerId: string }): boolean {
  return (
    SAME_FIELDS.every((f) => existing[f] === next[f]) &&
    existing.skills.join("\u0000") === next.skills.join("\u0000") &&
    existing.majors.join("\u0000") === next.majors.join("\u0000") &&
    existing.validUntil.getTime() === next.validUntil.getTime() &&
    existing.employerId === next.employerId
  );
}

/**
 * A partner site's bulk push: idempotent by (partner, externalId), one result per item. Each item
 * is its own transaction, so a bad item is reported and the good ones land.
 */
export async function upsertPartnerPostings(
  db: Database,
  viewer: Viewer,
  items: PartnerPostingInput[],
  opts: { maxBatch: number; log: Logger },
): Promise<PartnerItemResult[]> {
  if (viewer.kind !== "partner") throw forbidden("Only partner sites push postings");
  if (!viewer.scopes.includes("postings:write")) throw forbidden("This API key lacks the postings:write scope");
  if (items.length > opts.maxBatch) throw badInput("postings", `At most ${opts.maxBatch} postings per request (got ${items.length})`);

  // Every well-formed region code of the batch, checked in one query (a malformed one — NUL and all —
  // is its item's own rejection, never part of a query).
  const codes = new Set(items.flatMap((i) => [i?.regionCode, i?.employer?.regionCode]).filter((c): c is string => typeof c === "string" && /^\d{6}$/.test(c)));
  const regionLevels = new Map((await getRegionsByCodes(db, [...codes])).map((r) => [r.code, r.level]));
  const countyProblem = (code: string) =>
    !regionLevels.has(code) ? `Unknown region code ${code}` : regionLevels.get(code) !== "COUNTY" ? `${code} is not a county` : null;

  const seen = new Set<string>();
  const results: PartnerItemResult[] = [];
  for (const [index, raw] of items.entries()) {
    const path = `postings.${index}`;
    const reject = (error: DomainError): PartnerItemResult => ({
      index,
      externalId: raw?.externalId ?? null,
      outcome: UpsertOutcome.REJECTED,
      posting: null,
      error: { code: error.code, field: error.details.field ?? null, message: error.message },
    });
    try {
      const item = asInstance(raw);
      const control = findControlCharacter(raw, path);
      if (control) throw badInput(control, `${control} contains a control character`);
      const problem = firstValidationProblem(await validate(item, { forbidUnknownValues: false }), path);
      if (problem) throw badInput(problem.field, problem.message);
      if (seen.has(item.externalId)) throw conflict(`externalId ${item.externalId} appears twice in this batch`, { field: `${path}.externalId` });
      seen.add(item.externalId);
      const regionIssue = countyProblem(item.regionCode);
      if (regionIssue) throw badInput(`${path}.regionCode`, regionIssue);
      const employerRegionIssue = countyProblem(item.employer.regionCode);
      if (employerRegionIssue) throw badInput(`${path}.employer.regionCode`, employerRegionIssue);
      assertSalaryRange(item.salaryMin, item.salaryMax, `${path}.salaryMax`);
      if (item.status === "OPEN") assertFuture(item.validUntil, `${path}.validUntil`);
      results.push(await upsertOnePartnerPosting(db, viewer, item, index));
    } catch (error) {
      if (error instanceof DomainError) {
        results.push(reject(error));
      } else {
        opts.log.error({ err: loggableError(error), index }, "partner posting upsert failed");
        results.push(reject(new DomainError("BAD_USER_INPUT", "This item could not be stored")));
      }
    }
  }
  return results;
}

async function upsertOnePartnerPosting(
  db: Database,
  viewer: Extract<Viewer, { kind: "partner" }>,
  item: PartnerPostingInput,
  index: number,
): Promise<PartnerItemResult> {
  return db.transaction(async (tx) => {
    const employerName = item.employer.name.trim();
    const employer = await insertEmployerIfAbsent(tx, {
      id: newId(),
      name: employerName,
      creditCode: item.employer.creditCode.toUpperCase(),
      regionCode: item.employer.regionCode,
      verified: false,
      createdBy: actorOf(viewer),
    });
    // A credit code is public: pushing it with another name would post in a real employer's name.
    if (employer.name !== employerName) {
      throw conflict(`Credit code ${employer.creditCode} is registered to "${employer.name}", not "${employerName}"`, { field: `postings.${index}.employer.name` });
    }
    const status = item.status === "CLOSED" ? ("CLOSED" as const) : ("OPEN" as const);
    const fields = { employerId: employer.id, ...columnsFromInput(item), status };
    const now = new Date();
    const createdId = await insertPartnerPostingIfAbsent(tx, {
      id: newId(),
      ...fields,
      publishedAt: status === "OPEN" ? now : null,
      closedAt: status === "CLOSED" ? now : null,
      closedBy: status === "CLOSED" ? actorOf(viewer) : null,
      source: "PARTNER",
      partnerId: viewer.partnerId,
      externalId: item.externalId,
      createdBy: actorOf(viewer),
    });
    if (createdId) {
      const posting = (await findPostingById(tx, createdId))!;
      return { index, externalId: item.externalId, outcome: UpsertOutcome.CREATED, posting, error: null };
    }
    const existing = (await findPartnerPosting(tx, viewer.partnerId, item.externalId))!;
    if (existing.status === "BLOCKED") throw forbidden("This posting was blocked by an administrator and cannot be changed");
    if (existing.status === "CLOSED" && existing.closedBy !== null && existing.closedBy !== actorOf(viewer)) {
      throw conflict("This posting was closed by its employer or an official and is not reopened by a re-push", { field: `postings.${index}.status` });
    }
    if (unchanged(existing, fields)) return { index, externalId: item.externalId, outcome: UpsertOutcome.UNCHANGED, posting: existing, error: null };
    const reopened = status === "OPEN" && existing.status !== "OPEN";
    const closed = status === "CLOSED" && existing.status !== "CLOSED";
    const posting = await updatePostingRow(tx, existing.id, {
      ...fields,
      ...(reopened ? { publishedAt: now, closedAt: null, closedBy: null } : {}),
      ...(closed ? { closedAt: now, closedBy: actorOf(viewer) } : {}),
    });
    return { index, externalId: item.externalId, outcome: UpsertOutcome.UPDATED, posting, error: null };
  });
}
