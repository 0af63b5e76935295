import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { actorOf, Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { listSynonymGroups, replaceSynonymGroups } from "./synonym.service.js";

@Resolver()
export class SynonymResolver {
  @Query(() => [[String]], { description: "The search's synonym groups for job terms (会计/财务 …): a search for one term finds the others." })
  searchSynonyms(@Ctx() ctx: Context) {
    return listSynonymGroups(ctx.db);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => [[String]], {
    description: "Replace every synonym group (terms trimmed and lower-cased; 2–20 terms a group; a term in one group only). Every search engine follows within moments (the change is in the posting change log); no reindex needed.",
  })
  setSearchSynonyms(@Arg("groups", () => [[String]], { description: "The groups: each 2–20 terms, a term in one group only." }) groups: string[][], @Ctx() ctx: Context) {
    return replaceSynonymGroups(ctx.db, actorOf(ctx.viewer), groups);
  }
}
