import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { signToken } from "../../src/auth/jwt.js";
import { Role } from "../../src/auth/viewer.js";
import { parseSalary } from "../../seed/51job/salary-parser.js";
import { BENCH_SECRET, median, printRuns, printTable, repeatRuns, startBenchServer } from "./harness.js";

/**
 * `npm run bench -- screening-batch` (issue 23): 500-posting partner batches through GraphQL over
 * HTTP, with the screening rules in force against an empty rule set, in the same run on the same
 * server: the rules are retired (a new inactive version of each, through saveScreeningRule) and
 * brought back between batches, the two sides alternating ABBA so they share the database's growth.
 * The acceptance: the median batch with screening no more than 20 % slower than without.
 * Postings: titles and tags of the real 51job export (almost all clean), a new externalId each
 * (every item CREATED), for 10 employers linked to the partner (so they go OPEN, as most pushes do).
 */

type Rule = { code: string; description: string; severity: string; matcher: string; active: boolean };

// Used only when the database holds no active rule (before the seed rules of the engine branch): a
// representative set of the issue's phrases, so the comparison is never empty against empty.
const FALLBACK_RULES: Rule[] = [
  { code: "BENCH_GENDER", description: "性别限制（压测规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["限男", "限女", "仅限男性", "仅限女性", "男性优先", "女性优先"], unless: ["男女不限", "不限男女"] }), active: true },
  { code: "BENCH_MARITAL", description: "婚育状况限制（压测规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["已婚已育", "未婚", "已育"] }), active: true },
  { code: "BENCH_HUKOU", description: "户籍限制（压测规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["限本地户口", "本地户籍", "限本地人"] }), active: true },
  { code: "BENCH_HEALTH", description: "健康状况限制（压测规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["乙肝", "携带者勿扰"] }), active: true },
  { code: "BENCH_FEES", description: "向求职者收费（压测规则）", severity: "HIGH", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["先交", "押金", "培训费", "保证金", "服装费"], unless: ["免培训费", "无押金", "不收押金"] }), active: true },
  { code: "BENCH_MESSENGER", description: "仅通过私人通讯工具联系（压测规则）", severity: "LOW", matcher: JSON.stringify({ kind: "PHRASES", phrases: ["加微信", "加QQ", "私聊"] }), active: true },
];

async function gql<T>(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`screening bench: ${res.status} ${JSON.stringify(body.errors).slice(0, 400)}`);
  return body.data;
}

const SAVE = `mutation($i: SaveScreeningRuleInput!) { saveScreeningRule(input: $i) { version } }`;
const UPSERT = `mutation($p: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $p) { created rejected items { held { reason } } } }`;

function loadTexts(): { title: string; skills: string[]; salaryMin: number | null; salaryMax: number | null }[] {
  const rows = parse(readFileSync("seed/data/postings-51job-2023.csv", "utf8"), { columns: true, skip_empty_lines: true }) as { jobName: string; tags: string; salary: string }[];
  return rows
    .filter((r) => r.jobName && r.jobName.trim().length > 0 && r.jobName.length <= 100)
    .map((r) => {
      const salary = parseSalary(r.salary);
      return {
        title: r.jobName.trim(),
        skills: r.tags.split(",").map((s) => s.trim()).filter((s) => s.length > 0 && s.length <= 40).slice(0, 30),
        salaryMin: salary ? salary.min : null,
        salaryMax: salary ? salary.max : null,
      };
    });
}

export async function screeningBatchBench(opts: { rounds?: number; batch?: number } = {}): Promise<boolean> {
  const rounds = opts.rounds ?? 5;
  const batch = opts.batch ?? 500;
  const server = await startBenchServer();
  try {
    const admin = { authorization: `Bearer ${await signToken({ jwtSecret: BENCH_SECRET, issuer: "jiuye-bangfu" }, { sub: "bench-admin", role: Role.ADMIN })}` };
    const key = await gql<{ issuePartnerKey: { apiKey: string; partner: { id: string } } }>(server.url, admin, `mutation { issuePartnerKey(name: "压测推送平台", scopes: [POSTINGS_WRITE]) { apiKey partner { id } } }`);
    const partner = { "x-api-key": key.issuePartnerKey.apiKey };
    const texts = loadTexts();
    const employers = Array.from({ length: 10 }, (_, i) => ({ name: `压测用人单位${i}有限公司`, creditCode: "", regionCode: "350102" }));
    const { syntheticCreditCode } = await import("../../src/modules/employers/credit-code.js");
    employers.forEach((e, i) => (e.creditCode = syntheticCreditCode("350102", 900_000 + i)));
    const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString();
    let serial = 0;
    const nextBatch = () =>
      Array.from({ length: batch }, () => {
        const n = serial++;
        const text = texts[n % texts.length]!;
        return { externalId: `SB-${n}`, title: text.title, description: text.skills.join("，"), skills: text.skills, salaryMin: text.salaryMin, salaryMax: text.salaryMax, regionCode: "350102", validUntil, employer: employers[n % employers.length] };
      });

    // The employers exist after a first push; linked to the partner, their postings go OPEN (unless screening holds them).
    const first = await gql<{ upsertPartnerPostings: { items: { posting: { employer: { id: string } } }[] } }>(server.url, partner, `mutation($p: [PartnerPostingInput!]!) { upsertPartnerPostings(postings: $p) { items { posting { employer { id } } } } }`, {
      p: employers.map((employer, i) => ({ externalId: `LINK-${i}`, title: "普工", regionCode: "350102", validUntil, employer })),
    });
    for (const item of first.upsertPartnerPostings.items) {
      await gql(server.url, admin, `mutation($p: ID!, $e: ID!) { linkPartnerEmployer(partnerId: $p, employerId: $e) { status } }`, { p: key.issuePartnerKey.partner.id, e: item.posting.employer.id });
    }

    type Listed = { screeningRules: { code: string; current: Rule & { severity: string } }[] };
    const listRules = async () => (await gql<Listed>(server.url, admin, `{ screeningRules { code current { code description severity matcher active } } }`)).screeningRules.map((r) => r.current);
    let inForce = (await listRules()).filter((r) => r.active);
    const usedFallback = inForce.length === 0;
    if (usedFallback) {
      for (const rule of FALLBACK_RULES) await gql(server.url, admin, SAVE, { i: rule });
      inForce = FALLBACK_RULES;
    }
    const setActive = async (active: boolean) => {
      for (const r of inForce) await gql(server.url, admin, SAVE, { i: { code: r.code, description: r.description, severity: r.severity, matcher: r.matcher, active } });
    };

    const push = async () => {
      const items = nextBatch();
      const began = performance.now();
      const result = await gql<{ upsertPartnerPostings: { created: number; rejected: number; items: { held: { reason: string } | null }[] } }>(server.url, partner, UPSERT, { p: items });
      const ms = performance.now() - began;
      if (result.upsertPartnerPostings.rejected > 0) throw new Error(`screening bench: ${result.upsertPartnerPostings.rejected} items rejected`);
      return { ms, held: result.upsertPartnerPostings.items.filter((i) => i.held?.reason === "SCREENING").length };
    };

    // Warm-up: one batch each way.
    await push();
    await setActive(false);
    await push();
    await setActive(true);

    const on: number[] = [];
    const off: number[] = [];
    let heldOn = 0;
    // ABBA: each round swaps which side goes first, so neither always follows a rule change or the other's writes.
    let active = true;
    const measure = async (side: boolean) => {
      if (side !== active) {
        await setActive(side);
        active = side;
      }
      const r = await push();
      if (side) {
        on.push(r.ms);
        heldOn += r.held;
      } else {
        off.push(r.ms);
        if (r.held > 0) throw new Error("screening bench: held with the rules retired");
      }
    };
    const perRound = await repeatRuns(
      rounds,
      async (round) => {
        const order = round % 2 === 0 ? [true, false] : [false, true];
        for (const side of order) await measure(side);
        return { "on ms": on.at(-1)!, "off ms": off.at(-1)!, "on / off": on.at(-1)! / off.at(-1)! };
      },
      "round",
    );
    if (!active) await setActive(true);
    const ratio = median(on) / median(off);
    console.log(`\nscreening-batch benchmark — ${server.driver}, ${rounds} rounds × 2 batches of ${batch} CREATED postings (51job titles and tags), alternating ABBA, one server process\n`);
    console.log(`rules in force: ${inForce.length} (${usedFallback ? "the bench's fallback set: the database had none" : "the database's own"}: ${inForce.map((r) => r.code).join(", ")})`);
    printTable([
      { side: "screening on", "median ms": median(on).toFixed(0), "min ms": Math.min(...on).toFixed(0), "max ms": Math.max(...on).toFixed(0), "ms/posting": (median(on) / batch).toFixed(2), "held (all rounds)": heldOn },
      { side: "empty rule set", "median ms": median(off).toFixed(0), "min ms": Math.min(...off).toFixed(0), "max ms": Math.max(...off).toFixed(0), "ms/posting": (median(off) / batch).toFixed(2), "held (all rounds)": 0 },
    ]);
    console.log(`\neach round's batches (the order alternating), and the medians over the rounds\n`);
    printRuns(perRound);
    const ok = ratio <= 1.2;
    console.log(`\nratio (median on / median off): ${ratio.toFixed(3)} — ${ok ? "OK: within 20 %" : "FAIL: more than 20 % slower"}`);
    return ok;
  } finally {
    await server.stop();
  }
}
