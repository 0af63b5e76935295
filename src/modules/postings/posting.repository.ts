import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, is, like, lt, lte, or, Placeholder, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { preparedShapes, preparedStatement } from "../../db/prepared.js";
import { onPostingEnded } from "./posting.hooks.js";
import { postings, postingStatus, PUBLIC_POSTING_STATUSES, type Education, type PostingKind, type PostingRow, type PostingStatus } from "./posting.table.js";
import { keysetDirection, keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage, TimeKey } from "../../pagination.js";
import { hasScreeningHit, type HitFilter } from "../screening/screening.sql.js";

/**
 * An OPEN posting past its validUntil is EXPIRED the moment it passes, whether or not the sweeper
 * has written that yet: reads use this expression, never the stored status alone.
 */
export const effectiveStatus = sql<PostingStatus>`(case when ${postings.status} = 'OPEN' and ${postings.validUntil} <= now() then 'EXPIRED'::posting_status else ${postings.status} end)`;

const postingColumns = { ...getTableColumns(postings), status: effectiveStatus };

/** A posting's columns, by name (`status` is the effective status). */
export type PostingColumn = keyof typeof postingColumns;

/**
 * Where a list's values go: into the statement built for this call (`inline`, drizzle encoding
 * each as its column's), or — for a statement prepared once per shape — as named placeholders
 * gathered into `params`, with `shape` the key of everything else the SQL depends on.
 */
interface Binding {
  value<T>(name: string, value: T): T | Placeholder;
  /** A list as one array parameter (`= any($n::type[])`): the statement's text does not vary with its length. */
  list(name: string, values: readonly unknown[]): SQLWrapper;
  /** Notes a choice the SQL depends on (a status's rule, the order). */
  shape(token: string): void;
}

const inline: Binding = { value: (_name, value) => value, list: (_name, values) => sql.param([...values]), shape: () => undefined };

function placeholders(): Binding & { params: Record<string, unknown>; key: string[] } {
  const params: Record<string, unknown> = {};
  const key: string[] = [];
  const bind = <T>(name: string, value: T): Placeholder => {
    params[name] = value instanceof Date ? value.toISOString() : value;
    key.push(name);
    return sql.placeholder(name);
  };
  return { params, key, value: bind, list: (name, values) => bind(name, [...values]), shape: (token) => key.push(token) };
}

/**
 * A status written into the SQL, not bound: the few statuses are part of a statement's shape, and a
 * prepared statement's plan can then use the index of OPEN postings (a bound status would leave
 * PostgreSQL planning it afresh on every execution).
 */
function statusLiteral(status: PostingStatus): SQL {
  if (!postingStatus.enumValues.includes(status)) throw new Error(`Not a posting status: ${String(status)}`);
  return sql.raw(`'${status}'::posting_status`);
}

/** The same rule as `effectiveStatus`, written so that indexes on (status, valid_until) apply. */
function statusIs(status: PostingStatus, bind: Binding): SQL {
  bind.shape(`status:${status}`);
  switch (status) {
    case "OPEN":
      return sql`(${postings.status} = ${statusLiteral("OPEN")} and ${postings.validUntil} > now())`;
    case "EXPIRED":
      return sql`(${postings.status} = ${statusLiteral("EXPIRED")} or (${postings.status} = ${statusLiteral("OPEN")} and ${postings.validUntil} <= now()))`;
    default:
      return sql`${postings.status} = ${statusLiteral(status)}`;
  }
}

/** Who may see a posting: public statuses to everyone, drafts and blocked ones to those who manage them. */
export type PostingVisibility =
  | { kind: "all" }
  | { kind: "public"; alsoEmployerId?: string; alsoRegionPrefix?: string; alsoPartnerId?: string };

function visibilityCondition(v: PostingVisibility, bind: Binding): SQL | undefined {
  bind.shape(`visibility:${v.kind}`);
  if (v.kind === "all") return undefined;
  const parts: SQL[] = [sql`${postings.status} in (${sql.join(PUBLIC_POSTING_STATUSES.map(statusLiteral), sql`, `)})`];
  if (v.alsoEmployerId) parts.push(eq(postings.employerId, bind.value("alsoEmployerId", v.alsoEmployerId)));
  if (v.alsoRegionPrefix) parts.push(like(postings.regionCode, bind.value("alsoRegionPrefix", `${v.alsoRegionPrefix}%`)));
  if (v.alsoPartnerId) parts.push(eq(postings.partnerId, bind.value("alsoPartnerId", v.alsoPartnerId)));
  return or(...parts);
}

export interface PostingQuery {
  visibility: PostingVisibility;
  statuses?: PostingStatus[];
  regionPrefix?: string;
  employerIds?: string[];
  kinds?: PostingKind[];
  forKeyGroups?: boolean;
  educationAtMost?: Education;
  source?: "EMPLOYER" | "PARTNER";
  updatedSince?: Date;
  /** Held by screening (issue 23), or not. */
  heldByScreening?: boolean;
  /** With a stored screening hit like this (the review queue). */
  screeningHit?: HitFilter;
}

function queryConditions(q: PostingQuery, bind: Binding = inline): SQL[] {
  const conditions: SQL[] = [];
  const visible = visibilityCondition(q.visibility, bind);
  if (visible) conditions.push(visible);
  if (q.statuses && q.statuses.length > 0) conditions.push(or(...q.statuses.map((status) => statusIs(status, bind)))!);
  if (q.regionPrefix) conditions.push(like(postings.regionCode, bind.value("regionPrefix", `${q.regionPrefix}%`)));
  if (q.employerIds) conditions.push(sql`${postings.employerId} = any(${bind.list("employerIds", q.employerIds)}::uuid[])`);
  if (q.kinds && q.kinds.length > 0) conditions.push(sql`${postings.kind} = any(${bind.list("kinds", q.kinds)}::posting_kind[])`);
  if (q.forKeyGroups !== undefined) conditions.push(eq(postings.forKeyGroups, bind.value("forKeyGroups", q.forKeyGroups)));
  if (q.educationAtMost) conditions.push(lte(postings.minEducation, bind.value("educationAtMost", q.educationAtMost)));
  if (q.source) conditions.push(eq(postings.source, bind.value("source", q.source)));
  if (q.updatedSince) conditions.push(gte(postings.updatedAt, bind.value("updatedSince", q.updatedSince)));
  if (q.heldByScreening !== undefined) conditions.push(eq(postings.heldByScreening, bind.value("heldByScreening", q.heldByScreening)));
  // The review queue's filter is written by the screening module with its values in it: never prepared (see listPostings).
  if (q.screeningHit) conditions.push(hasScreeningHit(postings.id, q.screeningHit));
  return conditions;
}

/**
 * A page of postings by id (newest first, or `page.backward`), with the columns a request reads (all
 * when not given; the id always). Prepared once per shape of query and columns: building and
 * planning the statement cost more than running it, on the portal's busiest read.
 */
export function listPostings(db: Executor, q: PostingQuery, page: KeysetPage): Promise<PostingRow[]>;
export function listPostings<C extends PostingColumn>(db: Executor, q: PostingQuery, page: KeysetPage, columns: readonly C[]): Promise<Pick<PostingRow, C | "id">[]>;
export function listPostings(db: Executor, q: PostingQuery, page: KeysetPage, columns?: readonly PostingColumn[]): Promise<Partial<PostingRow>[]> {
  if (q.screeningHit) {
    return db.select(selectionOf(columns)).from(postings).where(and(...queryConditions(q), keysetRange(postings.id, page))).orderBy(keysetOrder(postings.id, page)).limit(page.limit);
  }
  const bind = placeholders();
  const conditions = queryConditions(q, bind);
  const range = keysetRange(postings.id, page, "newest", bind.value);
  bind.shape(`${page.backward ? "backward" : "forward"}|columns:${columns ? columns.join(",") : "*"}`);
  bind.params.limit = page.limit;
  return postingsPage(db, bind.key.join("|"), { columns, where: and(...conditions, range), order: keysetOrder(postings.id, page) }, bind.params);
}

const postingsPage = preparedShapes("postings_page", 200, (db, shape: { columns: readonly PostingColumn[] | undefined; where: SQL | undefined; order: SQL }) => {
  const query = db.select(selectionOf(shape.columns) as typeof postingColumns).from(postings).where(shape.where).orderBy(shape.order).limit(sql.placeholder("limit"));
  // Every value must be a placeholder: a value written into the SQL would be kept for every later request of the shape.
  if (query.toSQL().params.some((p) => !is(p, Placeholder))) throw new Error("postings_page: a value is not bound (use the binding)");
  return query;
});

/** The select of some columns (and the id), in the table's order; all of them when not given. */
function selectionOf(columns: readonly PostingColumn[] | undefined): Partial<typeof postingColumns> {
  if (!columns) return postingColumns;
  const wanted = new Set<PostingColumn>(["id", ...columns]);
  return Object.fromEntries(Object.entries(postingColumns).filter(([name]) => wanted.has(name as PostingColumn)));
}

/** A page of a list ordered by (updatedAt, id), oldest change first: keyset on the index postings_updated_idx. */
export interface UpdateKeysetPage {
  after?: TimeKey | undefined;
  before?: TimeKey | undefined;
  limit: number;
  backward: boolean;
}

const timeKey = (k: TimeKey) => sql`(${k.at.toISOString()}::timestamptz, ${k.id}::uuid)`;

export function listPostingsByUpdate(db: Executor, q: PostingQuery, page: UpdateKeysetPage): Promise<PostingRow[]> {
  const range = and(
    page.after ? sql`(${postings.updatedAt}, ${postings.id}) > ${timeKey(page.after)}` : undefined,
    page.before ? sql`(${postings.updatedAt}, ${postings.id}) < ${timeKey(page.before)}` : undefined,
  );
  const dir = page.backward ? desc : asc;
  return db.select(postingColumns).from(postings).where(and(...queryConditions(q), range)).orderBy(dir(postings.updatedAt), dir(postings.id)).limit(page.limit);
}

// drizzle's $count is a thenable that runs again on every `.then`: await it once into a real Promise.
export async function countPostings(db: Executor, q: PostingQuery): Promise<number> {
  return await db.$count(postings, and(...queryConditions(q)));
}

/**
 * One page of postings for each of many employers in one statement (for `Employer.postings` under
 * a list): rows are numbered per employer and cut at `limit`.
 */
export async function listPostingsForEmployers(
  db: Executor,
  employerIds: readonly string[],
  q: PostingQuery,
  page: KeysetPage,
): Promise<PostingRow[]> {
  const conditions = [...queryConditions({ ...q, employerIds: [...employerIds] }), keysetRange(postings.id, page)];
  const numbered = db
    .select({ ...postingColumns, status: effectiveStatus.as("effective_status"), rowNumber: sql<number>`row_number() over (partition by ${postings.employerId} order by ${postings.id} ${keysetDirection(page)})`.as("row_number") })
    .from(postings)
    .where(and(...conditions))
    .as("numbered");
  const rows = await db.select().from(numbered).where(lte(numbered.rowNumber, page.limit)).orderBy(numbered.employerId, keysetOrder(numbered.id, page));
  return rows.map(({ rowNumber: _rowNumber, ...row }) => row as PostingRow);
}

export async function countPostingsForEmployers(db: Executor, employerIds: readonly string[], q: PostingQuery): Promise<Map<string, number>> {
  const rows = await db
    .select({ employerId: postings.employerId, n: sql<number>`count(*)::int` })
    .from(postings)
    .where(and(...queryConditions({ ...q, employerIds: [...employerIds] })))
    .groupBy(postings.employerId);
  return new Map(rows.map((r) => [r.employerId, Number(r.n)]));
}

export async function findPostingById(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<PostingRow | undefined> {
  const query = db.select(postingColumns).from(postings).where(eq(postings.id, id));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

const postingsByIds = preparedStatement("postings_by_ids", (db) => db.select(postingColumns).from(postings).where(sql`${postings.id} = any(${sql.placeholder("ids")}::uuid[])`));

export function findPostingsByIds(db: Executor, ids: readonly string[]): Promise<PostingRow[]> {
  return postingsByIds(db, { ids: [...ids] });
}

/** Up to `limit` ids of postings with one of `statuses`, ascending, after `afterId` (keyset pages). */
export async function listPostingIdsByStatus(db: Executor, statuses: readonly PostingStatus[], page: { afterId?: string; limit: number }): Promise<string[]> {
  const rows = await db
    .select({ id: postings.id })
    .from(postings)
    .where(and(inArray(postings.status, [...statuses]), page.afterId ? gt(postings.id, page.afterId) : undefined))
    .orderBy(asc(postings.id))
    .limit(page.limit);
  return rows.map((r) => r.id);
}

/** The columns a posting's search document is made of (`postingDocument`): what a whole-index read selects. */
const documentColumnNames = ["id", "employerId", "title", "description", "occupation", "skills", "majors", "minEducation", "regionCode", "salaryMin", "salaryMax", "headcount", "kind", "forKeyGroups", "status", "validUntil", "publishedAt", "source", "partnerId"] as const;
const documentColumns = Object.fromEntries(documentColumnNames.map((name) => [name, postingColumns[name]])) as Pick<typeof postingColumns, (typeof documentColumnNames)[number]>;

/** A posting as a whole-index read gives it: the columns of its search document. */
export type PostingDocumentRow = Pick<PostingRow, (typeof documentColumnNames)[number]>;

/** Up to `limit` postings with one of `statuses`, by id ascending, after `afterId` (keyset pages, the search document's columns). */
export function listPostingDocumentRows(db: Executor, statuses: readonly PostingStatus[], page: { afterId?: string; limit: number }): Promise<PostingDocumentRow[]> {
  return db
    .select(documentColumns)
    .from(postings)
    .where(and(inArray(postings.status, [...statuses]), page.afterId ? gt(postings.id, page.afterId) : undefined))
    .orderBy(asc(postings.id))
    .limit(page.limit);
}

// Every write of postings is logged for the search index and the partner change feed by triggers
// (migration 0037) in the write's own transaction: no reader can miss a committed change.

export async function insertPosting(db: Executor, row: typeof postings.$inferInsert): Promise<PostingRow> {
  const [inserted] = await db.insert(postings).values(row).returning({ id: postings.id });
  return (await findPostingById(db, inserted!.id))!;
}

// A posting that stops being open (closed, blocked, expired) says so in the same transaction
// (onPostingEnded): the modules holding something on it let go.
const ENDING = new Set(["CLOSED", "BLOCKED", "EXPIRED"]);

export async function updatePostingRow(db: Executor, id: string, patch: Partial<typeof postings.$inferInsert>): Promise<PostingRow> {
  await db.update(postings).set({ ...patch, updatedAt: sql`now()` }).where(eq(postings.id, id));
  if (patch.status && ENDING.has(patch.status)) {
    await onPostingEnded.run(db, { postingIds: [id], by: patch.closedBy ?? "system" });
  }
  return (await findPostingById(db, id))!;
}

/** A partner's posting by its own id, locked for the upsert that follows. */
export async function findPartnerPosting(db: Executor, partnerId: string, externalId: string): Promise<PostingRow | undefined> {
  const [row] = await db
    .select(postingColumns)
    .from(postings)
    .where(and(eq(postings.partnerId, partnerId), eq(postings.externalId, externalId)))
    .for("update");
  return row;
}

/** Inserts unless (partner, externalId) exists; returns the new id, or undefined when it existed. */
export async function insertPartnerPostingIfAbsent(db: Executor, row: typeof postings.$inferInsert): Promise<string | undefined> {
  const [inserted] = await db
    .insert(postings)
    .values(row)
    .onConflictDoNothing({ target: [postings.partnerId, postings.externalId] })
    .returning({ id: postings.id });
  return inserted?.id;
}

/** Writes EXPIRED for OPEN postings past validUntil (reads already treat them so). */
export async function expireOverduePostings(db: Executor): Promise<number> {
  const rows = await db
    .update(postings)
    .set({ status: "EXPIRED", updatedAt: sql`now()` })
    .where(and(eq(postings.status, "OPEN"), lte(postings.validUntil, sql`now()`)))
    .returning({ id: postings.id });
  if (rows.length > 0) await onPostingEnded.run(db, { postingIds: rows.map((r) => r.id), by: "system:expiry" });
  return rows.length;
}


/**
 * Releases a partner's held postings for an employer (issue 22: the link became ACTIVE): those held
 * and never closed, still before validUntil, not held by screening, become OPEN (the trigger logs them CREATED). Returns their ids.
 */
export async function releaseHeldPartnerPostings(db: Executor, partnerId: string, employerId: string): Promise<string[]> {
  const rows = await db
    .update(postings)
    .set({ status: "OPEN", publishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(postings.partnerId, partnerId),
        eq(postings.employerId, employerId),
        eq(postings.status, "PENDING_REVIEW"),
        sql`${postings.closedAt} is null`,
        sql`${postings.validUntil} > now()`,
        // Held by screening too (issue 23): only an official's review releases it, not a link.
        eq(postings.heldByScreening, false),
      ),
    )
    .returning({ id: postings.id });
  return rows.map((r) => r.id);
}

/**
 * Holds partners' OPEN postings for an employer again (PENDING_REVIEW; the trigger logs REMOVED):
 * those of one partner, or of every partner but `exceptPartnerIds`. Returns their ids.
 */
export async function holdPartnerPostings(db: Executor, employerId: string, partners: { partnerId: string } | { exceptPartnerIds: string[] }): Promise<string[]> {
  const rows = await db
    .update(postings)
    .set({ status: "PENDING_REVIEW", updatedAt: sql`now()` })
    .where(
      and(
        eq(postings.employerId, employerId),
        eq(postings.source, "PARTNER"),
        eq(postings.status, "OPEN"),
        sql`${postings.validUntil} > now()`,
        "partnerId" in partners
          ? eq(postings.partnerId, partners.partnerId)
          : partners.exceptPartnerIds.length > 0
            ? sql`${postings.partnerId} <> all(${sql.param(partners.exceptPartnerIds)}::uuid[])`
            : undefined,
      ),
    )
    .returning({ id: postings.id });
  return rows.map((r) => r.id);
}

/** Ids of partners' public postings for an employer (one partner's, or every partner's): their search documents follow the link. */
export async function listPartnerPublicPostingIds(db: Executor, employerId: string, partnerId?: string): Promise<string[]> {
  const rows = await db
    .select({ id: postings.id })
    .from(postings)
    .where(and(eq(postings.employerId, employerId), eq(postings.source, "PARTNER"), inArray(postings.status, [...PUBLIC_POSTING_STATUSES]), partnerId ? eq(postings.partnerId, partnerId) : undefined));
  return rows.map((r) => r.id);
}
