import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { creditCodeProblem } from "../../src/modules/employers/credit-code.js";
import { getSchema } from "../../src/graphql/schema.js";
import { projectRoot } from "../../src/paths.js";
import { currentContents, tableOfContents } from "../helpers/readme-toc.js";

const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("README table of contents", () => {
  it("lists every section and subsection, linked by the anchor GitHub gives it", () => {
    const current = currentContents(readme);
    expect(current, "README.md has a <!-- contents --> block").not.toBeNull();
    // Run `npx tsx test/helpers/readme-toc.ts` after adding or renaming a section.
    expect(current).toBe(tableOfContents(readme));
    expect(current!.split("\n").filter((l) => l.includes("](#")).length).toBeGreaterThan(15);
  });
});

describe("README example operations", () => {
  it("has examples for each audience", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(blocks.map((block, i) => [i, block]))("block %i is valid against the schema", async (_i, block) => {
    const errors = validate(await getSchema(), parse(block as string));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it("uses credit codes that pass the GB 32100 check", () => {
    const codes = [...readme.matchAll(/creditCode: "([0-9A-Z]{18})"/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(creditCodeProblem(code), code).toBeNull();
  });
});
