import { sql } from "drizzle-orm";
import type { Database } from "./client.js";

/** The least-privilege role's default name. */
export const APP_ROLE = "jb_app";
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The statements that make (or bring up to date) the role the server runs as in production: it may
 * log in and read and write the application's tables, but it owns nothing — so it cannot drop or
 * disable a trigger, alter or drop a table, or create one — and on the audit log it may only INSERT
 * and SELECT: no UPDATE, DELETE or TRUNCATE, even if the append-only trigger were gone. Run by the
 * owner (the role that migrates) after every migration: `npm run cli -- db-roles`. Idempotent.
 */
export function appRoleStatements(role: string = APP_ROLE, opts: { password?: string } = {}): string[] {
  if (!ROLE_NAME.test(role)) throw new Error(`A role name is lower-case letters, digits and _ (got ${JSON.stringify(role)})`);
  const r = `"${role}"`;
  const password = opts.password === undefined ? "" : ` PASSWORD '${opts.password.replace(/'/g, "''")}'`;
  return [
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${r}; END IF; END $$`,
    `ALTER ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT${password}`,
    `DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO ${r}', current_database()); END $$`,
    // Nothing of its own: no CREATE in the schema (PostgreSQL 15 and later already refuse it to PUBLIC).
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
    // Tables and sequences later migrations create (run by this same owner) are granted as they appear.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`,
    // The audit log (PIPL): append and read only.
    `REVOKE ALL ON TABLE audit_log FROM ${r}`,
    `GRANT SELECT, INSERT ON TABLE audit_log TO ${r}`,
    `REVOKE ALL ON TABLE decision_audit FROM ${r}`,
    `GRANT SELECT, INSERT ON TABLE decision_audit TO ${r}`,
    // /readyz and MIGRATE_ON_START=false read which migrations are applied.
    `GRANT USAGE ON SCHEMA drizzle TO ${r}`,
    `GRANT SELECT ON TABLE drizzle.__drizzle_migrations TO ${r}`,
  ];
}

/** Applies `appRoleStatements` in one transaction (PostgreSQL only: PGlite has a single user). */
export async function grantAppRole(db: Database, role: string = APP_ROLE, opts: { password?: string } = {}): Promise<void> {
  const statements = appRoleStatements(role, opts);
  await db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
}
