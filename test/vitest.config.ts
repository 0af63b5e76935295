import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// swc, not esbuild, compiles the tests: type-graphql needs decorator metadata, which esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ jsc: { target: "es2022" }, module: { type: "es6" } })],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts", "seed/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["reflect-metadata"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
