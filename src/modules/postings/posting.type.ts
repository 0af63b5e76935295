import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { educationLevel, postingKind, postingSource, postingStatus } from "./posting.table.js";
import { Node } from "../../graphql/node-interface.js";
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
  PENDING_REVIEW = "PENDING_REVIEW",
}
export enum PostingSourceEnum {
  EMPLOYER = "EMPLOYER",
  PARTNER = "PARTNER",
}
registerEnumType(Education, {
  name: "Education",
  description: "Ordered: NONE < JUNIOR_HIGH < HIGH_SCHOOL (高中/中专/中技) < ASSOCIATE (大专) < BACHELOR < MASTER < DOCTORATE.",
  valuesConfig: {
    NONE: { description: "No requirement." },
    JUNIOR_HIGH: { description: "Junior high school (初中)." },
    HIGH_SCHOOL: { description: "Senior high school, secondary vocational or technical school (高中/中专/中技)." },
    ASSOCIATE: { description: "Associate degree (大专)." },
    BACHELOR: { description: "Bachelor's degree (本科)." },
    MASTER: { description: "Master's degree (硕士)." },
    DOCTORATE: { description: "Doctorate (博士)." },
  },
});
registerEnumType(PostingKind, {
  name: "PostingKind",
  valuesConfig: {
    TRAINEESHIP: { description: "见习" },
    GRASSROOTS: { description: "基层" },
    PUBLIC_WELFARE: { description: "公益性岗位 — for poverty labourers the market cannot place" },
    HOUSEHOLD_SERVICE: { description: "家庭服务" }, REGULAR: { description: "An ordinary job." },
  }, description: "The kind of post (employment-assistance programmes have their own kinds).",
});
registerEnumType(PostingStatusEnum, {
  name: "PostingStatus",
  description: "Where a posting is: DRAFT → OPEN → CLOSED or EXPIRED; BLOCKED by an administrator; PENDING_REVIEW held until an official releases it.",
  valuesConfig: {
    EXPIRED: { description: "Was OPEN and passed validUntil." },
    BLOCKED: { description: "Blocked by an administrator as false or discriminatory (虚假招聘、就业歧视)." },
    DRAFT: { description: "Not yet published; seen only by those who manage it." },
    OPEN: { description: "Published and taking applications until validUntil." },
    CLOSED: { description: "Closed by its employer, an official or its partner site." },
    PENDING_REVIEW: { description: "Held before the public sees it (a partner's posting for an employer not linked to it, or words a HIGH screening rule holds): seen only by those who manage it, not searchable, not in the change feed." },
  },
});
registerEnumType(PostingSourceEnum, {
  name: "PostingSource",
  description: "Where a posting came from.",
  valuesConfig: {
    EMPLOYER: { description: "Written here, by its employer or an official for it." },
    PARTNER: { description: "Pushed by a partner site (upsertPartnerPostings)." },
  },
});

// The GraphQL enums and the database enums must not drift apart.
for (const [gql, db] of [
  [Education, educationLevel],
  [PostingKind, postingKind],
  [PostingStatusEnum, postingStatus],
  [PostingSourceEnum, postingSource],
] as const) {
  if (Object.values(gql).join() !== db.enumValues.join()) throw new Error(`GraphQL enum out of sync with ${db.enumName}`);
}

// simpleResolvers: its fields without a resolver are read as graphql-js reads any property (no per-field wrapper: a page reads 100 of them).
@ObjectType({ implements: Node, simpleResolvers: true, description: "A job posting (岗位). Public fields only; nothing here is personal data." })
export class JobPosting {
  @Field(() => ID, { description: "The posting's id." }) id!: string;
  @Field({ description: "The job title (1–100 characters)." }) title!: string;
  @Field({ description: "What the job is, as the employer wrote it (at most 5,000 characters; may be empty)." }) description!: string;
  @Field(() => String, { nullable: true, description: "The occupation, in the employer's words." }) occupation!: string | null;
  @Field(() => [String], { description: "Skills asked for (at most 30)." }) skills!: string[];
  @Field(() => [String], { description: "Majors asked for (at most 30); empty: any." }) majors!: string[];
  @Field(() => Education, { description: "The least education required." }) minEducation!: Education;
  @Field({ description: "The county (GB/T 2260, 6 digits) where the work is." }) regionCode!: string;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) salaryMin!: number | null;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) salaryMax!: number | null;
  @Field(() => Int, { description: "How many people it hires." }) headcount!: number;
  @Field(() => PostingKind, { description: "What kind of post it is." }) kind!: PostingKind;
  @Field({ description: "Reserved for key groups (graduates and poverty labourers)." }) forKeyGroups!: boolean;
  @Field(() => PostingStatusEnum, { description: "Where it is in its lifecycle (an OPEN posting past validUntil reads as EXPIRED)." }) status!: PostingStatusEnum;
  @Field({ description: "When it stops being open." }) validUntil!: Date;
  @Field(() => Date, { nullable: true, description: "When it was last published (null if never)." }) publishedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was last closed or blocked (null while open or never closed)." }) closedAt!: Date | null;
  @Field(() => PostingSourceEnum, { description: "Who wrote it: an employer (or an official for it) or a partner site." }) source!: PostingSourceEnum;
  @Field({ description: "When it was created." }) createdAt!: Date;
  @Field({ description: "When it last changed." }) updatedAt!: Date;
  employerId!: string;
  partnerId!: string | null;
  externalId!: string | null;
  blockedReason!: string | null;
  heldByScreening!: boolean;
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
  RESYNC_REQUIRED = "RESYNC_REQUIRED",
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
    RESYNC_REQUIRED: { description: "A change-feed cursor older than the log's retention: copy the postings again, then follow the feed from a new start." },
  },
});
const itemCodesInSync: Record<DomainErrorCode, ItemErrorCode> = ItemErrorCode;
void itemCodesInSync;

@ObjectType({ description: "Why one item of a batch was refused." })
export class PostingItemError {
  @Field(() => ItemErrorCode, { description: "Why the item was refused: the same code a whole request would carry in `extensions.code`." }) code!: DomainErrorCode;
  @Field(() => String, { nullable: true, description: "The input at fault, as a path (`postings.3.regionCode`), when one is." }) field!: string | null;
  @Field({ description: "What is wrong, for people to read." }) message!: string;
}

export enum UpsertOutcome {
  CREATED = "CREATED",
  UPDATED = "UPDATED",
  UNCHANGED = "UNCHANGED",
  REJECTED = "REJECTED",
}
registerEnumType(UpsertOutcome, {
  name: "UpsertOutcome",
  description: "What a push did to one posting.",
  valuesConfig: {
    CREATED: { description: "A new posting was stored." },
    UPDATED: { description: "The partner's posting with this externalId was changed." },
    UNCHANGED: { description: "The posting already read so; nothing was written." },
    REJECTED: { description: "The item was refused; nothing was written for it." },
  },
});

export enum PostingHoldReason {
  UNLINKED_EMPLOYER = "UNLINKED_EMPLOYER",
  SCREENING = "SCREENING",
}
registerEnumType(PostingHoldReason, {
  name: "PostingHoldReason",
  description: "Why a pushed posting is held PENDING_REVIEW instead of public.",
  valuesConfig: {
    UNLINKED_EMPLOYER: { description: "The employer is not ACTIVE-linked to the partner site: released when it is (requestEmployerLink, then the employer accepts; or a caseworker links them), or when an official approves it." },
    SCREENING: { description: "A HIGH screening rule hit its words (the message names the rules; `posting.screening` gives the spans): released only when an official reviews it (reviewPosting) — editing the words away does not release it. Reported before UNLINKED_EMPLOYER when both hold it." },
  },
});

@ObjectType({ description: "Why a pushed posting is held PENDING_REVIEW (not public, not searchable, not in the change feed)." })
export class PostingHold {
  @Field(() => PostingHoldReason, { description: "Why it is held." }) reason!: PostingHoldReason;
  @Field({ description: "What it means and how it is released, for people to read." }) message!: string;
}

@ObjectType({ description: "What became of one pushed item." })
export class PartnerPostingResult {
  @Field(() => Int, { description: "The item's position in the request." }) index!: number;
  @Field(() => String, { nullable: true, description: "The item's externalId as sent (null if it had none)." }) externalId!: string | null;
  @Field(() => UpsertOutcome, { description: "What happened to it." }) outcome!: UpsertOutcome;
  @Field(() => JobPosting, { nullable: true, description: "The posting as stored (null when REJECTED)." }) posting!: JobPosting | null;
  @Field(() => PostingItemError, { nullable: true, description: "Why it was refused (null unless REJECTED)." }) error!: PostingItemError | null;
  @Field(() => PostingHold, { nullable: true, description: "Why the posting is held PENDING_REVIEW instead of public (null when it is not held): the outcome still says CREATED or UPDATED." }) held!: PostingHold | null;
}

@ObjectType({ description: "What a batch push did: counts by outcome, and one result per item in the order sent." })
export class PartnerUpsertResult {
  @Field(() => Int, { description: "Items that created a posting." }) created!: number;
  @Field(() => Int, { description: "Items that changed a posting." }) updated!: number;
  @Field(() => Int, { description: "Items equal to the posting as stored." }) unchanged!: number;
  @Field(() => Int, { description: "Items refused (see their error)." }) rejected!: number;
  @Field(() => [PartnerPostingResult], { description: "One result per item, in the order sent." }) items!: PartnerPostingResult[];
}
