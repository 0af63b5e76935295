import type { Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { serviceToday } from "../../dates.js";
import { loadCategoryEvaluator, type PersonFacts, type PersonFactsInput } from "../categories/category.service.js";
import { findPeopleByIds } from "../people/person.service.js";
import { employerFacts, admits, maxAmountOf, schemesInForce, subsidyPersonFacts } from "./subsidy-rules.js";
import { claimsOfPeople, deleteEligible, hiredBy, hiresOfPeople, insertEligible, listSchemeVersions, recordHires, redecideEligible, type NewClaim } from "./subsidy.repository.js";
import type { SubsidyClaimRow, SubsidySchemeRow } from "./subsidy.table.js";

type DecidedPerson = PersonFactsInput & { id: string; trainingWishes?: readonly string[] };

const claimKey = (schemeCode: string, personId: string, employerId: string | null) => `${schemeCode}|${personId}|${employerId ?? ""}`;

/**
 * Subsidy eligibility is decided, never typed (DOMAIN §7): for these people, every scheme in force
 * is asked of their facts — a person scheme of them, an employer scheme of each of their hires —
 * and their ELIGIBLE claims follow the answer: born, re-decided by the version in force, or removed.
 * A claim applied for keeps the version it was applied under. Three reads and at most three writes,
 * whatever the number of people (a re-decision page is a thousand).
 */
export async function decideSubsidies(
  tx: Executor,
  persons: readonly DecidedPerson[],
  factsToday: (person: PersonFactsInput) => PersonFacts,
  today = new Date(),
): Promise<{ added: number; removed: number; redecided: number }> {
  if (persons.length === 0) return { added: 0, removed: 0, redecided: 0 };
  const schemes = schemesInForce(await listSchemeVersions(tx), today);
  const ids = persons.map((p) => p.id);
  const existing = await claimsOfPeople(tx, ids);
  const employerSchemes = schemes.filter((s) => s.subject === "EMPLOYER");
  const hires = employerSchemes.length > 0 ? await hiresOfPeople(tx, ids) : [];
  const hiresByPerson = new Map<string, typeof hires>();
  for (const h of hires) hiresByPerson.set(h.personId, [...(hiresByPerson.get(h.personId) ?? []), h]);
  const wanted = new Map<string, { scheme: SubsidySchemeRow; personId: string; employerId: string | null; regionCode: string }>();
  for (const person of persons) {
    const facts = subsidyPersonFacts(factsToday(person), person, today);
    for (const scheme of schemes) {
      if (scheme.subject === "PERSON" && admits(scheme, facts)) wanted.set(claimKey(scheme.code, person.id, null), { scheme, personId: person.id, employerId: null, regionCode: person.householdRegionCode });
    }
    for (const hire of hiresByPerson.get(person.id) ?? []) {
      const withEmployer = employerFacts(hire, facts);
      for (const scheme of employerSchemes) {
        if (admits(scheme, withEmployer)) wanted.set(claimKey(scheme.code, person.id, hire.employerId), { scheme, personId: person.id, employerId: hire.employerId, regionCode: hire.regionCode });
      }
    }
  }
  const held = new Map<string, SubsidyClaimRow>(existing.map((c) => [claimKey(c.schemeCode, c.personId, c.employerId), c]));
  const inserts: NewClaim[] = [];
  const redecided: Parameters<typeof redecideEligible>[1] = [];
  for (const [key, w] of wanted) {
    const claim = held.get(key);
    const decision = { schemeId: w.scheme.id, schemeVersion: w.scheme.version, regionCode: w.regionCode, maxAmountYuan: maxAmountOf(w.scheme) };
    if (!claim) inserts.push({ id: newId(), schemeCode: w.scheme.code, personId: w.personId, employerId: w.employerId, ...decision });
    else if (claim.state === "ELIGIBLE" && (claim.schemeId !== decision.schemeId || claim.regionCode !== decision.regionCode || claim.maxAmountYuan !== decision.maxAmountYuan)) redecided.push({ id: claim.id, ...decision });
  }
  const removed = existing.filter((c) => c.state === "ELIGIBLE" && !wanted.has(claimKey(c.schemeCode, c.personId, c.employerId))).map((c) => c.id);
  await deleteEligible(tx, removed);
  await redecideEligible(tx, redecided);
  await insertEligible(tx, inserts);
  return { added: inserts.length, removed: removed.length, redecided: redecided.length };
}

/** Reaction to onPeopleDecided: whatever changed about these people, their subsidies are decided again with their categories. */
export async function decideSubsidiesWithCategories(tx: Executor, event: { persons: readonly DecidedPerson[]; factsToday: (person: PersonFactsInput) => PersonFacts }): Promise<void> {
  await decideSubsidies(tx, event.persons, event.factsToday);
}

/**
 * Reaction to onPersonEmployed: a hire by an employer (a HIRED referral or fair outcome) is recorded
 * for the employer schemes (hiring subsidies, poverty-workshop awards), and the hired person's
 * subsidies decided again with it.
 */
export async function recordHireForSubsidies(tx: Executor, event: { changes: readonly { personId: string; status: string; employerId?: string }[]; by: string }): Promise<void> {
  const hires = event.changes.filter((c) => c.employerId !== undefined && c.status === "EMPLOYED");
  if (hires.length === 0) return;
  await recordHires(tx, hires.map((h) => ({ employerId: h.employerId!, personId: h.personId, hiredOn: serviceToday(), recordedBy: event.by })));
  const persons = await findPeopleByIds(tx, hires.map((h) => h.personId));
  const evaluator = await loadCategoryEvaluator(tx);
  await decideSubsidies(tx, persons, evaluator.factsToday);
}

/**
 * Reaction to onEmployerChanged (verified, its county or its poverty-workshop status): the people the
 * employer hired are decided again, so its claims follow the employer as it now is. Within the
 * employer's transaction; the claims' own conditions (ELIGIBLE only, one per subject) keep a person
 * decided meanwhile as they were decided.
 */
export async function redecideHiresOfEmployer(tx: Executor, event: { employerId: string }): Promise<void> {
  const persons = await findPeopleByIds(tx, await hiredBy(tx, event.employerId));
  if (persons.length === 0) return;
  await decideSubsidies(tx, persons, (await loadCategoryEvaluator(tx)).factsToday);
}
