import { GraphQLError } from "graphql";
import { msg, say } from "../i18n.js";

/** A request's calls to the search engine so far, and the most it may make (GRAPHQL_MAX_ENGINE_CALLS). */
export interface EngineCalls {
  used: number;
  max: number;
}

/**
 * Counts one call to the search engine (a search, a person's matches, a fair's recommendations)
 * against the request's cap, as the field runs; past the cap the field is refused with
 * QUERY_TOO_COMPLEX (the rest of the answer stands). The price (limits.ts) refuses most such
 * requests before they run; this bounds what the price cannot see. Without a counter (the CLI,
 * tests calling the schema directly) nothing is counted.
 */
export function countEngineCall(calls: EngineCalls | undefined): void {
  if (!calls) return;
  calls.used++;
  if (calls.used > calls.max) {
    throw new GraphQLError(say(msg(`一次请求最多调用搜索引擎 ${calls.max} 次（searchPostings、matches、recommendedPostings）：请少问一些`, `One request may ask the search engine at most ${calls.max} times (searchPostings, matches, recommendedPostings): ask for fewer`)), {
      extensions: { code: "QUERY_TOO_COMPLEX", maxEngineCalls: calls.max },
    });
  }
}
