/**
 * Screening postings before the public sees them (issue 23): the rules in force (policy data,
 * versioned per code, saved by administrators), compiled once per rule-set version and cached per
 * process; a posting's screening in the transaction that writes it (its hits replace the last
 * screening's, keeping an official's approval of the same rule + words). What a hit does to the
 * posting's status — HIGH holds it PENDING_REVIEW, LOW only flags it — is the postings module's
 * rule (posting-screening.ts, posting-review.service.ts), which calls the functions here.
 */
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput, DomainError, forbidden } from "../../errors.js";
import { msg, type Message } from "../../i18n.js";
import { auditDecision } from "../audit/audit.service.js";
import {
  approvePostingHits,
  deletePostingHits,
  insertPostingHits,
  insertRuleVersion,
  listHitsOfPostings,
  listOccupationSalaries,
  listPostingHits,
  listRuleRows,
  ruleSetStamp,
  type HitWithRule,
} from "./screening.repository.js";
import { compileRules, validateRuleInput, type CompiledRuleSet, type ScreeningHit, type ScreeningInput, type Severity } from "./screening-rules.js";
import type { PostingScreeningRow, ScreeningRuleRow } from "./screening.table.js";

export type { HitWithRule } from "./screening.repository.js";
export type { CompiledRuleSet, ScreeningInput } from "./screening-rules.js";

// ---------------------------------------------------------------- the rule set, cached per process

/**
 * How often a process asks whether the rules changed (one tiny `count(*), max(created_at)` query):
 * a rule saved on one replica applies on every other within this long; on the replica that saved
 * it, at once (the save drops its cache).
 */
export const RULES_RECHECK_MS = 1_000;

interface CachedRuleSet {
  stamp: string;
  checkedAt: number;
  set: CompiledRuleSet;
}

// One cache per database handle: a process serving one database has one entry (tests run several apps in a process).
const cache = new WeakMap<object, CachedRuleSet>();
const loading = new WeakMap<object, Promise<CachedRuleSet>>();

async function loadRuleSet(db: Executor): Promise<CachedRuleSet> {
  const stamp = await ruleSetStamp(db);
  const current = cache.get(db);
  if (current && current.stamp === stamp) return { ...current, checkedAt: Date.now() };
  const [rows, salaries] = await Promise.all([listRuleRows(db), listOccupationSalaries(db)]);
  return { stamp, checkedAt: Date.now(), set: compileRules(rows, salaries) };
}

/** The compiled rules in force (with the occupation salaries), recompiled when a rule was saved since. */
export async function screeningRuleSet(db: Database): Promise<CompiledRuleSet> {
  const current = cache.get(db);
  if (current && Date.now() - current.checkedAt < RULES_RECHECK_MS) return current.set;
  let pending = loading.get(db);
  if (!pending) {
    pending = loadRuleSet(db).then(
      (loaded) => {
        cache.set(db, loaded);
        loading.delete(db);
        return loaded;
      },
      (error: unknown) => {
        loading.delete(db);
        throw error;
      },
    );
    loading.set(db, pending);
  }
  return (await pending).set;
}

// ---------------------------------------------------------------- the rules, for officials

export interface ScreeningRuleHistory {
  code: string;
  /** The highest version: the rule in force unless it is inactive. */
  current: ScreeningRuleRow;
  versions: ScreeningRuleRow[];
}

/** Every rule code with its versions (the highest in force unless retired), for officials. */
export async function listScreeningRules(db: Executor, viewer: Viewer): Promise<ScreeningRuleHistory[]> {
  if (!(viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER))) throw forbidden(msg("只有经办人员和管理员可以查看审核规则", "Only caseworkers and administrators read the screening rules"));
  const byCode = new Map<string, ScreeningRuleRow[]>();
  for (const row of await listRuleRows(db)) byCode.set(row.code, [...(byCode.get(row.code) ?? []), row]);
  return [...byCode.entries()].map(([code, versions]) => ({ code, current: versions[versions.length - 1]!, versions }));
}

export interface SaveScreeningRule {
  code: string;
  description: string;
  severity: string;
  /** The matcher as JSON text (see screening-rules.ts, `Matcher`). */
  matcher: string;
  active?: boolean | null;
}

/** A new version of a screening rule (administrators): refused, with nothing written, unless the engine accepts it (validateRuleInput). Audited. */
export async function saveScreeningRule(db: Database, viewer: Viewer, input: SaveScreeningRule): Promise<ScreeningRuleRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以修改审核规则", "Only administrators change the screening rules"));
  let matcher: unknown;
  try {
    matcher = JSON.parse(input.matcher);
  } catch {
    throw badInput("input.matcher", msg("matcher 不是有效的 JSON", "matcher is not valid JSON"));
  }
  const candidate = { code: input.code.trim(), description: input.description.trim(), severity: input.severity, matcher };
  let stored: unknown;
  try {
    // The engine's own checks (and a pattern's time budget on the sample texts); its fields are the rule's, ours the argument's.
    stored = await validateRuleInput(candidate);
  } catch (error) {
    if (error instanceof DomainError && error.details.field) throw new DomainError(error.code, error.text as Message, { ...error.details, field: `input.${error.details.field}` });
    throw error;
  }
  const saved = await db.transaction(async (tx) => {
    const row = await insertRuleVersion(tx, { id: newId(), ...candidate, matcher: stored, active: input.active ?? true, createdBy: actorOf(viewer) });
    await auditDecision(tx, viewer, { action: "SCREENING_RULE_SAVED", detail: { code: row.code, version: row.version, severity: row.severity, active: row.active } });
    return row;
  });
  // This replica applies the rule at once; the others within RULES_RECHECK_MS.
  cache.delete(db);
  return saved;
}

// ---------------------------------------------------------------- a posting's screening

export interface RecordedHit extends ScreeningHit {
  /** An official let these words stand for this rule (an earlier review). */
  approved: boolean;
}

export interface ScreeningResult {
  hits: RecordedHit[];
  /** HIGH hits no official approved: the posting is held when it would be public. */
  holding: RecordedHit[];
  /** The stored hits read to carry approvals over (null: none needed — nothing was found). */
  previous: PostingScreeningRow[] | null;
}

const approvalKey = (h: { ruleCode: string; excerpt: string }) => `${h.ruleCode}\u0000${h.excerpt}`;

/**
 * Screens a posting's content (`postingId` null: a new posting, nothing approved yet). Reads the
 * stored hits only when something was found; writes nothing (recordScreening does).
 */
export async function screenContent(tx: Executor, set: CompiledRuleSet, postingId: string | null, input: ScreeningInput): Promise<ScreeningResult> {
  // A list field's span is reported in its items joined with '，' (ScreeningHit.start's GraphQL contract), not within the item.
  const joinedAt = (list: readonly string[], item: number) => list.slice(0, item).reduce((n, s) => n + s.length + 1, 0);
  const found = set.screen(input).map((h) => {
    if (h.item === undefined || h.start === null || h.end === null) return h;
    const at = joinedAt(h.field === "majors" ? input.majors : input.skills, h.item);
    return { ...h, start: h.start + at, end: h.end + at };
  });
  if (found.length === 0) return { hits: [], holding: [], previous: null };
  const previous = postingId ? await listPostingHits(tx, postingId) : [];
  const approved = new Set(previous.filter((p) => p.approved).map(approvalKey));
  const hits = found.map((h) => ({ ...h, approved: approved.has(approvalKey(h)) }));
  return { hits, holding: hits.filter((h) => h.severity === "HIGH" && !h.approved), previous };
}

const storedKey = (h: { ruleCode: string; ruleVersion: number; field: string; start: number | null; end: number | null; excerpt: string; approved: boolean }) =>
  [h.ruleCode, h.ruleVersion, h.field, h.start ?? "", h.end ?? "", h.excerpt, h.approved].join("\u0000");

/** Replaces the posting's stored hits with this screening's (nothing written when they are the same; `fresh`: a posting just inserted, which has none). */
export async function recordScreening(tx: Executor, postingId: string, result: ScreeningResult, opts: { fresh?: boolean } = {}): Promise<void> {
  if (result.previous === null) {
    if (!opts.fresh) await deletePostingHits(tx, postingId);
    return;
  }
  const before = result.previous.map((p) => storedKey({ ...p, start: p.spanStart, end: p.spanEnd })).sort();
  const after = result.hits.map(storedKey).sort();
  if (before.length === after.length && before.every((k, i) => k === after[i])) return;
  if (result.previous.length > 0) await deletePostingHits(tx, postingId);
  await insertPostingHits(
    tx,
    result.hits.map((h) => ({
      id: newId(),
      postingId,
      ruleCode: h.ruleCode,
      ruleVersion: h.ruleVersion,
      severity: h.severity,
      field: h.field,
      spanStart: h.start,
      spanEnd: h.end,
      excerpt: h.excerpt,
      approved: h.approved,
    })),
  );
}

/** An official reviewed the posting and let its words stand: its hits are approved (screening it again holds it only for new words). */
export function approveScreeningHits(tx: Executor, postingId: string): Promise<{ ruleCode: string; excerpt: string }[]> {
  return approvePostingHits(tx, postingId);
}

/** The stored hits of many postings (JobPosting.screening, batched by the request's loader). */
export function hitsOfPostings(db: Executor, postingIds: readonly string[]): Promise<HitWithRule[]> {
  return listHitsOfPostings(db, postingIds);
}

/** The rules a screening holds for, named for the poster: `CODE（说明）`. */
export function describeHolding(set: CompiledRuleSet, holding: readonly { ruleCode: string }[]): string {
  const codes = [...new Set(holding.map((h) => h.ruleCode))];
  return codes.map((code) => {
    const rule = set.rules.find((r) => r.code === code);
    return rule ? `${code}（${rule.description}）` : code;
  }).join("、");
}

export type { Severity };
