import { Authorized, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { LocalDate } from "../../graphql/scalars.js";
import { TargetCategory } from "../people/person.type.js";
import { PopulationEnum } from "./category.inputs.js";

export enum CampaignStatusEnum {
  DRAFT = "DRAFT",
  ACTIVE = "ACTIVE",
  CLOSED = "CLOSED",
}
registerEnumType(CampaignStatusEnum, { name: "CampaignStatus", description: "DRAFT (edited) → ACTIVE (counting) → CLOSED (figures frozen)." });

export enum PushCountsWhenEnum {
  RECORDED = "RECORDED",
  DELIVERED = "DELIVERED",
}
registerEnumType(PushCountsWhenEnum, { name: "PushCountsWhen", description: "Whether a push counts toward a minimum when recorded, or only once delivered (DELIVERED comes with push delivery)." });

@ObjectType({ description: "A kind of campaign (data): the population it serves, if one." })
export class CampaignKind {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => PopulationEnum, { nullable: true, description: "The population it serves: only that population's categories bind to its campaigns (null: any)." }) population!: PopulationEnum | null;
}

@ObjectType({ description: "A category version bound to a campaign, with the minimum it carries there." })
export class CampaignCategory {
  @Field() categoryCode!: string;
  @Field(() => TargetCategory) category!: unknown;
  @Field(() => Int, { description: "The minimum in this campaign (the version's own when the binding left it open)." }) minReferrals!: number;
}

@ObjectType({ description: "A campaign (专项行动) as policy data: kind, window (Fujian days), cohort, bound categories." })
export class Campaign {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() name!: string;
  @Field() kind!: string;
  @Field(() => Int, { description: "The graduation year it serves (key-group categories read it)." }) cohortYear!: number;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate) endsOn!: string;
  @Field(() => CampaignStatusEnum) status!: CampaignStatusEnum;
  @Field(() => PushCountsWhenEnum) pushCountsWhen!: PushCountsWhenEnum;
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Field({ description: "Who created it (staff only: a seeker reading their progress sees the campaign, not its officials)." })
  createdBy!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) activatedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Field(() => String, { nullable: true, description: "Who closed it (staff only)." })
  closedBy!: string | null;
  @Field(() => Date, { nullable: true, description: "When its figures were frozen (closing does it); null while they are read from the ledger — open, or closed by the 2020 migration, which froze nothing." })
  figuresFrozenAt!: Date | null;
}

@InputType()
export class CampaignCategoryInput {
  @Field(() => ID, { description: "A category version (TargetCategory.id)." }) categoryId!: string;
  @Field(() => Int, { nullable: true, description: "0–50; default the version's own minimum." }) minReferrals?: number | null;
}

@InputType()
export class CreateCampaignInput {
  @Field({ description: "2–40 capitals, digits, - and _ (e.g. FJ-2026-KG)." }) code!: string;
  @Field() name!: string;
  @Field({ description: "A CampaignKind code." }) kind!: string;
  @Field(() => Int) cohortYear!: number;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate) endsOn!: string;
  @Field(() => PushCountsWhenEnum, { nullable: true, defaultValue: PushCountsWhenEnum.RECORDED }) pushCountsWhen?: PushCountsWhenEnum | null;
  @Field(() => [CampaignCategoryInput]) categories!: CampaignCategoryInput[];
}

@InputType({ description: "What to change in a DRAFT campaign; categories, if given, replace the bound list." })
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) kind?: string | null;
  @Field(() => Int, { nullable: true }) cohortYear?: number | null;
  @Field(() => LocalDate, { nullable: true }) startsOn?: string | null;
  @Field(() => LocalDate, { nullable: true }) endsOn?: string | null;
  @Field(() => PushCountsWhenEnum, { nullable: true }) pushCountsWhen?: PushCountsWhenEnum | null;
  @Field(() => [CampaignCategoryInput], { nullable: true }) categories?: CampaignCategoryInput[] | null;
}

@ObjectType({ description: "The campaign policy (data, versioned by date): how long a campaign's window may be." })
export class CampaignPolicy {
  @Field(() => Int) version!: number;
  @Field(() => Int) maxWindowDays!: number;
  @Field(() => LocalDate) effectiveFrom!: string;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
}

export enum ReevaluationStatusEnum {
  PENDING = "PENDING",
  RUNNING = "RUNNING",
  DONE = "DONE",
  SUPERSEDED = "SUPERSEDED",
}
registerEnumType(ReevaluationStatusEnum, { name: "ReevaluationStatus", description: "PENDING → RUNNING → DONE, or SUPERSEDED by a newer request (which re-decides everyone)." });

@ObjectType({
  description:
    "A re-decision of everyone's categories, worked in the background page by page: asked for when a key-group campaign is activated or closed, a category version published, or an administrator asks.",
})
export class CategoryReevaluation {
  @Field(() => ID) id!: string;
  @Field({ description: "CAMPAIGN_ACTIVATED, CAMPAIGN_CLOSED, CATEGORY_PUBLISHED or REQUESTED." }) reason!: string;
  @Field(() => ID, { nullable: true, description: "The campaign whose activation or closing asked for it." }) campaignId!: string | null;
  @Field(() => ReevaluationStatusEnum) status!: ReevaluationStatusEnum;
  @Field(() => Int, { description: "People re-decided so far." }) people!: number;
  @Field(() => Int, { description: "Memberships begun or re-decided by another version." }) added!: number;
  @Field(() => Int, { description: "Memberships ended." }) removed!: number;
  @Field() requestedBy!: string;
  @Field() requestedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}
