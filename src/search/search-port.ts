/**
 * The search port: one structured query for both engines (Meilisearch in production, an embedded
 * in-process engine by default). PostgreSQL stays the source of truth; an engine holds only the
 * public fields of postings, never personal data.
 */

/** A posting as the engines index it: public fields only. */
export interface PostingDocument {
  id: string;
  title: string;
  /** Title, occupation, skills, majors and description, pre-segmented (space-separated jieba tokens). */
  searchText: string;
  /** Title, occupation, skills and majors, lower-cased and unsegmented: the ranker looks for a person's terms in it. */
  matchText: string;
  majors: string[];
  employerId: string;
  employerName: string;
  employerVerified: boolean;
  povertyWorkshop: boolean;
  regionCode: string;
  /** ["35", "3501", "350102"]: prefix filters become membership tests. */
  regionPath: string[];
  /** The prefecture code (4 digits + "00"), for the region facet. */
  regionPrefecture: string;
  /** 0 (NONE) … 6 (DOCTORATE): "requirement ≤ level" as a number. */
  educationRank: number;
  salaryMin: number | null;
  salaryMax: number | null;
  /** For the salary facet (see SALARY_BANDS). */
  salaryBand: string;
  kind: string;
  forKeyGroups: boolean;
  status: string;
  /** Epoch seconds. */
  validUntil: number;
  publishedAt: number;
  headcount: number;
}

export interface EngineFilter {
  /** Default ["OPEN"]. */
  statuses?: string[];
  /** Only postings still valid at this epoch second (open postings past validUntil are expired). */
  validAt?: number;
  /** Region-code prefixes of 2, 4 or 6 digits; any matches. */
  regionPrefixes?: string[];
  educationAtMost?: number;
  /** salaryMax ≥ this (a posting that may pay at least this much). */
  salaryAtLeast?: number;
  kinds?: string[];
  excludeKinds?: string[];
  forKeyGroups?: boolean;
  employerVerified?: boolean;
  povertyWorkshop?: boolean;
  excludeIds?: string[];
  /** Only these postings (a fair's booths): an empty list matches nothing. */
  onlyIds?: string[];
}

export type FacetName = "regionPrefecture" | "kind" | "educationRank" | "salaryBand";
export const FACETS: readonly FacetName[] = ["regionPrefecture", "kind", "educationRank", "salaryBand"];

export interface SearchQuery {
  text?: string;
  /**
   * How a query of several words matches (both engines alike). ALL (the default, the search box): a
   * posting holds every word, or a synonym of it — each word added narrows. ANY (matching, which
   * asks with a person's words): a posting holds at least one of them; relevance (the share held)
   * ranks them. Meilisearch answers ANY with one query per word in one multi-search request, exact
   * while no word is held by more than 10,000 postings passing the filter (its `maxTotalHits`).
   */
  words?: "ALL" | "ANY";
  filter: EngineFilter;
  sort?: "RELEVANCE" | "NEWEST" | "SALARY_DESC";
  facets?: readonly FacetName[];
  offset: number;
  limit: number;
  /**
   * Default true. False: the caller needs only this page (matching does), so an engine may stop
   * early and `total` is then only a lower bound.
   */
  countTotal?: boolean;
  /** Return each hit's stored document too (the ranker scores from them without reading PostgreSQL). */
  withDocuments?: boolean;
}

export interface SearchHit {
  id: string;
  /** Relevance in [0, 1], comparable within one result. */
  score: number;
  /** With `withDocuments`: the document as indexed. */
  document?: PostingDocument;
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets: Partial<Record<FacetName, Record<string, number>>>;
}

/** What an engine is configured with besides code: the synonym groups (data, from PostgreSQL). */
export interface SearchSettings {
  synonyms: string[][];
}

export interface SearchEngine {
  readonly name: "embedded" | "meilisearch";
  /** Searchable, filterable and sortable attributes, ranking rules, and the given synonyms: idempotent. */
  applySettings(settings: SearchSettings): Promise<void>;
  upsert(documents: PostingDocument[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Every indexed id. */
  allIds(): Promise<string[]>;
  /** Every indexed document as stored (reconciling compares their content with PostgreSQL's). */
  allDocuments(): Promise<PostingDocument[]>;
  /**
   * The synonym groups this process scores with (the settings last applied or used, which follow
   * the change log like the documents), or null before it has any: matching's occupation fit uses
   * the same groups as the engine's relevance, without reading them per request.
   */
  synonymGroups?(): string[][] | null;
}

/** Salary bands for faceting, in yuan per month (by salaryMax). */
export const SALARY_BANDS: { key: string; below: number }[] = [
  { key: "<3000", below: 3000 },
  { key: "3000-5000", below: 5000 },
  { key: "5000-8000", below: 8000 },
  { key: "8000-12000", below: 12000 },
  { key: ">=12000", below: Number.POSITIVE_INFINITY },
];

export function salaryBand(salaryMax: number | null): string {
  if (salaryMax === null) return "unknown";
  return SALARY_BANDS.find((b) => salaryMax < b.below)!.key;
}
