import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";
import { partnerEmployerLinks, type PartnerEmployerLinkRow } from "./partner-link.table.js";

export type LinkStatus = "REQUESTED" | "ACTIVE" | "REVOKED";

export async function findLink(db: Executor, partnerId: string, employerId: string, opts: { forUpdate?: boolean } = {}): Promise<PartnerEmployerLinkRow | undefined> {
  const query = db.select().from(partnerEmployerLinks).where(and(eq(partnerEmployerLinks.partnerId, partnerId), eq(partnerEmployerLinks.employerId, employerId)));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

/** Writes the pair's link (one row per pair, whatever its history): inserted the first time, changed after. */
export async function saveLink(
  db: Executor,
  row: { id: string; partnerId: string; employerId: string; status: LinkStatus; requestedAt?: Date | null; requestedBy?: string | null; decidedAt?: Date | null; decidedBy?: string | null },
): Promise<PartnerEmployerLinkRow> {
  const { id, partnerId, employerId, ...change } = row;
  const [saved] = await db
    .insert(partnerEmployerLinks)
    .values({ id, partnerId, employerId, ...change })
    .onConflictDoUpdate({ target: [partnerEmployerLinks.partnerId, partnerEmployerLinks.employerId], set: { ...change, updatedAt: sql`now()` } })
    .returning();
  return saved!;
}

export interface LinkQuery {
  partnerId?: string;
  employerId?: string;
  /** Employers registered in this region (a caseworker's scope). */
  employerRegionPrefix?: string;
  statuses?: LinkStatus[];
}

function linkConditions(q: LinkQuery): SQL[] {
  const c: SQL[] = [];
  if (q.partnerId) c.push(eq(partnerEmployerLinks.partnerId, q.partnerId));
  if (q.employerId) c.push(eq(partnerEmployerLinks.employerId, q.employerId));
  if (q.employerRegionPrefix !== undefined) {
    c.push(sql`exists (select 1 from employers e where e.id = ${partnerEmployerLinks.employerId} and e.region_code like ${q.employerRegionPrefix + "%"})`);
  }
  if (q.statuses && q.statuses.length > 0) c.push(inArray(partnerEmployerLinks.status, q.statuses));
  return c;
}

export function listLinks(db: Executor, q: LinkQuery, page: KeysetPage): Promise<PartnerEmployerLinkRow[]> {
  return db
    .select()
    .from(partnerEmployerLinks)
    .where(and(...linkConditions(q), keysetRange(partnerEmployerLinks.id, page)))
    .orderBy(keysetOrder(partnerEmployerLinks.id, page))
    .limit(page.limit);
}

export async function countLinks(db: Executor, q: LinkQuery): Promise<number> {
  return await db.$count(partnerEmployerLinks, and(...linkConditions(q)));
}

/** Every link of these employers, for `Employer.partnerLinks` (one statement for a page of employers). */
export function findLinksOfEmployers(db: Executor, employerIds: readonly string[]): Promise<PartnerEmployerLinkRow[]> {
  return db.select().from(partnerEmployerLinks).where(inArray(partnerEmployerLinks.employerId, [...employerIds])).orderBy(partnerEmployerLinks.id);
}

/** Which of these (partner, employer) pairs are ACTIVE-linked, in one statement. */
export async function findActivePairs(db: Executor, pairs: readonly { partnerId: string; employerId: string }[]): Promise<PartnerEmployerLinkRow[]> {
  if (pairs.length === 0) return [];
  return db
    .select()
    .from(partnerEmployerLinks)
    .where(
      and(
        eq(partnerEmployerLinks.status, "ACTIVE"),
        sql`(${partnerEmployerLinks.partnerId}, ${partnerEmployerLinks.employerId}) in (select * from unnest(${sql.param(pairs.map((p) => p.partnerId))}::uuid[], ${sql.param(pairs.map((p) => p.employerId))}::uuid[]))`,
      ),
    );
}
