import "reflect-metadata";
import { createApp } from "./app.js";
import { signToken } from "./auth/jwt.js";
import { Role } from "./auth/viewer.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { openDatabase } from "./db/client.js";
import { createLogger } from "./logger.js";
import { databaseIsEmpty, demoPartnerKey, seedDemo } from "../seed/demo.js";
import { queryRows } from "./db/client.js";
import { sql } from "drizzle-orm";

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
  const database = await openDatabase(config.database, log);
  const app = await createApp(config, log, database);
  // auto: a fresh database outside production gets the demo; always: the demo is loaded if it is not there yet.
  const shouldSeed =
    config.seedDemo === "always" || (config.seedDemo === "auto" && config.env !== "production" && (await databaseIsEmpty(database.db)));
  if (shouldSeed) await seedDemo(database.db, log, { jwtSecret: config.auth.jwtSecret, piiKey: config.pii.key });

  const url = await app.listen();
  log.info({ url, database: database.driver }, "server listening");
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

/** What a developer needs to try the API at once: tokens for each role and a query to paste. */
async function banner(config: Config, url: string, db: import("./db/client.js").Database): Promise<string> {
  const [employer] = await queryRows<{ id: string; name: string }>(
    db,
    sql`select id, name from employers where region_code like '3501%' order by created_at, id limit 1`,
  );
  const [person] = await queryRows<{ id: string; name: string }>(db, sql`select id, name from people where household_region_code like '3501%' order by id limit 1`);
  // A week, or less when AUTH_MAX_TOKEN_LIFETIME is shorter (a token over the cap would be refused).
  const lifetime = Math.min(7 * 86_400, config.auth.maxTokenLifetimeSeconds);
  const sign = (claims: Parameters<typeof signToken>[1]) => signToken(config.auth, claims, `${lifetime}s`);
  const tokens: [string, string][] = [
    ["ADMIN", await sign({ sub: "demo-admin", role: Role.ADMIN })],
    ["CASEWORKER (福州 3501)", await sign({ sub: "demo-caseworker", role: Role.CASEWORKER, regionCode: "3501" })],
    ["MENTOR", await sign({ sub: "demo-mentor", role: Role.MENTOR })],
  ];
  if (person) tokens.push([`SEEKER (${person.name}, in the ledger)`, await sign({ sub: "demo-seeker", role: Role.SEEKER, personId: person.id })]);
  if (employer) tokens.push([`EMPLOYER (${employer.name})`, await sign({ sub: "demo-employer", role: Role.EMPLOYER, employerId: employer.id })]);
  const query = `{ postings(first: 3, filter: { regionCode: "35" }) { totalCount edges { node { title salaryMin salaryMax employer { name } region { name } } } } }`;
  return [
    "",
    "  就业帮扶 API — development mode (dev secrets; demo data)",
    `  GraphQL:  ${url}`,
    `  Health:   ${url.replace(/\/graphql$/, "/healthz")}  ·  ${url.replace(/\/graphql$/, "/readyz")}`,
    "",
    `  Demo tokens (Authorization: Bearer <token>, valid ${lifetime === 7 * 86_400 ? "7 days" : `${lifetime} seconds`}):`,
    ...tokens.map(([role, token]) => `    ${role}:\n      ${token}`),
    `  Demo partner key (X-Api-Key):\n      ${demoPartnerKey(config.auth.jwtSecret)}`,
    "",
    "  Try:",
    `    curl -s ${url} -H 'content-type: application/json' \\`,
    `      -d '${JSON.stringify({ query })}'`,
    "",
  ].join("\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
