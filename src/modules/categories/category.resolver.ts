import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { Context } from "../../graphql/context.js";
import { TargetCategory } from "../people/person.type.js";
import { TargetCategoryInput } from "./category.inputs.js";
import { listTargetCategories, publishTargetCategory } from "./category.service.js";
import type { TargetCategoryRow } from "./category.table.js";

@Resolver(() => TargetCategory)
export class CategoryResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER, Role.MENTOR)
  @Query(() => [TargetCategory], { description: "Every version of every target category (policy data)." })
  targetCategories(@Ctx() ctx: Context) {
    return listTargetCategories(ctx.db);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TargetCategory, { description: "Publish a new version of a category; everyone is re-decided in the background (`categoryReevaluations`)." })
  publishTargetCategory(@Arg("input", () => TargetCategoryInput, { description: "The new version." }) input: TargetCategoryInput, @Ctx() ctx: Context) {
    let rule: unknown;
    try {
      rule = JSON.parse(input.ruleJson);
    } catch {
      throw badInput("input.ruleJson", msg("ruleJson 不是有效的 JSON", "ruleJson is not valid JSON"));
    }
    return publishTargetCategory(ctx.db, ctx.viewer, { ...input, rule });
  }

  @FieldResolver(() => String)
  ruleJson(@Root() category: TargetCategoryRow): string {
    return JSON.stringify(category.rule);
  }
}
