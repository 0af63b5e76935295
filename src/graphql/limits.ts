import type { ApolloServerPlugin } from "@apollo/server";
import { getNamedType, getNullableType, getVariableValues, GraphQLError, isListType, Kind, type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../pagination.js";
import { DEFAULT_FEED_PAGE_SIZE, MAX_FEED_PAGE_SIZE } from "../modules/postings/posting-change.service.js";
import { MAX_QUERY_COST } from "../config.js";
import type { Context } from "./context.js";
import type { RateLimiter } from "../http/rate-limit.js";
import { ERRORS } from "../errors.js";
import { msg, say } from "../i18n.js";

/**
 * Nesting deeper than this is refused before any resolver runs: Region.parent/children and
 * Employer.postings/JobPosting.employer are cycles, and one deep query could otherwise fan out to
 * millions of objects. Aliases and cost are limited below.
 */
export const MAX_QUERY_DEPTH = 12;

/**
 * The deepest path through a selection set. A fragment's depth is worked out once and remembered:
 * walking a fragment again on every path that spreads it takes time exponential in the fragments
 * (`F0 { ...F1 ...F1 }`, `F1 { ...F2 ...F2 }` …). A cycle counts as 0 (graphql-js's NoFragmentCycles refuses it).
 */
function selectionDepth(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, memo: Map<string, number>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      // Introspection's own meta-fields do not count.
      if (selection.name.value.startsWith("__")) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, memo));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, memo));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment) continue;
      let depth = memo.get(name);
      if (depth === undefined) {
        memo.set(name, 0); // in progress: a cycle back to it counts 0
        depth = selectionDepth(fragment.selectionSet, fragments, memo);
        memo.set(name, depth);
      }
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}

export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = Object.fromEntries(
        context.getDocument().definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
      );
      const depth = selectionDepth(operation.selectionSet, fragments, new Map());
      if (depth > max) {
        context.reportError(new GraphQLError(say(msg(`查询嵌套 ${depth} 层，最多允许 ${max} 层`, `The query is nested ${depth} levels deep; at most ${max} are allowed`)), { nodes: [operation], extensions: { code: "QUERY_TOO_DEEP" } }));
      }
    },
  });
}

/** Aliased fields in one document: aliases multiply work without nesting (`a1: matches … a99: matches`). */
export const MAX_ALIASES = 30;

export function aliasLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave(document) {
          if (aliases > max) {
            context.reportError(new GraphQLError(say(msg(`查询使用了 ${aliases} 个别名，最多允许 ${max} 个`, `The query uses ${aliases} aliases; at most ${max} are allowed`)), { nodes: [document], extensions: { code: "TOO_MANY_ALIASES" } }));
          }
        },
      },
    };
  };
}

/** Tokens the parser reads before it gives up: a huge document is refused before it is even parsed whole. */
export const MAX_TOKENS = 5_000;

/** Selections the pricing walks (fragments counted each time they are spread) before it gives up and refuses. */
export const MAX_QUERY_NODES = 10_000;

export { MAX_QUERY_COST };

/** What a list without `first` is assumed to hold (sessions of a fair, a person's referrals …). */
export const DEFAULT_LIST_SIZE = 10;

/** Lists bounded by the `first` of the field above them: any page's `edges` (connections, search results), a matches list's items. */
const BOUNDED_BY_PARENT = new Set(["PersonMatches.items", "PostingChangeFeed.changes"]);

/** Object types that hold one page of a list bounded by the `first` of the field returning them. */
const PAGE_HOLDERS = new Set(["PersonMatches", "PostingChangeFeed"]);

/** Lists whose `first` goes past MAX_PAGE_SIZE: the change feed's pages (each event is one index row). */
const PAGE_MAX: Record<string, number> = { "Query.postingChanges": MAX_FEED_PAGE_SIZE };
const PAGE_DEFAULT: Record<string, number> = { "Query.postingChanges": DEFAULT_FEED_PAGE_SIZE };

/**
 * An event's own fields come with its row of the log: the event is priced (1, as an item of its
 * page), its fields are not — a partner following the feed pays per event, not per column. What
 * it reads through (`posting`) is priced as usual. (The page's own end is free: a holder's fields are multiplied by its `first`.)
 */
const FREE_FIELDS = new Set(["PostingChangeFeed.endCursor", "PostingChangeFeed.hasNextPage", "PostingChange.cursor", "PostingChange.type", "PostingChange.postingId", "PostingChange.changedFields", "PostingChange.at"]);

/** What finding one object of `nodes(ids)` costs besides its fields: a type probe and a fetch, batched or not. */
const NODE_FETCH_COST = 5;

/** Lists known to run longer (or shorter) than DEFAULT_LIST_SIZE, priced at about their real length. */
const LIST_SIZES: Record<string, number> = {
  "Query.institutions": 200,
  "Query.regions": 100,
  "Region.children": 30,
  "JobPosting.referrals": 50,
  "FairCoverage.institutionsWithout": 200,
  "FairCoverage.bureausWithout": 100,
  "JobFair.sessions": 100,
  "JobFair.booths": 50,
  "FairBoothView.postings": 50,
  "FairStats.byEmployer": 50,
  "Mentor.mentees": 100,
  "MentorDeactivation.reassigned": 100,
  // One row per ACTIVE campaign the person has a minimum in: at most one campaign per kind is active.
  "Person.referralProgress": 4,
  // The deprecated page under referralCompliance, up to its `first` (at most 100).
  "ReferralCompliance.below": 100,
};

/** Fields that each ask the search engine once (a search, a person's ranking): also counted as they run (see engine-calls.ts). */
export const ENGINE_FIELDS = new Set(["Query.searchPostings", "Person.matches", "JobFair.recommendedPostings"]);

/**
 * What one engine call costs on its own, before its results: a query to the engine (segmenting,
 * synonyms, filters, ranking), about what reading 50 rows costs. Multiplied by the lists above it
 * like any field, so 100 people × 30 aliased `matches` cost over 150,000 and are refused.
 */
export const ENGINE_CALL_COST = 50;

/**
 * Fields of a search's result that make the engine visit every hit, not just the page: each adds
 * SEARCH_SCAN_COST (reading a full page) once to the search that selects it — not multiplied by its
 * `first`, since the scan happens once per search.
 */
const SCANNING_FIELDS = new Set(["totalCount", "facets"]);
export const SEARCH_SCAN_COST = MAX_PAGE_SIZE;

/** The scanning fields a search selects, through inline fragments and the document's named ones. */
function scansSelected(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, found = new Set<string>(), seen = new Set<string>()): Set<string> {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (SCANNING_FIELDS.has(selection.name.value)) found.add(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      scansSelected(selection.selectionSet, fragments, found, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      scansSelected(fragments[selection.name.value]?.selectionSet, fragments, found, seen);
    }
  }
  return found;
}

/** The named fragments of a document, for the estimator's `context` (so scans behind a fragment are priced too). */
export function pricingContext(document: DocumentNode): { fragments: Record<string, FragmentDefinitionNode> } {
  return { fragments: Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f])) };
}

/**
 * A field's cost: 1, plus its selections' cost times how many of them it returns — `first` or `last`
 * when it takes one (a page, a matches list; the default page when neither is given), the ids of
 * `nodes`, 1 for a list the field above already bounds, a known length
 * for the long lists (LIST_SIZES), and DEFAULT_LIST_SIZE for any other list. An engine call adds
 * ENGINE_CALL_COST, and a search SEARCH_SCAN_COST for each of `totalCount` and `facets` it selects.
 */
export const fieldCost: ComplexityEstimator = ({ type, field, node, args, childComplexity, context }) => {
  const name = `${type.name}.${field.name}`;
  if (FREE_FIELDS.has(name)) return 0;
  let own = 1;
  if (ENGINE_FIELDS.has(name)) own += ENGINE_CALL_COST;
  if (name === "Query.searchPostings") own += SEARCH_SCAN_COST * scansSelected(node.selectionSet, (context?.fragments ?? {}) as Record<string, FragmentDefinitionNode>).size;
  // Only a field that returns many is multiplied by its page: a list, a connection, or an object that
  // holds a page (a person's matches). referralCompliance takes a `first` for its deprecated `below`
  // but returns one object. A `first` or `last` over the page size is refused by the field itself
  // (BAD_USER_INPUT): priced at the most allowed; a connection given neither reads its default page.
  const list = isListType(getNullableType(field.type));
  const named = getNamedType(field.type).name;
  if (list || named.endsWith("Connection") || PAGE_HOLDERS.has(named)) {
    const sized = (n: unknown) => (typeof n === "number" ? Math.min(Math.max(n, 0), PAGE_MAX[name] ?? MAX_PAGE_SIZE) : undefined);
    // `nodes` finds each id (a probe and a fetch) besides reading its fields.
    if (name === "Query.nodes") return own + (Array.isArray(args.ids) ? Math.min(args.ids.length, MAX_PAGE_SIZE) : MAX_PAGE_SIZE) * (NODE_FETCH_COST + childComplexity);
    // Search hits read back from the end need the whole result counted first: a scan.
    if (name === "Query.searchPostings" && args.last != null && args.before == null) own += SEARCH_SCAN_COST;
    const first = sized(args.first) ?? sized(args.last) ?? (field.args.some((a) => a.name === "first") ? (PAGE_DEFAULT[name] ?? DEFAULT_PAGE_SIZE) : undefined);
    if (first !== undefined) return own + first * childComplexity;
  }
  if (!list) return own + childComplexity;
  const bounded = field.name === "edges" || BOUNDED_BY_PARENT.has(name);
  return own + (bounded ? 1 : (LIST_SIZES[name] ?? DEFAULT_LIST_SIZE)) * childComplexity;
};

/** Introspection fields that return lists: their nesting is what makes an introspection query large. */
const INTROSPECTION_LISTS = new Set(["types", "fields", "args", "inputFields", "interfaces", "possibleTypes", "enumValues", "directives", "locations"]);

/**
 * The most introspection lists nested in one another: the standard introspection query (what
 * GraphQL Code Generator, GraphiQL, Inspector and Postman send) nests three —
 * `__schema.types.fields.args` — and its `ofType` chains add no fan-out.
 */
export const MAX_INTROSPECTION_LISTS = 3;

/**
 * Whether an operation asks only the schema about itself (`__schema`, `__type`, `__typename`)
 * with at most MAX_INTROSPECTION_LISTS lists nested: then it is not priced (the cost limit counts
 * data; such a query reads none, and its size is bounded by the schema's). Introspection is off in
 * production. Anything deeper, or mixed with data fields, is priced as usual.
 */
export function plainIntrospection(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): boolean {
  // Each fragment judged once per (lists so far, at the top or not): a fragment spread over and over
  // must not be walked again on every path (that grows exponentially with the fragments).
  const memo = new Map<string, boolean>();
  let roots = 0;
  // And a budget: a document that takes more visits than this is no plain introspection (it is priced, which has its own cap).
  let visits = 0;
  const visit = (set: SelectionSetNode | undefined, lists: number, top: boolean, inProgress: Set<string>): boolean => {
    for (const selection of set?.selections ?? []) {
      if (++visits > 5_000) return false;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (top && !name.startsWith("__")) return false;
        // At most two asks of the schema at the top (the standard query has one): aliases cannot multiply it.
        if (top && name !== "__typename" && ++roots > 2) return false;
        const depth = lists + (INTROSPECTION_LISTS.has(name) ? 1 : 0);
        if (depth > MAX_INTROSPECTION_LISTS) return false;
        if (!visit(selection.selectionSet, depth, false, inProgress)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet, lists, top, inProgress)) return false;
      } else {
        const name = selection.name.value;
        if (inProgress.has(name)) return false; // a cycle (refused by validation anyway)
        const key = `${name}:${lists}:${top}`;
        let fine = top ? undefined : memo.get(key);
        if (fine === undefined) {
          inProgress.add(name);
          fine = visit(fragments[name]?.selectionSet, lists, top, inProgress);
          inProgress.delete(name);
          // At the top a fragment's fields count as roots each time it is spread: not remembered there.
          if (!top) memo.set(key, fine);
        }
        if (!fine) return false;
      }
    }
    return true;
  };
  return visit(operation.selectionSet, 0, true, new Set());
}

/**
 * An Apollo plugin that prices each operation with its variables once it is resolved, before any
 * resolver runs, and refuses one over `max` with 400 QUERY_TOO_COMPLEX; then charges the cost to the
 * caller's per-minute budget (429 RATE_LIMITED when spent). Variables that do not coerce are left to
 * execution, which answers BAD_USER_INPUT.
 */
export function costLimitPlugin(max: number, limiter?: RateLimiter, introspection = true): ApolloServerPlugin<Context> {
  const pricings = new PricingCache();
  return {
    requestDidStart: async () => {
      /** The operation's price, said in the answer's `extensions.cost` (what the budget was charged). */
      let priced: number | undefined;
      return {
      willSendResponse: async ({ response }) => {
        if (priced === undefined || response.body.kind !== "single") return;
        response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: { requested: priced, maximum: max } };
      },
      // A document that fails validation cost its validation all the same: charged its price (as dear
      // as allowed when it cannot be priced), so failing documents spend the budget like running ones.
      // The refusal, if any, comes with the caller's next request (the HTTP layer checks the budget first).
      validationDidStart: async ({ request, document, schema, contextValue }) => async (errors) => {
        if (!errors?.length || !limiter || !contextValue.rateKey || !document) return;
        let cost = max;
        try {
          cost = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName ?? undefined, estimators: [fieldCost], maxQueryNodes: MAX_QUERY_NODES, context: pricingContext(document) });
        } catch {
          // Not priceable: as dear as allowed.
        }
        await limiter.spend(contextValue.rateKey, Math.max(1, Math.min(cost, max)));
      },
      didResolveOperation: async ({ request, document, schema, contextValue, operation }) => {
        let pricing = pricings.get(document, request.operationName, request.variables);
        if (!pricing) {
          // Variables that do not fit are left to execution, which answers BAD_USER_INPUT.
          if (operation && getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}).errors) return;
          // A tool reading the schema (development only: production refuses introspection in validation).
          if (introspection && operation && plainIntrospection(operation, pricingContext(document).fragments)) {
            pricing = { introspection: true };
          } else {
            try {
              pricing = { cost: getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName ?? undefined, estimators: [fieldCost], maxQueryNodes: MAX_QUERY_NODES, context: pricingContext(document) }) };
            } catch (error) {
              // Too many nodes to price (fragments spread many times over): as good as too dear.
              throw new GraphQLError(say(msg(`无法计算查询开销：${error instanceof Error ? error.message : "查询过大"}`, `The query could not be priced: ${error instanceof Error ? error.message : "too large"}`)), { extensions: { code: "QUERY_TOO_COMPLEX", maxCost: max, http: { status: ERRORS.QUERY_TOO_COMPLEX.http } } });
            }
          }
          pricings.set(document, request.operationName, request.variables, pricing);
        }
        if ("introspection" in pricing) {
          if (limiter && contextValue.rateKey) {
            const refused = await limiter.spend(contextValue.rateKey, 1);
            if (refused) throw refused;
          }
          priced = 1;
          return;
        }
        const { cost } = pricing;
        if (cost > max) {
          throw new GraphQLError(say(msg(`查询开销为 ${cost}，最多允许 ${max}（请调小 \`first\` 或少取字段）`, `The query costs ${cost}; at most ${max} is allowed (lower \`first\`, or ask for less)`)), { extensions: { code: "QUERY_TOO_COMPLEX", cost, maxCost: max, http: { status: ERRORS.QUERY_TOO_COMPLEX.http } } });
        }
        // The caller's spending per minute (requests are counted before parsing, in the HTTP layer).
        if (limiter && contextValue.rateKey) {
          const refused = await limiter.spend(contextValue.rateKey, cost);
          if (refused) throw refused;
        }
        priced = cost;
      },
      };
    },
  };
}

type Pricing = { introspection: true } | { cost: number };

/**
 * What pricing found for a document with an operation name and variables, kept on the document:
 * Apollo hands back the same parsed document for the same text (its document cache), and pricing
 * walks every selection each time for the same answer. Only answers for variables that coerced are
 * kept; small variables only, and a few sets per document, so a stream of distinct variables costs
 * what it did.
 */
class PricingCache {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, Pricing>>();
  private static readonly MAX_KEY = 1_000;
  private static readonly PER_DOCUMENT = 32;

  private key(operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): string | undefined {
    const key = `${operationName ?? ""}|${variables ? JSON.stringify(variables) : "{}"}`;
    return key.length <= PricingCache.MAX_KEY ? key : undefined;
  }

  get(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): Pricing | undefined {
    const forDocument = this.byDocument.get(document);
    if (!forDocument) return undefined;
    const key = this.key(operationName, variables);
    return key === undefined ? undefined : forDocument.get(key);
  }

  set(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined, pricing: Pricing): void {
    const key = this.key(operationName, variables);
    if (key === undefined) return;
    let forDocument = this.byDocument.get(document);
    if (!forDocument) this.byDocument.set(document, (forDocument = new Map()));
    if (forDocument.size >= PricingCache.PER_DOCUMENT) forDocument.clear();
    forDocument.set(key, pricing);
  }
}
