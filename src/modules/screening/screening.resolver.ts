import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { canManagePosting, isNamedEmployer } from "../postings/posting.access.js";
import type { PostingRow } from "../postings/posting.table.js";
import { JobPosting } from "../postings/posting.type.js";
import { SaveScreeningRuleInput } from "./screening.inputs.js";
import { listScreeningRules, saveScreeningRule } from "./screening.service.js";
import type { ScreeningRuleRow } from "./screening.table.js";
import { PostingScreeningType, ScreeningRule, ScreeningRuleHistoryType } from "./screening.type.js";

@Resolver(() => ScreeningRule)
export class ScreeningRuleResolver {
  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Query(() => [ScreeningRuleHistoryType], { description: "The screening rules (officials): each code with the version in force and its history." })
  screeningRules(@Ctx() ctx: Context) {
    return listScreeningRules(ctx.db, ctx.viewer);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ScreeningRule, {
    description:
      "Save a new version of a screening rule (administrators; audited as SCREENING_RULE_SAVED). Refused with BAD_USER_INPUT and `field`, nothing written: no description, a matcher that is not JSON, of an unknown kind, or a pattern that does not compile or runs too long. Applies to postings written from then on (every replica within a second).",
  })
  saveScreeningRule(@Arg("input", () => SaveScreeningRuleInput, { description: "The rule." }) input: SaveScreeningRuleInput, @Ctx() ctx: Context) {
    return saveScreeningRule(ctx.db, ctx.viewer, input);
  }

  @FieldResolver(() => String, { description: "How the rule reads a posting, as JSON." })
  matcher(@Root() rule: ScreeningRuleRow) {
    return JSON.stringify(rule.matcher);
  }
}

@Resolver(() => JobPosting)
export class PostingScreeningResolver {
  @FieldResolver(() => PostingScreeningType, {
    nullable: true,
    description:
      "What screening found (the rule, the field, the span) and whether it holds the posting — for those who manage it (its employer, its partner site, officials in scope); null for anyone else.",
  })
  async screening(@Root() posting: PostingRow, @Ctx() ctx: Context): Promise<PostingScreeningType | null> {
    if (!canManagePosting(ctx.viewer, posting) && !isNamedEmployer(ctx.viewer, posting)) return null;
    const hits = await ctx.loaders.screeningHitsByPosting.load(posting.id);
    return {
      held: posting.heldByScreening,
      hits: hits.map((h) => ({ ruleCode: h.ruleCode, description: h.description, severity: h.severity as PostingScreeningType["hits"][number]["severity"], field: h.field, start: h.spanStart, end: h.spanEnd, excerpt: h.excerpt, approved: h.approved })),
    };
  }
}
