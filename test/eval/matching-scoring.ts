import type { SearchEngine } from "../../src/search/search-port.js";
import type { PersonRow } from "../../src/modules/people/person.table.js";
import type { PostingRow } from "../../src/modules/postings/posting.table.js";
import type { RegionPlace } from "../../src/modules/regions/region-directory.js";
import type { MatchItem } from "../../src/modules/matching/recommend.service.js";
import type { MatchRules } from "../../src/modules/matching/match-rules.js";
import { acceptablePlaces, FALLBACK_KIND, fallbackConstraints, hardConstraints, misfit, type MatchFacts } from "../../src/modules/matching/match-constraints.js";
import { EDUCATION_LEVELS, educationRank } from "../../src/modules/postings/education.js";
import { wordsOf, type CaseFamily, type CasePerson } from "./matching-cases.js";
import { label } from "./matching-families.js";
import type { Failure, Metrics } from "./matching-eval.js";

/** A posting as the labels see it: the row's facts, its family, and what the set planted it for. */
export interface Held {
  id: string;
  title: string;
  employerId: string;
  regionCode: string;
  salaryMax: number | null;
  kind: PostingRow["kind"];
  status: PostingRow["status"];
  validUntil: PostingRow["validUntil"];
  minEducation: PostingRow["minEducation"];
  family: string | null;
  /** Planted role (obvious, tempting, copy, boosted), "demo" for the demo's, undefined for the general family's. */
  role: string | undefined;
  /** Its index in the labelled set's postings (−1: the demo's). */
  index: number;
}

export interface ScoringContext {
  engine: SearchEngine;
  held: ReadonlyMap<string, Held>;
  places: ReadonlyMap<string, RegionPlace>;
  rules: MatchRules;
  now: Date;
}

export interface PersonScore {
  caseFamily: CaseFamily;
  person: PersonRow;
  ranker: Metrics;
  baseline: Metrics;
  violations: string[];
  baselineViolations: number;
  /** Whether the obvious fit is in the top 3 (null: the person has none, see the rubric). */
  obvious: { ranker: boolean; baseline: boolean } | null;
  failure?: Failure;
}

interface Listed {
  h: Held;
  fallback: boolean;
}

/** Scores one person's ranked list and the baseline's against the rubric (see matching-eval.ts). */
export async function scorePerson(ctx: ScoringContext, c: CasePerson, items: readonly MatchItem[]): Promise<PersonScore> {
  const facts: MatchFacts = { places: ctx.places, rules: ctx.rules, populations: c.profile.populations };
  const fits = await fittingPostings(ctx, c.person, facts);
  // THE fallback rule, as written: registered poverty, fewer market FITS than their minimum (at least 1).
  const entitled = c.person.registeredPoverty && fits.fitting.size < Math.max(1, c.profile.minimum);
  const isFit = (id: string) => fits.fitting.has(id);
  const allowed = new Set([...fits.market, ...(entitled ? fits.welfare : [])].map((h) => h.id));
  const grade = (h: Held) => (!allowed.has(h.id) ? 0 : h.kind === FALLBACK_KIND ? 2 : label(c.truth, h));
  const ideal = graded([...allowed].map((id) => ctx.held.get(id)!).sort((a, b) => grade(b) - grade(a)), grade).sort((a, b) => b - a);
  const best = ideal[0] ?? 0;
  checkPlanted(c, ctx, grade, best, entitled, [...fits.fitting].map((id) => ctx.held.get(id)!));

  const ranked: Listed[] = items.map((i) => ({ h: ctx.held.get(i.posting.id)!, fallback: i.fallback }));
  const base = await baselineList(ctx, c.person, facts, entitled);
  const [rankerGrades, baseGrades] = [graded(ranked.map((l) => l.h), grade), graded(base.map((l) => l.h), grade)];
  const why = violations(c.person, facts, items.map((i) => ({ row: i.posting, fallback: i.fallback })), entitled, isFit, fits.fitting.size, c.profile.minimum, ctx.now);
  const hasObvious = c.caseFamily === "poverty-graduate-fallback" || c.obvious.length > 0 || best >= 2;
  const obvious = hasObvious ? { ranker: obviousHit(c, ranked.slice(0, 3), rankerGrades, best), baseline: obviousHit(c, base.slice(0, 3), baseGrades, best) } : null;
  const score: PersonScore = {
    caseFamily: c.caseFamily,
    person: c.person,
    ranker: measure(rankerGrades, ideal),
    baseline: measure(baseGrades, ideal),
    violations: why,
    baselineViolations: violations(c.person, facts, base.map((l) => ({ row: l.h, fallback: l.fallback })), entitled, isFit, fits.fitting.size, c.profile.minimum, ctx.now).length,
    obvious,
  };
  if (why.length > 0 || obvious?.ranker === false) score.failure = describe(c, best, fits.fitting.size, entitled, [...why, ...(obvious?.ranker === false ? ["the obvious fit is not in the top 3"] : [])], ranked.slice(0, 3), rankerGrades);
  return score;
}

// The labelled set's postings by prefecture, so a person's places are looked up, not scanned.
const byPrefecture = new WeakMap<ReadonlyMap<string, Held>, Map<string, Held[]>>();

/**
 * The postings within a person's hard constraints, by the written rule: open, their education, their
 * places; market and public-welfare apart — and the market postings that FIT them (`marketFitIds`).
 */
async function fittingPostings(ctx: ScoringContext, person: PersonRow, facts: MatchFacts): Promise<{ market: Held[]; welfare: Held[]; fitting: Set<string> }> {
  let index = byPrefecture.get(ctx.held);
  if (!index) {
    index = new Map();
    for (const h of ctx.held.values()) index.set(h.regionCode.slice(0, 4), [...(index.get(h.regionCode.slice(0, 4)) ?? []), h]);
    byPrefecture.set(ctx.held, index);
  }
  const found = new Set<Held>();
  for (const prefix of acceptablePlaces(person, facts).flatMap((r) => r.prefixes)) {
    if (prefix.length <= 4) for (const [prefecture, hs] of index) (prefecture.startsWith(prefix) ? hs : []).forEach((h) => found.add(h));
    else for (const h of index.get(prefix.slice(0, 4)) ?? []) if (h.regionCode.startsWith(prefix)) found.add(h);
  }
  const rank = educationRank(person.degreeLevel);
  const open = [...found].filter((h) => h.status === "OPEN" && h.validUntil > ctx.now && EDUCATION_LEVELS.indexOf(h.minEducation) <= rank);
  const market = open.filter((h) => h.kind !== FALLBACK_KIND);
  // Every fit is within the constraints: asking for as many as there are postings there finds them all.
  const fitting = market.length === 0 ? new Set<string>() : await marketFitIds(ctx.engine, person, facts, ctx.now, market.length);
  return { market, welfare: open.filter((h) => h.kind === FALLBACK_KIND), fitting };
}

/**
 * The market postings that FIT a person, by THE fallback rule's text: within their hard constraints
 * and holding some of their words (intention keywords, major, skills) — counted with the engine's
 * ANY-word search under the market filter, the text match the rule names; for a person who gave no
 * words, every posting within their constraints. Up to `enough` ids. (The labelled set's builder
 * counts with it too, before it plants a fallback person.)
 */
export async function marketFitIds(engine: SearchEngine, person: PersonRow, facts: MatchFacts, now: Date, enough: number): Promise<Set<string>> {
  const words = wordsOf(person);
  const hits = await engine.search({ ...(words ? { text: words, words: "ANY" as const } : {}), filter: hardConstraints(person, facts, now), offset: 0, limit: enough, countTotal: false });
  return new Set(hits.hits.map((h) => h.id));
}

const dupKeys = (h: Held) => [`t:${h.title}|${h.regionCode}`, `e:${h.employerId}|${h.title}`];

/** Grades of a list in order, a near-duplicate of a posting above it graded 0 (the rubric's copy rule). */
function graded(list: readonly Held[], grade: (h: Held) => number): number[] {
  const seen = new Set<string>();
  return list.map((h) => {
    const keys = dupKeys(h);
    const copy = keys.some((k) => seen.has(k));
    keys.forEach((k) => seen.add(k));
    return copy ? 0 : grade(h);
  });
}

const dcg = (grades: readonly number[]) => grades.slice(0, 10).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);

function measure(grades: number[], ideal: number[]): Metrics {
  const idealDcg = dcg(ideal);
  return {
    precisionAt3: grades.slice(0, 3).filter((g) => g >= 2).length / 3,
    ndcgAt10: idealDcg > 0 ? dcg(grades) / idealDcg : 0,
    coverage: grades.slice(0, 10).filter((g) => g >= 2).length >= 3 ? 1 : 0,
  };
}

/** The text-only baseline: the engine's relevance on the person's words under the hard constraints; then, when the rule entitles them, the fallback filter's (topped up newest first). */
async function baselineList(ctx: ScoringContext, person: PersonRow, facts: MatchFacts, entitled: boolean): Promise<Listed[]> {
  const words = wordsOf(person);
  const page = { offset: 0, limit: 10, countTotal: false };
  // ANY, as matching asks: relevance is the share of their words a posting holds (ALL, the search box's mode, would leave a person of several words next to no list).
  const market = await ctx.engine.search({ ...(words ? { text: words, words: "ANY" as const } : { sort: "NEWEST" as const }), filter: hardConstraints(person, facts, ctx.now), ...page });
  const list: Listed[] = market.hits.map((h) => ({ h: ctx.held.get(h.id)!, fallback: false }));
  const filter = entitled ? fallbackConstraints(person, facts, ctx.now) : null;
  if (filter && list.length < 10) {
    const byWords = words ? (await ctx.engine.search({ text: words, words: "ANY", filter, ...page })).hits : [];
    const newest = (await ctx.engine.search({ sort: "NEWEST", filter, ...page })).hits;
    for (const hit of [...byWords, ...newest]) if (list.length < 10 && !list.some((l) => l.h.id === hit.id)) list.push({ h: ctx.held.get(hit.id)!, fallback: true });
  }
  return list;
}

type Misfittable = Parameters<typeof misfit>[1] & { id: string; title: string };

/**
 * What in a returned list breaks the rules: the written `misfit`, and the fallback's terms — offered
 * only to a person the rule entitles, flagged, and in the rule's order: the market FITS, then the
 * public-welfare posts, then the market postings that hold none of their words.
 */
function violations(person: PersonRow, facts: MatchFacts, list: { row: Misfittable; fallback: boolean }[], entitled: boolean, isFit: (id: string) => boolean, marketFits: number, minimum: number, now: Date): string[] {
  const out: string[] = [];
  const isMarket = (l: { row: Misfittable }) => l.row.kind !== FALLBACK_KIND;
  list.forEach(({ row, fallback }, k) => {
    const above = list.slice(0, k);
    const wrong = misfit(person, row, facts, now);
    if (wrong) out.push(`${row.title} (${row.regionCode}): ${wrong.en}`);
    if (row.kind === FALLBACK_KIND && !fallback) out.push(`${row.title}: a public-welfare post not offered as the fallback`);
    if (row.kind === FALLBACK_KIND && fallback && !entitled) out.push(`${row.title}: the fallback offered though ${marketFits} market postings fit (minimum ${minimum}, registered poverty ${person.registeredPoverty})`);
    if (row.kind !== FALLBACK_KIND && fallback) out.push(`${row.title}: a market posting flagged as the fallback`);
    if (!fallback && isMarket({ row }) && isFit(row.id) && above.some((l) => l.fallback)) out.push(`${row.title}: a market fit listed after a fallback one`);
    if (fallback && above.some((l) => !l.fallback && isMarket(l) && !isFit(l.row.id))) out.push(`${row.title}: the fallback listed after a market posting that holds none of the person's words`);
  });
  return out;
}

function obviousHit(c: CasePerson, top: Listed[], grades: number[], best: number): boolean {
  if (c.caseFamily === "poverty-graduate-fallback") return top.some((l) => l.h.kind === FALLBACK_KIND && l.fallback);
  const found = top.some((l, k) => grades[k] === best && l.h.role !== "copy");
  return c.caseFamily === "near-duplicates" ? found && !graded(top.map((l) => l.h), () => 1).includes(0) : found;
}

const plantedIndex = new WeakMap<ReadonlyMap<string, Held>, Map<number, Held>>();

/** The set's promise, checked: a planted obvious fit is within the person's constraints and graded the best there is (else the set, not the ranker, is wrong). */
function checkPlanted(c: CasePerson, ctx: ScoringContext, grade: (h: Held) => number, best: number, entitled: boolean, fitting: Held[]) {
  let byIndex = plantedIndex.get(ctx.held);
  if (!byIndex) plantedIndex.set(ctx.held, (byIndex = new Map([...ctx.held.values()].map((h) => [h.index, h]))));
  const planted = c.obvious.map((i) => byIndex.get(i)!);
  if (c.caseFamily === "poverty-graduate-fallback") {
    if (!entitled || planted.some((h) => grade(h) !== 2)) throw new Error(`labelled set: ${c.person.id} should be entitled to the fallback, and its public-welfare post allowed (market fits: ${fitting.map((h) => `${h.title}@${h.regionCode}`).join(", ")}; planted ${planted.map((h) => `${h.title}@${h.regionCode}`)})`);
  } else if (planted.some((h) => grade(h) !== best || best < 2)) throw new Error(`labelled set: ${c.person.id}'s planted fit grades ${planted.map(grade)}, not the best (${best})`);
}

function describe(c: CasePerson, best: number, marketFits: number, entitled: boolean, why: string[], top: Listed[], grades: number[]): Failure {
  const p = c.person;
  const populations = [...c.profile.populations].join("+") || "no population";
  const person = `${p.id} · ${c.truth.family} · home ${p.householdRegionCode} · intention ${p.intentionRegionCodes.join(",") || "-"} · wants ${p.intentionMinSalary ?? "-"} · moves ${p.willingToRelocate} · ${p.degreeLevel} · poverty ${p.registeredPoverty} · ${populations} (minimum ${c.profile.minimum}) · ${marketFits} market fits${entitled ? ", fallback due" : ""} · best label ${best} · words: ${c.words || "-"}`;
  const top3 = top.map((l, k) => `${k + 1}. ${l.h.title} [${l.h.family ?? l.h.kind}] ${l.h.regionCode} ${l.h.salaryMax ?? "-"}${l.h.kind !== "REGULAR" ? ` ${l.h.kind}` : ""}${l.fallback ? " fallback" : ""}${l.h.role ? ` (${l.h.role})` : ""} → label ${grades[k]}`);
  return { caseFamily: c.caseFamily, person, why, top3 };
}
