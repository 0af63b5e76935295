/**
 * A campaign-run thread (see runner-threads.ts): fills its own embedded index with the documents the
 * main thread sends, then works the run with its own connections until nothing is pending.
 */
import "reflect-metadata";
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config.js";
import { openDatabase, type DatabaseHandle } from "../db/client.js";
import { countSqlStatements } from "../db/sql-count.js";
import { createLogger, loggableMessage } from "../logger.js";
import { wireModuleHooks } from "../modules/module-hooks.js";
import { CampaignRunner } from "../modules/referrals/campaign-run.worker.js";
import { EmbeddedSearchEngine } from "../search/embedded-engine.js";
import type { FromRunnerThread, ToRunnerThread } from "./runner-threads.js";

const { database, logLevel } = workerData as { database: Config["database"]; logLevel: string };
const log = createLogger(logLevel);
const engine = new EmbeddedSearchEngine();
let handle: DatabaseHandle | undefined;
/** Why this thread's copy of the index is not whole (a write of it failed): it then works no run. */
let broken: string | undefined;
const tell = (message: FromRunnerThread) => parentPort!.postMessage(message);

async function handleMessage(message: ToRunnerThread): Promise<void> {
  switch (message.type) {
    case "settings":
      return engine.applySettings(message.settings);
    case "upsert":
      return engine.upsert(message.documents);
    case "remove":
      return engine.remove(message.ids);
    case "drain": {
      if (broken !== undefined) {
        tell({ type: "failed", error: `its copy of the index is incomplete (${broken})` });
        return;
      }
      try {
        wireModuleHooks();
        handle ??= await openDatabase(database, log);
        const runner = new CampaignRunner(handle.db, engine, log, 0, message.batchSize, message.concurrency);
        const { statements } = await countSqlStatements(() => runner.drain({ onBatch: (claimed) => tell({ type: "batch", claimed }) }));
        tell({ type: "drained", statements });
      } catch (error) {
        tell({ type: "failed", error: loggableMessage(error) });
      }
      return;
    }
    case "close":
      await handle?.close();
      parentPort!.close();
      return;
  }
}

// Messages are handled one after another, in the order sent (the documents before the drain).
let queue = Promise.resolve();
parentPort!.on("message", (message: ToRunnerThread) => {
  queue = queue
    .then(() => handleMessage(message))
    .catch((error: unknown) => {
      const why = loggableMessage(error);
      if (message.type !== "close") broken ??= why;
      tell({ type: "failed", error: why });
    });
});
