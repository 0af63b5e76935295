/**
 * What a rule's pattern may look like (issue 23, review 3): checked when an administrator saves it,
 * before the time budget (screening-pattern-budget.ts). A time budget on sample texts only finds the
 * slow inputs someone thought of; `先.*交.*费` gets through every sample and then takes seconds on a
 * 5,000-character description of 先交先交…, on the event loop of every posting write. So:
 *
 * - no unbounded repeat — `*`, `+`, `{n,}` — outside a character class and not escaped: a bounded form
 *   (`.{0,20}`, `\d{1,6}`) says how far apart the words of a rule may be, and bounds the work;
 * - no bound above MAX_BOUND (`.{0,5000}` is `.*` by another name);
 * - no nested repeat: a group repeated more than once (`{n,m}` with m > 1) that itself holds a
 *   quantifier (`(a{1,3}){1,9}`, `(男?){1,30}`) — the star height that makes backtracking exponential.
 *
 * The pattern is read as the `u` flag reads it (it has compiled by then), so `{` is always a quantifier,
 * `\p{…}` and `\u{…}` are escapes, and classes do not nest.
 */
import { msg, type Message } from "../../i18n.js";

/** The largest bound a pattern's quantifier may have (`{0,100}`). */
export const MAX_BOUND = 100;

export type PatternShapeProblem = { reason: "UNBOUNDED_QUANTIFIER" | "BOUND_TOO_LARGE" | "NESTED_QUANTIFIER"; message: Message };

interface Scan {
  problem: PatternShapeProblem | null;
  /** The literal letters and digits of the pattern, in order (outside classes and escapes), lower-cased. */
  literals: string[];
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function unbounded(quantifier: string): PatternShapeProblem {
  return {
    reason: "UNBOUNDED_QUANTIFIER",
    message: msg(
      `正则表达式不能使用无上限的重复（“${quantifier}”；*、+、{n,} 均不可）：在长文本上可能运行很久。请改用有上限的形式，如 .{0,20}、\\d{1,6}`,
      `a pattern may not use an unbounded repeat ("${quantifier}"; no *, + or {n,}): it can run for a very long time on a long text. Use a bounded form such as .{0,20} or \\d{1,6}`,
    ),
  };
}

function scan(pattern: string): Scan {
  const literals: string[] = [];
  // For each open group: whether anything inside it is quantified.
  const groups: boolean[] = [];
  // The atom a quantifier would apply to: a group (and whether it holds a quantifier) or anything else.
  let atom: { group: boolean; holdsQuantifier: boolean } | null = null;
  let problem: PatternShapeProblem | null = null;
  const markQuantified = () => {
    if (groups.length > 0) groups[groups.length - 1] = true;
  };
  let i = 0;
  while (i < pattern.length && problem === null) {
    const c = pattern[i]!;
    if (c === "\\") {
      const e = pattern[i + 1] ?? "";
      if ((e === "p" || e === "P" || e === "k" || e === "u") && (pattern[i + 2] === "{" || pattern[i + 2] === "<")) {
        const close = pattern.indexOf(pattern[i + 2] === "{" ? "}" : ">", i + 3);
        i = close < 0 ? pattern.length : close + 1;
      } else if (e === "u") i += 6;
      else if (e === "x") i += 4;
      else if (e === "c") i += 3;
      else i += 2;
      atom = { group: false, holdsQuantifier: false };
    } else if (c === "[") {
      let j = i + 1;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      i = j + 1;
      atom = { group: false, holdsQuantifier: false };
    } else if (c === "(") {
      groups.push(false);
      i++;
      if (pattern[i] === "?") {
        // (?: (?= (?! (?<= (?<! (?<name>
        if (pattern[i + 1] === "<" && pattern[i + 2] !== "=" && pattern[i + 2] !== "!") i = pattern.indexOf(">", i) + 1;
        else i += pattern[i + 1] === "<" ? 3 : 2;
      }
      atom = null;
    } else if (c === ")") {
      const holds = groups.pop() ?? false;
      if (holds) markQuantified();
      atom = { group: true, holdsQuantifier: holds };
      i++;
    } else if (c === "*" || c === "+" || c === "?" || c === "{") {
      let max: number;
      let text: string;
      if (c === "{") {
        const close = pattern.indexOf("}", i);
        text = pattern.slice(i, close + 1);
        const [, lo, comma, hi] = /^\{(\d+)(,?)(\d*)\}$/.exec(text) ?? [];
        max = comma === "" ? Number(lo) : hi === "" ? Infinity : Number(hi);
        i = close + 1;
      } else {
        text = c;
        max = c === "?" ? 1 : Infinity;
        i++;
      }
      if (pattern[i] === "?") i++; // lazy
      if (max === Infinity) problem = unbounded(text);
      else if (max > MAX_BOUND)
        problem = {
          reason: "BOUND_TOO_LARGE",
          message: msg(`正则表达式的重复上限最多 ${MAX_BOUND}（“${text}”）`, `a pattern's repeat may have an upper bound of at most ${MAX_BOUND} ("${text}")`),
        };
      else if (max > 1 && atom?.group === true && atom.holdsQuantifier)
        problem = {
          reason: "NESTED_QUANTIFIER",
          message: msg(
            `正则表达式不能嵌套重复（重复的分组“…)${text}”里面又有重复）：可能发生灾难性回溯。请把分组内的重复去掉或改写`,
            `a pattern may not nest repeats (the repeated group "…)${text}" holds a repeat itself): backtracking can blow up. Rewrite it without the inner repeat`,
          ),
        };
      markQuantified();
      atom = null;
    } else {
      const cp = pattern.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (LETTER_OR_DIGIT.test(ch)) literals.push(ch.toLowerCase());
      atom = { group: false, holdsQuantifier: false };
      i += ch.length;
    }
  }
  return { problem, literals };
}

/** What is wrong with the shape of `pattern` (a pattern that compiles with the `u` flag), or null. */
export function patternShapeProblem(pattern: string): PatternShapeProblem | null {
  return scan(pattern).problem;
}

/** How long each run of a pattern's own literals is (the longest description a poster may send). */
const RUN_LENGTH = 5_000;
/** At most this many distinct characters and pairs are tried (a long alternation of words has many). */
const MAX_RUNS = 60;

/**
 * Adversarial texts made of the pattern's own words (review 3): 5,000 characters repeating each of its
 * literal characters, and each consecutive pair of them (`先.{0,20}交` is tried on 先交先交…), so a pattern
 * that is slow on its own words fails the time budget when saved rather than at screening time.
 */
export function literalRunTexts(pattern: string): string[] {
  const { literals } = scan(pattern);
  const singles = [...new Set(literals)].slice(0, MAX_RUNS);
  const pairs = new Set<string>();
  for (let k = 1; k < literals.length && pairs.size < MAX_RUNS; k++) if (literals[k] !== literals[k - 1]) pairs.add(literals[k - 1]! + literals[k]!);
  return [...singles.map((c) => c.repeat(RUN_LENGTH) + "!"), ...[...pairs].map((p) => p.repeat(RUN_LENGTH / p.length) + "!")];
}
