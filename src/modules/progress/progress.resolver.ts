import { Campaign } from "../categories/campaign.type.js";
import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, registerEnumType, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { RegionLevel } from "../regions/region.type.js";
import { campaignProgress } from "./progress.service.js";

export enum ProgressGroupBy {
  REGION = "REGION",
  INSTITUTION = "INSTITUTION",
  CATEGORY = "CATEGORY",
}
registerEnumType(ProgressGroupBy, {
  name: "ProgressGroupBy",
  description: "How campaignProgress groups people.",
  valuesConfig: {
    REGION: { description: "By 生源地 (origin), at `regionLevel`." },
    CATEGORY: { description: "A person in several categories counts in each." },
    INSTITUTION: { description: "By institution." },
  },
});

@ObjectType("ProgressRow", { description: "The figures of one group (or of everyone, as `total`)." })
export class ProgressRowType {
  @Field({ description: "Region code, institution id or category code." }) key!: string;
  @Field({ description: "The group's name (region, institution or category name)." }) label!: string;
  @Field(() => Int, { description: "People in the ledger." }) registered!: number;
  @Field(() => Int, { description: "Employed, self-employed, on a public-welfare post or a grassroots project." }) employed!: number;
  @Field(() => Int, { description: "Unemployed (未就业)." }) unemployed!: number;
  @Field(() => Int, { description: "Gone on to further study (升学)." }) furtherStudy!: number;
  @Field(() => Int, { description: "Out of the labour force." }) outOfLabourForce!: number;
  @Field(() => Int, { description: "People with a referral minimum (in a category that has one)." }) withMinimum!: number;
  @Field(() => Int, { description: "…of whom at or above it: referrals that count, made by the end of the day." }) atMinimum!: number;
  @Field(() => Int, { description: "…of whom still below it." }) belowMinimum!: number;
  @Field(() => Int, { description: "People hired through a referral by the end of the day." }) hiredThroughReferral!: number;
  @Field(() => Int, { description: "People the mentoring policy made eligible for a 红娘 mentor (a mentorEligible category) as the day ended." }) mentorEligible!: number;
  @Field(() => Int, { description: "People with a mentor as the day ended." }) mentored!: number;
  @Field(() => Int, { description: "Of the eligible, with a mentor as the day ended (mentored also counts pairings outside the policy: overrides, categories since changed)." }) mentoredEligible!: number;
  @Field(() => Int, { description: "Of the mentored, with no contact for the mentoring policy's days (the current policy's) by then." }) mentorOverdue!: number;
}

@ObjectType("CampaignProgress", { description: "One campaign's figures per group and in total, as of a day, within your scope." })
export class CampaignProgressType {
  @Field(() => Campaign, { description: "The campaign whose minimums are counted." }) campaign!: unknown;
  @Field(() => LocalDate, { description: "The day the figures are as of (Fujian)." }) asOf!: string;
  @Field(() => ProgressGroupBy, { description: "How the rows are grouped." }) groupBy!: ProgressGroupBy;
  @Field(() => [ProgressRowType], { description: "One row per group." }) rows!: ProgressRowType[];
  @Field(() => ProgressRowType, { description: "Each person once." }) total!: ProgressRowType;
}

@Resolver()
export class ProgressResolver {
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => CampaignProgressType, { description: "Registered and employed per region, institution or category, as of a date, within your scope, with referral minimums of one campaign." })
  campaignProgress(
    @Arg("campaignId", () => ID, { nullable: true, description: "Default: the only ACTIVE campaign, or with several the key-group graduate one." }) campaignId: string | null,
    @Arg("groupBy", () => ProgressGroupBy, { description: "How to group the rows." }) groupBy: ProgressGroupBy,
    @Arg("asOf", () => LocalDate, { nullable: true, description: "Default today." }) asOf: string | null,
    @Arg("regionLevel", () => RegionLevel, { nullable: true, defaultValue: RegionLevel.PREFECTURE, description: "With groupBy REGION: prefecture or county rows (default PREFECTURE)." }) regionLevel: RegionLevel,
    @Ctx() ctx: Context,
  ) {
    return campaignProgress(ctx.db, ctx.viewer, { campaignId, groupBy, asOf, regionLevel });
  }
}
