import { DATE_BOUNDS, serviceToday, yearsAfter } from "../../dates.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { compileRule, loadCategoryEvaluator, type CategoryEvaluator } from "./category-evaluator.js";
import { deleteMemberships, findCategoriesByIds, findMemberships,
  findPopulationsAndMinimums, recordMembershipChanges, statusesOn, insertCategoryVersion, listCategoryVersions, nextCategoryVersion, upsertMemberships } from "./category.repository.js";
import type { Population, TargetCategoryRow } from "./category.table.js";
import type { PersonFactsInput } from "./person-facts.js";
import { requestReevaluation } from "./reevaluation.request.js";
import { onPeopleDecided } from "./category.hooks.js";

/**
 * Brings the stored memberships of these people in line with the categories in force: a person's
 * categories are never typed by hand, only decided by the rules (and re-decided on every change).
 */
export async function syncMemberships(db: Executor, evaluator: CategoryEvaluator, persons: (PersonFactsInput & { id: string })[]): Promise<{ added: number; removed: number }> {
  if (persons.length === 0) return { added: 0, removed: 0 };
  const existing = await findMemberships(db, persons.map((p) => p.id));
  // Key-group categories are judged at the campaign date: people whose status changed after it
  // are judged by the status they had then (no status recorded by then: unemployed, the default).
  const campaignDay = serviceToday(evaluator.asOf);
  const changedSince = persons.filter((p) => p.employmentStatusSince > campaignDay).map((p) => p.id);
  const statusThen = await statusesOn(db, changedSince, campaignDay);
  const current = new Map(existing.map((m) => [`${m.personId}|${m.categoryCode}`, m.categoryId]));
  const wanted = new Set<string>();
  const upserts: { personId: string; categoryCode: string; categoryId: string; ruleVersion: number }[] = [];
  for (const person of persons) {
    const then = person.employmentStatusSince > campaignDay ? (statusThen.get(person.id) ?? "UNEMPLOYED") : undefined;
    for (const category of evaluator.decide(person, then)) {
      const key = `${person.id}|${category.code}`;
      wanted.add(key);
      if (current.get(key) !== category.id) upserts.push({ personId: person.id, categoryCode: category.code, categoryId: category.id, ruleVersion: category.version });
    }
  }
  const removals = existing.filter((m) => !wanted.has(`${m.personId}|${m.categoryCode}`)).map((m) => ({ personId: m.personId, categoryCode: m.categoryCode }));
  await deleteMemberships(db, removals);
  await upsertMemberships(db, upserts);
  // A re-decided membership (another version) ends and begins again in the history.
  const redecided = upserts.filter((u) => current.has(`${u.personId}|${u.categoryCode}`));
  await recordMembershipChanges(db, [...removals, ...redecided], upserts);
  // What else is decided on a person's facts (subsidy eligibility) is decided now, in this transaction.
  await onPeopleDecided.run(db, { persons, factsToday: evaluator.factsToday });
  return { added: upserts.length, removed: removals.length };
}

export function listTargetCategories(db: Database): Promise<TargetCategoryRow[]> {
  return listCategoryVersions(db);
}

export interface CategoryVersionInput {
  code: string;
  name: string;
  description?: string;
  population: Population;
  rule: unknown;
  minReferrals: number;
  mentorEligible: boolean;
  validFrom: string;
  validUntil?: string | null;
}

/**
 * A new version of a target category (policy data). Existing memberships keep the version that
 * decided them until the re-decision it asks for (in the background, categoryReevaluations) reaches them.
 */
export async function publishTargetCategory(db: Database, viewer: Viewer, input: CategoryVersionInput): Promise<TargetCategoryRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以修改政策数据", "Only administrators change policy data"));
  if (!/^[A-Z0-9_]{2,40}$/.test(input.code)) throw badInput("input.code", msg("code 须为 2–40 个大写字母、数字或下划线", "code is 2–40 capitals, digits and underscores"));
  const compiled = compileRule(input.rule);
  if (!compiled.ok) throw badInput("input.rule", compiled.problem);
  if (!Number.isInteger(input.minReferrals) || input.minReferrals < 0 || input.minReferrals > 100) throw badInput("input.minReferrals", msg("minReferrals 须为 0–100", "minReferrals is 0–100"));
  // Dates between 1900-01-01 and ten years from today (the LocalDate scalar has checked their form).
  const latest = yearsAfter(serviceToday(), DATE_BOUNDS.validityYearsAhead);
  for (const field of ["validFrom", "validUntil"] as const) {
    const day = input[field];
    if (day && (day < DATE_BOUNDS.earliest || day > latest)) throw badInput(`input.${field}`, msg(`${field} 须在 ${DATE_BOUNDS.earliest} 至 ${latest} 之间`, `${field} must be between ${DATE_BOUNDS.earliest} and ${latest}`));
  }
  if (input.validUntil && input.validUntil < input.validFrom) throw badInput("input.validUntil", msg("validUntil 早于 validFrom", "validUntil is before validFrom"));
  return db.transaction(async (tx) => {
    const row = await insertCategoryVersion(tx, {
      id: newId(),
      code: input.code,
      version: await nextCategoryVersion(tx, input.code),
      name: input.name,
      description: input.description ?? "",
      population: input.population,
      rule: input.rule,
      minReferrals: input.minReferrals,
      mentorEligible: input.mentorEligible,
      validFrom: input.validFrom,
      validUntil: input.validUntil ?? null,
      createdBy: actorOf(viewer),
    });
    await requestReevaluation(tx, "CATEGORY_PUBLISHED", actorOf(viewer));
    return row;
  });
}

export { loadCategoryEvaluator };
/** For other policies decided on a person's facts (subsidies): the rule compiler and the facts, one definition. */
export { compileRule } from "./category-evaluator.js";
export { personFacts, type PersonFacts, type PersonFactsInput } from "./person-facts.js";

/** The category memberships of these people (for loaders and the ranker's key-group boost). */
export function membershipsOf(db: Executor, personIds: readonly string[]) {
  return findMemberships(db, personIds);
}

/**
 * What matching reads of people's categories: for each person in any, the populations they belong
 * to (the commuting radius is their population's) and their referral minimum (the strictest of their
 * categories' own; the public-welfare fallback applies below it). People in none are left out.
 */
export async function populationsAndMinimums(db: Executor, personIds: readonly string[]): Promise<Map<string, { populations: ReadonlySet<string>; minimum: number }>> {
  if (personIds.length === 0) return new Map();
  const rows = await findPopulationsAndMinimums(db, personIds);
  return new Map(rows.map((r) => [r.personId, { populations: new Set(r.populations), minimum: r.minimum }]));
}

/** Category versions by id. */
export function categoriesByIds(db: Executor, ids: readonly string[]) {
  return findCategoriesByIds(db, ids);
}
