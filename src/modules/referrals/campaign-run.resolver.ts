import { checkFirst } from "../../pagination.js";
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { visiblePerson } from "../people/person.access.js";
import { getCampaignRun, parseFulfilScope, runStillBelow, startCampaignRun, startMentorRun, type RunSummary } from "./campaign-run.service.js";
import { CampaignRun, FulfilScopeInput, RunStillBelow } from "./campaign-run.type.js";
import { nodeType } from "../../graphql/node.js";
import { campaignRuns } from "./campaign-run.table.js";

type RunView = CampaignRun & { summary: RunSummary };

function view(summary: RunSummary): RunView {
  const { run } = summary;
  const scope = run.scope as Record<string, string>;
  return {
    summary,
    id: run.id,
    kind: run.kind as CampaignRun["kind"],
    status: run.status as CampaignRun["status"],
    scope: { personId: scope.personId ?? null, regionCode: scope.regionCode ?? null, institutionId: scope.institutionId ?? null, categoryCode: scope.categoryCode ?? null },
    campaignId: run.campaignId,
    createdBy: run.createdBy,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    total: summary.total,
    processed: summary.processed,
    created: summary.created,
    stillBelow: summary.stillBelow,
    reasons: summary.reasons,
  };
}

nodeType("CampaignRun", { rootField: "Query.campaignRun", table: campaignRuns, fetch: async (ctx, id) => {
    const summary = await getCampaignRun(ctx.db, ctx.viewer, id);
    return summary ? view(summary) : null;
  } });

@Resolver(() => CampaignRun)
export class CampaignRunResolver {
  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => CampaignRun, {
    description: "Start a background campaign run that recommends each person of the scope, below their referral minimum, their best matches until it is met. Follow it with campaignRun(id).",
  })
  async fulfilReferralMinimums(
    @Arg("scope", () => FulfilScopeInput, { description: "Whom to serve." }) scope: FulfilScopeInput,
    @Arg("campaignId", () => ID, { nullable: true, description: "The ACTIVE campaign whose minimums to meet. Default: the only ACTIVE campaign, or with several the key-group graduate one." }) campaignId: string | null,
    @Ctx() ctx: Context,
  ) {
    const run = await startCampaignRun(ctx.db, ctx.viewer, parseFulfilScope(scope), campaignId);
    return view((await getCampaignRun(ctx.db, ctx.viewer, run.id))!);
  }

  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => CampaignRun, {
    description:
      "Start a background run that pairs each person of the scope whom the policy makes eligible and who has no mentor with the nearest mentor with room (as assignMentor without a mentor named). Those nobody within reach can take are listed with the reason (stillBelowPeople). Follow it with campaignRun(id).",
  })
  async assignMentorsAutomatically(@Arg("scope", () => FulfilScopeInput, { description: "Whom to serve." }) scope: FulfilScopeInput, @Ctx() ctx: Context) {
    const run = await startMentorRun(ctx.db, ctx.viewer, parseFulfilScope(scope));
    return view((await getCampaignRun(ctx.db, ctx.viewer, run.id))!);
  }

  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Query(() => CampaignRun, { nullable: true, description: "A campaign run as it stands: a caseworker's own, or any for an administrator." })
  async campaignRun(@Arg("id", () => ID, { description: "The run's id." }) id: string, @Ctx() ctx: Context) {
    const summary = await getCampaignRun(ctx.db, ctx.viewer, id);
    return summary ? view(summary) : null;
  }

  @FieldResolver(() => [RunStillBelow], { description: "The people left below their minimum, by person id." })
  async stillBelowPeople(
    @Root() run: RunView,
    @Arg("first", () => Int, { defaultValue: 50, description: "How many, 1–100." }) first: number,
    @Arg("after", () => ID, { nullable: true, description: "Start after this person id (the last one of the page before)." }) after: string | null,
    @Ctx() ctx: Context,
  ) {
    checkFirst(first);
    const rows = await runStillBelow(ctx.db, run.id, { first, after });
    // One read of the people for the page (personById), each shown only to a viewer who may see them.
    const persons = await ctx.loaders.personById.loadMany(rows.map((r) => r.personId));
    return rows.map((r, i) => {
      const person = persons[i];
      return { ...r, person: person instanceof Error ? null : visiblePerson(ctx.viewer, person) };
    });
  }
}
