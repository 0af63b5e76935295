import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { queryRows, type Executor } from "./client.js";

/** A JS value as PostgreSQL's text input for its column (arrays as array literals, dates as ISO). */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return `{${value.map((v) => (v === null ? "NULL" : `"${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`;
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * A many-row INSERT as `SELECT … FROM unnest($1::text[], …)`: one parameter per column instead of
 * one per value, so a 500-row batch is ~30 parameters rather than ~16,000 (query building, not the
 * database, was the import's bottleneck). Every row must carry the same keys; columns it leaves
 * out take their defaults.
 */
export async function insertMany<T extends PgTable, R = Record<string, unknown>>(
  db: Executor,
  table: T,
  rows: Record<string, unknown>[],
  opts: { onConflict?: SQL; returning?: string[] } = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
  const keys = Object.keys(rows[0]!).filter((k) => rows[0]![k] !== undefined);
  const names = keys.map((k) => {
    const column = columns[k];
    if (!column) throw new Error(`${getTableName(table)} has no column ${k}`);
    return column;
  });
  const params = keys.map((k) => sql.param(rows.map((r) => asText(r[k]))));
  const query = sql`insert into ${sql.identifier(getTableName(table))} (${sql.join(names.map((c) => sql.identifier(c.name)), sql`, `)})
    select ${sql.join(names.map((c) => sql`u.${sql.identifier(c.name)}::${sql.raw(c.getSQLType())}`), sql`, `)}
    from unnest(${sql.join(params.map((p) => sql`${p}::text[]`), sql`, `)}) as u(${sql.join(names.map((c) => sql.identifier(c.name)), sql`, `)})
    ${opts.onConflict ?? sql``}
    ${opts.returning ? sql`returning ${sql.join(opts.returning.map((r) => sql.identifier(r)), sql`, `)}` : sql``}`;
  return queryRows<R>(db, query);
}
