import { Agent } from "node:http";
import pg from "pg";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { seededRandom } from "../../seed/random.js";
import { BENCH_SECRET, cli, cliBenchDatabase, dropBenchDatabase, printRuns, printTable, startBenchServer, postGraphql, quantile, repeatRuns } from "./harness.js";

const BOOK = `mutation($s: ID!, $p: ID!, $post: ID) { bookInterview(slotId: $s, personId: $p, postingId: $post) { id } }`;


/**
 * Interview booking under contention on PostgreSQL (issue #7): a LIVE-ready fair with 500 one-to-one
 * slots (50 employers × 10 slots of 15 minutes), 5,000 registered seekers, each booking for
 * themself over HTTP with their own token — a random slot not yet seen full, and on "fully booked"
 * another, up to 3 tries (every seeker tries at least once) — `connections` seekers at once. Then the database is checked: no slot over capacity, every
 * slot's counter equal to its live bookings, nobody in two overlapping bookings, and every booking
 * the server confirmed present (and none it refused). Reports p50/p99 of all booking requests and of
 * the confirmed ones.
 *
 * An untimed warm-up on a small fair of its own (20 slots, the first 100 seekers), then `runs` runs
 * (3), each on a new fair like the first (its slots three hours after the last fair's, so nobody's
 * bookings overlap across fairs); every fair is checked, medians over the runs reported.
 */
export async function fairsBench(opts: { seekers?: number; slots?: number; connections: number; runs?: number }): Promise<boolean> {
  if (!process.env.DATABASE_URL) {
    console.error("fairs bench: set DATABASE_URL (booking races are PostgreSQL's)");
    return false;
  }
  const seekerCount = opts.seekers ?? 5_000;
  const slotCount = opts.slots ?? 500;
  const runs = opts.runs ?? 3;
  const { databaseUrl, env } = await cliBenchDatabase();
  if ((await cli(["seed", "--people", String(Math.ceil(seekerCount * 1.1))], env)).code !== 0) throw new Error("seed failed");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let server: Awaited<ReturnType<typeof startBenchServer>> | undefined;
  try {
    const { rows: people } = await client.query<{ id: string }>(`select id from people order by id limit $1`, [seekerCount]);
    if (people.length < seekerCount) throw new Error(`only ${people.length} people`);
    /**
     * Fair `k` with `slotsWanted` one-to-one slots and the first `seekersIn` people registered, set up
     * directly (the booking is what is measured); its slots start k × 3 hours after fair 0's.
     */
    const setUpFair = async (k: number, slotsWanted: number, seekersIn: number) => {
      const employersWanted = Math.max(1, Math.round(slotsWanted / 10));
      const { rows: employers } = await client.query<{ employer_id: string; posting_id: string }>(
        `select distinct on (employer_id) employer_id, id as posting_id from postings
         where status = 'OPEN' and (valid_until is null or valid_until > now() + interval '30 days') order by employer_id, id limit $1`,
        [employersWanted],
      );
      if (employers.length < employersWanted) throw new Error(`only ${employers.length} employers with open postings`);
      const fairId = `00000000-0000-7000-8000-${String(0xf000 + k).padStart(12, "0")}`;
      await client.query(
        `insert into job_fairs (id, title, kind, organiser_region_code, starts_at, ends_at, audience, status, created_by)
         values ($1, '福建省高校毕业生网络招聘会（压测）', 'CAMPUS', '350000', now(), now() + interval '10 days', '{"categoryCodes":[],"populations":[],"regionPrefixes":[]}', 'OPEN', 'bench')`,
        [fairId],
      );
      const slots: { id: string; postingId: string }[] = [];
      for (const [e, { employer_id, posting_id }] of employers.entries()) {
        const boothId = `00000000-0000-7000-8000-${String(1_000_000 + k * 10_000 + e).padStart(12, "0")}`;
        await client.query(`insert into fair_booths (id, fair_id, employer_id) values ($1, $2, $3)`, [boothId, fairId, employer_id]);
        await client.query(`insert into fair_booth_postings (booth_id, posting_id) values ($1, $2)`, [boothId, posting_id]);
        for (let j = 0; j < 10 && slots.length < slotsWanted; j++) {
          const id = `00000000-0000-7000-8000-${String(2_000_000 + k * 100_000 + slots.length).padStart(12, "0")}`;
          await client.query(
            `insert into fair_sessions (id, fair_id, kind, employer_id, title, starts_at, ends_at, capacity)
             values ($1, $2, 'INTERVIEW', $3, $4, now() + interval '1 day' + $6 * interval '3 hours' + ($5 * interval '15 minutes'), now() + interval '1 day' + $6 * interval '3 hours' + (($5 + 1) * interval '15 minutes'), 1)`,
            [id, fairId, employer_id, `一对一面试 ${j + 1}`, j, k],
          );
          slots.push({ id, postingId: posting_id });
        }
      }
      await client.query(`insert into fair_registrations (fair_id, person_id, registered_by) select $1, unnest($2::uuid[]), 'bench'`, [fairId, people.slice(0, seekersIn).map((p) => p.id)]);
      await client.query("analyze");
      return { fairId, slots, seekersIn };
    };
    const warmFair = await setUpFair(0, Math.min(20, slotCount), Math.min(100, people.length));
    const fairs: Awaited<ReturnType<typeof setUpFair>>[] = [];
    for (let k = 1; k <= runs; k++) fairs.push(await setUpFair(k, slotCount, people.length));

    server = await startBenchServer({ DATABASE_URL: databaseUrl, SEED_DEMO: "never", DATABASE_POOL_SIZE: "20" }, { reuseDatabase: true });
    const url = new URL(server.url);
    const settings = { jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" };
    const tokens = await Promise.all(people.map((p, i) => signToken(settings, { sub: `seeker-${i}`, role: Role.SEEKER, personId: p.id })));
    const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
    const random = seededRandom(2020).next;
    const codes = new Map<string, number>();
    const confirmed: { personId: string; slotId: string }[] = [];
    /** The fair's seekers booking, `connections` at a time: every request's latency, the confirmed ones', seconds taken. */
    const bookAll = async ({ slots, seekersIn }: Awaited<ReturnType<typeof setUpFair>>) => {
      const full = new Set<string>();
      const latencies: number[] = [];
      const confirmedMs: number[] = [];
      let next = 0;
      const started = Date.now();
      // `connections` seekers at a time, each until booked, refused for good, or out of tries.
      const worker = async () => {
        for (let i = next++; i < seekersIn; i = next++) {
          for (let attempt = 0; attempt < 3; attempt++) {
            // A slot not yet seen full; once all are, the seeker still tries one (as a late visitor would) and stops.
            const open = slots.filter((s) => !full.has(s.id));
            if (open.length === 0 && attempt > 0) break;
            const pool = open.length > 0 ? open : slots;
            const slot = pool[Math.floor(random() * pool.length)]!;
            const r = await postGraphql(agent, url, tokens[i]!, JSON.stringify({ query: BOOK, variables: { s: slot.id, p: people[i]!.id, post: slot.postingId } }));
            latencies.push(r.ms);
            codes.set(r.code ?? "OK", (codes.get(r.code ?? "OK") ?? 0) + 1);
            if (r.code === null) {
              confirmedMs.push(r.ms);
              confirmed.push({ personId: people[i]!.id, slotId: slot.id });
              full.add(slot.id);
              break;
            }
            if (r.code !== "CONFLICT") break;
            full.add(slot.id);
          }
        }
      };
      await Promise.all(Array.from({ length: opts.connections }, worker));
      return { latencies: latencies.sort((a, b) => a - b), confirmedMs: confirmedMs.sort((a, b) => a - b), seconds: (Date.now() - started) / 1000 };
    };
    // Warm-up, not timed (plans, JIT, the pool's connections): its bookings are checked with the rest.
    await bookAll(warmFair);
    const repeated = await repeatRuns(runs, async (run) => {
      const { latencies, confirmedMs, seconds } = await bookAll(fairs[run]!);
      return {
        requests: latencies.length,
        "req/s": latencies.length / seconds,
        "p50 ms": quantile(latencies, 0.5),
        "p99 ms": quantile(latencies, 0.99),
        "confirmed p50": quantile(confirmedMs, 0.5),
        "confirmed p99": quantile(confirmedMs, 0.99),
        seconds,
      };
    });
    agent.destroy();

    const allFairs = [warmFair, ...fairs].map((f) => f.fairId);
    const { rows: [check] } = await client.query<{ over: number; drift: number; overlaps: number; live: number; seats: number }>(
      `select (select count(*) from fair_sessions where fair_id = any($1::uuid[]) and booked > capacity)::int as over,
              (select count(*) from fair_sessions s where fair_id = any($1::uuid[]) and booked <> (select count(*) from fair_bookings b where b.session_id = s.id and b.status <> 'CANCELLED'))::int as drift,
              (select count(*) from fair_bookings a join fair_bookings b on a.person_id = b.person_id and a.id < b.id
                 and a.status <> 'CANCELLED' and b.status <> 'CANCELLED' and a.starts_at < b.ends_at and b.starts_at < a.ends_at)::int as overlaps,
              (select count(*) from fair_bookings where fair_id = any($1::uuid[]) and status <> 'CANCELLED')::int as live,
              (select sum(capacity) from fair_sessions where fair_id = any($1::uuid[]))::int as seats`,
      [allFairs],
    );
    const { rows: stored } = await client.query<{ person_id: string; session_id: string }>(`select person_id, session_id from fair_bookings where fair_id = any($1::uuid[]) and status <> 'CANCELLED'`, [allFairs]);
    const storedKeys = new Set(stored.map((s) => `${s.person_id}/${s.session_id}`));
    const answeredMatch = confirmed.length === stored.length && confirmed.every((c) => storedKeys.has(`${c.personId}/${c.slotId}`));
    const m = repeated.median;
    console.log(`\neach run's figures (a fair of its own each) and their medians\n`);
    printRuns(repeated);
    console.log(`\nmedians of ${repeated.runs.length} runs\n`);
    printTable([
      {
        seekers: people.length,
        slots: fairs[0]!.slots.length,
        connections: opts.connections,
        requests: m.requests,
        "req/s": Math.round(m["req/s"]),
        "p50 ms": m["p50 ms"].toFixed(1),
        "p99 ms": m["p99 ms"].toFixed(1),
        "confirmed p50": m["confirmed p50"].toFixed(1),
        "confirmed p99": m["confirmed p99"].toFixed(1),
        seconds: m.seconds.toFixed(1),
      },
    ]);
    console.log(`answers: ${[...codes].map(([c, n]) => `${c} ${n}`).join(", ")}`);
    console.log(`booked ${check!.live} of ${check!.seats} seats (${allFairs.length} fairs, the warm-up's included); over capacity: ${check!.over}; counter drift: ${check!.drift}; overlapping bookings: ${check!.overlaps}; confirmed answers = stored bookings: ${answeredMatch}`);
    const unexpected = [...codes.keys()].filter((c) => c !== "OK" && c !== "CONFLICT");
    const ok = check!.over === 0 && check!.drift === 0 && check!.overlaps === 0 && check!.live <= check!.seats && answeredMatch && unexpected.length === 0;
    if (!ok) console.error(`fairs bench: FAILED${unexpected.length > 0 ? ` (unexpected answers: ${unexpected.join(", ")})` : ""}`);
    return ok;
  } finally {
    await server?.stop({ keepDatabase: true });
    await client.end();
    await dropBenchDatabase(databaseUrl);
  }
}
