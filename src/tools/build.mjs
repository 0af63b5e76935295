// @ts-check
/**
 * `npm run build`: src/ and seed/ compiled to dist/ with swc — file by file, no type-checking
 * (that is `npm run check`, in CI) — in about a second instead of tsc's 15–100 s. swc emits the
 * decorator metadata type-graphql reads, as the test runner's swc does.
 *
 * Plain JavaScript, so that node runs it at once (tsx took most of a second just to start), and it
 * builds only when something changed: a hash of every source, this file and package-lock.json is
 * kept beside the output, and a restart of `npm start` with nothing changed skips the build.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

const root = join(import.meta.dirname, "..", "..");
// `--out DIR`: somewhere else than dist/ (the tests' separate server processes build into .replica-build/).
const at = process.argv.indexOf("--out");
const out = at > 0 && process.argv[at + 1] ? join(root, process.argv[at + 1] ?? "dist") : join(root, "dist");
// The output folder is emptied before a build: never the project itself or anything outside it.
if (relative(root, out) === "" || relative(root, out).startsWith("..") || ["src", "seed", "test", "migrations", "node_modules"].includes(relative(root, out).split("/")[0] ?? "")) {
  console.error(`build: --out must be a folder of its own inside the project, not ${relative(root, out) || "."}`);
  process.exit(2);
}
// Written last, after every file: a build cut short leaves none, and the next start builds again.
const stamp = join(out, ".build-hash");

/** @type {import("@swc/core").Options} */
const options = {
  jsc: {
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: "es2022",
    keepClassNames: true,
  },
  module: { type: "es6" },
  sourceMaps: true,
  // Only these options: a .swcrc lying about would change the output without changing the hash.
  swcrc: false,
};

/** @param {string} dir @returns {AsyncGenerator<string>} */
async function* typescriptFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

const began = performance.now();
/** @type {string[]} */
const files = [];
for (const folder of ["src", "seed"]) for await (const file of typescriptFiles(join(root, folder))) files.push(file);
files.sort();

// What the output is made from: the sources (by name and content), how they are compiled (this
// file), and the compiler's version (package-lock.json).
const hash = createHash("sha256");
for (const file of [import.meta.filename, join(root, "package-lock.json"), ...files]) hash.update(`${relative(root, file)}\0`).update(await readFile(file)).update("\0");
const digest = hash.digest("hex");
const built = await readFile(stamp, "utf8").catch(() => null);
/** @param {string} file */
const targetOf = (file) => join(out, relative(root, file)).replace(/\.ts$/, ".js");
// Up to date: built from these sources, and no output deleted since.
if (built === digest && files.every((file) => existsSync(targetOf(file)))) {
  console.error(`build: up to date (${files.length} files unchanged; checked in ${Math.round(performance.now() - began)} ms)`);
} else {
  const { transformFile } = await import("@swc/core");
  // From clean: a file deleted from src/ leaves nothing behind.
  await rm(out, { recursive: true, force: true });
  await Promise.all(
    files.map(async (file) => {
      const target = targetOf(file);
      const { code, map } = await transformFile(file, { ...options, sourceFileName: relative(dirname(target), file) });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${code}\n//# sourceMappingURL=${target.split("/").at(-1)}.map\n`);
      if (map) await writeFile(`${target}.map`, map);
    }),
  );
  await writeFile(stamp, digest);
  console.error(`build: ${files.length} files compiled with swc in ${Math.round(performance.now() - began)} ms (type-checking: npm run check)`);
}
