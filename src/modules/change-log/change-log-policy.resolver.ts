import { Arg, Authorized, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { changeLogPolicyOn, setChangeLogPolicy } from "./change-log-policy.service.js";

@ObjectType({
  description:
    "How long the posting change log keeps history (policy data, versioned by date): a change is dropped once it is older than this and every reader of the log (each search index, the Meilisearch relay) has passed it. A change-feed cursor older than that is answered RESYNC_REQUIRED.",
})
export class ChangeLogPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => Int, { description: "Days of history kept (30–3650)." }) retentionDays!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

@Resolver(() => ChangeLogPolicy)
export class ChangeLogPolicyResolver {
  @Authorized(Role.ADMIN)
  @Query(() => ChangeLogPolicy, { description: "The change-log policy in force on a day (default today)." })
  changeLogPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return changeLogPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ChangeLogPolicy, { description: "A new version of the change-log policy (administrators), in force from `effectiveFrom` (default today, never a past day)." })
  setChangeLogPolicy(
    @Arg("retentionDays", () => Int, { description: "Days of history to keep (30–3650: the partner change feed promises at least 30)." }) retentionDays: number,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "The first day it is in force (default today; never a past day)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setChangeLogPolicy(ctx.db, ctx.viewer, retentionDays, effectiveFrom);
  }
}
