import { compileRules, type ScreeningInput } from "../../src/modules/screening/screening-rules.js";
import { normaliseForScreening } from "../../src/modules/screening/screening-text.js";
import { seededRandom } from "../../seed/random.js";
import { load51jobPostings, readMigrationScreeningData } from "../eval/screening-data.js";
import { printRuns, printTable, repeatRuns } from "./harness.js";

const PHRASES = ["限男性，35岁以下", "先交培训费500元", "加微信abc12345详聊", "要求男女不限，免费培训，无需押金", "本市户籍优先", "乙肝携带者勿扰", "包吃包住，做六休一"];

/**
 * `npm run bench -- screening [--postings 10000]`: the screening engine in-process (issue 23), with the
 * seed rules exactly as migration 0038 inserts them, compiled once. The postings are the real 51job
 * ones (title, the seed's composed description — company, requirements, skills, benefits — and the
 * skills), repeated to the count, one in five with a sentence of the labelled set appended (a
 * violation or a hard negative) so that hits and unless phrases are exercised too. Each posting is
 * timed alone (performance.now() around one call); the table gives the median and p99. Baselines in
 * the same run, the same postings: normalising the posting's fields alone (what every rule reads),
 * and JSON.stringify of the posting. A last row screens the same postings with descriptions ten times as long
 * (about 1,500 characters, as a full posting's text). `runs` (3) runs of the four, after a warm-up in
 * each; the table is the last run's, and passes when the median over the runs of the per-posting
 * median is ≤ 1 ms.
 */
export async function screeningBench(opts: { postings?: number; runs?: number }): Promise<boolean> {
  const n = opts.postings ?? 10_000;
  const { rules, salaries } = readMigrationScreeningData();
  const compileStart = performance.now();
  const set = compileRules(rules, salaries);
  const compileMs = performance.now() - compileStart;
  const source = load51jobPostings();
  const random = seededRandom(2023).next;
  const inputs: ScreeningInput[] = Array.from({ length: n }, (_, i) => {
    const p = source[i % source.length]!;
    const extra = random() < 0.2 ? PHRASES[Math.floor(random() * PHRASES.length)]! : "";
    return { title: p.title, description: p.description + extra, occupation: null, skills: p.skills, majors: [], salaryMin: p.salaryMin, salaryMax: p.salaryMax };
  });
  const fields = (input: ScreeningInput) => [input.title, input.description, ...input.skills];
  const measure = (name: string, work: (input: ScreeningInput) => unknown) => {
    for (const input of inputs.slice(0, 2_000)) work(input); // warm-up: let V8 optimise
    const times = new Float64Array(n);
    let sink = 0;
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const out = work(inputs[i]!);
      times[i] = performance.now() - start;
      sink += Array.isArray(out) ? out.length : 1;
    }
    times.sort();
    const total = times.reduce((a, b) => a + b, 0);
    return { name, median: times[Math.floor(n / 2)]!, p99: times[Math.ceil(n * 0.99) - 1]!, total, sink };
  };
  const long = new Map(inputs.map((input) => [input, { ...input, description: input.description.repeat(10) }]));
  // Each run measures all four afresh (the same postings), so the medians over runs say how steady they are.
  const measureAll = () => {
    const stringify = measure("baseline: JSON.stringify(posting)", (input) => JSON.stringify(input));
    const normalise = measure("baseline: normalise the fields", (input) => fields(input).map(normaliseForScreening));
    const screen = measure(`screenPosting, ${set.rules.length} seed rules`, (input) => set.screen(input));
    // Real descriptions are longer than the 51job export's composed ones: the same postings, description × 10.
    const screenLong = measure("screenPosting, description × 10", (input) => set.screen(long.get(input)!));
    return { stringify, normalise, screen, screenLong };
  };
  let last!: ReturnType<typeof measureAll>;
  const repeated = await repeatRuns(opts.runs ?? 3, async () => {
    last = measureAll();
    return { "stringify µs": last.stringify.median * 1000, "normalise µs": last.normalise.median * 1000, "screen µs": last.screen.median * 1000, "screen p99 µs": last.screen.p99 * 1000, "screen ×10 µs": last.screenLong.median * 1000 };
  });
  const { stringify, normalise, screen, screenLong } = last;
  const held = inputs.filter((input) => set.screen(input).some((h) => h.severity === "HIGH")).length;
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`\nscreening ${n} postings in-process (rules compiled once in ${compileMs.toFixed(1)} ms; ${held} held by a HIGH hit) — the last run\n`);
  printTable(
    [stringify, normalise, screen, screenLong].map((r) => ({
      work: r.name,
      median: us(r.median),
      p99: us(r.p99),
      "total (ms)": r.total.toFixed(0),
      "median × normalise": (r.median / normalise.median).toFixed(2),
      "median × stringify": (r.median / stringify.median).toFixed(2),
    })),
  );
  console.log(`\nper-posting medians and p99 of each run (µs), and their medians over the runs\n`);
  printRuns(repeated);
  const screenMedian = repeated.median["screen µs"] / 1000;
  const ok = screenMedian <= 1;
  console.log(`\nmedian ${us(screenMedian)} per posting (median of ${repeated.runs.length} runs): ${ok ? "within" : "OVER"} the 1 ms target`);
  return ok;
}
