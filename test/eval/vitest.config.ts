import { defineConfig } from "vitest/config";
import base from "../vitest.config.js";

// The quality harness runs alone (`npm run eval:matching`), not with the tests; no database template needed.
export default defineConfig({ ...base, test: { ...base.test, include: ["test/eval/*.eval.ts"], globalSetup: [] } });
