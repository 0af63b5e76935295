import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, type Viewer } from "../../src/auth/viewer.js";
import type { RunnerThreads as SourceThreads } from "../../src/cli/runner-threads.js";
import { getCampaignRun, parseFulfilScope, startCampaignRun } from "../../src/modules/referrals/campaign-run.service.js";
import { projectRoot } from "../../src/paths.js";
import type { PostingDocument } from "../../src/search/search-port.js";
import { makeInstitution, makePerson, openCampaignWindow } from "../helpers/factories.js";
import { buildServer } from "../helpers/server-process.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * The CLI's runner threads when something goes wrong: a thread runs the compiled runner-thread.js
 * and needs a PostgreSQL server (PGlite lives in one thread), so these tests compile the server (as
 * the replica tests do) and use the threads from there.
 */
describe.skipIf(!process.env.DATABASE_URL)("runner threads (fulfil on PostgreSQL)", () => {
  let t: TestApp;
  let RunnerThreads: typeof SourceThreads;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  beforeAll(async () => {
    t = await startTestApp();
    await buildServer();
    ({ RunnerThreads } = (await import(join(projectRoot, ".replica-build/src/cli/runner-threads.js"))) as { RunnerThreads: typeof SourceThreads });
    process.on("unhandledRejection", onUnhandled);
  }, 180_000);
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await t?.close();
  });

  const start = () => {
    const threads = RunnerThreads.start(2, t.config.database);
    expect(threads).not.toBeNull();
    return threads!;
  };
  const OPERATOR: Viewer = { kind: "user", userId: "cli", role: Role.ADMIN };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  /** How a drain ends: its error, or null when it succeeded (a throw before its promise counts too). */
  const drainError = (threads: SourceThreads) =>
    Promise.resolve()
      .then(() => threads.drain({ batchSize: 10, concurrency: 1 }))
      .then(
        () => null,
        (error: Error) => error,
      );

  it("a thread whose copy of the index could not be written works no run: the drain fails and says why, nobody served", async () => {
    await openCampaignWindow(t.db);
    const school = await makeInstitution(t.db, { regionCode: "350102" });
    for (let i = 0; i < 4; i++) await makePerson(t, { institutionId: school.id, degreeLevel: "BACHELOR", major: "会计学", intentionKeywords: ["会计"] });
    const run = await startCampaignRun(t.db, OPERATOR, parseFulfilScope({ institutionId: school.id }), null);
    expect((await getCampaignRun(t.db, OPERATOR, run.id))!.total).toBe(4);
    const threads = start();
    try {
      // A write the threads' engines refuse (as one that fails in a thread for any reason).
      await threads.engine().upsert(null as unknown as PostingDocument[]);
      await settle();
      expect((await drainError(threads))?.message).toMatch(/runner thread failed/);
    } finally {
      await threads.close();
    }
    // Neither thread worked the run with its broken copy (everyone would have been served from an empty index).
    expect(await getCampaignRun(t.db, OPERATOR, run.id)).toMatchObject({ processed: 0, created: 0 });
  }, 60_000);

  it("a thread that ended before the drain: the drain fails with why, and closing leaves no rejection unhandled", async () => {
    const threads = start();
    const [first] = (threads as unknown as { workers: Worker[] }).workers;
    await first!.terminate();
    await settle();
    expect((await drainError(threads))?.message).toMatch(/runner thread exited/);
    await threads.close();
    await settle();
    expect(unhandled).toEqual([]);
  }, 60_000);
});
