import type { Executor } from "../../db/client.js";
import type { Message } from "../../i18n.js";
import type { SearchEngine, SearchHit, SearchQuery } from "../../search/search-port.js";
import type { PersonRow } from "../people/person.table.js";
import type { PostingRow } from "../postings/posting.table.js";
import { populationsAndMinimums } from "../categories/category.service.js";
import { regionDirectory, type RegionPlace } from "../regions/region-directory.js";
import { listSynonymGroups } from "../synonyms/synonym.service.js";
import { FALLBACK_KIND, fallbackConstraints, hardConstraints, marketFit, misfit, needsFallback, personWords, type MatchFacts } from "./match-constraints.js";
import { pickDiverse, rankerFor, scoreCandidates, type Candidate, type MatchReasonRow, type Scored } from "./match-ranker.js";
import { activePolicy, type MatchPolicy } from "./match.repository.js";

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
export const FALLBACK_NOTE = "符合条件的市场岗位少于推荐最低数，另推荐公益性岗位托底安置（排在市场岗位之后）。";
/** The reason a fallback posting carries (托底安置), first among its reasons. */
export const FALLBACK_REASON = "托底安置：市场岗位不足时推荐的公益性岗位";

export interface MatchItem {
  posting: PostingRow;
  score: number;
  reasons: MatchReasonRow[];
  /** A public-welfare post offered as the fallback (托底安置), after every market posting. */
  fallback: boolean;
}

/** What matching knows of a person from their categories. */
export interface MatchProfile {
  populations: ReadonlySet<string>;
  /** Their referral minimum (the strictest of their categories'); 0 in none. */
  minimum: number;
}
const NO_PROFILE: MatchProfile = { populations: new Set(), minimum: 0 };

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
  /** The matching policy in force: weights and rules. */
  policy(): Promise<MatchPolicy>;
  synonymGroups(): Promise<string[][]>;
  places(): Promise<Map<string, RegionPlace>>;
  /** The populations and referral minimum of these people, by their categories (absent: in none). */
  profiles(personIds: readonly string[]): Promise<ReadonlyMap<string, MatchProfile>>;
  /** The postings already referred to each of these people (any outcome, declined included). */
  referred(personIds: readonly string[]): Promise<ReadonlyMap<string, ReadonlySet<string>>>;
  /** The chosen postings as PostgreSQL holds them now (the source of truth). */
  postings(ids: readonly string[]): Promise<ReadonlyMap<string, PostingRow>>;
  /** The reads share one connection (a transaction): issue them one at a time. */
  oneQueryAtATime?: boolean;
}

/** The policy reads (policy, synonyms, places, profiles) straight from an executor: for callers without per-request loaders. */
export function policyReads(exec: Executor): Pick<MatchReads, "policy" | "synonymGroups" | "places" | "profiles"> {
  let policy: Promise<MatchPolicy> | undefined;
  let synonyms: Promise<string[][]> | undefined;
  return {
    policy: () => (policy ??= activePolicy(exec)),
    synonymGroups: () => (synonyms ??= listSynonymGroups(exec)),
    places: () => regionDirectory(exec),
    profiles: (ids) => populationsAndMinimums(exec, ids),
  };
}

/**
 * Why a posting does not fit a person (`misfit`, with the policy, places and populations it reads),
 * or null when it fits — for the services that check one posting at a time.
 */
export async function postingMisfit(exec: Executor, person: PersonRow, posting: Parameters<typeof misfit>[1], now = new Date()) {
  return (await misfitCheck(exec, person))(posting, now);
}

/** `postingMisfit` for several postings of one person: what `misfit` reads is read once. */
export async function misfitCheck(exec: Executor, person: PersonRow): Promise<(posting: Parameters<typeof misfit>[1], now?: Date) => Message | null> {
  const facts = (await matchFactsFor(exec, [person.id])).get(person.id)!;
  return (posting, now = new Date()) => misfit(person, posting, facts, now);
}

/**
 * What the place rule and `misfit` read for these people, from an executor: for the services that
 * check one posting against a person (a referral, an application, a fair's outcome).
 */
export async function matchFactsFor(exec: Executor, personIds: readonly string[]): Promise<Map<string, MatchFacts>> {
  const [{ rules }, places, profiles] = [await activePolicy(exec), await regionDirectory(exec), await populationsAndMinimums(exec, personIds)];
  return new Map(personIds.map((id) => [id, { places, rules, populations: (profiles.get(id) ?? NO_PROFILE).populations }]));
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
  /**
   * The referral minimum THE fallback rule measures market fits against — a campaign run: the
   * campaign's (`requiredMinimum`, its binding's own when set). Default: their categories' own.
   */
  minimum?: (person: PersonRow) => number;
}

/**
 * THE recommend operation (就业推荐), for every caller — `Person.matches`, a fair's
 * `recommendedPostings` and campaign runs: for each person, candidates by text from their intention,
 * major and skills within the hard constraints (topped up by the newest fitting postings, see
 * `candidatePoolSize`), minus what they were already referred; re-ranked by factors whose weights
 * are policy data (boosts capped at the policy's margin), one employer and near-duplicates damped
 * so they cannot fill the list; public-welfare posts after the market's when THE fallback rule
 * offers them; the chosen read from PostgreSQL and any that no longer fits there passed over and the
 * choice made again without it (THE re-pick rule). Membership of a target category can add a
 * boost, never remove one. The places are THE place rule's (`acceptablePlaces`).
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
  const readReferred = () => (opts.excludeReferred ? reads.referred(ids) : Promise.resolve(new Map<string, ReadonlySet<string>>()));
  // The engine's filter needs the policy and the places (kept by the process); the profiles only for
  // people whose places depend on their population, the synonyms only for scoring, what was referred
  // only after the text search (see `gatherCandidates`). In a request the engine (in-process CPU
  // work) starts as soon as the first are in, beside the other reads; a campaign run's transaction
  // takes one query at a time, so there they all come first, in turn.
  const reading = reads.oneQueryAtATime ? await readPolicy(reads, ids) : readPolicyAsReady(reads, ids);
  const referring = reads.oneQueryAtATime ? Promise.resolve(await readReferred()) : readReferred();
  referring.catch(() => undefined);

  // Each person's ranked pools: market postings, and public-welfare posts when the fallback rule
  // offers them. The engine is asked for everyone at once, except in a campaign run (its cache is
  // filled as it goes, and people with the same question share the answer).
  interface Pool {
    person: PersonRow;
    ranker: ReturnType<typeof rankerFor>;
    market: Scored[];
    fallback: Scored[];
    passedOver: Set<string>;
  }
  const pools = new Map<string, Pool>();
  const [policy, places] = await Promise.all([reading.policy, reading.places]);
  const poolFor = async (person: PersonRow) => {
    const profileNow = async () => (await reading.profiles).get(person.id) ?? NO_PROFILE;
    // The place rule reads the populations only for someone who names no place and will not move.
    const populations = !person.willingToRelocate && person.intentionRegionCodes.length === 0 && policy.rules.commuteRadii.length > 0 ? (await profileNow()).populations : undefined;
    const facts: MatchFacts = { places, rules: policy.rules, populations: populations ?? NO_PROFILE.populations };
    const enough = candidatePoolSize(limitOf(person));
    const scoped = (filter: EngineFilter): EngineFilter => ({ ...filter, ...(opts.onlyIds ? { onlyIds: [...opts.onlyIds] } : {}) });
    const marketFilter = scoped(hardConstraints(person, facts));
    const referred: Referred = referring.then((r) => r.get(person.id));
    const market = await candidatesFor(engine, person, marketFilter, enough, referred, opts.cache);
    const already = await referred;
    let fallback: Candidate[] = [];
    const fallbackFilter = fallbackConstraints(person, facts);
    if (fallbackFilter) {
      const referralMinimum = opts.minimum ? opts.minimum(person) : (await profileNow()).minimum;
      // The market fits (see `marketFit`), referred ones included (they count toward the minimum):
      // counted again in the engine only when the pool is short of the minimum — the whole market's,
      // even at a fair (onlyIds): whether the market can place the person is not a question of the booths.
      const minimum = Math.max(1, referralMinimum);
      const inPool = market.filter((c) => marketFit(person, c)).length;
      const fits = inPool >= minimum ? inPool : await countFits(engine, person, hardConstraints(person, facts), minimum);
      if (needsFallback(person, fits, referralMinimum)) fallback = await candidatesFor(engine, person, scoped(fallbackFilter), enough, referred, opts.cache);
    }
    if (market.length === 0 && fallback.length === 0) {
      // Nothing left: was it nothing at all, or all of it referred already? (The note is the same for the person.)
      const allReferred = !!already && already.size > 0 && (await fitsAnything(engine, person, facts, opts.onlyIds));
      out.set(person.id, { personId: person.id, items: [], note: nothingFitsNote, nothingFits: !allReferred, allReferred });
      return;
    }
    const [profile, synonymGroups] = [await profileNow(), await reading.synonymGroups];
    const ranker = rankerFor(person, { weights: policy.weights, inTargetCategory: profile.populations.size > 0, facts: { ...facts, populations: profile.populations }, synonymGroups });
    pools.set(person.id, { person, ranker, market: scoreCandidates(ranker, market), fallback: scoreCandidates(ranker, fallback), passedOver: new Set() });
  };
  if (opts.cache) for (const person of wanted) await poolFor(person);
  else await Promise.all(wanted.map(poolFor));
  const profiles = await reading.profiles;

  // PostgreSQL, not the index, decides. Each round reads the picks not yet read, for every person at
  // once; a pick that no longer fits the person there is passed over and that person picks again.
  // Market postings first; the fallback's after them, never among them.
  const rows = new Map<string, PostingRow>();
  const now = new Date();
  const damping = { employer: policy.weights.employerRepeatDamping, nearDuplicate: policy.rules.nearDuplicateDamping };
  const factsOf = (person: PersonRow): MatchFacts => ({ places, rules: policy.rules, populations: (profiles.get(person.id) ?? NO_PROFILE).populations });
  // Without the fallback, the market's postings by score. With it: the market fits, then the
  // public-welfare posts, then whatever else of the market lies within their constraints.
  const pick = (pool: Pool) => {
    const limit = limitOf(pool.person);
    const open = (xs: Scored[]) => (pool.passedOver.size === 0 ? xs : xs.filter((c) => !pool.passedOver.has(c.id)));
    if (pool.fallback.length === 0) return pickDiverse(open(pool.market), limit, damping).map((p) => ({ ...p, fallback: false }));
    const tiers = [
      { pool: open(pool.market.filter((c) => marketFit(pool.person, c.candidate))), fallback: false },
      { pool: open(pool.fallback), fallback: true },
      { pool: open(pool.market.filter((c) => !marketFit(pool.person, c.candidate))), fallback: false },
    ];
    const chosen: (ReturnType<typeof pickDiverse<Scored>>[number] & { fallback: boolean })[] = [];
    for (const tier of tiers) if (chosen.length < limit) chosen.push(...pickDiverse(tier.pool, limit - chosen.length, damping).map((p) => ({ ...p, fallback: tier.fallback })));
    return chosen;
  };
  let pending = [...pools.values()];
  while (pending.length > 0) {
    const picks = new Map(pending.map((pool) => [pool.person.id, pick(pool)]));
    const unread = [...new Set([...picks.values()].flatMap((ps) => ps.map((p) => p.id)))].filter((id) => !rows.has(id));
    if (unread.length > 0) for (const [id, row] of await reads.postings(unread)) rows.set(id, row);
    const again: typeof pending = [];
    for (const pool of pending) {
      const items: MatchItem[] = [];
      const facts = factsOf(pool.person);
      for (const chosen of picks.get(pool.person.id)!) {
        const row = rows.get(chosen.id);
        // It fits there, and is still of the pool it was chosen from (a market posting turned public-welfare since the index heard is not offered as market).
        if (row && misfit(pool.person, row, facts, now) === null && (row.kind === FALLBACK_KIND) === chosen.fallback) {
          const reasons = pool.ranker.reasons(chosen.candidate);
          items.push({ posting: row, score: chosen.adjusted, reasons: chosen.fallback ? [{ factor: "fallback", weight: 0, detail: FALLBACK_REASON }, ...reasons] : reasons, fallback: chosen.fallback });
        } else pool.passedOver.add(chosen.id);
      }
      if (items.length === picks.get(pool.person.id)!.length) {
        const note = items.some((i) => i.fallback) ? FALLBACK_NOTE : personWords(pool.person).length === 0 ? NO_WORDS : null;
        out.set(pool.person.id, { personId: pool.person.id, items, note, nothingFits: false, allReferred: false });
      } else again.push(pool);
    }
    pending = again;
  }
  // In the order the people were given.
  return new Map(persons.map((p) => [p.id, out.get(p.id)!]));
}

interface PolicyReading {
  policy: Promise<MatchPolicy>;
  places: Promise<Map<string, RegionPlace>>;
  synonymGroups: Promise<string[][]>;
  profiles: Promise<ReadonlyMap<string, MatchProfile>>;
}

/** The policy reads started together, each awaited when it is needed (never an unhandled rejection if another fails first). */
function readPolicyAsReady(reads: MatchReads, ids: string[]): PolicyReading {
  const reading: PolicyReading = { policy: reads.policy(), places: reads.places(), synonymGroups: reads.synonymGroups(), profiles: reads.profiles(ids) };
  for (const p of Object.values(reading)) (p as Promise<unknown>).catch(() => undefined);
  return reading;
}

/** The ranking's policy reads, one after another (the reads share one connection), as a reading already done. */
async function readPolicy(reads: MatchReads, ids: string[]): Promise<PolicyReading> {
  const policy = await reads.policy();
  const synonymGroups = await reads.synonymGroups();
  const places = await reads.places();
  const profiles = await reads.profiles(ids);
  return { policy: Promise.resolve(policy), places: Promise.resolve(places), synonymGroups: Promise.resolve(synonymGroups), profiles: Promise.resolve(profiles) };
}

/** How many postings pass a filter (and, given words, hold some of them), counting up to `enough`. */
async function countWithin(engine: SearchEngine, filter: EngineFilter, enough: number, text = ""): Promise<number> {
  return (await engine.search({ ...(text ? { text, words: "ANY" as const } : {}), filter, offset: 0, limit: enough, countTotal: false })).hits.length;
}

/** How many market postings within `filter` fit the person (`marketFit`: they hold some of their words), counting up to `enough`. */
const countFits = (engine: SearchEngine, person: PersonRow, filter: EngineFilter, enough: number) => countWithin(engine, filter, enough, personWords(person).join(" "));

/** Does anything fit the person, referred or not? (Only asked when nothing unreferred does.) */
async function fitsAnything(engine: SearchEngine, person: PersonRow, facts: MatchFacts, onlyIds?: readonly string[]): Promise<boolean> {
  const filters = [hardConstraints(person, facts), fallbackConstraints(person, facts)].filter((f) => f !== null);
  for (const f of filters) if ((await countWithin(engine, onlyIds ? { ...f, onlyIds: [...onlyIds] } : f, 1)) > 0) return true;
  return false;
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
 * shared by the people of a campaign run who ask the engine the same question (a cohort of one major
 * and county; in the fulfil benchmark's generated population 3 % of the questions repeat, measured
 * 7 December 2026). Bounded; a posting that closed since is caught by the PostgreSQL check.
 */
export class CandidateCache {
  readonly candidates = new Bounded<Candidate[]>(5_000);
}

/** What was already referred to a person: known, or being read beside the engine's work. */
type Referred = Promise<ReadonlySet<string> | undefined>;

const leavingOut = (filter: EngineFilter, referred: ReadonlySet<string> | undefined): EngineFilter => (referred && referred.size > 0 ? { ...filter, excludeIds: [...referred].sort() } : filter);

async function candidatesFor(engine: SearchEngine, person: PersonRow, filter: EngineFilter, enough: number, referred: Referred, cache?: CandidateCache): Promise<Candidate[]> {
  if (!cache) return gatherCandidates(engine, person, filter, enough, referred);
  // A campaign run has read the referrals first: they are part of the question (and of its key).
  const asked = leavingOut(filter, await referred);
  const { validAt: _validAt, ...signature } = asked;
  const key = JSON.stringify([personWords(person).join(" "), signature, enough]);
  return cache.candidates.get(key, () => gatherCandidates(engine, person, asked, enough, Promise.resolve(undefined)));
}

// Room in the text page for postings already referred (read meanwhile, left out after).
const REFERRED_ROOM = 16;

/**
 * Candidates for a person within `filter`, without what was already referred to them: by text from
 * their words (up to 200), topped up with the newest fitting postings when text finds fewer than
 * `enough`. The text search starts before the referrals are in, asking for room beyond the 200; the
 * referred are left out after — the page a search leaving them out gives — and only when more than
 * the room were in a full page is the engine asked again, leaving them out.
 */
export async function gatherCandidates(search: SearchEngine, person: PersonRow, filter: EngineFilter, enough: number, referred: Referred): Promise<Candidate[]> {
  const text = personWords(person).join(" ");
  const candidates: Candidate[] = [];
  // A page holds each posting once: only a second page (the top-up) needs telling apart from the first.
  let taken: Set<string> | undefined;
  const take = (hits: SearchHit[], byText: boolean) => {
    if (candidates.length > 0) taken ??= new Set(candidates.map((c) => c.document.id));
    for (const h of hits) {
      if (!h.document || taken?.has(h.id)) continue;
      taken?.add(h.id);
      candidates.push({ document: h.document, relevance: byText ? h.score : 0, byText });
    }
  };
  const page = { offset: 0, countTotal: false, withDocuments: true } as const;
  if (text) {
    // ANY: a posting holding some of the person's words is a candidate, ranked by the share it holds.
    const ask = { ...page, text, words: "ANY" as const, filter, limit: CANDIDATES + REFERRED_ROOM };
    let hits = (await search.search(ask)).hits;
    const known = await referred;
    if (known && known.size > 0) {
      const kept = hits.filter((h) => !known.has(h.id));
      hits = kept.length < CANDIDATES && hits.length === ask.limit ? (await search.search({ ...ask, filter: leavingOut(filter, known), limit: CANDIDATES })).hits : kept;
    }
    take(hits.slice(0, CANDIDATES), true);
  }
  if (candidates.length < enough) take((await search.search({ ...page, filter: leavingOut(filter, await referred), sort: "NEWEST", limit: CANDIDATES })).hits, false);
  return candidates;
}
