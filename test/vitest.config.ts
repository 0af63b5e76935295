import { createRequire } from "node:module";
import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

// swc, not esbuild, compiles the tests: type-graphql needs decorator metadata, which esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ jsc: { target: "es2022" }, module: { type: "es6" } })],
  resolve: {
    // graphql 16 has no "exports" map: Node (and so Apollo and type-graphql) loads its CommonJS
    // entry, vite would pick index.mjs. Two copies break `instanceof GraphQLError`; use Node's.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts", "seed/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["reflect-metadata"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at a time even on two cores (vitest's default there is one): a file spends much of
    // its time waiting on its server or a child process. On PostgreSQL one at a time: transaction ids
    // are the cluster's, so another file's open transaction (in its own database) holds back the
    // change log's visibility horizon, and tests that count what one follower pass applies would see less.
    maxWorkers: process.env.DATABASE_URL ? 1 : 2,
    // A worker keeps its loaded modules from one file to the next (measured: ~220 s of a run was
    // importing the same modules again per file). Files share nothing else: each opens its own server
    // and database, and none changes module state (no vi.mock, no stubbed globals).
    isolate: false,
  },
});
