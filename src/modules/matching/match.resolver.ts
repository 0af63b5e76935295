import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { countEngineCall } from "../../graphql/engine-calls.js";
import { checkFirst } from "../../pagination.js";
import { Person } from "../people/person.type.js";
import type { PersonRow } from "../people/person.table.js";
import { PersonMatches } from "./match.type.js";

@Resolver(() => Person)
export class MatchResolver {
  @FieldResolver(() => PersonMatches, { description: "The open postings that fit this person, best first, with reasons." })
  matches(@Root() person: PersonRow, @Arg("first", () => Int, { defaultValue: 10, description: "How many to return, best first (1–100; default 10)." }) first: number, @Ctx() ctx: Context) {
    checkFirst(first);
    countEngineCall(ctx.engineCalls);
    return ctx.loaders.recommendations.load({ person, first });
  }
}
