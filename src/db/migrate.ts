import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrationsFolder } from "../paths.js";
import { queryRows, type DatabaseHandle } from "./client.js";

export function expectedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/** True when the database answers and every migration in migrations/ has been applied (for /readyz). */
export async function databaseReady(handle: DatabaseHandle): Promise<{ ready: boolean; reason?: string }> {
  try {
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const applied = row?.n ?? 0;
    const expected = expectedMigrationCount();
    return applied >= expected ? { ready: true } : { ready: false, reason: `migrations applied ${applied}/${expected}` };
  } catch (error) {
    return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
  }
}

/** How many of migrations/ the database has yet to apply (every one on a fresh database). */
export async function pendingMigrationCount(handle: DatabaseHandle): Promise<number> {
  const [table] = await queryRows<{ present: boolean }>(handle.db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!table?.present) return expectedMigrationCount();
  const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Math.max(0, expectedMigrationCount() - (row?.n ?? 0));
}
