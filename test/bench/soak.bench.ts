import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { BENCH_SECRET, printRuns, printTable, quantile, repeatRuns, runsOrOne, startBenchServer } from "./harness.js";

type Kind = "partner search" | "portal matches" | "caseworker write" | "fair booking";

/** Requests per second of each kind: an open loop, sent on schedule whatever the answers' speed. */
const RATES: Record<Kind, number> = { "partner search": 12, "portal matches": 6, "caseworker write": 4, "fair booking": 4 };

const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

/**
 * The soak (issue #8): the built server in its own process on a fresh database with the demo, rate
 * limits as deployed, loopback only, a mixed workload at a fixed rate — three partner keys' searches,
 * the portal's matches for a seeker, caseworker writes (new postings under Idempotency-Keys, edits to
 * people), and fair bookings (book, then cancel, so seats recycle) — for `duration` seconds (default 300). Every answer must be 200 without errors; p50/p99
 * per kind are reported, and the server's RSS sampled every 5 s: its median over the last minute may
 * not exceed the median of the second minute (after warm-up) by more than 20 %. Before the timed load,
 * an untimed warm-up: each kind of request three times. One run by default (five minutes, its
 * figures over thousands of requests); `runs` repeats the load on the same server, and the RSS
 * target is judged on the median growth.
 */
export async function soakBench(opts: { duration?: number; runs?: number }): Promise<boolean> {
  const seconds = opts.duration ?? 300;
  const runs = runsOrOne(opts.runs, `a run is ${seconds} s of load and reports percentiles over all its requests`);
  // Rate limits as deployed (the harness turns them off for the throughput benchmarks).
  const server = await startBenchServer({ AUTH_JWT_SECRET: BENCH_SECRET, SEED_DEMO: "always", RATE_LIMIT_REQUESTS_PER_MINUTE: "600", RATE_LIMIT_COST_PER_MINUTE: "200000" });
  const url = new URL(server.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const settings = { jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" };
  const send = (body: unknown, headers: Record<string, string>): Promise<{ ms: number; ok: boolean; data: Record<string, unknown> | null; problem?: string }> => {
    const payload = JSON.stringify(body);
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
      const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          try {
            const parsed = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string }; message: string }[] };
            const ok = res.statusCode === 200 && !parsed.errors;
            resolve({ ms, ok, data: parsed.data ?? null, ...(ok ? {} : { problem: `${res.statusCode} ${parsed.errors?.[0]?.extensions?.code ?? ""} ${parsed.errors?.[0]?.message ?? ""}`.slice(0, 200) }) });
          } catch {
            resolve({ ms, ok: false, data: null, problem: `${res.statusCode} not JSON` });
          }
        });
      });
      req.on("error", (err) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, ok: false, data: null, problem: err.message }));
      req.end(payload);
    });
  };
  try {
    // Set-up through the API: an admin, a provincial caseworker, a partner key, seekers, a fair with slots.
    const admin = { authorization: `Bearer ${await signToken(settings, { sub: "soak-admin", role: Role.ADMIN })}` };
    const caseworker = { authorization: `Bearer ${await signToken(settings, { sub: "soak-cw", role: Role.CASEWORKER, regionCode: "35" })}` };
    const must = async (body: unknown, headers: Record<string, string>) => {
      const r = await send(body, headers);
      if (!r.ok) throw new Error(`soak set-up failed: ${r.problem} for ${JSON.stringify(body).slice(0, 200)}`);
      return r.data!;
    };
    // Three partner sites share the searches, each within its 600 a minute.
    const partners: Record<string, string>[] = [];
    for (let i = 0; i < 3; i++) {
      const key = (await must({ query: `mutation { issuePartnerKey(name: "压测招聘网${i}", scopes: [POSTINGS_READ]) { apiKey } }` }, admin)) as { issuePartnerKey: { apiKey: string } };
      partners.push({ "x-api-key": key.issuePartnerKey.apiKey });
    }
    // People within the caseworker's scope (Fujian's): the writes are theirs to make.
    const peopleData = (await must({ query: `{ people(first: 100) { edges { node { id } } } }` }, caseworker)) as { people: { edges: { node: { id: string } }[] } };
    const people = peopleData.people.edges.map((e) => e.node.id);
    const seekers = await Promise.all(people.map(async (id, i) => ({ id, headers: { authorization: `Bearer ${await signToken(settings, { sub: `soak-seeker-${i}`, role: Role.SEEKER, personId: id })}` } })));
    const open = (await must({ query: `{ postings(first: 20) { edges { node { id employer { id } } } } }` }, {})) as { postings: { edges: { node: { id: string; employer: { id: string } } }[] } };
    const booth = open.postings.edges[0]!.node;
    const employer = { authorization: `Bearer ${await signToken(settings, { sub: "soak-emp", role: Role.EMPLOYER, employerId: booth.employer.id })}` };
    const hour = 3_600_000;
    const fair = ((await must({ query: `mutation($s: DateTimeISO!, $e: DateTimeISO!) { createJobFair(input: { title: "压测招聘会", kind: OTHER, startsAt: $s, endsAt: $e, organiserRegionCode: "350000" }) { id } }`, variables: { s: new Date(Date.now() - hour).toISOString(), e: new Date(Date.now() + 20 * 24 * hour).toISOString() } }, admin)) as { createJobFair: { id: string } }).createJobFair.id;
    await must({ query: `mutation($f: ID!) { setJobFairStatus(id: $f, status: OPEN) { status } }`, variables: { f: fair } }, admin);
    await must({ query: `mutation($f: ID!, $p: [ID!]!) { registerBooth(fairId: $f, postingIds: $p) { boothId } }`, variables: { f: fair, p: [booth.id] } }, employer);
    const slots: string[] = [];
    for (let i = 0; i < 40; i++) {
      const startsAt = new Date(Date.now() + 24 * hour + i * 20 * 60_000);
      const s = (await must({ query: `mutation($f: ID!, $s: DateTimeISO!, $e: DateTimeISO!) { addFairSession(input: { fairId: $f, kind: INTERVIEW, title: "面试", startsAt: $s, endsAt: $e }) { id } }`, variables: { f: fair, s: startsAt.toISOString(), e: new Date(startsAt.getTime() + 15 * 60_000).toISOString() } }, employer)) as { addFairSession: { id: string } };
      slots.push(s.addFairSession.id);
    }
    for (const p of people) await must({ query: `mutation($f: ID!, $p: ID!) { registerForFair(fairId: $f, personId: $p, invite: true) { invited } }`, variables: { f: fair, p } }, admin);

    const WORDS = ["会计", "软件", "销售", "教师", "护理", "茶叶", "电商", "机械", "物流", "客服"];
    let n = 0;
    const freeSlots = [...slots];
    const freeSeekers = [...seekers];
    const work: Record<Kind, () => Promise<{ ms: number; ok: boolean; problem?: string }[]>> = {
      "partner search": async () => [await send({ query: `query($q: String) { searchPostings(query: $q, first: 20) { totalCount edges { node { id title } } } }`, variables: { q: WORDS[n % WORDS.length] } }, partners[n % partners.length]!)],
      "portal matches": async () => {
        const s = seekers[n % seekers.length]!;
        return [await send({ query: `query($p: ID!) { person(id: $p) { matches(first: 10) { items { posting { id title } score } } } }`, variables: { p: s.id } }, s.headers)];
      },
      "caseworker write": async () =>
        n % 2 === 0
          ? // New postings under an Idempotency-Key, as a careful client sends them.
            [await send({ query: `mutation($i: CreatePostingInput!) { createPosting(input: $i) { id } }`, variables: { i: { employerId: booth.employer.id, title: `压测岗位${n}`, description: "压测", minEducation: "ASSOCIATE", regionCode: "350102", headcount: 1, kind: "REGULAR", validUntil: new Date(Date.now() + 30 * 24 * hour).toISOString() } } }, { ...caseworker, "idempotency-key": `soak-${n}` })]
          : [await send({ query: `mutation($id: ID!, $i: PersonFieldsInput!) { updatePerson(id: $id, input: $i) { id } }`, variables: { id: people[n % people.length], i: { skills: [`技能${n % 7}`] } } }, caseworker)],
      "fair booking": async () => {
        // One seat and one seeker per cycle, both back in the pool after the cancel.
        const slot = freeSlots.shift();
        const seeker = freeSeekers.shift();
        if (!slot || !seeker) return [{ ms: 0, ok: false, problem: "no free slot or seeker (the server fell behind)" }];
        const booked = await send({ query: `mutation($s: ID!, $p: ID!, $post: ID!) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`, variables: { s: slot, p: seeker.id, post: booth.id } }, seeker.headers);
        const results = [booked];
        const id = (booked.data as { bookInterview?: { id: string } } | null)?.bookInterview?.id;
        if (id) results.push(await send({ query: `mutation($b: ID!) { cancelBooking(bookingId: $b) { status } }`, variables: { b: id } }, seeker.headers));
        freeSlots.push(slot);
        freeSeekers.push(seeker);
        return results;
      },
    };

    const problems: string[] = [];
    // Warm-up, not counted: each kind three times (plans, JIT, connections), its failures reported all the same.
    for (let i = 0; i < 3; i++) {
      for (const kind of Object.keys(RATES) as Kind[]) {
        n++;
        for (const r of await work[kind]()) if (!r.ok) problems.push(`${kind} (warm-up): ${r.problem}`);
      }
    }
    /** One timed soak: the mixed load for `seconds`, per-kind latencies, RSS growth. */
    const soakOnce = async () => {
      const latencies = new Map<Kind, number[]>();
      let sent = 0;
      const rss: { t: number; mb: number }[] = [];
      const began = Date.now();
      const sampler = setInterval(() => {
        try {
          rss.push({ t: (Date.now() - began) / 1000, mb: Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024 });
        } catch {
          // the server is gone: its requests fail and say so
        }
      }, 5000);
      const inflight = new Set<Promise<void>>();
      const due: Record<Kind, number> = { "partner search": 0, "portal matches": 0, "caseworker write": 0, "fair booking": 0 };
      const tickMs = 50;
      await new Promise<void>((resolve) => {
        const ticker = setInterval(() => {
          if (Date.now() - began >= seconds * 1000) {
            clearInterval(ticker);
            resolve();
            return;
          }
          for (const kind of Object.keys(RATES) as Kind[]) {
            due[kind] += (RATES[kind] * tickMs) / 1000;
            while (due[kind] >= 1) {
              due[kind] -= 1;
              n++;
              sent++;
              const p: Promise<void> = work[kind]().then((results) => {
                for (const r of results) {
                  (latencies.get(kind) ?? latencies.set(kind, []).get(kind)!).push(r.ms);
                  if (!r.ok) problems.push(`${kind}: ${r.problem}`);
                }
              });
              inflight.add(p);
              void p.finally(() => inflight.delete(p));
            }
          }
        }, tickMs);
      });
      await Promise.all(inflight);
      clearInterval(sampler);

      const rows = [...latencies].map(([kind, ms]) => {
        const sorted = [...ms].sort((a, b) => a - b);
        return { kind, "rate/s": RATES[kind], requests: ms.length, "p50 ms": quantile(sorted, 0.5).toFixed(1), "p99 ms": quantile(sorted, 0.99).toFixed(1), "max ms": sorted.at(-1)!.toFixed(1) };
      });
      printTable(rows);
      const early = rss.filter((s) => s.t > 60 && s.t <= 120).map((s) => s.mb);
      const late = rss.filter((s) => s.t > seconds - 60).map((s) => s.mb);
      const baseline = early.length > 0 ? median(early) : median(rss.slice(0, Math.max(1, Math.floor(rss.length / 2))).map((s) => s.mb));
      const growth = median(late) / baseline - 1;
      console.log(`${server.driver}, ${seconds} s, ${sent} operations; RSS MB: start ${rss[0]?.mb.toFixed(0)}, second-minute median ${baseline.toFixed(0)}, last-minute median ${median(late).toFixed(0)} (${(growth * 100).toFixed(1)} %), max ${Math.max(...rss.map((s) => s.mb)).toFixed(0)}`);
      return { rows, growth, sent };
    };
    const repeated = await repeatRuns(runs, async () => {
      const before = problems.length;
      const { growth, sent } = await soakOnce();
      return { operations: sent, errors: problems.length - before, "RSS growth %": growth * 100 };
    });
    if (runs > 1) {
      console.log(`\neach run's figures and their medians\n`);
      printRuns(repeated);
    }
    const growth = repeated.median["RSS growth %"] / 100;
    console.log(`errors (all runs and the warm-up): ${problems.length}${problems.length ? ` — first: ${problems.slice(0, 5).join(" | ")}` : ""}`);
    const ok = problems.length === 0 && growth <= 0.2;
    if (!ok) console.error(`soak: FAILED (${problems.length} errors, RSS growth ${(growth * 100).toFixed(1)} %${runs > 1 ? `, the median of ${runs} runs` : ""})`);
    return ok;
  } finally {
    agent.destroy();
    await server.stop();
  }
}
