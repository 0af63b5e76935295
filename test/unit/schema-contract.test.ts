import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Breaking changes from `baseline` to `current` not listed (by path) under the changelog's "Unreleased". */
export async function unlistedBreaks(baseline: string, current: string, changelog: string): Promise<string[]> {
  const unreleased = changelog.split(/^## /m).find((section) => section.startsWith("Unreleased")) ?? "";
  const changes = await diff(buildSchema(baseline), buildSchema(current));
  return changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking && !(c.path && unreleased.includes(`\`${c.path}\``))).map((c) => `${c.path ?? "?"}: ${c.message}`);
}

describe("the schema's contract with its clients (GraphQL Inspector against test/schema-baseline.graphql)", () => {
  it("has no breaking change that the changelog does not list with its migration", async () => {
    expect(await unlistedBreaks(read("test/schema-baseline.graphql"), read("src/graphql/schema.graphql"), read("src/graphql/CHANGELOG.md"))).toEqual([]);
  });

  it("fails on a deliberate breaking change until the changelog lists it", async () => {
    const baseline = read("test/schema-baseline.graphql");
    // A field removed and an argument made required: both break clients.
    const broken = baseline.replace(/^\s*"""[^"]*"""\s*\n(\s*)mentorEligible: Boolean!\n/m, "\n").replace("searchPostings(", "searchPostings(\n    region: String!\n");
    expect(broken).not.toBe(baseline);
    const found = await unlistedBreaks(baseline, broken, read("src/graphql/CHANGELOG.md"));
    expect(found.some((f) => f.startsWith("Query.searchPostings.region"))).toBe(true);
    // Listed with its migration under Unreleased: accepted.
    const listed = `## Unreleased\n- \`Query.searchPostings.region\` is now required: pass the region code.\n${found.filter((f) => !f.startsWith("Query.searchPostings.region")).map((f) => `- \`${f.split(":")[0]}\` removed.`).join("\n")}\n`;
    expect(await unlistedBreaks(baseline, broken, listed)).toEqual([]);
  });
});
