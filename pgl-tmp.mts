import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
let t = performance.now();
const a = await PGlite.create("memory://", { extensions: { btree_gist } });
console.log("create", performance.now() - t); t = performance.now();
await migrate(drizzle(a), { migrationsFolder: "migrations" });
console.log("migrate", performance.now() - t); t = performance.now();
const dump = await a.dumpDataDir("none");
console.log("dump", performance.now() - t, dump.size); t = performance.now();
for (let i = 0; i < 3; i++) {
const b = await PGlite.create("memory://", { extensions: { btree_gist }, loadDataDir: dump });
console.log("load", performance.now() - t); t = performance.now();
console.log((await b.query("select count(*) from information_schema.tables where table_schema='public'")).rows);
t = performance.now();
}
const c = await PGlite.create("memory://", { extensions: { btree_gist } });
console.log("create2", performance.now() - t);
