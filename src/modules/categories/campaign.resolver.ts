import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import {
  activateCampaign,
  campaignKindList,
  campaignPolicyOn,
  closeCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  setCampaignPolicy,
  updateCampaign,
} from "./campaign.service.js";
import { Campaign, CampaignCategory, CampaignKind, CampaignPolicy, CampaignStatusEnum, CategoryReevaluation, CreateCampaignInput, UpdateCampaignInput } from "./campaign.type.js";
import { listReevaluations, requestReevaluationBy } from "./reevaluation.service.js";
import { campaigns, type CampaignRow } from "./category.table.js";
import { nodeType } from "../../graphql/node.js";

const READERS = [Role.ADMIN, Role.CASEWORKER];

nodeType("Campaign", { rootField: "Query.campaign", table: campaigns, fetch: (ctx, id) => getCampaign(ctx.db, ctx.viewer, id) });

@Resolver(() => Campaign)
export class CampaignResolver {
  @Authorized(...READERS)
  @Query(() => [Campaign], { description: "Campaigns, newest window first." })
  campaigns(
    @Arg("status", () => CampaignStatusEnum, { nullable: true, description: "Only campaigns in this status." }) status: CampaignStatusEnum | null,
    @Arg("kind", () => String, { nullable: true, description: "Only campaigns of this kind (a CampaignKind code)." }) kind: string | null,
    @Ctx() ctx: Context,
  ) {
    return listCampaigns(ctx.db, ctx.viewer, { status, kind });
  }

  @Authorized(...READERS)
  @Query(() => Campaign, { nullable: true, description: "A campaign by id (administrators and caseworkers)." })
  campaign(@Arg("id", () => ID, { description: "The campaign's id." }) id: string, @Ctx() ctx: Context) {
    return getCampaign(ctx.db, ctx.viewer, id);
  }

  @Authorized(...READERS)
  @Query(() => [CampaignKind], { description: "The kinds of campaign (data)." })
  campaignKinds(@Ctx() ctx: Context) {
    return campaignKindList(ctx.db);
  }

  @Authorized(...READERS)
  @Query(() => CampaignPolicy, { description: "The campaign policy in force on a day (default today)." })
  campaignPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return campaignPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CampaignPolicy, { description: "A new version of the campaign policy: the longest window, in force from `effectiveFrom` (default today, never a past day)." })
  setCampaignPolicy(
    @Arg("maxWindowDays", () => Int, { description: "The longest window, in days (1–731)." }) maxWindowDays: number,
    @Arg("effectiveFrom", () => LocalDate, { nullable: true, description: "The first day it is in force (default today; never a past day)." }) effectiveFrom: string | null,
    @Ctx() ctx: Context,
  ) {
    return setCampaignPolicy(ctx.db, ctx.viewer, maxWindowDays, effectiveFrom);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Campaign, { description: "A new DRAFT campaign with its categories." })
  createCampaign(@Arg("input", () => CreateCampaignInput, { description: "The campaign." }) input: CreateCampaignInput, @Ctx() ctx: Context) {
    return createCampaign(ctx.db, ctx.viewer, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Campaign, { description: "Edit a DRAFT campaign (an ACTIVE or CLOSED one is CONFLICT)." })
  updateCampaign(@Arg("id", () => ID, { description: "The campaign's id." }) id: string, @Arg("input", () => UpdateCampaignInput, { description: "What to change." }) input: UpdateCampaignInput, @Ctx() ctx: Context) {
    const { categories, ...rest } = input;
    return updateCampaign(ctx.db, ctx.viewer, id, { ...rest, ...(categories ? { categories } : {}) } as Parameters<typeof updateCampaign>[3]);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Campaign, { description: "DRAFT → ACTIVE (one ACTIVE campaign per kind; categories needed). A key-group campaign's activation re-decides everyone's categories against its cohort and window, in the background: `categoryReevaluations` shows how far (start runs once it is DONE)." })
  activateCampaign(@Arg("id", () => ID, { description: "The campaign's id." }) id: string, @Ctx() ctx: Context) {
    return activateCampaign(ctx.db, ctx.viewer, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Campaign, { description: "ACTIVE → CLOSED: its figures are frozen as they stand (a key-group campaign's closing then re-decides categories as of today, in the background)." })
  closeCampaign(@Arg("id", () => ID, { description: "The campaign's id." }) id: string, @Ctx() ctx: Context) {
    return closeCampaign(ctx.db, ctx.viewer, id);
  }

  @Authorized(...READERS)
  @Query(() => [CategoryReevaluation], { description: "The latest re-decisions of everyone's categories, newest first." })
  categoryReevaluations(@Arg("first", () => Int, { defaultValue: 10, description: "1–100." }) first: number, @Ctx() ctx: Context) {
    return listReevaluations(ctx.db, ctx.viewer, first);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CategoryReevaluation, { description: "Re-decide everyone's categories now (in the background), e.g. after correcting reference data; supersedes an unfinished one." })
  reevaluateCategories(@Ctx() ctx: Context) {
    return requestReevaluationBy(ctx.db, ctx.viewer);
  }

  @FieldResolver(() => [CampaignCategory], { description: "The category versions bound to it, with the minimum each carries here." })
  categories(@Root() campaign: CampaignRow, @Ctx() ctx: Context) {
    return ctx.loaders.campaignBindings.load(campaign.id);
  }

}
