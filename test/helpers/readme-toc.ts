import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A heading's anchor as GitHub makes it (github-slugger): lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function githubSlug(heading: string, seen: Map<string, number>): string {
  const base = heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return n === 0 ? base : `${base}-${n}`;
}

const START = "<!-- contents -->";
const END = "<!-- /contents -->";

/** The README's table of contents: every `##` and `###` heading after it, linked, `###` indented. */
export function tableOfContents(readme: string): string {
  const body = readme.includes(END) ? readme.slice(readme.indexOf(END)) : readme;
  const seen = new Map<string, number>();
  const lines: string[] = [];
  let fence = false;
  for (const line of body.split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    const m = !fence && /^(#{1,6}) (.+)$/.exec(line);
    if (!m) continue;
    const text = m[2]!.trim();
    const label = text.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    // Every heading takes its anchor (GitHub numbers repeats across all levels); only ## and ### are listed.
    const slug = githubSlug(label, seen);
    if (m[1] !== "##" && m[1] !== "###") continue;
    // Angle brackets escaped in the link text (else rendered as a tag and lost).
    lines.push(`${m[1] === "###" ? "  " : ""}- [${label.replace(/[[\]]/g, "").replace(/</g, "\\<").replace(/>/g, "\\>")}](#${slug})`);
  }
  return `${START}\n${lines.join("\n")}\n${END}`;
}

/** The block between the markers as it stands in the README. */
export function currentContents(readme: string): string | null {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a >= 0 && b > a ? readme.slice(a, b + END.length) : null;
}

// `npx tsx test/helpers/readme-toc.ts` writes the table into README.md.
if (process.argv[1]?.endsWith("readme-toc.ts")) {
  const path = join(import.meta.dirname, "..", "..", "README.md");
  const readme = readFileSync(path, "utf8");
  const current = currentContents(readme);
  if (!current) throw new Error(`README.md has no ${START} … ${END} block`);
  writeFileSync(path, readme.replace(current, tableOfContents(readme)));
}
