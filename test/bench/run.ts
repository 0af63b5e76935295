import { parseArgs } from "node:util";
import { ledgerBench } from "./ledger.bench.js";
import { enginesBench } from "./engines.bench.js";
import { fulfilBench } from "./fulfil.bench.js";
import { matchingBench } from "./matching.bench.js";
import { applicationsBench } from "./applications.bench.js";
import { fairsBench } from "./fairs.bench.js";
import { mentorsBench } from "./mentors.bench.js";
import { soakBench } from "./soak.bench.js";
import { postingsBench } from "./postings.bench.js";
import { reportBench } from "./report.bench.js";
import { replicasBench } from "./replicas.bench.js";
import { startupBench } from "./startup.bench.js";
import { notificationsBench } from "./notifications.bench.js";
import { webhooksBench } from "./feed-webhooks.js";
import { feedBench } from "./feed.bench.js";
import { screeningBench } from "./screening.bench.js";
import { screeningBatchBench } from "./screening-batch.bench.js";
import { subsidiesBench } from "./subsidies.bench.js";
import { loads } from "./harness.js";

/** `--runs`, for the benchmarks that take it as their number of measured runs. */
const runs = () => (values.runs ? { runs: Number(values.runs) } : {});

// `npm run bench -- [name…] [--duration S] [--connections N] [--people N] [--seekers N] [--slots N] [--runs N]`; runs every benchmark when none is named.
// --runs: how many measured runs (after an untimed warm-up) each benchmark's medians are taken over; each bench has its default.

const benchmarks: Record<string, (opts: { duration: number; connections: number }) => Promise<boolean>> = {
  // The project beside a plain graphql-js peer and PostGraphile (when installed) on PostgreSQL, --runs interleaved rounds (3), medians (issue 25).
  postings: (opts) => postingsBench({ ...opts, ...(values.runs ? { rounds: Number(values.runs) } : {}) }),
  ledger: (opts) => ledgerBench({ ...opts, ...(values.people ? { people: Number(values.people) } : {}), ...runs() }),
  engines: () => enginesBench({ ...(values.documents ? { documents: Number(values.documents) } : {}), ...runs() }),
  // --compare: the key-group campaign's run with one and with two campaigns ACTIVE, 3 interleaved runs each (issue 16).
  fulfil: () => fulfilBench({ ...(values.people ? { people: Number(values.people) } : {}), compare: values.compare === true, ...runs() }),
  mentors: () => mentorsBench({ ...(values.people ? { people: Number(values.people) } : {}), ...(values.mentors ? { mentors: Number(values.mentors) } : {}), ...runs() }),
  // --postings open postings (100,000; 1,000,000 is a province), --runs runs (3), medians; BENCH_DATABASE reuses a kept database.
  matching: (opts) =>
    matchingBench({ ...opts, ...(values.people ? { people: Number(values.people) } : {}), ...(values.postings ? { postings: Number(values.postings) } : {}), ...(values.runs ? { runs: Number(values.runs) } : {}) }),
  // 200 seekers at once unless --connections says otherwise.
  // 300 s unless --duration says otherwise.
  soak: () => soakBench({ ...(values.duration ? { duration: Number(values.duration) } : {}), ...runs() }),
  // The workbook and the page of a campaign's report over 100,000 people unless --people says otherwise (and a fifth of them, in the same run).
  report: () => reportBench({ ...(values.people ? { people: Number(values.people) } : {}), ...runs() }),
  // Three API processes on one PostgreSQL (DATABASE_URL): writes/s through one, and the lag until all three agree (issue 18).
  replicas: () => replicasBench({ ...(values.writes ? { writes: Number(values.writes) } : {}), ...runs() }),
  // `npm start` to its first answer: on a fresh data directory and on a restart (issue 19).
  startup: () => startupBench(values.runs ? { runs: Number(values.runs) } : {}),
  // 2,000 seekers applying at once to 200 postings on PostgreSQL, each twice at the same moment (issue 20).
  applications: () => applicationsBench({ connections: values.connections ? Number(values.connections) : 200, ...(values.seekers ? { seekers: Number(values.seekers) } : {}), ...runs() }),
  // Pushes (issue 21): a campaign run's ≥ 300,000 notifications delivered by SMS (log provider) and the inbox, on PostgreSQL;
  // --people generated (320,000: ~100,000 below their minimum), the inbox fetched by 20 clients for 10 s unless --connections/--duration say otherwise.
  notifications: () =>
    notificationsBench({
      ...(values.people ? { people: Number(values.people) } : {}),
      ...(values.connections ? { clients: Number(values.connections) } : {}),
      ...(values.duration ? { seconds: Number(values.duration) } : {}),
      ...runs(),
    }),
  // Webhooks (issue 22; the webhook half of `feed`), on PostgreSQL: 4 fast local receivers, then beside one slowed to 5 s — paced
  // (--rate postings/s, 60, for --duration s, 20) and a backlog of --deliveries (20,000 over the two backlog phases).
  webhooks: () =>
    webhooksBench({
      ...(values.deliveries ? { deliveries: Number(values.deliveries) } : {}),
      ...(values.rate ? { pacedPerSecond: Number(values.rate) } : {}),
      ...(values.duration ? { pacedSeconds: Number(values.duration) } : {}),
      ...runs(),
    }),
  // The partner change feed (issue 22), on PostgreSQL: --events public posting events (100,000) read whole through GraphQL by a partner key.
  feed: () =>
    feedBench({
      ...(values.events ? { events: Number(values.events) } : {}),
      ...runs(),
      // Its webhook section takes the webhooks benchmark's sizes.
      webhooks: {
        ...(values.deliveries ? { deliveries: Number(values.deliveries) } : {}),
        ...(values.rate ? { pacedPerSecond: Number(values.rate) } : {}),
        ...(values.duration ? { pacedSeconds: Number(values.duration) } : {}),
      },
    }),
  // Subsidy eligibility re-decided for --people people (100,000) against every scheme, on PostgreSQL (issue 26).
  subsidies: () => subsidiesBench({ ...(values.people ? { people: Number(values.people) } : {}), ...runs() }),
  // The screening engine in-process (issue 23): --postings (10,000) screened with the seed rules, per-posting median and p99.
  screening: () => screeningBench({ ...(values.postings ? { postings: Number(values.postings) } : {}), ...runs() }),
  // Screening (issue 23): 500-posting partner batches with the rules in force vs an empty rule set, alternating (--runs rounds, 5).
  "screening-batch": () => screeningBatchBench(values.runs ? { rounds: Number(values.runs) } : {}),
  fairs: () => fairsBench({ connections: values.connections ? Number(values.connections) : 200, ...(values.seekers ? { seekers: Number(values.seekers) } : {}), ...(values.slots ? { slots: Number(values.slots) } : {}), ...runs() }),
};

const { values, positionals } = parseArgs({
  options: { duration: { type: "string" }, connections: { type: "string" }, people: { type: "string" }, documents: { type: "string" }, mentors: { type: "string" }, seekers: { type: "string" }, slots: { type: "string" }, compare: { type: "boolean" }, writes: { type: "string" }, runs: { type: "string" }, deliveries: { type: "string" }, rate: { type: "string" }, events: { type: "string" }, postings: { type: "string" } },
  allowPositionals: true,
});
const names = positionals.length > 0 ? positionals : Object.keys(benchmarks);
const unknown = names.filter((n) => !(n in benchmarks));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Known: ${Object.keys(benchmarks).join(", ")}`);
  process.exit(2);
}
let ok = true;
for (const name of names) {
  // Every figure depends on what else the machine is doing: the load before and after says how much.
  console.log(`\n[${name}] load average at the start: ${loads()}`);
  const passed = await benchmarks[name]!({ duration: Number(values.duration ?? 10), connections: Number(values.connections ?? 10) });
  console.log(`[${name}] load average at the end: ${loads()} — ${passed ? "passed" : "FAILED"}`);
  ok = passed && ok;
}
process.exit(ok ? 0 : 1);
