import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType, Kind, parse, typeFromAST, validate, type GraphQLInputType, type NamedTypeNode, type OperationDefinitionNode } from "graphql";
import { getComplexity } from "graphql-query-complexity";
import { fieldCost, MAX_QUERY_COST, pricingContext } from "../../src/graphql/limits.js";
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

/** A value of `type` for pricing: one of each list, the required fields of an input, a page at its largest. */
function sample(type: GraphQLInputType): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [sample(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isInputObjectType(inner)) return Object.fromEntries(Object.values(inner.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => [f.name, sample(f.type)]));
  return ({ ID: "01900000-0000-7000-8000-000000000000", Int: 100, Float: 1, Boolean: true, LocalDate: "2026-12-01", DateTimeISO: "2026-12-01T00:00:00Z" } as Record<string, unknown>)[inner.name] ?? "x";
}

describe("README example operations", () => {
  it("has examples for each audience", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(blocks.map((block, i) => [i, block]))("block %i is valid against the schema, and each operation in it costs less than the limit", async (_i, block) => {
    const schema = await getSchema();
    const document = parse(block as string);
    const errors = validate(schema, document);
    expect(errors.map((e) => e.message)).toEqual([]);
    for (const operation of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      // The variables the example leaves to the reader, filled with a value of their type.
      const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, sample(typeFromAST(schema, v.type as NamedTypeNode) as GraphQLInputType)]));
      const cost = getComplexity({ schema, query: document, operationName: operation.name?.value, variables, estimators: [fieldCost], context: pricingContext(document) });
      expect([operation.name?.value, cost <= MAX_QUERY_COST]).toEqual([operation.name?.value, true]);
    }
  });

  it("uses credit codes that pass the GB 32100 check", () => {
    const codes = [...readme.matchAll(/creditCode: "([0-9A-Z]{18})"/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(creditCodeProblem(code), code).toBeNull();
  });
});
