import "reflect-metadata";
import { createApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { openDatabase } from "./db/client.js";
import { createLogger, logStep } from "./logger.js";
import { databaseIsEmpty, seedDemo } from "../seed/demo.js";
import { banner } from "./banner.js";

/** Start-up: config → database (migrated) → demo seed on first run → server. SIGTERM drains and closes. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + "\n");
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.log.level);
  if (config.usingDevSecrets) {
    log.warn("AUTH_JWT_SECRET and/or PII_KEY are not set: using DEVELOPMENT secrets. Never run like this with real data.");
  }

  if (config.env === "production" && config.exposeSqlCount) log.warn("EXPOSE_SQL_COUNT is on in production: responses carry X-Sql-Statements");
  // A progress line per step, each with its time (the first: node's own start and loading the modules).
  log.info({ step: "starting", ms: Math.round(process.uptime() * 1000) }, `starting: node and the modules loaded (${process.uptime().toFixed(1)} s)`);
  const opened = config.database.driver === "pglite" ? `opened PGlite at ${config.database.dataDir}` : `connected to PostgreSQL (a pool of ${config.database.poolSize})`;
  const database = await logStep(log, "database", () => openDatabase(config.database, log), () => opened);
  const app = await createApp(config, log, database);
  // auto: a fresh database outside production gets the demo; always: the demo is loaded if it is not there yet.
  const wanted = config.seedDemo === "always" || (config.seedDemo === "auto" && config.env !== "production");
  await logStep(
    log,
    "demo",
    async () => {
      if (!wanted) return `not seeded (SEED_DEMO=${config.seedDemo}, NODE_ENV=${config.env})`;
      if (config.seedDemo === "auto" && !(await databaseIsEmpty(database.db))) return "the database holds data: not seeded";
      const seeded = await seedDemo(database.db, log, { jwtSecret: config.auth.jwtSecret, piiKey: config.pii.key });
      return seeded
        ? `seeded ${seeded.employers.toLocaleString("en")} employers, ${seeded.postings.toLocaleString("en")} postings, ${seeded.people} people, this year's campaigns, mentors and a fair`
        : "already loaded";
    },
    (said) => said,
  );

  const url = await app.listen();
  log.info({ step: "listening", url, database: database.driver, ms: Math.round(process.uptime() * 1000) }, `listening on ${url} (${process.uptime().toFixed(1)} s after node started)`);
  if (config.usingDevSecrets) process.stdout.write(await banner(config, url, database.db));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, "shutting down: draining requests");
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
