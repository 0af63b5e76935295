import { ArrayMaxSize, IsDate, IsIn, IsOptional, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int, registerEnumType } from "type-graphql";
import { CharLength, IsCreditCode, IsRegionCode, IsRegionPrefix } from "../../graphql/validators.js";
import { Education, PostingKind, PostingSourceEnum, PostingStatusEnum } from "./posting.type.js";

// Limits on free text and lists: a posting is a job ad, not a document store.
const MAX_TITLE = 100;
const MAX_DESCRIPTION = 5000;
const MAX_TAGS = 30;
const MAX_TAG = 40;
const MAX_SALARY = 1_000_000;
const MAX_HEADCOUNT = 100_000;

@InputType({ description: "The fields of a posting an employer writes." })
export class PostingFieldsInput {
  @Field({ description: "The job title (1–100 characters)." }) @CharLength(1, MAX_TITLE) title!: string;
  @Field({ defaultValue: "", description: "What the job is (at most 5,000 characters; default empty)." }) @MaxLength(MAX_DESCRIPTION) description!: string;
  @Field(() => String, { nullable: true, description: "The occupation (1–100 characters)." }) @IsOptional() @CharLength(1, 100) occupation?: string | null;
  @Field(() => [String], { defaultValue: [], description: "Skills asked for (at most 30, each 1–40 characters)." }) @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) skills!: string[];
  @Field(() => [String], { defaultValue: [], description: "Majors asked for (at most 30, each 1–40 characters); empty: any." }) @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) majors!: string[];
  @Field(() => Education, { defaultValue: Education.NONE, description: "The least education required (default NONE)." }) minEducation!: Education;
  @Field({ description: "County code (GB/T 2260) where the work is." }) @IsRegionCode() regionCode!: string;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMin?: number | null;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMax?: number | null;
  @Field(() => Int, { defaultValue: 1, description: "How many people it hires (1–100,000; default 1)." }) @Min(1) @Max(MAX_HEADCOUNT) headcount!: number;
  @Field(() => PostingKind, { defaultValue: PostingKind.REGULAR, description: "What kind of post it is (default REGULAR)." }) kind!: PostingKind;
  @Field({ defaultValue: false, description: "Reserved for key groups (graduates and poverty labourers)." }) forKeyGroups!: boolean;
  @Field({ description: "When the posting stops being open." }) @IsDate() validUntil!: Date;
}

@InputType({ description: "A new posting (DRAFT)." })
export class CreatePostingInput extends PostingFieldsInput {
  @Field(() => ID, { nullable: true, description: "Required for caseworkers and admins; an employer posts as itself." })
  employerId?: string | null;
}

@InputType({ description: "Only the fields given change." })
export class UpdatePostingInput {
  @Field({ nullable: true, description: "The job title (1–100 characters)." }) @IsOptional() @CharLength(1, MAX_TITLE) title?: string;
  @Field({ nullable: true, description: "What the job is (at most 5,000 characters)." }) @IsOptional() @MaxLength(MAX_DESCRIPTION) description?: string;
  @Field(() => String, { nullable: true, description: "The occupation (1–100 characters); null clears it." }) @IsOptional() @CharLength(1, 100) occupation?: string | null;
  @Field(() => [String], { nullable: true, description: "Skills asked for (at most 30, each 1–40 characters)." }) @IsOptional() @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) skills?: string[];
  @Field(() => [String], { nullable: true, description: "Majors asked for (at most 30, each 1–40 characters)." }) @IsOptional() @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) majors?: string[];
  @Field(() => Education, { nullable: true, description: "The least education required." }) minEducation?: Education;
  @Field({ nullable: true, description: "County code (GB/T 2260) where the work is." }) @IsOptional() @IsRegionCode() regionCode?: string;
  @Field(() => Int, { nullable: true, description: "Yuan per month (0–1,000,000); null clears it." }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMin?: number | null;
  @Field(() => Int, { nullable: true, description: "Yuan per month (0–1,000,000, not below salaryMin); null clears it." }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMax?: number | null;
  @Field(() => Int, { nullable: true, description: "How many people it hires (1–100,000)." }) @IsOptional() @Min(1) @Max(MAX_HEADCOUNT) headcount?: number;
  @Field(() => PostingKind, { nullable: true, description: "What kind of post it is." }) kind?: PostingKind;
  @Field({ nullable: true, description: "Reserved for key groups (graduates and poverty labourers)." }) forKeyGroups?: boolean;
  @Field({ nullable: true, description: "When the posting stops being open." }) @IsOptional() @IsDate() validUntil?: Date;
}

@InputType({ description: "Which postings to list." })
export class PostingFilter {
  @Field(() => [PostingStatusEnum], { nullable: true, description: "Default: OPEN only." })
  @IsOptional()
  @ArrayMaxSize(5)
  status?: PostingStatusEnum[];
  @Field({ nullable: true, description: "Region-code prefix: 35 (province), 3501 (prefecture) or a county." })
  @IsOptional()
  @IsRegionPrefix()
  regionCode?: string;
  @Field(() => ID, { nullable: true, description: "Only this employer's postings." }) employerId?: string;
  @Field(() => [PostingKind], { nullable: true, description: "Only these kinds." }) @IsOptional() @ArrayMaxSize(5) kind?: PostingKind[];
  @Field({ nullable: true, description: "Only postings reserved (true) or not reserved (false) for key groups." }) forKeyGroups?: boolean;
  @Field(() => Education, { nullable: true, description: "Postings whose requirement is at most this level." }) educationAtMost?: Education;
  @Field(() => PostingSourceEnum, { nullable: true, description: "Only postings from this source." }) source?: PostingSourceEnum;
  @Field(() => Date, { nullable: true, description: "Only postings changed at or after this instant (a partner's resync: with status [OPEN, CLOSED, EXPIRED] and sort UPDATED)." })
  @IsOptional()
  @IsDate()
  updatedSince?: Date;
}

export enum PostingSort {
  NEWEST = "NEWEST",
  UPDATED = "UPDATED",
}
registerEnumType(PostingSort, {
  name: "PostingSort",
  description: "The order of `postings`.",
  valuesConfig: {
    NEWEST: { description: "Newest first (by creation)." },
    UPDATED: { description: "By the last change, oldest change first: a sync reads to the end and keeps the last `updatedAt`." },
  },
});

@InputType({ description: "The employer behind a partner's posting; registered (unverified) on first sight." })
export class PartnerEmployerInput {
  @Field({ description: "The employer's registered name (1–200 characters)." }) @CharLength(1, 200) name!: string;
  @Field({ description: "Its unified social credit code (统一社会信用代码, 18 characters, check character verified, GB 32100)." }) @IsCreditCode() creditCode!: string;
  @Field({ description: "The county (GB/T 2260, 6 digits) where it is registered." }) @IsRegionCode() regionCode!: string;
}

export const PARTNER_POSTING_STATUSES = [PostingStatusEnum.OPEN, PostingStatusEnum.CLOSED] as const;

@InputType({ description: "A posting pushed by a partner site; created or updated by (partner, externalId)." })
export class PartnerPostingInput extends PostingFieldsInput {
  @Field({ description: "The partner's own id for the posting: the upsert key." }) @CharLength(1, 100) externalId!: string;
  @Field(() => PartnerEmployerInput, { description: "The employer offering the job." }) @ValidateNested() employer!: PartnerEmployerInput;
  @Field(() => PostingStatusEnum, { defaultValue: PostingStatusEnum.OPEN, description: "OPEN or CLOSED." })
  @IsIn(PARTNER_POSTING_STATUSES)
  status!: PostingStatusEnum;
}
