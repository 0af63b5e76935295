import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { printSchemaSdl } from "../../src/graphql/schema.js";
import { projectRoot } from "../../src/paths.js";

describe("schema.graphql", () => {
  it("is the schema the code builds (run `npm run schema:emit` after changing types)", async () => {
    const committed = readFileSync(join(projectRoot, "src/graphql/schema.graphql"), "utf8");
    expect(committed, "src/graphql/schema.graphql is stale: run `npm run schema:emit`").toBe(await printSchemaSdl());
  });

  it("keeps the education levels in their order, which comparisons rely on", async () => {
    const sdl = await printSchemaSdl();
    const block = /enum Education \{([^}]*)\}/.exec(sdl)?.[1] ?? "";
    const values = block.split("\n").map((l) => l.trim()).filter((l) => /^[A-Z_]+$/.test(l));
    expect(values).toEqual(["NONE", "JUNIOR_HIGH", "HIGH_SCHOOL", "ASSOCIATE", "BACHELOR", "MASTER", "DOCTORATE"]);
  });
});
