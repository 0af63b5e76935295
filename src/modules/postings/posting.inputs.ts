import { ArrayMaxSize, IsDate, IsIn, IsOptional, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
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
  @Field() @CharLength(1, MAX_TITLE) title!: string;
  @Field({ defaultValue: "" }) @MaxLength(MAX_DESCRIPTION) description!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @CharLength(1, 100) occupation?: string | null;
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) skills!: string[];
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) majors!: string[];
  @Field(() => Education, { defaultValue: Education.NONE }) minEducation!: Education;
  @Field({ description: "County code (GB/T 2260) where the work is." }) @IsRegionCode() regionCode!: string;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMin?: number | null;
  @Field(() => Int, { nullable: true, description: "Yuan per month." }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMax?: number | null;
  @Field(() => Int, { defaultValue: 1 }) @Min(1) @Max(MAX_HEADCOUNT) headcount!: number;
  @Field(() => PostingKind, { defaultValue: PostingKind.REGULAR }) kind!: PostingKind;
  @Field({ defaultValue: false, description: "Reserved for key groups (graduates and poverty labourers)." }) forKeyGroups!: boolean;
  @Field({ description: "When the posting stops being open." }) @IsDate() validUntil!: Date;
}

@InputType()
export class CreatePostingInput extends PostingFieldsInput {
  @Field(() => ID, { nullable: true, description: "Required for caseworkers and admins; an employer posts as itself." })
  employerId?: string | null;
}

@InputType({ description: "Only the fields given change." })
export class UpdatePostingInput {
  @Field({ nullable: true }) @IsOptional() @CharLength(1, MAX_TITLE) title?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(MAX_DESCRIPTION) description?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @CharLength(1, 100) occupation?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) skills?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(MAX_TAGS) @CharLength(1, MAX_TAG, { each: true }) majors?: string[];
  @Field(() => Education, { nullable: true }) minEducation?: Education;
  @Field({ nullable: true }) @IsOptional() @IsRegionCode() regionCode?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMin?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(0) @Max(MAX_SALARY) salaryMax?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1) @Max(MAX_HEADCOUNT) headcount?: number;
  @Field(() => PostingKind, { nullable: true }) kind?: PostingKind;
  @Field({ nullable: true }) forKeyGroups?: boolean;
  @Field({ nullable: true }) @IsOptional() @IsDate() validUntil?: Date;
}

@InputType()
export class PostingFilter {
  @Field(() => [PostingStatusEnum], { nullable: true, description: "Default: OPEN only." })
  @IsOptional()
  @ArrayMaxSize(5)
  status?: PostingStatusEnum[];
  @Field({ nullable: true, description: "Region-code prefix: 35 (province), 3501 (prefecture) or a county." })
  @IsOptional()
  @IsRegionPrefix()
  regionCode?: string;
  @Field(() => ID, { nullable: true }) employerId?: string;
  @Field(() => [PostingKind], { nullable: true }) @IsOptional() @ArrayMaxSize(5) kind?: PostingKind[];
  @Field({ nullable: true }) forKeyGroups?: boolean;
  @Field(() => Education, { nullable: true, description: "Postings whose requirement is at most this level." }) educationAtMost?: Education;
  @Field(() => PostingSourceEnum, { nullable: true }) source?: PostingSourceEnum;
}

@InputType({ description: "The employer behind a partner's posting; registered (unverified) on first sight." })
export class PartnerEmployerInput {
  @Field() @CharLength(1, 200) name!: string;
  @Field() @IsCreditCode() creditCode!: string;
  @Field() @IsRegionCode() regionCode!: string;
}

export const PARTNER_POSTING_STATUSES = [PostingStatusEnum.OPEN, PostingStatusEnum.CLOSED] as const;

@InputType()
export class PartnerPostingInput extends PostingFieldsInput {
  @Field({ description: "The partner's own id for the posting: the upsert key." }) @CharLength(1, 100) externalId!: string;
  @Field(() => PartnerEmployerInput) @ValidateNested() employer!: PartnerEmployerInput;
  @Field(() => PostingStatusEnum, { defaultValue: PostingStatusEnum.OPEN, description: "OPEN or CLOSED." })
  @IsIn(PARTNER_POSTING_STATUSES)
  status!: PostingStatusEnum;
}
