import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../src/db/client.js";
import { migrationsFolder } from "../src/paths.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** On PostgreSQL: a migrated template database each test file copies (CREATE DATABASE … TEMPLATE). */
    pgTemplate: { serverUrl: string; template: string } | null;
    /** On PGlite: a dump of a migrated data directory (a file), each test app's database starts from. */
    pgliteTemplate: string | null;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * With DATABASE_URL set, migrate one template database once; each test file then gets its own copy,
 * so files never see each other's rows. Without it, every file opens its own in-memory PGlite.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide("pgTemplate", null);
    // Creating a PGlite cluster runs initdb (about 3 s here) and migrating it 0.6 s; loading a dump of
    // a migrated one takes about 1 s. Made once per run, in a file each worker reads.
    const dir = mkdtempSync(join(tmpdir(), "jb-pglite-template-"));
    const file = join(dir, "migrated.tar");
    const handle = await PGlite.create("memory://", { extensions: { btree_gist } });
    await migrate(drizzle(handle), { migrationsFolder });
    writeFileSync(file, Buffer.from(await (await handle.dumpDataDir("none")).arrayBuffer()));
    await handle.close();
    project.provide("pgliteTemplate", file);
    return () => rmSync(dir, { recursive: true, force: true });
  }
  project.provide("pgliteTemplate", null);
  const template = `jb_test_template_${process.pid}`;
  // Short-lived admin connections (one held open through the run would die with a PostgreSQL restart).
  const asAdmin = async <T>(work: (admin: pg.Client) => Promise<T>): Promise<T> => {
    const admin = new pg.Client({ connectionString: url });
    admin.on("error", () => undefined);
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
  await asAdmin(async (admin) => {
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
  });
  const handle = await openDatabase({ driver: "postgres", url: withDatabase(url, template), poolSize: 2 });
  await handle.migrate();
  await handle.close();
  project.provide("pgTemplate", { serverUrl: url, template });
  return () =>
    asAdmin(async (admin) => {
      // Copies left by a crashed file, then the template itself.
      const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'jb_test_${process.pid}_%'`);
      for (const row of rows) await admin.query(`drop database if exists ${row.datname} with (force)`);
      await admin.query(`drop database if exists ${template} with (force)`);
    });
}
