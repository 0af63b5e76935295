import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { educationLevel, postingKind, postingSource, postingStatus } from "./posting.table.js";
import { Node } from "../../graphql/node-interface.js";

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

@ObjectType({
  implements: Node, description: "A job posting (岗位). Public fields only; nothing here is personal data." })
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

@ObjectType()
export class PostingItemError {
  @Field() code!: string;
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
