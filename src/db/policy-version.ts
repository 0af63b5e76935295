import { getTableName, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { serviceToday, yearsAfter } from "../dates.js";
import { badInput } from "../errors.js";
import { msg } from "../i18n.js";
import { queryRows, type DatabaseHandle, type Executor } from "./client.js";
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

/** The version in force of a policy the migrations always load (`name` says which, in the error when none is: a broken database, not a client's fault). */
export async function requiredPolicyInForce<T extends VersionedPolicy>(db: Executor, table: T, name: string): Promise<T["$inferSelect"]> {
  const row = await policyInForce(db, table);
  if (!row) throw new Error(`No ${name} in force: the migrations load one`);
  return row;
}

/**
 * The version in force, kept by this process between changes: for a policy read by every request
 * of a kind (the matching policy, by every recommendation) once `keepPoliciesInForce` watches the
 * database. A change — a new version, or any write to the table — is announced on commit by the
 * table's trigger (migration 0040) to every process, which forgets what it kept; this process's own
 * writers (`nextPolicyVersion`) read around the copy from their first statement until their
 * announcement arrives, so a change is in force here as soon as it is committed. A copy is also
 * forgotten at the day's turn (the key is the day) and after a minute at most (the bound on a missed
 * announcement while the listening connection is reopened). In a transaction, or a database not
 * watched, it is read.
 */
export async function keptPolicyInForce<T extends VersionedPolicy>(db: Executor, table: T): Promise<T["$inferSelect"] | undefined> {
  const kept = watched.get(db);
  const name = getTableName(table);
  const day = serviceToday();
  if (!kept || writing(name)) return policyInForce(db, table, day);
  const entry = kept.rows.get(name);
  if (entry && entry.day === day && Date.now() - entry.at < KEEP_AT_MOST_MS) return entry.row as T["$inferSelect"] | undefined;
  const generation = kept.generation;
  const row = await policyInForce(db, table, day);
  // Kept only if nothing changed while it was read (an announcement in between bumps the generation).
  if (row && generation === kept.generation && !writing(name)) kept.rows.set(name, { day, at: Date.now(), row: deepFreeze(row) });
  return row;
}

const KEEP_AT_MOST_MS = 60_000;
export const POLICY_CHANNEL = "policy_changed";

/** What a watched database's process keeps: by table, the row in force on a day. */
interface Kept {
  rows: Map<string, { day: string; at: number; row: unknown }>;
  generation: number;
}
const watched = new WeakMap<Executor, Kept>();

/** This process's writers of a policy, by table: until when each reads around the copies (their announcement ends it sooner). */
const writers = new Map<string, number[]>();
const writing = (table: string) => {
  const until = writers.get(table)?.filter((t) => t > Date.now());
  if (until && until.length > 0) return true;
  writers.delete(table);
  return false;
};

/**
 * Starts keeping the policies in force for this database (listening for the announcements of
 * their changes); resolves to stop. A gap in listening forgets everything kept.
 */
export async function keepPoliciesInForce(handle: Pick<DatabaseHandle, "db" | "listen">): Promise<() => Promise<void>> {
  const kept: Kept = { rows: new Map(), generation: 0 };
  const forget = (table?: string) => {
    kept.generation++;
    if (table === undefined) kept.rows.clear();
    else {
      kept.rows.delete(table);
      writers.get(table)?.shift();
    }
  };
  const stop = await handle.listen(POLICY_CHANNEL, (table) => forget(table), () => forget());
  watched.set(handle.db, kept);
  return async () => {
    watched.delete(handle.db);
    await stop();
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
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
  // This process reads around its copy of the policy until the change is announced (or a minute: a rolled-back change never is).
  writers.set(tableName, [...(writers.get(tableName) ?? []), Date.now() + KEEP_AT_MOST_MS]);
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
