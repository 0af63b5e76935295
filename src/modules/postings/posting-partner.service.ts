import { validate, type ValidationError } from "class-validator";
import { actorOf, type Viewer } from "../../auth/viewer.js";
import type { Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput, conflict, DomainError, forbidden, type DomainErrorCode } from "../../errors.js";
import { msg, say, validatorMessage } from "../../i18n.js";
import { loggableError, type Logger } from "../../logger.js";
import { refuseBadText } from "../../text-input.js";
import { insertEmployerIfAbsent, lockEmployer } from "../employers/employer.service.js";
import { isPartnerLinked } from "../partners/partner-link.service.js";
import { getRegionsByCodes } from "../regions/region.service.js";
import { assertSalaryRange, assertValidUntil, columnsFromInput } from "./posting.fields.js";
import { PartnerEmployerInput, PartnerPostingInput } from "./posting.inputs.js";
import { findPartnerPosting, findPostingById, insertPartnerPostingIfAbsent, updatePostingRow } from "./posting.repository.js";
import type { PostingRow } from "./posting.table.js";
import { PostingHoldReason, UpsertOutcome } from "./posting.type.js";
import { describeHolding, recordScreening, screenContent, screeningRuleSet, type CompiledRuleSet, type ScreeningResult } from "../screening/screening.service.js";
import { heldAfterScreening, screeningInputOf } from "./posting-screening.js";

/** One item's fate in a partner push (the GraphQL `PartnerItemResult`). */
export interface PartnerItemResult {
  index: number;
  externalId: string | null;
  outcome: UpsertOutcome;
  posting: PostingRow | null;
  error: { code: DomainErrorCode; field: string | null; message: string } | null;
  /** Why the posting is held PENDING_REVIEW instead of public (null when it is not held). */
  held: { reason: PostingHoldReason; message: string } | null;
}

const UNLINKED_HOLD = {
  reason: PostingHoldReason.UNLINKED_EMPLOYER,
  message: say(
    msg(
      "此用人单位尚未与贵平台关联：岗位已保存为待审核（PENDING_REVIEW），公众不可见；用人单位接受关联申请（requestEmployerLink）或经办人员关联后自动发布",
      "This employer is not linked to your site: the posting is stored PENDING_REVIEW, not public; it is released when the employer accepts your link request (requestEmployerLink) or a caseworker links you",
    ),
  ),
};

/** A posting held by screening: the rules named (those of this push's screening; none when it was held before and the words are gone). */
function screeningHold(rules: CompiledRuleSet, screening: ScreeningResult, linked: boolean): { reason: PostingHoldReason; message: string } {
  const named = describeHolding(rules, screening.holding.length > 0 ? screening.holding : screening.hits.filter((h) => h.severity === "HIGH"));
  const why = named
    ? msg(`岗位内容触发审核规则 ${named}`, `The posting's words hit screening rule(s) ${named}`)
    : msg("岗位此前因审核规则被暂扣，修改内容不会自动解除", "The posting was held by screening before; editing it does not release it");
  const tail = linked
    ? msg("已保存为待审核（PENDING_REVIEW），公众不可见，经办人员审核（reviewPosting）通过后发布", "it is stored PENDING_REVIEW, not public, until an official reviews it (reviewPosting)")
    : msg("已保存为待审核（PENDING_REVIEW），公众不可见；须经办人员审核通过，且用人单位与贵平台关联后发布", "it is stored PENDING_REVIEW, not public, until an official reviews it and the employer is linked to your site");
  return { reason: PostingHoldReason.SCREENING, message: `${say(why)}: ${say(tail)}` };
}

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
  if (viewer.kind !== "partner") throw forbidden(msg("只有合作平台可以推送岗位", "Only partner sites push postings"));
  if (!viewer.scopes.includes("postings:write")) throw forbidden(msg("此 API 密钥没有 postings:write 权限范围", "This API key lacks the postings:write scope"));
  if (items.length > opts.maxBatch) throw badInput("postings", msg(`每次请求最多推送 ${opts.maxBatch} 个岗位（本次 ${items.length} 个）`, `At most ${opts.maxBatch} postings per request (got ${items.length})`));

  // Every well-formed region code of the batch, checked in one query (a malformed one — NUL and all —
  // is its item's own rejection, never part of a query).
  const codes = new Set(items.flatMap((i) => [i?.regionCode, i?.employer?.regionCode]).filter((c): c is string => typeof c === "string" && /^\d{6}$/.test(c)));
  const regionLevels = new Map((await getRegionsByCodes(db, [...codes])).map((r) => [r.code, r.level]));
  const countyProblem = (code: string) =>
    !regionLevels.has(code) ? msg(`未知的地区代码 ${code}`, `Unknown region code ${code}`) : regionLevels.get(code) !== "COUNTY" ? msg(`${code} 不是县级行政区代码`, `${code} is not a county`) : null;

  // The rule set once per batch: every item of a push is screened by the same rules.
  const rules = await screeningRuleSet(db);
  const seen = new Set<string>();
  const results: PartnerItemResult[] = [];
  for (const [index, raw] of items.entries()) {
    const path = `postings.${index}`;
    const reject = (error: DomainError): PartnerItemResult => ({
      index,
      externalId: raw?.externalId ?? null,
      outcome: UpsertOutcome.REJECTED,
      posting: null,
      error: { code: error.code, field: error.details.field ?? null, message: say(error.text) },
      held: null,
    });
    try {
      const item = asInstance(raw);
      refuseBadText(raw, path);
      const problem = firstValidationProblem(await validate(item, { forbidUnknownValues: false }), path);
      if (problem) throw badInput(problem.field, validatorMessage(problem.message));
      if (seen.has(item.externalId)) throw conflict(msg(`externalId ${item.externalId} 在本批次中重复出现`, `externalId ${item.externalId} appears twice in this batch`), { field: `${path}.externalId` });
      seen.add(item.externalId);
      const regionIssue = countyProblem(item.regionCode);
      if (regionIssue) throw badInput(`${path}.regionCode`, regionIssue);
      const employerRegionIssue = countyProblem(item.employer.regionCode);
      if (employerRegionIssue) throw badInput(`${path}.employer.regionCode`, employerRegionIssue);
      assertSalaryRange(item.salaryMin, item.salaryMax, `${path}.salaryMax`);
      assertValidUntil(item.validUntil, `${path}.validUntil`, { future: item.status === "OPEN" });
      results.push(await upsertOnePartnerPosting(db, viewer, item, index, rules));
    } catch (error) {
      if (error instanceof DomainError) {
        results.push(reject(error));
      } else {
        opts.log.error({ err: loggableError(error), index }, "partner posting upsert failed");
        results.push(reject(new DomainError("BAD_USER_INPUT", msg("此条目未能保存", "This item could not be stored"))));
      }
    }
  }
  return results;
}

/**
 * One pushed item, in its own transaction. The push rule (issue 22): a posting for an employer not
 * ACTIVE-linked to the partner is stored PENDING_REVIEW whatever status the item says — a CLOSED
 * item too, with its closing recorded so a later link never opens it — and any change to it is held
 * again while unlinked (an unchanged re-push changes nothing, an approved posting stays approved).
 */
async function upsertOnePartnerPosting(
  db: Database,
  viewer: Extract<Viewer, { kind: "partner" }>,
  item: PartnerPostingInput,
  index: number,
  rules: CompiledRuleSet,
): Promise<PartnerItemResult> {
  return db.transaction(async (tx) => {
    const employerName = item.employer.name.trim();
    const by = actorOf(viewer);
    const employer = await insertEmployerIfAbsent(tx, {
      id: newId(),
      name: employerName,
      creditCode: item.employer.creditCode.toUpperCase(),
      regionCode: item.employer.regionCode,
      verified: false,
      // The first push of a code claims the record; the real company's registration takes it over.
      claimedByPartnerId: viewer.partnerId,
      createdBy: by,
    });
    // A credit code is public: pushing it with another name would post in a real employer's name.
    if (employer.name !== employerName) {
      throw conflict(msg(`统一社会信用代码 ${employer.creditCode} 登记的用人单位是“${employer.name}”，而不是“${employerName}”`, `Credit code ${employer.creditCode} is registered to "${employer.name}", not "${employerName}"`), { field: `postings.${index}.employer.name` });
    }
    // Before reading the link: a link decided meanwhile (it locks the employer FOR UPDATE) waits for this push, or this push for it.
    await lockEmployer(tx, employer.id, "key share");
    const linked = await isPartnerLinked(tx, viewer.partnerId, employer.id);
    const wanted = item.status === "CLOSED" ? ("CLOSED" as const) : ("OPEN" as const);
    const content = { employerId: employer.id, ...columnsFromInput(item) };
    const now = new Date();
    const result = (outcome: UpsertOutcome, posting: PostingRow, screening: ScreeningResult): PartnerItemResult => ({
      index,
      externalId: item.externalId,
      outcome,
      posting,
      error: null,
      held: posting.status !== "PENDING_REVIEW" ? null : posting.heldByScreening ? screeningHold(rules, screening, linked) : !linked ? UNLINKED_HOLD : null,
    });

    // Screened before it is stored (a new posting has nothing approved: no read unless something is found).
    const input = screeningInputOf({ ...content, occupation: content.occupation ?? null, salaryMin: content.salaryMin ?? null, salaryMax: content.salaryMax ?? null });
    const first = await screenContent(tx, rules, null, input);
    // A new posting that would be public (OPEN or CLOSED: the public reads a closed one too) or is held for its
    // link: a HIGH hit holds it for review too (a CLOSED item keeps its closing: CLOSED once approved).
    const heldNew = heldAfterScreening(false, first, true);
    const createdId = await insertPartnerPostingIfAbsent(tx, {
      id: newId(),
      ...content,
      status: linked && !heldNew ? wanted : "PENDING_REVIEW",
      heldByScreening: heldNew,
      publishedAt: linked && !heldNew && wanted === "OPEN" ? now : null,
      closedAt: wanted === "CLOSED" ? now : null,
      closedBy: wanted === "CLOSED" ? by : null,
      source: "PARTNER",
      partnerId: viewer.partnerId,
      externalId: item.externalId,
      createdBy: by,
    });
    if (createdId) {
      await recordScreening(tx, createdId, first, { fresh: true });
      return result(UpsertOutcome.CREATED, (await findPostingById(tx, createdId))!, first);
    }

    const existing = (await findPartnerPosting(tx, viewer.partnerId, item.externalId))!;
    // An existing posting's hits carry an official's approval of the same rule and words.
    const screening = first.hits.length === 0 ? first : await screenContent(tx, rules, existing.id, input);
    if (existing.status === "BLOCKED") throw forbidden(msg("此岗位已被管理员屏蔽，不能修改", "This posting was blocked by an administrator and cannot be changed"));
    const closedByOther = existing.closedAt !== null && existing.closedBy !== null && existing.closedBy !== by;
    if ((existing.status === "CLOSED" || existing.status === "PENDING_REVIEW") && closedByOther) {
      throw conflict(msg("此岗位已被用人单位或工作人员关闭，重新推送不会使其重新开放", "This posting was closed by its employer or an official and is not reopened by a re-push"), { field: `postings.${index}.status` });
    }
    const sameContent = unchanged(existing, { ...content, status: existing.status });
    const heldClosed = existing.status === "PENDING_REVIEW" && existing.closedAt !== null;
    // Where the posting stands as the item asks: linked, the item's status; unlinked, held (open or closed) —
    // but an unchanged approved posting stays as it is, and an approved posting may be closed.
    const linkStatus = linked
      ? wanted
      : sameContent && wanted === "OPEN" && existing.status === "OPEN"
        ? "OPEN"
        : sameContent && wanted === "CLOSED" && (existing.status === "OPEN" || existing.status === "CLOSED")
          ? "CLOSED"
          : "PENDING_REVIEW";
    // Screening (issue 23): held by it, a posting stays held (an edit does not release it, nor does closing make it
    // public: it stays PENDING_REVIEW with its closing recorded); new HIGH words hold it whatever status it would
    // have (OPEN or CLOSED are public; one held for its link would be public once linked).
    const heldByScreening = heldAfterScreening(existing.heldByScreening, screening, true);
    const status = heldByScreening ? "PENDING_REVIEW" : linkStatus;
    const closedNow = status === "CLOSED" || (status === "PENDING_REVIEW" && wanted === "CLOSED");
    const sameStatus = existing.status === status && existing.heldByScreening === heldByScreening && (status !== "PENDING_REVIEW" || heldClosed === closedNow);
    if (sameContent && sameStatus) return result(UpsertOutcome.UNCHANGED, existing, screening);
    await recordScreening(tx, existing.id, screening);
    const posting = await updatePostingRow(tx, existing.id, {
      ...content,
      status,
      heldByScreening,
      ...(status === "OPEN" && existing.status !== "OPEN" ? { publishedAt: now } : {}),
      ...(closedNow ? (existing.closedAt ? {} : { closedAt: now, closedBy: by }) : { closedAt: null, closedBy: null }),
    });
    return result(UpsertOutcome.UPDATED, posting, screening);
  });
}
