import { getMetadataStorage as validationRules, validate, type ValidationError } from "class-validator";
import { getMetadataStorage, type ResolverData } from "type-graphql";
import { badInput } from "../errors.js";
import { findTextIssue, refuseBadText } from "../text-input.js";
import { msg, said, say, validatorMessage } from "../i18n.js";

interface Problem {
  field: string;
  message: string;
}

function collectProblems(errors: ValidationError[], prefix: string, into: Problem[]): Problem[] {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // In the request's language (class-validator's own English said in Chinese by the table in i18n.ts).
    for (const message of Object.values(error.constraints ?? {})) into.push({ field, message: say(validatorMessage(message)) });
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

/**
 * The argument a value was passed as, so errors can name `input.salaryMax`, not just `salaryMax`.
 * Scalars match by value; input objects (converted to class instances) by type; an @Args() class is
 * flattened into top-level arguments, so its properties are the names and the prefix is empty.
 */
function argumentPath(argValue: unknown, argType: unknown, data: ResolverData<object>): string {
  const args = data.args as Record<string, unknown>;
  if (argValue === null || typeof argValue !== "object") {
    for (const [name, value] of Object.entries(args)) if (value === argValue) return name;
  }
  // The GraphQL name of the input class (it may differ from the class's own: @InputType("PostingSearchFilter")).
  const typeName = typeof argType === "function" ? (getMetadataStorage().inputTypes.find((t) => t.target === argType)?.name ?? argType.name) : undefined;
  const field = data.info.parentType.getFields()[data.info.fieldName];
  return field?.args.find((a) => namedTypeName(a.type) === typeName)?.name ?? "";
}

const ruled = new WeakMap<object, boolean>();

/**
 * Whether class-validator holds a rule for objects of this class (or a class it extends): without
 * one it finds nothing, and asking it costs a walk over every class it knows (`PageArgs`, on every list).
 */
function hasRules(value: object): boolean {
  const type: unknown = value.constructor;
  if (typeof type !== "function") return true;
  let known = ruled.get(type);
  if (known === undefined) ruled.set(type, (known = validationRules().getTargetValidationMetadatas(type, "", true, false).length > 0));
  return known;
}

/**
 * class-validator on every object argument, failing with BAD_USER_INPUT that names the field.
 * List arguments are left to their services, which validate item by item (a partner's batch
 * reports each bad item rather than refusing all).
 */
export async function validateArgument(argValue: unknown, argType: unknown, resolverData: ResolverData<object>): Promise<void> {
  // Control characters (NUL above all, which PostgreSQL refuses) and lone surrogates (which would be
  // stored as U+FFFD) are refused everywhere but in list arguments of objects, whose services report
  // them item by item.
  const listOfObjects = Array.isArray(argValue) && argValue.some((v) => v !== null && typeof v === "object");
  // The argument's name is looked up only for a value to refuse (finding it walks the schema's input types).
  if (!listOfObjects && findTextIssue(argValue, "")) refuseBadText(argValue, argumentPath(argValue, argType, resolverData));
  if (argValue === null || typeof argValue !== "object" || Array.isArray(argValue) || !hasRules(argValue)) return;
  const errors = await validate(argValue, { skipMissingProperties: true, forbidUnknownValues: false });
  if (errors.length === 0) return;
  const problems = collectProblems(errors, argumentPath(argValue, argType, resolverData), []);
  const first = problems[0] ?? { field: "", message: say(msg("输入无效", "Invalid input")) };
  // The problems' messages were worded as they were validated, in the request's language.
  throw badInput(first.field, said(first.message), { problems });
}
