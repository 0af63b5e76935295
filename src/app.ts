import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { Config } from "./config.js";
import { openDatabase, type DatabaseHandle } from "./db/client.js";
import { databaseReady, pendingMigrationCount } from "./db/migrate.js";
import type { Context } from "./graphql/context.js";
import { createApolloServer } from "./graphql/apollo.js";
import { createHttpServer } from "./http/http-server.js";
import { loggableError, logStep, type Logger } from "./logger.js";
import { expirePostings } from "./modules/postings/posting.service.js";
import { searchSources } from "./modules/search-sources.js";
import { pruneChangeLogByPolicy } from "./modules/change-log/change-log-policy.service.js";
import { createPiiCipher, type PiiCipher } from "./pii/pii-crypto.js";
import { createSearchEngine, SearchIndex } from "./search/search-index.js";
import type { SearchEngine } from "./search/search-port.js";
import { CampaignRunner } from "./modules/referrals/campaign-run.worker.js";
import { ReevaluationWorker } from "./modules/categories/reevaluation.worker.js";
import { SubsidyCalendarWatch } from "./modules/subsidies/subsidy-calendar.js";
import { FairEventHub } from "./modules/fairs/fair-events.js";
import { NotificationHub } from "./modules/notifications/notification-events.js";
import { createDispatcher, type NotificationDispatcher } from "./modules/notifications/delivery.worker.js";
import { createSmsGateway } from "./modules/notifications/sms-gateway.js";
import { WebhookChannel } from "./modules/webhooks/webhook.channel.js";
import { wireModuleHooks } from "./modules/module-hooks.js";
import { getSchema } from "./graphql/schema.js";
import { attachSubscriptions } from "./http/subscriptions.js";
import { RateLimiter } from "./http/rate-limit.js";
import { sweepIdempotencyKeys } from "./http/idempotency.js";
import { keepPoliciesInForce } from "./db/policy-version.js";
import { regionRows } from "./modules/regions/region-directory.js";

export interface App {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  pii: PiiCipher;
  search: SearchIndex;
  runner: CampaignRunner;
  /** Re-decides everyone's categories in the background when a key-group campaign or a category changes. */
  reevaluations: ReevaluationWorker;
  /** Live fair updates: this process's subscribers, fed by PostgreSQL NOTIFY. */
  fairEvents: FairEventHub;
  notificationEvents: NotificationHub;
  /** Delivers notifications on their channels (SMS, partners' webhooks): in the background, or on demand with a clock (tests). */
  notifications: NotificationDispatcher;
  apollo: ApolloServer<Context>;
  http: Server;
  /** Starts listening; resolves to the GraphQL endpoint's URL. */
  listen(): Promise<string>;
  /** Stops taking requests, lets those in flight finish, then closes the database. */
  close(): Promise<void>;
}

/** Database (migrated), Apollo and the HTTP server, wired but not yet listening. */
export async function createApp(config: Config, log: Logger, database?: DatabaseHandle, parts: { searchEngine?: SearchEngine } = {}): Promise<App> {
  wireModuleHooks();
  const db = database ?? (await openDatabase(config.database, log));
  if (config.migrateOnStart) {
    await logStep(
      log,
      "migrations",
      async () => {
        const pending = await pendingMigrationCount(db);
        await db.migrate();
        return pending;
      },
      // Counted before another replica may have applied them: "none pending" or how many were pending.
      (pending) => (pending === 0 ? "none pending" : `${pending} pending, now applied`),
    );
  } else {
    // A least-privilege role (see `cli db-roles`) cannot migrate: the owner has, or the server does not start.
    const readiness = await databaseReady(db);
    if (!readiness.ready) throw new Error(`MIGRATE_ON_START=false but the database is not ready (${readiness.reason}): run the migrations as the owner first`);
  }
  // The regions (reference data) are read once, before any request reads through the copy (the region loader).
  await regionRows(db.db);
  const pii = createPiiCipher(config.pii.key);
  // The engine the configuration names, unless one is given (tests put a fault switch in front of the embedded one).
  const search = new SearchIndex(parts.searchEngine ?? createSearchEngine(config, log), db.db, searchSources, log, { intervalMs: config.search.relayIntervalMs, listen: db.listen });
  const runner = new CampaignRunner(db.db, search.engine, log, config.campaignRunIntervalMs);
  const reevaluations = new ReevaluationWorker(db.db, log, config.categoryReevaluationIntervalMs);
  // A new year or a scheme version coming into force (or ending) queues a re-decision: checked each minute where re-decisions run in the background.
  const subsidyCalendar = new SubsidyCalendarWatch(db.db, log, config.categoryReevaluationIntervalMs > 0 ? 60_000 : 0);
  let apollo: ApolloServer<Context> | undefined;
  const rateLimiter = new RateLimiter(config.rateLimits, log);
  const http = createHttpServer({ config, log, database: db, pii, search: search.engine, searchPosition: () => search.position, apollo: () => apollo!, rateLimiter });
  apollo = await createApolloServer(config, log, http, rateLimiter);
  const fairEvents = new FairEventHub(log);
  const notificationEvents = new NotificationHub(log);
  const webhooks = new WebhookChannel(db.db, pii, log, { concurrency: config.webhooks.concurrency, rules: config.webhooks });
  const notifications = createDispatcher(
    db.db,
    createSmsGateway(config.sms, log),
    pii,
    log,
    { concurrency: config.sms.concurrency, batch: config.sms.batch, sendTimeoutMs: config.sms.http?.timeoutMs ?? 5_000, intervalMs: config.sms.intervalMs },
    [webhooks],
  );
  const subscriptions = attachSubscriptions(http, { config, log, database: db, pii, search: search.engine, fairEvents, notificationEvents, schema: await getSchema(), rateLimiter });

  // Reads already treat overdue postings as EXPIRED; the sweep writes it down for everything else,
  // drops Idempotency-Keys past their 24 hours, and prunes the posting change log by its policy.
  let sweeper: NodeJS.Timeout | undefined;
  if (config.postingExpirySweepSeconds > 0) {
    sweeper = setInterval(() => {
      expirePostings(db.db)
        .then((n) => n > 0 && log.info({ expired: n }, "postings expired"))
        .catch((err: unknown) => log.error({ err }, "expiry sweep failed"));
      sweepIdempotencyKeys(db.db).catch((err: unknown) => log.error({ err }, "idempotency-key sweep failed"));
      pruneChangeLogByPolicy(db.db)
        .then((n) => n > 0 && log.info({ pruned: n }, "posting change log pruned"))
        .catch((err: unknown) => log.error({ err }, "change-log pruning failed"));
    }, config.postingExpirySweepSeconds * 1000);
    sweeper.unref();
  }

  let closed = false;
  let stopKeepingPolicies = async () => undefined as void;
  return {
    config,
    log,
    database: db,
    pii,
    search,
    runner,
    reevaluations,
    fairEvents,
    notificationEvents,
    notifications,
    apollo,
    http,
    listen: async () => {
      await logStep(
        log,
        "search",
        () => search.start(),
        (indexed) => (indexed === null ? `${search.engine.name}: relaying the change log` : `indexed ${indexed.toLocaleString("en")} postings (embedded engine)`),
      );
      await fairEvents.start(db);
      await notificationEvents.start(db);
      stopKeepingPolicies = await keepPoliciesInForce(db);
      runner.start();
      reevaluations.start();
      subsidyCalendar.start();
      notifications.start();
      return new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(config.http.port, config.http.host, () => {
          const { port } = http.address() as AddressInfo;
          const host = config.http.host.includes(":") ? `[${config.http.host}]` : config.http.host;
          resolve(`http://${host}:${port}/graphql`);
        });
      });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (sweeper) clearInterval(sweeper);
      // Each step is given a bound, so shutdown always ends (a step still waiting is named in the log
      // and left behind: the process is about to exit).
      const step = async (name: string, work: () => Promise<unknown>, ms = 15_000) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
        const outcome = await Promise.race([work().then(() => "done" as const, (err: unknown) => (log.warn({ err: loggableError(err), step: name }, "shutdown step failed"), "done" as const)), late]);
        clearTimeout(timer);
        if (outcome === "late") log.warn({ step: name, ms }, "shutdown step still waiting: going on without it");
      };
      // Open subscriptions end first (a WebSocket would hold the HTTP server open); then the drain
      // plugin closes the HTTP server and waits for requests in flight.
      await step("subscriptions", () => subscriptions.close());
      await step("fair events", () => fairEvents.close());
      await step("notification events", () => notificationEvents.close());
      await step("policies kept", () => stopKeepingPolicies());
      await step("apollo", () => apollo.stop());
      await step("campaign runner", () => runner.stop());
      subsidyCalendar.stop();
      await step("category re-decisions", () => reevaluations.stop());
      await step("notification delivery", () => notifications.stop());
      await step("search relay", () => search.stop());
      await step("rate limiter", () => rateLimiter.close());
      if (http.listening) await step("http", () => new Promise<void>((resolve) => http.close(() => resolve())));
      await step("database", () => db.close());
    },
  };
}
