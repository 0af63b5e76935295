import { getTableName, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { serviceToday, yearsAfter } from "../dates.js";
import { badInput } from "../errors.js";
import { msg } from "../i18n.js";
import { queryRows, type Executor } from "./client.js";
import { preparedStatement } from "./prepared.js";

/**
 * Policy rows (matching weights, the mentoring, fair and campaign policies) are versioned by date:
 * each version says the first Fujian day it is in force, and the version in force on a day is the
 * latest that began by then (the higher version when two begin the same day). A change is a new
 * version with who and when; nothing is overwritten, so any past day's rules can be read back.
 */
export interface VersionedPolicy extends PgTable {
  version: PgColumn;
  effectiveFrom: PgColumn;
}

/**
 * The version in force on `day` (YYYY-MM-DD, Fujian; default today). A day before the first
 * version (a report of 2019) reads the first: the rules began with it. Undefined only when there is none.
 */
export async function policyInForce<T extends VersionedPolicy>(db: Executor, table: T, day = serviceToday()): Promise<T["$inferSelect"] | undefined> {
  const [row] = await inForceStatement(table)(db, { day });
  return row as T["$inferSelect"] | undefined;
}

/** One prepared statement per policy table (read on every request that uses the policy). */
const inForceStatements = new Map<PgTable, (db: Executor, params: { day: string }) => Promise<unknown[]>>();
function inForceStatement(table: VersionedPolicy) {
  let statement = inForceStatements.get(table);
  if (!statement) {
    statement = preparedStatement(`policy_in_force_${getTableName(table)}`, (db) =>
      db
        .select()
        .from(table as PgTable)
        .orderBy(inForceFirst(table.effectiveFrom, table.version, sql`${sql.placeholder("day")}::date`))
        .limit(1),
    );
    inForceStatements.set(table, statement);
  }
  return statement;
}

/**
 * SQL: an `order by` list that puts the version in force on `day` (a date expression) first — the
 * order `policyInForce` reads by — for a statement that reads a policy row itself (`limit 1`).
 */
export function inForceFirst(effectiveFrom: SQLWrapper, version: SQLWrapper, day: SQL): SQL {
  return sql`(${effectiveFrom} <= ${day}) desc, case when ${effectiveFrom} <= ${day} then ${effectiveFrom} end desc, ${effectiveFrom}, ${version} desc`;
}

/**
 * The next version number, under a lock that makes writers of this policy take turns (two changes
 * at once get consecutive versions, never the same one).
 */
export async function nextPolicyVersion(tx: Executor, tableName: string): Promise<number> {
  await tx.execute(sql`lock table ${sql.identifier(tableName)} in share row exclusive mode`);
  const [last] = await queryRows<{ version: number }>(tx, sql`select coalesce(max(version), 0)::int as version from ${sql.identifier(tableName)}`);
  return last!.version + 1;
}

/** A new version's first day: today or later (a past day would rewrite what was in force). */
export function effectiveFromInput(day: string | null | undefined, field = "effectiveFrom"): string {
  const today = serviceToday();
  if (day == null) return today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw badInput(field, msg(`${field} 须为日期，格式为 YYYY-MM-DD`, `${field} is a date, YYYY-MM-DD`));
  if (day < today) throw badInput(field, msg(`${field} 不能早于今天：过去已生效的规则保持不变`, `${field} cannot be in the past: what was in force then stays as it was`));
  if (day > yearsAfter(today, 5)) throw badInput(field, msg(`${field} 最晚只能设在五年之后`, `${field} is at most five years ahead`));
  return day;
}

/** A policy number of `input` (a whole number within the policy's range), or BAD_USER_INPUT naming `input.<field>`. */
export function wholeInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(`input.${field}`, msg(`${field} 须为 ${min} 至 ${max} 之间的整数`, `${field} is a whole number from ${min} to ${max}`));
  return value;
}

/** The wait before retry after failed attempt `attempt` (1, 2, …): base·2^(attempt−1), capped at `max`, ±10 % jitter (retries of a batch spread out). */
export function backoffSeconds(base: number, max: number, attempt: number, random = Math.random): number {
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(exponential * (0.9 + 0.2 * random())));
}
