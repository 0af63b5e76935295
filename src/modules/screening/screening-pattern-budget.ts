import { Worker } from "node:worker_threads";

/**
 * Whether a rule's pattern runs over `texts` within `budgetMs` (issue 23: a catastrophic pattern such
 * as `(a+)+$` is refused when saved, not discovered when it stalls every posting write). JavaScript
 * cannot interrupt a running regular expression, so it runs in a worker thread that is terminated when
 * the budget is spent. The clock starts when the worker has compiled the pattern and begins (a worker's
 * start-up, tens of milliseconds, is not the pattern's cost); a worker that never starts is given up
 * after `startupLimitMs`.
 *
 * The worker's source is inline (`eval: true`), so the check works the same from dist/ and from the
 * TypeScript sources under vitest, with no file to find.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const re = new RegExp(workerData.pattern, workerData.flags);
parentPort.postMessage("started");
for (const text of workerData.texts) {
  re.lastIndex = 0;
  let m;
  while ((m = re.exec(text)) !== null) if (m[0].length === 0) re.lastIndex++;
}
parentPort.postMessage("done");
`;

export type PatternRun = { ok: true; ms: number } | { ok: false; reason: "TIMEOUT" | "ERROR"; detail?: string };

export function runPatternWithinBudget(
  pattern: string,
  flags: string,
  texts: readonly string[],
  budgetMs: number,
  startupLimitMs = 5_000,
): Promise<PatternRun> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pattern, flags, texts } });
    let settled = false;
    let began = 0;
    const finish = (run: PatternRun) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(run);
    };
    let timer = setTimeout(() => finish({ ok: false, reason: "TIMEOUT", detail: "worker did not start" }), startupLimitMs);
    worker.on("message", (message: string) => {
      if (message === "started") {
        began = performance.now();
        clearTimeout(timer);
        timer = setTimeout(() => finish({ ok: false, reason: "TIMEOUT" }), budgetMs);
      } else if (message === "done") {
        finish({ ok: true, ms: performance.now() - began });
      }
    });
    worker.on("error", (error) => finish({ ok: false, reason: "ERROR", detail: error.message }));
    worker.on("exit", () => finish({ ok: false, reason: "ERROR", detail: "worker exited" }));
  });
}
