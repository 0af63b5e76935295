import type { Executor } from "../../db/client.js";
import type { SearchEngine, SearchHit, SearchQuery } from "../../search/search-port.js";
import type { PersonRow } from "../people/person.table.js";
import type { PostingRow } from "../postings/posting.table.js";
import { regionDirectory, type RegionPlace } from "../regions/region-directory.js";
import { listSynonymGroups } from "../synonyms/synonym.service.js";
import { hardConstraints, misfit } from "./match-constraints.js";
import { pickDiverse, personWords, rankerFor, scoreCandidates, type Candidate, type MatchReasonRow } from "./match-ranker.js";
import type { MatchWeights } from "./match-score.js";
import { activeWeights } from "./match.repository.js";

type EngineFilter = SearchQuery["filter"];

/** Candidates the engine is asked for, per query (text, then newest). */
const CANDIDATES = 200;

/**
 * THE candidate pool rule: gather by text, and top up with the newest fitting postings while fewer
 * than max(limit × 3, 30) were found — enough to re-pick around postings that closed since the
 * index heard, and to keep one employer from filling a list.
 */
export const candidatePoolSize = (limit: number) => Math.max(limit * 3, 30);

export const NOTHING_FITS = "没有符合条件的在招岗位（学历要求、工作地点或岗位类型不符）。可扩大意向地区，或登记转移就业意愿。";
export const NO_WORDS = "未填写求职意向、专业和技能，按所在地区和学历推荐。";

export interface MatchItem {
  posting: PostingRow;
  score: number;
  reasons: MatchReasonRow[];
}

/** One person's recommendation: best first, with why the list is short when it is. */
export interface Recommendation {
  personId: string;
  items: MatchItem[];
  /** For the person or caseworker: why the list is short or empty, or how it was made. */
  note: string | null;
  /** Nothing fits the person at all (before leaving out what they were already referred). */
  nothingFits: boolean;
  /** Postings fit, but every one was already referred to them. */
  allReferred: boolean;
}

/**
 * What recommending reads besides the engine, given by the caller: from per-request loaders for the
 * API (batched across the people a request asks about), from the transaction for a campaign run
 * (the chosen postings share-locked so they cannot close before the referrals are written).
 */
export interface MatchReads {
  weights(): Promise<MatchWeights>;
  synonymGroups(): Promise<string[][]>;
  places(): Promise<Map<string, RegionPlace>>;
  /** Those of these people in any target category (the key-group boost). */
  inTargetCategory(personIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** The postings already referred to each of these people (any outcome, declined included). */
  referred(personIds: readonly string[]): Promise<ReadonlyMap<string, ReadonlySet<string>>>;
  /** The chosen postings as PostgreSQL holds them now (the source of truth). */
  postings(ids: readonly string[]): Promise<ReadonlyMap<string, PostingRow>>;
  /** The reads share one connection (a transaction): issue them one at a time. */
  oneQueryAtATime?: boolean;
}

/** The policy reads (weights, synonyms, places) straight from an executor: for callers without per-request loaders. */
export function policyReads(exec: Executor): Pick<MatchReads, "weights" | "synonymGroups" | "places"> {
  let weights: Promise<MatchWeights> | undefined;
  let synonyms: Promise<string[][]> | undefined;
  return {
    weights: () => (weights ??= activeWeights(exec)),
    synonymGroups: () => (synonyms ??= listSynonymGroups(exec)),
    places: () => regionDirectory(exec),
  };
}

export interface RecommendOptions {
  /** How many to recommend to each person (a campaign run: what each still lacks). */
  limit: number | ((person: PersonRow) => number);
  /** Only among these postings (a fair's booths); an empty list recommends nothing. */
  onlyIds?: readonly string[];
  /** Leave out postings already referred to the person (the API and campaign runs; not a fair, where they may meet the employer). */
  excludeReferred: boolean;
  /** The note when nothing fits (a fair says so in its own words). */
  nothingFitsNote?: string;
  /** Candidate sets shared between people who ask the engine the same question (a campaign run keeps one). */
  cache?: CandidateCache;
}

/**
 * THE recommend operation (就业推荐), for every caller — `Person.matches`, a fair's
 * `recommendedPostings` and campaign runs: for each person, candidates by text from their intention,
 * major and skills within the hard constraints (topped up by the newest fitting postings, see
 * `candidatePoolSize`), minus what they were already referred; re-ranked by factors whose weights
 * are policy data, one employer damped so it cannot fill the list; the chosen read from PostgreSQL
 * and any that no longer fits there passed over and the choice made again without it (THE re-pick
 * rule). Membership of a target category can add a boost, never remove one.
 */
export async function recommendForPeople(engine: SearchEngine, reads: MatchReads, persons: readonly PersonRow[], opts: RecommendOptions): Promise<Map<string, Recommendation>> {
  const out = new Map<string, Recommendation>();
  if (persons.length === 0) return out;
  const limitOf = (p: PersonRow) => (typeof opts.limit === "number" ? opts.limit : opts.limit(p));
  const nothingFitsNote = opts.nothingFitsNote ?? NOTHING_FITS;
  if (opts.onlyIds && opts.onlyIds.length === 0) {
    for (const p of persons) out.set(p.id, { personId: p.id, items: [], note: nothingFitsNote, nothingFits: true, allReferred: false });
    return out;
  }
  const wanted = persons.filter((p) => limitOf(p) > 0);
  for (const p of persons) if (limitOf(p) <= 0) out.set(p.id, { personId: p.id, items: [], note: null, nothingFits: false, allReferred: false });
  if (wanted.length === 0) return out;

  const ids = wanted.map((p) => p.id);
  // The policy reads (weights, synonyms, places, categories) go on beside the engine's searches in a
  // request; a campaign run's transaction takes one query at a time, so there they go first, in turn.
  const policyLoad = reads.oneQueryAtATime ? Promise.resolve(await readPolicy(reads, ids)) : readPolicy(reads, ids);
  policyLoad.catch(() => undefined); // awaited below; never an unhandled rejection if the engine fails first
  const referred = opts.excludeReferred ? await reads.referred(ids) : new Map<string, ReadonlySet<string>>();

  // Each person's ranked pool. The engine is asked for everyone at once, except in a campaign run
  // (its cache is filled as it goes, and people with the same question share the answer).
  const pools = new Map<string, { person: PersonRow; ranker: ReturnType<typeof rankerFor>; scored: ReturnType<typeof scoreCandidates>; passedOver: Set<string> }>();
  const poolFor = async (person: PersonRow) => {
    const already = referred.get(person.id);
    let filter: EngineFilter = hardConstraints(person);
    if (opts.onlyIds) filter = { ...filter, onlyIds: [...opts.onlyIds] };
    if (already && already.size > 0) filter = { ...filter, excludeIds: [...already].sort() };
    const candidates = await candidatesFor(engine, person, filter, candidatePoolSize(limitOf(person)), opts.cache);
    if (candidates.length === 0) {
      // Nothing left: was it nothing at all, or all of it referred already? (The note is the same for the person.)
      const allReferred = !!already && already.size > 0 && (await fitsAnything(engine, person, opts.onlyIds));
      out.set(person.id, { personId: person.id, items: [], note: nothingFitsNote, nothingFits: !allReferred, allReferred });
      return;
    }
    const { weights, synonymGroups, places, members } = await policyLoad;
    const ranker = rankerFor(person, { weights, inTargetCategory: members.has(person.id), places, synonymGroups });
    pools.set(person.id, { person, ranker, scored: scoreCandidates(ranker, candidates), passedOver: new Set() });
  };
  if (opts.cache) for (const person of wanted) await poolFor(person);
  else await Promise.all(wanted.map(poolFor));

  // PostgreSQL, not the index, decides. Each round reads the picks not yet read, for every person at
  // once; a pick that no longer fits the person there is passed over and that person picks again.
  const rows = new Map<string, PostingRow>();
  const now = new Date();
  const { employerRepeatDamping } = (await policyLoad).weights;
  let pending = [...pools.values()];
  while (pending.length > 0) {
    const picks = new Map(pending.map((pool) => [pool.person.id, pickDiverse(pool.scored.filter((c) => !pool.passedOver.has(c.id)), limitOf(pool.person), employerRepeatDamping)]));
    const unread = [...new Set([...picks.values()].flatMap((ps) => ps.map((p) => p.id)))].filter((id) => !rows.has(id));
    if (unread.length > 0) for (const [id, row] of await reads.postings(unread)) rows.set(id, row);
    const again: typeof pending = [];
    for (const pool of pending) {
      const items: MatchItem[] = [];
      for (const pick of picks.get(pool.person.id)!) {
        const row = rows.get(pick.id);
        if (row && misfit(pool.person, row, now) === null) items.push({ posting: row, score: pick.adjusted, reasons: pool.ranker.reasons(pick.candidate) });
        else pool.passedOver.add(pick.id);
      }
      if (items.length === picks.get(pool.person.id)!.length) {
        out.set(pool.person.id, { personId: pool.person.id, items, note: personWords(pool.person).length === 0 ? NO_WORDS : null, nothingFits: false, allReferred: false });
      } else again.push(pool);
    }
    pending = again;
  }
  // In the order the people were given.
  return new Map(persons.map((p) => [p.id, out.get(p.id)!]));
}

/** The ranking's policy reads: at once, or one after another when the reads share one connection. */
async function readPolicy(reads: MatchReads, ids: string[]) {
  if (reads.oneQueryAtATime) {
    const weights = await reads.weights();
    const synonymGroups = await reads.synonymGroups();
    const places = await reads.places();
    return { weights, synonymGroups, places, members: await reads.inTargetCategory(ids) };
  }
  const [weights, synonymGroups, places, members] = await Promise.all([reads.weights(), reads.synonymGroups(), reads.places(), reads.inTargetCategory(ids)]);
  return { weights, synonymGroups, places, members };
}

/** Does anything fit the person, referred or not? (Only asked when nothing unreferred does.) */
async function fitsAnything(engine: SearchEngine, person: PersonRow, onlyIds?: readonly string[]): Promise<boolean> {
  const filter: EngineFilter = onlyIds ? { ...hardConstraints(person), onlyIds: [...onlyIds] } : hardConstraints(person);
  const { hits } = await engine.search({ filter, offset: 0, limit: 1, countTotal: false });
  return hits.length > 0;
}

/** A bounded map that forgets its oldest entry when full. */
class Bounded<V> {
  private readonly entries = new Map<string, V>();
  hits = 0;
  misses = 0;
  constructor(private readonly capacity: number) {}
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.hits++;
      return found;
    }
    this.misses++;
    const loaded = await load();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, loaded);
    return loaded;
  }
}

/**
 * Candidate sets by query signature (the person's words, hard constraints and what they leave out),
 * shared by the people of a campaign run who ask the engine the same question (about half of them in
 * a generated population). Bounded; a posting that closed since is caught by the PostgreSQL check.
 */
export class CandidateCache {
  readonly candidates = new Bounded<Candidate[]>(5_000);
}

async function candidatesFor(engine: SearchEngine, person: PersonRow, filter: EngineFilter, enough: number, cache?: CandidateCache): Promise<Candidate[]> {
  if (!cache) return [...(await gatherCandidates(engine, person, filter, enough)).values()];
  const { validAt: _validAt, ...signature } = filter;
  const key = JSON.stringify([personWords(person).join(" "), signature, enough]);
  return cache.candidates.get(key, async () => [...(await gatherCandidates(engine, person, filter, enough)).values()]);
}

/**
 * Candidates for a person within `filter`: by text from their words (up to 200), topped up with the
 * newest fitting postings when text finds fewer than `enough`.
 */
export async function gatherCandidates(search: SearchEngine, person: PersonRow, filter: EngineFilter, enough: number): Promise<Map<string, Candidate>> {
  const text = personWords(person).join(" ");
  const candidates = new Map<string, Candidate>();
  const take = (hits: SearchHit[], relevance: (h: SearchHit) => number) => {
    for (const h of hits) if (h.document && !candidates.has(h.id)) candidates.set(h.id, { document: h.document, relevance: relevance(h) });
  };
  // ANY: a posting holding some of the person's words is a candidate, ranked by the share it holds.
  if (text) take((await search.search({ text, words: "ANY", filter, offset: 0, limit: CANDIDATES, countTotal: false, withDocuments: true })).hits, (h) => h.score);
  if (candidates.size < enough) take((await search.search({ filter, sort: "NEWEST", offset: 0, limit: CANDIDATES, countTotal: false, withDocuments: true })).hits, () => 0);
  return candidates;
}
