import type { Executor } from "./client.js";

/** What drizzle can prepare: a select built with `sql.placeholder` for its parameters. */
interface Preparable<R> {
  prepare(name: string): { execute(placeholders?: Record<string, unknown>): Promise<R> };
}

const names = new Set<string>();

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
      statement = build(exec).prepare(name);
      built.set(exec, statement);
    }
    return statement.execute(params);
  };
}
