import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Breaking changes from `baseline` to `current` not listed (by path) under the changelog's "Unreleased" → "Breaking". */
export async function unlistedBreaks(baseline: string, current: string, changelog: string): Promise<string[]> {
  const unreleasedSection = changelog.split(/^## /m).find((section) => section.startsWith("Unreleased")) ?? "";
  const unreleased = unreleasedSection.split(/^### /m).find((part) => part.startsWith("Breaking")) ?? "";
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
    const broken = baseline.replace(/^\s*mentorEligible: Boolean!\n/m, "").replace("searchPostings(", "searchPostings(\n    region: String!\n");
    expect(broken).not.toBe(baseline);
    const found = await unlistedBreaks(baseline, broken, read("src/graphql/CHANGELOG.md"));
    const paths = found.map((f) => f.split(":")[0]!);
    expect(paths).toContain("Query.searchPostings.region");
    expect(paths.filter((p) => p !== "Query.searchPostings.region")).toHaveLength(1); // the removed mentorEligible field
    expect(paths.some((p) => p.endsWith(".mentorEligible"))).toBe(true);
    // Listed under Added (not Breaking): still refused. Listed with its migration under Breaking: accepted.
    const entries = paths.map((p) => `- \`${p}\`: see the migration.`).join("\n");
    expect(await unlistedBreaks(baseline, broken, `## Unreleased\n\n### Added\n${entries}\n`)).toHaveLength(2);
    expect(await unlistedBreaks(baseline, broken, `## Unreleased\n\n### Breaking\n${entries}\n`)).toEqual([]);
  });
});
