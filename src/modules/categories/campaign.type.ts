import { Authorized, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import { LocalDate } from "../../graphql/scalars.js";
import { TargetCategory } from "../people/person.type.js";
import { Node } from "../../graphql/node-interface.js";
import { PopulationEnum } from "./category.inputs.js";
import type { ReevaluationReason } from "./reevaluation.request.js";

export enum CampaignStatusEnum {
  DRAFT = "DRAFT",
  ACTIVE = "ACTIVE",
  CLOSED = "CLOSED",
}
registerEnumType(CampaignStatusEnum, {
  name: "CampaignStatus",
  description: "DRAFT (edited) → ACTIVE (counting) → CLOSED (figures frozen).",
  valuesConfig: {
    DRAFT: { description: "Being prepared: editable, counts nothing." },
    ACTIVE: { description: "In force: referrals inside its window count toward its minimums." },
    CLOSED: { description: "Over: its figures are frozen as they stood when it closed." },
  },
});

export enum PushCountsWhenEnum {
  RECORDED = "RECORDED",
  DELIVERED = "DELIVERED",
}
registerEnumType(PushCountsWhenEnum, {
  name: "PushCountsWhen",
  description: "When a push (a posting recommended to the person) counts toward their minimum: when recorded, or only once delivered to them.",
  valuesConfig: {
    RECORDED: { description: "A push counts once it is recorded (the default)." },
    DELIVERED: {
      description:
        "A push counts only once delivered to the person on any channel (their app fetched it, or its SMS was reported delivered) before the campaign's last day plus the notification policy's delivery grace (the version in force that day). It still counts on the day it was recorded. A campaign run still tops people up counting pushes when recorded, so it sends nothing more while theirs are on the way, and reports them below until delivered.",
    },
  },
});

@ObjectType({ description: "A kind of campaign (data): the population it serves, if one." })
export class CampaignKind {
  @Field({ description: "Its code, as campaigns name it in `kind`." }) code!: string;
  @Field({ description: "Its name." }) name!: string;
  @Field(() => PopulationEnum, { nullable: true, description: "The population it serves: only that population's categories bind to its campaigns (null: any)." }) population!: PopulationEnum | null;
}

@ObjectType({ description: "A category version bound to a campaign, with the minimum it carries there." })
export class CampaignCategory {
  @Field({ description: "The category's code." }) categoryCode!: string;
  @Field(() => TargetCategory, { description: "The category version bound." }) category!: unknown;
  @Field(() => Int, { description: "The minimum in this campaign (the version's own when the binding left it open)." }) minReferrals!: number;
}

@ObjectType({ implements: Node, description: "A campaign (专项行动) as policy data: kind, window (Fujian days), cohort, bound categories." })
export class Campaign {
  @Field(() => ID, { description: "The campaign's id." }) id!: string;
  @Field({ description: "Its short code (2–40 capitals, digits, - and _; e.g. FJ-2026-KG)." }) code!: string;
  @Field({ description: "Its name (e.g. 2026年高校毕业生重点群体就业帮扶专项行动)." }) name!: string;
  @Field({ description: "Its kind: a CampaignKind code (data, not a fixed list). One ACTIVE campaign per kind." }) kind!: string;
  @Field(() => Int, { description: "The graduation year it serves (key-group categories read it)." }) cohortYear!: number;
  @Field(() => LocalDate, { description: "Its first day (Fujian)." }) startsOn!: string;
  @Field(() => LocalDate, { description: "Its last day (Fujian); referrals made after it do not count." }) endsOn!: string;
  @Field(() => CampaignStatusEnum, { description: "DRAFT, ACTIVE or CLOSED." }) status!: CampaignStatusEnum;
  @Field(() => PushCountsWhenEnum, { description: "When a push counts toward a minimum: once RECORDED, or once DELIVERED to the person." }) pushCountsWhen!: PushCountsWhenEnum;
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Field({ description: "Who created it (staff only: a seeker reading their progress sees the campaign, not its officials)." })
  createdBy!: string;
  @Field({ description: "When it was created." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was activated (null while a draft)." }) activatedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was closed (null until then)." }) closedAt!: Date | null;
  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Field(() => String, { nullable: true, description: "Who closed it (staff only)." })
  closedBy!: string | null;
  @Field(() => Date, { nullable: true, description: "When its figures were frozen (closing does it); null while they are read from the ledger — open, or closed by the 2020 migration, which froze nothing." })
  figuresFrozenAt!: Date | null;
}

@InputType({ description: "A category version to bind to a campaign, with its minimum there." })
export class CampaignCategoryInput {
  @Field(() => ID, { description: "A category version (TargetCategory.id)." }) categoryId!: string;
  @Field(() => Int, { nullable: true, description: "0–50; default the version's own minimum." }) minReferrals?: number | null;
}

@InputType({ description: "A new DRAFT campaign." })
export class CreateCampaignInput {
  @Field({ description: "2–40 capitals, digits, - and _ (e.g. FJ-2026-KG)." }) code!: string;
  @Field({ description: "Its name (1–200 characters)." }) name!: string;
  @Field({ description: "A CampaignKind code." }) kind!: string;
  @Field(() => Int, { description: "The graduation year it serves (2000–2100)." }) cohortYear!: number;
  @Field(() => LocalDate, { description: "Its first day." }) startsOn!: string;
  @Field(() => LocalDate, { description: "Its last day: not before startsOn, the window at most the campaign policy's maxWindowDays." }) endsOn!: string;
  @Field(() => PushCountsWhenEnum, { nullable: true, defaultValue: PushCountsWhenEnum.RECORDED, description: "When a push counts toward a minimum: RECORDED (the default) or DELIVERED." }) pushCountsWhen?: PushCountsWhenEnum | null;
  @Field(() => [CampaignCategoryInput], { description: "The category versions it binds (of its kind's population, when the kind names one)." }) categories!: CampaignCategoryInput[];
}

@InputType({ description: "What to change in a DRAFT campaign; categories, if given, replace the bound list." })
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true, description: "A new code (2–40 capitals, digits, - and _)." }) code?: string | null;
  @Field(() => String, { nullable: true, description: "A new name (1–200 characters)." }) name?: string | null;
  @Field(() => String, { nullable: true, description: "A new kind (a CampaignKind code)." }) kind?: string | null;
  @Field(() => Int, { nullable: true, description: "A new graduation year (2000–2100)." }) cohortYear?: number | null;
  @Field(() => LocalDate, { nullable: true, description: "A new first day." }) startsOn?: string | null;
  @Field(() => LocalDate, { nullable: true, description: "A new last day." }) endsOn?: string | null;
  @Field(() => PushCountsWhenEnum, { nullable: true, description: "When a push counts toward a minimum: RECORDED or DELIVERED." }) pushCountsWhen?: PushCountsWhenEnum | null;
  @Field(() => [CampaignCategoryInput], { nullable: true, description: "The category versions to bind instead of those bound now." }) categories?: CampaignCategoryInput[] | null;
}

@ObjectType({ description: "The campaign policy (data, versioned by date): how long a campaign's window may be." })
export class CampaignPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => Int, { description: "The longest a campaign's window may be, in days (1–731)." }) maxWindowDays!: number;
  @Field(() => LocalDate, { description: "The first Fujian day this version is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

export enum ReevaluationStatusEnum {
  PENDING = "PENDING",
  RUNNING = "RUNNING",
  DONE = "DONE",
  SUPERSEDED = "SUPERSEDED",
}
registerEnumType(ReevaluationStatusEnum, {
  name: "ReevaluationStatus",
  description: "PENDING → RUNNING → DONE, or SUPERSEDED by a newer request (which re-decides everyone).",
  valuesConfig: {
    PENDING: { description: "Waiting for the background worker." },
    RUNNING: { description: "Being worked, page by page." },
    DONE: { description: "Everyone has been re-decided." },
    SUPERSEDED: { description: "A newer request took over (it re-decides everyone)." },
  },
});

export enum ReevaluationReasonEnum {
  CAMPAIGN_ACTIVATED = "CAMPAIGN_ACTIVATED",
  CAMPAIGN_CLOSED = "CAMPAIGN_CLOSED",
  CATEGORY_PUBLISHED = "CATEGORY_PUBLISHED",
  SUBSIDY_PUBLISHED = "SUBSIDY_PUBLISHED",
  REQUESTED = "REQUESTED",
}
registerEnumType(ReevaluationReasonEnum, {
  name: "ReevaluationReason",
  description: "What asked for a re-decision of everyone's categories.",
  valuesConfig: {
    CAMPAIGN_ACTIVATED: { description: "A key-group campaign was activated (its cohort and window now decide)." },
    CAMPAIGN_CLOSED: { description: "A key-group campaign was closed (categories are decided as of today again)." },
    CATEGORY_PUBLISHED: { description: "A new version of a target category was published." },
    SUBSIDY_PUBLISHED: { description: "A new version of a subsidy scheme was published (subsidy eligibility is re-decided with the categories)." },
    REQUESTED: { description: "An administrator asked (reevaluateCategories)." },
  },
});
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const reasonsInSync: SameSet<`${ReevaluationReasonEnum}`, ReevaluationReason> = true;
void reasonsInSync;

@ObjectType({
  description:
    "A re-decision of everyone's categories, worked in the background page by page: asked for when a key-group campaign is activated or closed, a category version published, or an administrator asks.",
})
export class CategoryReevaluation {
  @Field(() => ID, { description: "Its id." }) id!: string;
  @Field(() => ReevaluationReasonEnum, { description: "What asked for it." }) reason!: ReevaluationReason;
  @Field(() => ID, { nullable: true, description: "The campaign whose activation or closing asked for it." }) campaignId!: string | null;
  @Field(() => ReevaluationStatusEnum, { description: "Where it stands." }) status!: ReevaluationStatusEnum;
  @Field(() => Int, { description: "People re-decided so far." }) people!: number;
  @Field(() => Int, { description: "Memberships begun or re-decided by another version." }) added!: number;
  @Field(() => Int, { description: "Memberships ended." }) removed!: number;
  @Field({ description: "Who or what asked for it (`role:user id`)." }) requestedBy!: string;
  @Field({ description: "When it was asked for." }) requestedAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was DONE or SUPERSEDED (null until then)." }) finishedAt!: Date | null;
}
