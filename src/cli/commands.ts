import "reflect-metadata";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { APP_ROLE, appRoleStatements, grantAppRole } from "../db/app-role.js";
import { signToken } from "../auth/jwt.js";
import { createReadStream, statSync } from "node:fs";
import { Presets, SingleBar } from "cli-progress";
import { Role, type Viewer } from "../auth/viewer.js";
import { reevaluateEveryone } from "../modules/categories/reevaluation.service.js";
import { importPeople } from "../modules/people/person-import.service.js";
import { people as peopleTable } from "../modules/people/person.table.js";
import { createPiiCipher } from "../pii/pii-crypto.js";
import { postings as postingsTable } from "../modules/postings/posting.table.js";
import { createScopedKeys, MeilisearchEngine } from "../search/meilisearch-engine.js";
import { createSearchEngine, indexAllPostings, reconcileIndex, reindexMeilisearch, SearchIndex } from "../search/search-index.js";
import { getCampaignRun, parseFulfilScope, startCampaignRun, startMentorRun, type RunSummary } from "../modules/referrals/campaign-run.service.js";
import type { CampaignRunRow } from "../modules/referrals/campaign-run.table.js";
import { EmbeddedSearchEngine } from "../search/embedded-engine.js";
import { CampaignRunner } from "../modules/referrals/campaign-run.worker.js";
import { RunnerThreads } from "./runner-threads.js";
import { countSqlStatements } from "../db/sql-count.js";
import { reportUsageProblem, writeReportFile } from "./report-command.js";
import { searchSources } from "../modules/search-sources.js";
import { loadConfig, type Config } from "../config.js";
import { wireModuleHooks } from "../modules/module-hooks.js";
import { openDatabase, type Database, type DatabaseHandle } from "../db/client.js";
import { printSchemaSdl } from "../graphql/schema.js";
import { createLogger } from "../logger.js";
import { issuePartnerKey } from "../modules/partners/partner.service.js";
import { expirePostings } from "../modules/postings/posting.service.js";
import { seedDemo, seedPeople } from "../../seed/demo.js";
import { referenceDataSql } from "../../seed/reference-sql.js";

const USAGE = `Usage: npm run cli -- <command> [options]

  token --role ROLE [--region PREFIX] [--institution UUID] [--employer UUID] [--person UUID] [--sub ID] [--expires 12h]
        Mint a JWT (HS256, AUTH_JWT_SECRET) and print it. ROLE: ADMIN CASEWORKER MENTOR EMPLOYER SEEKER.
  partner-key --name NAME [--scopes postings:read,postings:write]
        Issue an API key for a partner site (created on first use) and print it. Shown once.
  migrate            Apply migrations/ to the configured database.
  seed [--people N]  Load the demo data, unless it is already loaded; --people N also generates
                     N realistic people (deterministic) into the ledger, through the import.
  import-people FILE [--encoding auto|utf-8|gbk]
                     Import a CSV of people (columns in the README) as an administrator; prints the report.
  reevaluate-categories
                     Re-decide every person's target categories after a policy change.
  report --campaign UUID --out FILE.xlsx | FILE.csv --sheet KEY [--region PREFIX]
                     Write a campaign's report (the workbook, or one sheet as CSV: summary prefecture county
                     institution category below mentors fairs) as an administrator, with a progress bar;
                     prints {file, rows, ms, sqlStatements}.
  reindex            Rebuild the Meilisearch index from PostgreSQL beside the live one and swap it in; what changed
                     meanwhile is written into the change log again for the relay (nothing edited meanwhile is lost).
  reconcile [--repair]
                     Compare the Meilisearch index with PostgreSQL by content (a hash per document): missing,
                     extra and stale postings (exit 1 if any); --repair writes the differences into the change
                     log, for the relay to send and remove.
  meilisearch-keys --master-key KEY
                     As Meilisearch's master key, once: create the API's two keys — writes scoped to postings*
                     (MEILISEARCH_API_KEY) and search only (MEILISEARCH_SEARCH_KEY); prints them as JSON.
  expire-postings    Mark OPEN postings past validUntil as EXPIRED.
  fulfil --region PREFIX | --institution UUID | --person UUID | --category CODE [--campaign UUID] [--threads N] [--batch N]
                     Start a campaign run for everyone of the scope below their referral minimum in the
                     campaign (default: the only ACTIVE one, or the key-group graduate one) and work
                     it here with a progress bar (a running server's runner helps); prints the outcome.
                     On PostgreSQL, N runner threads work it (default: one per core), each with its own
                     copy of the index; --threads 0: this thread alone. --batch: people per batch (100).
  assign-mentors --region PREFIX | --institution UUID | --person UUID | --category CODE
                     Start a mentor run: pair everyone of the scope whom the policy makes eligible and who has
                     no mentor with the nearest mentor with room; worked here with a progress bar; prints the outcome.
  db-roles [--name jb_app] [--print]
                     As the database owner (after migrating): create or update the least-privilege role the
                     server runs as in production — reads and writes the tables, owns nothing, and may only
                     INSERT and SELECT the audit log. Password from APP_DB_PASSWORD. --print: the SQL only.
  schema             Print the GraphQL SDL (npm run schema:emit writes src/graphql/schema.graphql).
  reference-sql      Print the reference-data migration's SQL from seed/data.

Configuration comes from the environment, as for the server (see README).`;

/** The CLI acts as an operator with administrator rights (it has the database credentials anyway). */
const OPERATOR: Viewer = { kind: "user", userId: "cli", role: Role.ADMIN };

/** Starts a campaign run and works it here with a progress bar, timing it and counting its SQL statements. */
async function workRun(
  io: CliIo,
  db: Database,
  start: () => Promise<CampaignRunRow>,
  runner: { drain(opts: { onBatch: (claimed: number) => void }): Promise<{ statements: number } | void> },
): Promise<{ summary: RunSummary; runMs: number; sqlStatements: number }> {
  const began = performance.now();
  let elsewhere = 0;
  const { result, statements } = await countSqlStatements(async () => {
    const run = await start();
    const first = (await getCampaignRun(db, OPERATOR, run.id))!;
    const bar = progressBar(io, "people", first.total);
    let processed = first.processed;
    // Runner threads count their own statements (this thread's count sees only its own).
    elsewhere = (await runner.drain({ onBatch: (n) => bar.update((processed += n)) }))?.statements ?? 0;
    bar.stop();
    return (await getCampaignRun(db, OPERATOR, run.id))!;
  });
  return { summary: result, runMs: Math.round(performance.now() - began), sqlStatements: statements + elsewhere };
}

/** A run's outcome as JSON on stdout (the benchmarks read it). */
function printRun(io: CliIo, { summary, runMs, sqlStatements }: { summary: RunSummary; runMs: number; sqlStatements: number }, extra: Record<string, number>): void {
  const { run, total, processed, created, stillBelow, reasons } = summary;
  io.out(JSON.stringify({ run: run.id, status: run.status, total, processed, created, stillBelow, reasons, ...extra, runMs, sqlStatements }, null, 2) + "\n");
}

/** A progress bar on stderr (only drawn on a terminal). */
function progressBar(io: CliIo, unit: string, total: number) {
  const bar = new SingleBar(
    { format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  if (io === processIo) bar.start(total, 0);
  return { update: (n: number) => io === processIo && bar.update(n), stop: () => io === processIo && bar.stop() };
}

/** Tests may hand the CLI an open database (an in-memory PGlite cannot be opened twice); it is then left open. */
let injectedDatabase: DatabaseHandle | undefined;

async function withDatabase<T>(config: Config, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  wireModuleHooks();
  if (injectedDatabase) return work(injectedDatabase);
  const handle = await openDatabase(config.database, createLogger("warn"));
  try {
    await handle.migrate();
    return await work(handle);
  } finally {
    await handle.close();
  }
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** The operator commands; stdout carries only the answer (a token, a key, SQL), everything else goes to stderr. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo, deps: { database?: DatabaseHandle } = {}): Promise<number> {
  injectedDatabase = deps.database;
  try {
    return await runCommand(argv, env, io);
  } finally {
    injectedDatabase = undefined;
  }
}

async function runCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      role: { type: "string" },
      region: { type: "string" },
      institution: { type: "string" },
      employer: { type: "string" },
      person: { type: "string" },
      sub: { type: "string" },
      expires: { type: "string", default: "12h" },
      name: { type: "string" },
      people: { type: "string" },
      encoding: { type: "string", default: "auto" },
      scopes: { type: "string" },
      category: { type: "string" },
      campaign: { type: "string" },
      out: { type: "string" },
      sheet: { type: "string" },
      print: { type: "boolean" },
      repair: { type: "boolean" },
      "master-key": { type: "string" },
      threads: { type: "string" },
      batch: { type: "string" },
    },
    allowPositionals: true,
  });
  // Logs go to stderr so that stdout carries only the command's answer (a token, a key, SQL).
  const config = loadConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? "warn" });
  const log = createLogger(config.log.level);

  switch (command) {
    case "token": {
      const role = values.role?.toUpperCase();
      if (!role || !(role in Role) || role === Role.PARTNER) {
        io.err("token: --role must be one of ADMIN, CASEWORKER, MENTOR, EMPLOYER, SEEKER (partners use partner-key)\n");
        return 2;
      }
      let token: string;
      try {
        token = await signToken(
          config.auth,
          {
            sub: values.sub ?? `cli-${role.toLowerCase()}`,
            role: role as Exclude<Role, Role.PARTNER>,
            ...(values.region ? { regionCode: values.region } : {}),
            ...(values.institution ? { institutionId: values.institution } : {}),
            ...(values.employer ? { employerId: values.employer } : {}),
            ...(values.person ? { personId: values.person } : {}),
          },
          values.expires,
        );
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        io.err(`token: ${error.message}\n`);
        return 2;
      }
      io.out(token + "\n");
      return 0;
    }
    case "partner-key": {
      if (!values.name) {
        io.err("partner-key: --name is required\n");
        return 2;
      }
      const issued = await withDatabase(config, (h) =>
        issuePartnerKey(h.db, "cli", { name: values.name!, ...(values.scopes ? { scopes: values.scopes.split(",").map((s) => s.trim()) } : {}) }),
      );
      io.err(`Issued key ${issued.key.id} for partner "${issued.partner.name}" (${issued.key.scopes.join(", ")}). It is shown once:\n`);
      io.out(issued.apiKey + "\n");
      return 0;
    }
    case "migrate":
      await withDatabase(config, async () => undefined);
      io.err("Migrations applied.\n");
      return 0;
    case "seed": {
      const people = values.people === undefined ? 0 : Number(values.people);
      if (!Number.isInteger(people) || people < 0) {
        io.err("seed: --people takes a whole number\n");
        return 2;
      }
      await withDatabase(config, async (h) => {
        const summary = await seedDemo(h.db, log, { jwtSecret: config.auth.jwtSecret, piiKey: config.pii.key });
        io.err(summary ? `Seeded ${summary.employers} employers, ${summary.postings} postings and ${summary.people} people.\n` : "The demo data is already loaded.\n");
        if (people > 0) {
          const bar = progressBar(io, "people", people);
          const report = await seedPeople({ db: h.db, pii: createPiiCipher(config.pii.key) }, people, { seed: 7, onProgress: (n) => bar.update(n) });
          bar.stop();
          io.err(`People: ${report.created} created, ${report.unchanged + report.updated} already there, ${report.rejectedCount} rejected.\n`);
        }
      });
      return 0;
    }
    case "import-people": {
      const file = positionals[0];
      if (!file || !["auto", "utf-8", "gbk"].includes(values.encoding!)) {
        io.err("import-people: give a CSV file (and --encoding auto|utf-8|gbk)\n");
        return 2;
      }
      const bytes = statSync(file).size;
      const bar = progressBar(io, "bytes", bytes);
      let read = 0;
      const stream = (async function* () {
        for await (const chunk of createReadStream(file)) {
          read += (chunk as Buffer).length;
          bar.update(read);
          yield chunk as Buffer;
        }
      })();
      const report = await withDatabase(config, (h) =>
        importPeople({ db: h.db, pii: createPiiCipher(config.pii.key) }, OPERATOR, stream, { encoding: values.encoding as "auto" | "utf-8" | "gbk", log, maxRowChars: config.importMaxRowChars }),
      );
      bar.stop();
      io.out(JSON.stringify(report, null, 2) + "\n");
      return 0;
    }
    case "reevaluate-categories": {
      const result = await withDatabase(config, async (h) => {
        const bar = progressBar(io, "people", await h.db.$count(peopleTable));
        const r = await reevaluateEveryone(h.db, (done) => bar.update(done));
        bar.stop();
        return r;
      });
      io.err(`Re-evaluated ${result.people} people: ${result.added} memberships added or re-decided, ${result.removed} removed.\n`);
      return 0;
    }
    case "expire-postings": {
      const n = await withDatabase(config, (h) => expirePostings(h.db));
      io.err(`${n} postings expired.\n`);
      return 0;
    }
    case "fulfil": {
      const scope = parseFulfilScope({ personId: values.person ?? null, regionCode: values.region ?? null, institutionId: values.institution ?? null, categoryCode: values.category ?? null });
      // On PostgreSQL with the embedded engine every core works the run: runner threads (--threads,
      // default one per core), each with a copy of the index this thread's build reads and segments.
      const threadCount = values.threads === undefined ? availableParallelism() : Number(values.threads);
      const batchSize = values.batch === undefined ? 100 : Number(values.batch);
      if (!Number.isInteger(threadCount) || threadCount < 0 || threadCount > 64 || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
        io.err("fulfil: --threads must be a whole number from 0 to 64 and --batch from 1 to 10000.\n");
        return 2;
      }
      let indexMs = 0;
      let threadsUsed = 0;
      const outcome = await withDatabase(config, async (h) => {
        const threads = !config.search.meilisearchUrl && !injectedDatabase ? RunnerThreads.start(threadCount, config.database, config.log.level) : null;
        threadsUsed = threads?.count ?? 0;
        try {
          const engine = threads ? threads.engine() : createSearchEngine(config);
          await engine.applySettings(await searchSources.settings(h.db));
          if (engine.name === "embedded") {
            io.err(`Building the embedded search index from PostgreSQL${threads ? ` for ${threads.count} runner thread${threads.count > 1 ? "s" : ""}` : ""}…\n`);
            const began = performance.now();
            await indexAllPostings(h.db, engine, searchSources.documents);
            indexMs = Math.round(performance.now() - began);
          }
          // Two batches at once in each runner: one ranks while the other waits on PostgreSQL.
          const runner = threads ? { drain: (opts: { onBatch: (claimed: number) => void }) => threads.drain({ batchSize, concurrency: 2, ...opts }) } : new CampaignRunner(h.db, engine, log, 0, batchSize, 2);
          return await workRun(io, h.db, () => startCampaignRun(h.db, OPERATOR, scope, values.campaign ?? null), runner);
        } finally {
          await threads?.close();
        }
      });
      printRun(io, outcome, { indexMs, runnerThreads: threadsUsed });
      return 0;
    }
    case "assign-mentors": {
      const scope = parseFulfilScope({ personId: values.person ?? null, regionCode: values.region ?? null, institutionId: values.institution ?? null, categoryCode: values.category ?? null });
      // Mentor runs need no search engine: this runner works only them (given an empty engine).
      const outcome = await withDatabase(config, (h) =>
        workRun(io, h.db, () => startMentorRun(h.db, OPERATOR, scope), new CampaignRunner(h.db, new EmbeddedSearchEngine(), log, 0, 200, 2, ["MENTORS"])),
      );
      printRun(io, outcome, {});
      return 0;
    }
    case "report": {
      const usage = !values.campaign || !values.out ? "--campaign and --out are required" : reportUsageProblem({ out: values.out, sheet: values.sheet ?? null });
      if (usage) {
        io.err(`report: ${usage}. Usage: report --campaign ID --out FILE.xlsx (or FILE.csv --sheet KEY) [--region PREFIX]\n`);
        return 2;
      }
      const written = await withDatabase(config, (h) =>
        writeReportFile(h.db, OPERATOR, { campaignId: values.campaign!, out: values.out!, region: values.region ?? null, sheet: values.sheet ?? null }, (total) => progressBar(io, "rows", total)),
      );
      io.out(JSON.stringify(written) + "\n");
      return 0;
    }
    case "reindex":
    case "reconcile": {
      const engine = createSearchEngine(config);
      if (!(engine instanceof MeilisearchEngine)) {
        io.err(`${command}: set MEILISEARCH_URL. The embedded engine lives inside the server and is rebuilt from PostgreSQL at every start.\n`);
        return 2;
      }
      if (command === "reindex") {
        const n = await withDatabase(config, async (h) => {
          const bar = progressBar(io, "postings", await h.db.$count(postingsTable));
          const count = await reindexMeilisearch(h.db, engine, searchSources, (done) => {
            bar.update(done);
          });
          bar.stop();
          // What changed during the rebuild is logged again for the relay: relayed here unless a running server holds it.
          const index = new SearchIndex(engine, h.db, searchSources, log, { intervalMs: 0 });
          await index.start();
          const relayed = await index.drain().catch((err: unknown) => (io.err(`Relaying here failed (${err instanceof Error ? err.message : String(err)}).\n`), false));
          const holding = index.writing;
          await index.stop();
          io.err(relayed ? "Changes made during the rebuild relayed.\n" : holding ? "Changes made during the rebuild logged; not all relayed yet — the next relay run applies them.\n" : "Changes made during the rebuild logged; the process holding the relay applies them.\n");
          return count;
        });
        io.err(`Reindexed ${n} postings and swapped the new index in.\n`);
        return 0;
      }
      const diff = await withDatabase(config, async (h) => {
        const found = await reconcileIndex(h.db, engine, searchSources.documents, { repair: values.repair === true });
        if (found.repaired && found.repaired.logged > 0) {
          // The repairs are in the log: relayed here unless a running server holds the relay (it applies them then).
          const index = new SearchIndex(engine, h.db, searchSources, log, { intervalMs: 0 });
          await index.start();
          const relayed = await index.drain().then(
            (reached) => reached,
            (err: unknown) => (io.err(`Relaying the repairs here failed (${err instanceof Error ? err.message : String(err)}).\n`), false),
          );
          const holding = index.writing;
          await index.stop();
          io.err(relayed ? "Repairs relayed to Meilisearch.\n" : holding ? "Repairs logged; not all relayed yet — the next relay run applies them.\n" : "Repairs logged; the process holding the relay applies them.\n");
        }
        return found;
      });
      const summary = {
        missing: diff.missing.length,
        extra: diff.extra.length,
        stale: diff.stale.length,
        missingIds: diff.missing.slice(0, 100),
        extraIds: diff.extra.slice(0, 100),
        staleIds: diff.stale.slice(0, 100),
        ...(diff.repaired ? { repaired: diff.repaired } : {}),
      };
      io.out(JSON.stringify(summary, null, 2) + "\n");
      return diff.repaired || diff.missing.length + diff.extra.length + diff.stale.length === 0 ? 0 : 1;
    }
    case "meilisearch-keys": {
      const master = values["master-key"] ?? env.MEILI_MASTER_KEY;
      if (!config.search.meilisearchUrl || !master) {
        io.err("meilisearch-keys: set MEILISEARCH_URL and give --master-key (or MEILI_MASTER_KEY)\n");
        return 2;
      }
      io.out(JSON.stringify(await createScopedKeys(config.search.meilisearchUrl, master), null, 2) + "\n");
      return 0;
    }
    case "db-roles": {
      const role = values.name ?? APP_ROLE;
      const password = env.APP_DB_PASSWORD?.trim() ? env.APP_DB_PASSWORD : undefined;
      if (values.print) {
        io.out(appRoleStatements(role, password === undefined ? {} : { password: "<APP_DB_PASSWORD>" }).join(";\n") + ";\n");
        return 0;
      }
      if (config.database.driver !== "postgres") {
        io.err("db-roles: for PostgreSQL only (set DATABASE_URL to the owner's connection)\n");
        return 2;
      }
      await withDatabase(config, (h) => grantAppRole(h.db, role, password === undefined ? {} : { password }));
      io.err(`Role ${role}: tables read and written, audit_log INSERT and SELECT only, owner of nothing.${password === undefined ? " No password set (APP_DB_PASSWORD)." : ""}\n`);
      return 0;
    }
    case "schema":
      io.out(await printSchemaSdl());
      return 0;
    case "reference-sql":
      io.out(referenceDataSql());
      return 0;
    default:
      io.err(USAGE + "\n");
      return command ? 2 : 0;
  }
}

