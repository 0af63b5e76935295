import { validate, type ValidationError } from "class-validator";
import type { GraphQLResolveInfo } from "graphql";
import type { ResolverData } from "type-graphql";
import { badInput } from "../errors.js";

interface Problem {
  field: string;
  message: string;
}

function collectProblems(errors: ValidationError[], prefix: string, into: Problem[]): Problem[] {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) into.push({ field, message });
    collectProblems(error.children ?? [], field, into);
  }
  return into;
}

/** Unwraps lists and non-nulls by shape, not `instanceof`, which breaks when two copies of graphql are loaded. */
function namedTypeName(type: unknown): string | undefined {
  let current = type as { ofType?: unknown; name?: string } | undefined;
  while (current?.ofType) current = current.ofType as typeof current;
  return current?.name;
}

/** The argument an input-object value was passed as, so errors can name `input.salaryMax`, not just `salaryMax`. */
function argumentName(argType: unknown, info: GraphQLResolveInfo): string {
  const typeName = typeof argType === "function" ? argType.name : undefined;
  const field = info.parentType.getFields()[info.fieldName];
  const arg = field?.args.find((a) => namedTypeName(a.type) === typeName);
  // @Args() classes are flattened into top-level arguments: their properties are the argument names.
  return arg?.name ?? "";
}

/**
 * class-validator on every object argument, failing with BAD_USER_INPUT that names the field.
 * List arguments are left to their services, which validate item by item (a partner's batch
 * reports each bad item rather than refusing all).
 */
export async function validateArgument(argValue: unknown, argType: unknown, resolverData: ResolverData<object>): Promise<void> {
  if (argValue === null || typeof argValue !== "object" || Array.isArray(argValue)) return;
  const errors = await validate(argValue, { skipMissingProperties: true, forbidUnknownValues: false });
  if (errors.length === 0) return;
  const problems = collectProblems(errors, argumentName(argType, resolverData.info), []);
  const first = problems[0] ?? { field: "", message: "Invalid input" };
  throw badInput(first.field, first.message, { problems });
}
