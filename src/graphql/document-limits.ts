import { GraphQLError, Kind, parse, type DocumentNode, type SelectionSetNode } from "graphql";
import { ERRORS } from "../errors.js";
import { MAX_TOKENS } from "./limits.js";
import { msg, say } from "../i18n.js";

export interface DocumentCaps {
  maxFragmentSpreads: number;
  maxSelections: number;
}

/** Fragment spreads and selections (fields, spreads, inline fragments) as written: one walk, no fragment expanded. */
export function documentShape(document: DocumentNode): { fragmentSpreads: number; selections: number } {
  let fragmentSpreads = 0;
  let selections = 0;
  const stack: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) stack.push(definition.selectionSet);
  }
  for (let set = stack.pop(); set; set = stack.pop()) {
    for (const selection of set.selections) {
      selections++;
      if (selection.kind === Kind.FRAGMENT_SPREAD) fragmentSpreads++;
      else if (selection.selectionSet) stack.push(selection.selectionSet);
    }
  }
  return { fragmentSpreads, selections };
}

/**
 * Refuses a document with more fragment spreads or selections than allowed, before it is validated:
 * graphql-js's validation (OverlappingFieldsCanBeMerged above all) compares fields and fragments
 * pairwise, so its work grows with the square of what is written; these caps bound it. A refusal is
 * 400 QUERY_TOO_COMPLEX with the counts. A document that does not parse is left to the caller's
 * parser (Apollo's, graphql-ws's), which says why.
 */
export function checkDocument(query: unknown, caps: DocumentCaps): GraphQLError | null {
  if (typeof query !== "string") return null;
  let shape = shapes.get(query);
  if (!shape) {
    try {
      shape = documentShape(parse(query, { maxTokens: MAX_TOKENS, noLocation: true }));
    } catch {
      return null;
    }
    remember(query, shape);
  }
  return checkShape(shape, caps);
}

/**
 * The shapes of the documents seen last: clients send the same few documents over and over, and
 * parsing one again on every request (Apollo parses it once more, from its own cache) is wasted.
 * Bounded in entries and in the length of a document kept, so distinct documents cannot grow it.
 */
const shapes = new Map<string, { fragmentSpreads: number; selections: number }>();
const MAX_SHAPES = 500;
const MAX_SHAPE_KEY = 20_000;

function remember(query: string, shape: { fragmentSpreads: number; selections: number }): void {
  if (query.length > MAX_SHAPE_KEY) return;
  if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
  shapes.set(query, shape);
}

export function checkParsedDocument(document: DocumentNode, caps: DocumentCaps): GraphQLError | null {
  return checkShape(documentShape(document), caps);
}

function checkShape({ fragmentSpreads, selections }: { fragmentSpreads: number; selections: number }, caps: DocumentCaps): GraphQLError | null {
  if (fragmentSpreads <= caps.maxFragmentSpreads && selections <= caps.maxSelections) return null;
  const extensions = { code: "QUERY_TOO_COMPLEX", fragmentSpreads, maxFragmentSpreads: caps.maxFragmentSpreads, selections, maxSelections: caps.maxSelections, http: { status: ERRORS.QUERY_TOO_COMPLEX.http } };
  if (fragmentSpreads > caps.maxFragmentSpreads) {
    return new GraphQLError(say(msg(`文档展开片段 ${fragmentSpreads} 次，最多允许 ${caps.maxFragmentSpreads} 次`, `The document spreads fragments ${fragmentSpreads} times; at most ${caps.maxFragmentSpreads} are allowed`)), { extensions });
  }
  return new GraphQLError(say(msg(`文档包含 ${selections} 个选择，最多允许 ${caps.maxSelections} 个`, `The document holds ${selections} selections; at most ${caps.maxSelections} are allowed`)), { extensions });
}
