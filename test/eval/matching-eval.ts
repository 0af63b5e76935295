import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "../../src/db/client.js";
import { insertMany } from "../../src/db/bulk-insert.js";
import { newId } from "../../src/db/ids.js";
import { createLogger } from "../../src/logger.js";
import { syntheticCreditCode } from "../../src/modules/employers/credit-code.js";
import { employers } from "../../src/modules/employers/employer.table.js";
import { createPostingLoaders } from "../../src/modules/postings/posting.loaders.js";
import { policyReads, recommendForPeople, type MatchReads } from "../../src/modules/matching/recommend.service.js";
import type { MatchWeights } from "../../src/modules/matching/match-score.js";
import { commuteRadiusFor } from "../../src/modules/matching/match-rules.js";
import { wireModuleHooks } from "../../src/modules/module-hooks.js";
import { postings, type PostingRow } from "../../src/modules/postings/posting.table.js";
import { loadSearchSettings } from "../../src/modules/synonyms/synonym.service.js";
import { EmbeddedSearchEngine } from "../../src/search/embedded-engine.js";
import { indexAllPostings } from "../../src/search/search-index.js";
import { postingDocument, postingDocumentSource } from "../../src/modules/postings/posting-documents.js";
import type { MatchFacts } from "../../src/modules/matching/match-constraints.js";
import { seedDemo } from "../../seed/demo.js";
import { buildLabelledSet, CASE_FAMILIES, Geography, type CaseFamily, type FitCounter, type LabelledSet, type PostingSpec, type SetOptions } from "./matching-cases.js";
import { familyOfTitle } from "./matching-families.js";
import { marketFitIds, scorePerson, type Held, type PersonScore } from "./matching-scoring.js";

/**
 * The matching quality harness: a labelled set built from a fixed seed, the ranker
 * (`recommendForPeople`, exactly as the API runs it) and a text-only baseline scored on it, per case
 * family — once on the labelled set alone and once with the demo's postings competing (seedDemo's
 * 51job ads and generated Fujian postings, ~5,900, loaded first into the same database).
 *
 * THE LABELLED SET (reproducible: same seed, same set). Twelve job families (财务, 软件开发, 软件测试,
 * 护理, 教育, 电商, 销售, 行政, 生产, 餐饮, 农业, 驾驶) each with the titles, skills, majors, pay and
 * education of real Fujian postings of that kind (matching-families.ts). Seven case families of people
 * (matching-cases.ts), every one with a planted obvious fit decided by construction except the first:
 * - general: 3,000 postings drawn from the job families across Fujian (weighted towards the big
 *   cities), and 600 people drawn from a family — the words a seeker would type for it (often not the
 *   posting's own title), its major, a home county, sometimes a wage, sometimes willing to move; one in
 *   five gives only their major. No planted posting: their obvious fit is the best the rubric finds.
 * - narrow-intention: household in Wuhan (half) or another Fujian prefecture, intention Xiamen, will
 *   not move. Obvious: their family in Xiamen, paying what they ask. Tempting: three of their family
 *   in their household prefecture (not their own county, which stays acceptable), paid 1.4× the
 *   family's top, fresh, for key groups — outside the places they accept.
 * - stay-at-home: a labourer of 45 (POVERTY_LABOURER, minimum 1, registered poverty), junior high
 *   school, will not move, states no place, in a trade without schooling (生产, 餐饮, 驾驶). Obvious:
 *   their trade in their county. Tempting: three of their trade 50–100 km away in their prefecture,
 *   paid 1.3× the top, 30 wanted — beyond the commuting radius.
 * - poverty-graduate-market: a registered-poverty key-group graduate (KEY_GROUP_GRADUATE, minimum 3)
 *   with market fits. Obvious: their family in their county. Tempting: two public-welfare posts in
 *   their county, one named in their trade's words — not for them while market postings fit.
 * - poverty-graduate-fallback: the same, home a county of Fujian's hill prefectures (三明, 南平, 龙岩,
 *   宁德), stating it as their intention, not willing to move; fewer market fits there than their
 *   minimum of 3 — by the rubric's count at build time against what the run indexes (the set's other
 *   postings, the demo's), 0–2 of them planted (their family, naming one of their words); where their
 *   words fit 3 postings in every such county, they keep one of their words. Obvious: a public-welfare
 *   post there, offered as the fallback after the market fits. Tempting: a public-welfare post and a
 *   well-paid posting of their family in the nearest county beyond the hill prefectures — outside
 *   their places.
 * - near-duplicates: six copies of one posting (same title in their county from six employers, or one
 *   employer's across their prefecture), paid 300 more, beside a distinct fit in their county.
 * - boosted-weaker: a key-group graduate asking a wage; the clearly better posting (their family, their
 *   county, pays what they ask, no boost) beside three boosted ones (for key groups, a poverty-
 *   alleviation workshop, 50 wanted, fresh) that pay 70 % of it, or are the neighbouring family's.
 * The ranker is told each person's populations and minimum as the case says (others: none).
 *
 * THE LABELS (a caseworker's judgement, written down from the policy; the ranker's weights are not
 * consulted). For a person and a market posting within their hard constraints:
 *   3  the person's family, near, paying what they ask (or they asked nothing)
 *   2  the person's family, and either near or paying what they ask
 *   1  the person's family, far and paying less; or a neighbouring family (财务↔行政, 软件开发↔软件测试,
 *      电商↔销售) near and paying what they ask
 *   0  anything else
 * "Near" is the home prefecture (general, graduates, near-duplicates, boosted), the stated intention
 * plus their own county (narrow-intention, poverty-graduate-fallback), or their own county and the
 * counties within their commuting radius (stay-at-home). A public-welfare post is 2 for a person the
 * fallback rule entitles (registered poverty, fewer market FITS than their minimum, at least 1 — a fit
 * lies within their constraints and holds some of their words, intention, major or skills, by the
 * engine's ANY-word search under the market filter; any posting within them for a person who gave no
 * words — counted here from the rule, not from the ranker) and 0 for anyone else.
 * A NEAR-DUPLICATE of a posting listed above it (same title in the same county, or same employer and
 * title) is 0, wherever it stands: the first copy is acceptable, further copies give a person
 * nothing (the ideal list folds copies the same way). The demo's postings have no family from the
 * generator: they are given one by their title (`familyOfTitle`: the family one of whose titles or
 * seeker words the title holds; none — 0 — for trades outside the twelve). "Acceptable" is 2 or more.
 *
 * THE OBVIOUS FIT is the planted posting or any posting the rubric grades as high (a real person
 * competes with postings as good as theirs; any of them in the top 3 serves them); for the general
 * family, the best grade the person's constraints allow (people whose best is below 2 have none and
 * are left out of the rate). Near-duplicates: that, not one of the planted copies, and no two of the
 * top 3 near-duplicates of each other. Poverty-graduate-fallback: a public-welfare post offered as the
 * fallback in the top 3.
 *
 * VIOLATIONS, counted on every returned item with `misfit` (the written rule, with the person's
 * populations): outside their places, above their education, closed; a public-welfare post not
 * flagged `fallback`, or flagged to a person the rule does not entitle; a market posting flagged as
 * fallback; out of the rule's order — a market FIT listed after a fallback item, or a fallback item
 * after a market posting that holds none of their words (those come after the fallback).
 *
 * METRICS, averaged over people: precision@3 (share of the first three that are acceptable),
 * NDCG@10 (gain 2^label − 1; the ideal is every posting the person's constraints allow — with the
 * public-welfare posts when the fallback rule entitles them — sorted by label), coverage (share of
 * people with at least three acceptable postings in their first ten).
 *
 * THE BASELINE: the engine's relevance on the person's words (intention, major, skills; newest first
 * when they gave none) under the same hard constraints; when the fallback rule entitles the person,
 * followed by the engine's relevance on their words under the fallback filter (`fallbackConstraints`),
 * topped up newest first — public-welfare posts seldom share a seeker's words.
 */
export interface EvalOptions extends SetOptions {
  /** Also run with the demo's postings competing (a second run). */
  demo: boolean;
  /** Try other ranker weights than the active policy's (for tuning; the report says which were used). */
  weights?: MatchWeights;
}

export const FULL_EVAL: EvalOptions = { seed: 2020, postingsPerFamily: 250, people: 600, casePeople: 100, demo: true };

export interface Metrics {
  precisionAt3: number;
  ndcgAt10: number;
  coverage: number;
}

export interface FamilyReport {
  family: string;
  people: number;
  ranker: Metrics;
  baseline: Metrics;
  /** Items returned against the rules (and the people who got one). */
  violations: { ranker: number; baseline: number; people: number };
  /** Share of the people with an obvious fit who find it in the top 3. */
  obviousInTop3: { people: number; ranker: number; baseline: number };
}

export interface Failure {
  caseFamily: CaseFamily;
  person: string;
  why: string[];
  top3: string[];
}

export interface RunReport {
  name: string;
  postings: number;
  demoPostings: number;
  people: number;
  overall: FamilyReport;
  families: FamilyReport[];
  /** The general family by kind of person (each person is in three groups). */
  generalGroups: FamilyReport[];
  /** People served against the acceptance (a violation or the obvious fit missed), up to 20 per family. */
  failures: Failure[];
}

export interface EvalReport {
  options: EvalOptions;
  runs: RunReport[];
}

const DAY = 86_400_000;
const BATCH = 25;

export async function runMatchingEval(options: EvalOptions): Promise<EvalReport> {
  const runs = [await runOnce(options, false)];
  if (options.demo) runs.push(await runOnce(options, true));
  return { options, runs };
}

/** One run: a fresh database (the demo's postings first, when asked), the labelled set, every person scored. */
async function runOnce(options: EvalOptions, withDemo: boolean): Promise<RunReport> {
  const handle = await openDatabase({ driver: "pglite", dataDir: "memory://" });
  try {
    await handle.migrate();
    const db = handle.db;
    const now = new Date();
    if (withDemo) {
      wireModuleHooks(); // the demo closes a campaign, whose hooks must be wired
      await seedDemo(db, createLogger("silent"), { jwtSecret: "eval".repeat(8), piiKey: randomBytes(32), now, people: 0 });
    }
    const policy = policyReads(db);
    const inForce = await policy.policy();
    const places = await policy.places();
    const settings = await loadSearchSettings(db);
    const fits = await buildTimeFits(db, settings, { places, rules: inForce.rules }, now);
    const set = await buildLabelledSet(options, new Geography(places), commuteRadiusFor(inForce.rules, new Set(["POVERTY_LABOURER"])) ?? 0, fits);
    const held = await loadSet(db, set, now);
    const engine = new EmbeddedSearchEngine();
    await engine.applySettings(settings);
    const indexed = await indexAllPostings(db, engine, postingDocumentSource);

    const postingLoaders = createPostingLoaders(db);
    const profiles = new Map(set.people.map((c) => [c.person.id, c.profile]));
    const reads: MatchReads = {
      ...policy,
      policy: async () => ({ ...inForce, weights: options.weights ?? inForce.weights }),
      profiles: async (ids) => new Map(ids.flatMap((id) => (profiles.has(id) ? [[id, profiles.get(id)!] as const] : []))),
      referred: async () => new Map(),
      postings: async (ids) => new Map((await postingLoaders.postingById.loadMany(ids)).flatMap((r) => (r && !(r instanceof Error) ? [[r.id, r] as const] : []))),
    };
    const context = { engine, held, places, rules: inForce.rules, now };
    const scored: PersonScore[] = [];
    for (let i = 0; i < set.people.length; i += BATCH) {
      const batch = set.people.slice(i, i + BATCH);
      const ranked = await recommendForPeople(engine, reads, batch.map((c) => c.person), { limit: 10, excludeReferred: true });
      for (const c of batch) scored.push(await scorePerson(context, c, ranked.get(c.person.id)!.items));
    }
    const general = scored.filter((s) => s.caseFamily === "general");
    const generalGroup = (name: string, pick: (s: PersonScore) => boolean) => summarize(name, general.filter(pick));
    return {
      name: withDemo ? "with the demo's postings competing" : "the labelled set alone",
      postings: indexed,
      demoPostings: held.size - set.postings.length,
      people: scored.length,
      overall: summarize("all", scored),
      families: CASE_FAMILIES.map((f) => summarize(f, scored.filter((s) => s.caseFamily === f))),
      generalGroups: [
        generalGroup("with intention words", (s) => s.person.intentionKeywords.length > 0),
        generalGroup("major only", (s) => s.person.intentionKeywords.length === 0),
        generalGroup("willing to move (all Fujian)", (s) => s.person.willingToRelocate),
        generalGroup("home prefecture only", (s) => !s.person.willingToRelocate),
        generalGroup("asks a wage", (s) => s.person.intentionMinSalary !== null),
        generalGroup("no wage asked", (s) => s.person.intentionMinSalary === null),
      ],
      failures: CASE_FAMILIES.flatMap((f) => scored.filter((s) => s.caseFamily === f && s.failure).slice(0, 20).map((s) => s.failure!)),
    };
  } finally {
    await handle.close();
  }
}

/**
 * The rubric's count of market fits at build time (`FitCounter`): an engine of its own holding what
 * the database holds before the set (the demo's postings, or nothing) and the set's postings as the
 * builder hands them over — the same documents, settings and count (`marketFitIds`) the scoring uses.
 */
async function buildTimeFits(db: Database, settings: Awaited<ReturnType<typeof loadSearchSettings>>, facts: Omit<MatchFacts, "populations">, now: Date): Promise<FitCounter> {
  const engine = new EmbeddedSearchEngine();
  await engine.applySettings(settings);
  await indexAllPostings(db, engine, postingDocumentSource);
  const id = (index: number) => `set-${index}`;
  return {
    add: (specs) => engine.upsert(specs.map(([index, spec]) => postingDocument(postingRow(spec, id(index), `employer-${spec.employer}`, now), { name: "", verified: true, isPovertyWorkshop: false }))),
    remove: (indexes) => engine.remove(indexes.map(id)),
    count: async (person, profile, enough) => (await marketFitIds(engine, person, { ...facts, populations: profile.populations }, now, enough)).size,
  };
}

/** The row a planted posting becomes (open 30 days more, published `daysAgo` before `now`). */
function postingRow(p: PostingSpec, id: string, employerId: string, now: Date): PostingRow {
  return {
    id,
    employerId,
    title: p.title,
    description: p.description,
    occupation: p.occupation,
    skills: p.skills,
    majors: p.majors,
    minEducation: p.minEducation,
    regionCode: p.regionCode,
    salaryMin: Math.round((p.salaryMax * 0.65) / 100) * 100,
    salaryMax: p.salaryMax,
    headcount: p.headcount,
    kind: p.kind,
    forKeyGroups: p.forKeyGroups,
    status: "OPEN",
    validUntil: new Date(now.getTime() + 30 * DAY),
    publishedAt: new Date(now.getTime() - p.daysAgo * DAY),
    closedAt: null,
    closedBy: null,
    blockedReason: null,
    source: "EMPLOYER",
    partnerId: null,
    externalId: null,
    heldByScreening: false,
    createdAt: now,
    updatedAt: now,
    createdBy: "eval",
  };
}

/** Writes the set's employers and postings (one statement per table) and returns every posting the database holds, with its family. */
async function loadSet(db: Database, set: LabelledSet, now: Date): Promise<Map<string, Held>> {
  const employerIds = set.employers.map(() => newId());
  // Credit codes from a serial range the demo's (from 1) never reaches.
  await insertMany(db, employers, set.employers.map((e, i) => ({ id: employerIds[i]!, name: e.name, creditCode: syntheticCreditCode(e.regionCode, 60_000_000 + i), regionCode: e.regionCode, isPovertyWorkshop: e.workshop, verified: true, createdBy: "eval" })));
  const postingIds = set.postings.map(() => newId());
  await insertMany(db, postings, set.postings.map((p, i) => postingRow(p, postingIds[i]!, employerIds[p.employer]!, now)));
  const indexOf = new Map(postingIds.map((id, i) => [id, i]));
  const rows = await db.select({ id: postings.id, title: postings.title, employerId: postings.employerId, regionCode: postings.regionCode, salaryMax: postings.salaryMax, kind: postings.kind, status: postings.status, validUntil: postings.validUntil, minEducation: postings.minEducation }).from(postings);
  const held = new Map<string, Held>();
  for (const r of rows) {
    const index = indexOf.get(r.id);
    const spec = index === undefined ? undefined : set.postings[index]!;
    held.set(r.id, { ...r, family: spec ? spec.family : familyOfTitle(r.title), role: spec ? spec.role : "demo", index: index ?? -1 });
  }
  return held;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const meanMetrics = (xs: Metrics[]): Metrics => ({ precisionAt3: mean(xs.map((m) => m.precisionAt3)), ndcgAt10: mean(xs.map((m) => m.ndcgAt10)), coverage: mean(xs.map((m) => m.coverage)) });

function summarize(family: string, people: PersonScore[]): FamilyReport {
  const withObvious = people.filter((s) => s.obvious !== null);
  return {
    family,
    people: people.length,
    ranker: meanMetrics(people.map((s) => s.ranker)),
    baseline: meanMetrics(people.map((s) => s.baseline)),
    violations: { ranker: people.reduce((n, s) => n + s.violations.length, 0), baseline: people.reduce((n, s) => n + s.baselineViolations, 0), people: people.filter((s) => s.violations.length > 0).length },
    obviousInTop3: { people: withObvious.length, ranker: mean(withObvious.map((s) => (s.obvious!.ranker ? 1 : 0))), baseline: mean(withObvious.map((s) => (s.obvious!.baseline ? 1 : 0))) },
  };
}

/** What the acceptance asks of a run, family by family: the list of what falls short (empty: accepted). */
export function shortfalls(run: RunReport): string[] {
  const out: string[] = [];
  for (const f of run.families) {
    if (f.people === 0) continue;
    if (f.violations.ranker > 0) out.push(`${run.name} · ${f.family}: ${f.violations.ranker} hard-constraint violations (${f.violations.people} people)`);
    if (f.obviousInTop3.people > 0 && f.obviousInTop3.ranker < 0.95) out.push(`${run.name} · ${f.family}: obvious fit in the top 3 for ${(f.obviousInTop3.ranker * 100).toFixed(1)} % of ${f.obviousInTop3.people} (< 95 %)`);
    for (const m of ["precisionAt3", "ndcgAt10", "coverage"] as const)
      if (f.ranker[m] < f.baseline[m] - 1e-9) out.push(`${run.name} · ${f.family}: ${m} ranker ${f.ranker[m].toFixed(3)} < baseline ${f.baseline[m].toFixed(3)}`);
  }
  return out;
}

const f3 = (x: number) => x.toFixed(3);
const trio = (m: Metrics) => `${f3(m.precisionAt3)} · ${f3(m.ndcgAt10)} · ${f3(m.coverage)}`;

export function formatReport(r: EvalReport): string {
  const lines: string[] = [];
  for (const run of r.runs) {
    lines.push(
      `matching quality — ${run.name} — seed ${r.options.seed}: ${run.postings} postings indexed (${run.demoPostings} the demo's), ${run.people} people`,
      "",
      "| family (people)                 | ranker p@3 · NDCG · cov | baseline p@3 · NDCG · cov | violations (people) | obvious in top 3: ranker / baseline |",
      "|---------------------------------|-------------------------|---------------------------|---------------------|-------------------------------------|",
    );
    for (const f of [...run.families, run.overall])
      lines.push(`| ${`${f.family} (${f.people})`.padEnd(31)} | ${trio(f.ranker)}   | ${trio(f.baseline)}     | ${`${f.violations.ranker} (${f.violations.people})`.padEnd(19)} | ${`${f3(f.obviousInTop3.ranker)} / ${f3(f.obviousInTop3.baseline)} of ${f.obviousInTop3.people}`.padEnd(35)} |`);
    lines.push("", "| general family, by kind (people) | ranker p@3 · NDCG · cov | baseline p@3 · NDCG · cov |", "|---------------------------------|-------------------------|---------------------------|");
    for (const g of run.generalGroups) lines.push(`| ${`${g.family} (${g.people})`.padEnd(31)} | ${trio(g.ranker)}   | ${trio(g.baseline)}     |`);
    lines.push("");
    for (const f of run.failures.slice(0, 30)) lines.push(`✗ ${f.caseFamily} · ${f.person}`, ...f.why.map((w) => `    ${w}`), ...f.top3.map((t) => `    ${t}`));
    if (run.failures.length > 0) lines.push("");
  }
  return lines.join("\n");
}
