import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { educationLevel, postingKind, postingSource, postingStatus } from "./posting.table.js";
import type { DomainErrorCode } from "../../errors.js";

export enum Education {
  NONE = "NONE",
  JUNIOR_HIGH = "JUNIOR_HIGH",
  HIGH_SCHOOL = "HIGH_SCHOOL",
  ASSOCIATE = "ASSOCIATE",
  BACHELOR = "BACHELOR",
  MASTER = "MASTER",
  DOCTORATE = "DOCTORATE",
}
export enum PostingKind {
  REGULAR = "REGULAR",
  TRAINEESHIP = "TRAINEESHIP",
  GRASSROOTS = "GRASSROOTS",
  PUBLIC_WELFARE = "PUBLIC_WELFARE",
  HOUSEHOLD_SERVICE = "HOUSEHOLD_SERVICE",
}
export enum PostingStatusEnum {
  DRAFT = "DRAFT",
  OPEN = "OPEN",
  CLOSED = "CLOSED",
  EXPIRED = "EXPIRED",
  BLOCKED = "BLOCKED",
}
export enum PostingSourceEnum {
  EMPLOYER = "EMPLOYER",
  PARTNER = "PARTNER",
}
registerEnumType(Education, { name: "Education", description: "Ordered: NONE < JUNIOR_HIGH < HIGH_SCHOOL (高中/中专/中技) < ASSOCIATE (大专) < BACHELOR < MASTER < DOCTORATE." });
registerEnumType(PostingKind, {
  name: "PostingKind",
  valuesConfig: {
    TRAINEESHIP: { description: "见习" },
    GRASSROOTS: { description: "基层" },
    PUBLIC_WELFARE: { description: "公益性岗位 — for poverty labourers the market cannot place" },
    HOUSEHOLD_SERVICE: { description: "家庭服务" },
  },
});
registerEnumType(PostingStatusEnum, {
  name: "PostingStatus",
  valuesConfig: {
    EXPIRED: { description: "Was OPEN and passed validUntil." },
    BLOCKED: { description: "Blocked by an administrator as false or discriminatory (虚假招聘、就业歧视)." },
  },
});
registerEnumType(PostingSourceEnum, { name: "PostingSource" });

// The GraphQL enums and the database enums must not drift apart.
for (const [gql, db] of [
  [Education, educationLevel],
  [PostingKind, postingKind],
  [PostingStatusEnum, postingStatus],
  [PostingSourceEnum, postingSource],
] as const) {
  if (Object.values(gql).join() !== db.enumValues.join()) throw new Error(`GraphQL enum out of sync with ${db.enumName}`);
}

@ObjectType({ description: "A job posting (岗位). Public fields only; nothing here is personal data." })
export class JobPosting {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => String, { nullable: true }) occupation!: string | null;
  @Field(() => [String]) skills!: string[];
  @Field(() => [String]) majors!: string[];
  @Field(() => Education) minEducation!: Education;
  @Field() regionCode!: string;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) salaryMin!: number | null;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) salaryMax!: number | null;
  @Field(() => Int) headcount!: number;
  @Field(() => PostingKind) kind!: PostingKind;
  @Field() forKeyGroups!: boolean;
  @Field(() => PostingStatusEnum) status!: PostingStatusEnum;
  @Field() validUntil!: Date;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Field(() => PostingSourceEnum) source!: PostingSourceEnum;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  employerId!: string;
  partnerId!: string | null;
  externalId!: string | null;
  blockedReason!: string | null;
}

/** The codes a service refuses with (errors.ts), as a GraphQL enum for per-item results. */
export enum ItemErrorCode {
  BAD_USER_INPUT = "BAD_USER_INPUT",
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  CONFLICT = "CONFLICT",
  CAPACITY_EXCEEDED = "CAPACITY_EXCEEDED",
  RATE_LIMITED = "RATE_LIMITED",
  SEARCH_UNAVAILABLE = "SEARCH_UNAVAILABLE",
}
registerEnumType(ItemErrorCode, {
  name: "ItemErrorCode",
  description: "Why one item of a batch was refused (the codes of `extensions.code` a service refuses with).",
  valuesConfig: {
    BAD_USER_INPUT: { description: "The item is malformed or does not fit the rules; `field` names the input at fault." },
    UNAUTHENTICATED: { description: "The caller is not signed in." },
    FORBIDDEN: { description: "The caller may not do this to this item." },
    NOT_FOUND: { description: "Something the item refers to does not exist (or is outside the caller's scope)." },
    CONFLICT: { description: "The item clashes with what exists (a duplicate, a state that does not allow it)." },
    CAPACITY_EXCEEDED: { description: "A capacity (a mentor's, a slot's) is full." },
    RATE_LIMITED: { description: "The caller is over a rate limit." },
    SEARCH_UNAVAILABLE: { description: "The search engine did not answer; try again shortly." },
  },
});
const itemCodesInSync: Record<DomainErrorCode, ItemErrorCode> = ItemErrorCode;
void itemCodesInSync;

@ObjectType()
export class PostingItemError {
  @Field(() => ItemErrorCode, { description: "Why the item was refused: the same code a whole request would carry in `extensions.code`." }) code!: DomainErrorCode;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field() message!: string;
}

export enum UpsertOutcome {
  CREATED = "CREATED",
  UPDATED = "UPDATED",
  UNCHANGED = "UNCHANGED",
  REJECTED = "REJECTED",
}
registerEnumType(UpsertOutcome, { name: "UpsertOutcome" });

@ObjectType()
export class PartnerPostingResult {
  @Field(() => Int, { description: "The item's position in the request." }) index!: number;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => UpsertOutcome) outcome!: UpsertOutcome;
  @Field(() => JobPosting, { nullable: true }) posting!: JobPosting | null;
  @Field(() => PostingItemError, { nullable: true }) error!: PostingItemError | null;
}

@ObjectType()
export class PartnerUpsertResult {
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => [PartnerPostingResult]) items!: PartnerPostingResult[];
}
