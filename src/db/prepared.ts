import { Column, DrizzleQueryError, fillPlaceholders, is } from "drizzle-orm";
import { NoopCache } from "drizzle-orm/cache/core";
import { NodePgPreparedQuery } from "drizzle-orm/node-postgres";
import type { Executor } from "./client.js";

/** What drizzle can prepare: a select built with `sql.placeholder` for its parameters. */
interface Preparable<R> {
  prepare(name: string): { execute(placeholders?: Record<string, unknown>): Promise<R> };
}

const names = new Set<string>();

type Statement<R> = ReturnType<Preparable<R>["prepare"]>;

/**
 * What drizzle's node-postgres prepared query keeps (drizzle-orm 0.45): its SQL and driver options,
 * its parameters (placeholders), the selected fields in order, the driver client, the logger.
 */
interface NodePgStatement {
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: unknown;
  cache?: unknown;
  queryMetadata?: unknown;
  params: unknown[];
  queryConfig: { text: string };
  client: { query(config: unknown, params: unknown[]): Promise<{ rows: unknown[][] }> };
  logger: { logQuery(text: string, params: unknown[]): void };
}

/**
 * A prepared select run as drizzle runs it on node-postgres — the same statement, parameters,
 * logging (the statement count) and error — with each row mapped by a loop made once for its
 * columns: drizzle maps every row through a general walk (a path iterator and an entity check per
 * value), which on a page of a hundred postings and their employers cost more than the driver's own
 * parsing. Anything but a plain select of columns (joins, SQL fields, a cache, PGlite) keeps
 * drizzle's `execute`.
 */
function fastExecution<R>(statement: Statement<R>): Statement<R> {
  if (!is(statement, NodePgPreparedQuery)) return statement;
  const s = statement as unknown as NodePgStatement;
  const fields = s.fields;
  if (!fields || s.customResultMapper || !(s.cache === undefined || is(s.cache, NoopCache) || s.queryMetadata === undefined)) return statement;
  // One key per column: drizzle's null-joins bookkeeping (paths of two) never applies.
  if (!fields.every((f) => f.path.length === 1 && is(f.field, Column))) return statement;
  const keys = fields.map((f) => f.path[0]!);
  const columns = fields.map((f) => f.field as Column);
  const mapRow = (row: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const raw = row[i];
      out[keys[i]!] = raw === null ? null : columns[i]!.mapFromDriverValue(raw);
    }
    return out;
  };
  return {
    async execute(placeholders = {}) {
      const params = fillPlaceholders(s.params, placeholders);
      s.logger.logQuery(s.queryConfig.text, params);
      let result: { rows: unknown[][] };
      try {
        result = await s.client.query(s.queryConfig, params);
      } catch (error) {
        throw new DrizzleQueryError(s.queryConfig.text, params, error as Error);
      }
      return result.rows.map(mapRow) as R;
    },
  };
}

/**
 * A statement built once per executor and prepared under `name`: PostgreSQL parses and plans it
 * once per connection (node-postgres sends it named), PGlite reuses the SQL drizzle built — for the
 * hot reads a request repeats (a row by id, rows by a list of ids, a policy in force), where
 * building and planning the statement cost more than running it. Parameters are placeholders
 * (`sql.placeholder`); a list is one array parameter (`= any(…::uuid[])`), so the statement's text
 * never varies with the list. A name is given once in the whole program.
 */
export function preparedStatement<P extends Record<string, unknown>, R>(name: string, build: (exec: Executor) => Preparable<R>): (exec: Executor, params: P) => Promise<R> {
  if (names.has(name)) throw new Error(`Prepared statement name used twice: ${name}`);
  names.add(name);
  // Per executor: the database (all requests) or a transaction (its own connection).
  const built = new WeakMap<Executor, ReturnType<Preparable<R>["prepare"]>>();
  return (exec, params) => {
    let statement = built.get(exec);
    if (!statement) {
      statement = fastExecution(build(exec).prepare(name));
      built.set(exec, statement);
    }
    return statement.execute(params);
  };
}

/**
 * The prepared statements of one read whose SQL takes a few shapes (the filters a list is given, the
 * columns a request selects): each distinct `shape` is built and prepared once per executor, named
 * `${name}_${n}` in the order shapes are first met. Past `maxShapes` a new shape is built for its
 * call and run unnamed (planned each time), so a stream of rare shapes cannot grow the statements
 * every connection keeps.
 */
export function preparedShapes<S, P extends Record<string, unknown>, R>(
  name: string,
  maxShapes: number,
  build: (exec: Executor, shape: S) => Preparable<R>,
): (exec: Executor, shapeKey: string, shape: S, params: P) => Promise<R> {
  if (names.has(name)) throw new Error(`Prepared statement name used twice: ${name}`);
  names.add(name);
  // One number per shape for the whole process, so a shape has the same name on every connection.
  const numbers = new Map<string, number>();
  const built = new WeakMap<Executor, Map<string, ReturnType<Preparable<R>["prepare"]>>>();
  return (exec, shapeKey, shape, params) => {
    let statements = built.get(exec);
    if (!statements) built.set(exec, (statements = new Map()));
    let statement = statements.get(shapeKey);
    if (!statement) {
      let n = numbers.get(shapeKey);
      if (n === undefined && numbers.size < maxShapes) numbers.set(shapeKey, (n = numbers.size));
      // node-postgres runs a statement with an empty name unnamed: parsed and planned for this call only.
      if (n === undefined) return build(exec, shape).prepare("").execute(params);
      statement = fastExecution(build(exec, shape).prepare(`${name}_${n}`));
      statements.set(shapeKey, statement);
    }
    return statement.execute(params);
  };
}
