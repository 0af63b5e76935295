import { and, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { postingScreenings } from "./screening.table.js";

/** Which hits a review list asks for. */
export interface HitFilter {
  ruleCode?: string | undefined;
  severity?: "HIGH" | "LOW" | undefined;
  /** Only hits no official approved yet. */
  unapproved?: boolean | undefined;
}

/** The posting (`postingId`: its id column in the caller's query) has a stored screening hit matching `f` (the review queue's filter). */
export function hasScreeningHit(postingId: SQLWrapper, f: HitFilter): SQL {
  const conditions = and(
    sql`${postingScreenings.postingId} = ${postingId}`,
    f.ruleCode ? eq(postingScreenings.ruleCode, f.ruleCode) : undefined,
    f.severity ? eq(postingScreenings.severity, f.severity) : undefined,
    f.unapproved ? eq(postingScreenings.approved, false) : undefined,
  );
  return sql`exists (select 1 from ${postingScreenings} where ${conditions})`;
}
