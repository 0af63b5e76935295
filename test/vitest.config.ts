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
  },
});
