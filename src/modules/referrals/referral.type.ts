import { Campaign } from "../categories/campaign.type.js";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";
import { PopulationEnum } from "../categories/category.inputs.js";
import { Person } from "../people/person.type.js";
import { Education, PostingItemError } from "../postings/posting.type.js";
import { connectionType } from "../../graphql/relay.js";
import type { KeysetPage } from "../../pagination.js";
import type { ReferralSource as Source, ReferralStatus as Status } from "./referral.table.js";

export enum ReferralStatus {
  RECOMMENDED = "RECOMMENDED",
  VIEWED = "VIEWED",
  APPLIED = "APPLIED",
  INTERVIEWED = "INTERVIEWED",
  OFFERED = "OFFERED",
  HIRED = "HIRED",
  DECLINED = "DECLINED",
  WITHDRAWN = "WITHDRAWN",
  POSTING_CLOSED = "POSTING_CLOSED",
}
registerEnumType(ReferralStatus, {
  name: "ReferralStatus",
  description: "RECOMMENDED → VIEWED → APPLIED → INTERVIEWED → OFFERED → HIRED, or DECLINED / WITHDRAWN / POSTING_CLOSED (these four end it).",
  valuesConfig: {
    RECOMMENDED: { description: "Recommended to the person." },
    VIEWED: { description: "The person has seen it." },
    APPLIED: { description: "The person applied." },
    INTERVIEWED: { description: "The employer interviewed them." },
    OFFERED: { description: "The employer offered them the job." },
    HIRED: { description: "The employer hired them (their employment is recorded)." },
    DECLINED: { description: "The person or the employer said no (ends it)." },
    WITHDRAWN: { description: "Taken back by whoever recommended it (ends it; it no longer counts toward a minimum)." },
    POSTING_CLOSED: { description: "The posting closed while the referral was still open (ends it)." },
  },
});

export enum ReferralSource {
  SYSTEM = "SYSTEM",
  CASEWORKER = "CASEWORKER",
  MENTOR = "MENTOR",
  JOB_FAIR = "JOB_FAIR",
  PARTNER = "PARTNER",
  SELF = "SELF",
}
registerEnumType(ReferralSource, {
  name: "ReferralSource",
  description: "Who made a referral — or SELF, the person's own application.",
  valuesConfig: {
    SYSTEM: { description: "A campaign run (fulfilReferralMinimums)." },
    CASEWORKER: { description: "A caseworker or administrator (recommendPostings)." },
    MENTOR: { description: "The person's 红娘 mentor." },
    JOB_FAIR: { description: "An outcome recorded at a job fair." },
    PARTNER: { description: "A partner site." },
    SELF: { description: "The person applied on their own (applyToPosting), not recommended: it never counts toward a referral minimum." },
  },
});

@ObjectType({ description: "A step of a referral: from what to what, when, by whom." })
export class ReferralEvent {
  @Field(() => ReferralStatus, { nullable: true, description: "Null for the referral's creation (and for a posting's closing, which moves many at once)." }) fromStatus!: Status | null;
  @Field(() => ReferralStatus, { description: "The status it moved to." }) toStatus!: Status;
  @Field({ description: "When." }) at!: Date;
  @Field({ description: "Who moved it (`role:user id`, `partner:id`, or `system:…`: a campaign run, a posting's expiry)." }) by!: string;
  @Field(() => String, { nullable: true, description: "A note with the step, if any." }) note!: string | null;
}

@ObjectType({ description: "What an employer sees of a referred person: no ID number, phone, poverty status or categories." })
export class ReferralCandidate {
  @Field({ description: "Their name." }) name!: string;
  @Field(() => Education, { nullable: true, description: "Their highest education." }) degreeLevel!: string | null;
  @Field(() => String, { nullable: true, description: "Their major." }) major!: string | null;
}

@ObjectType({ description: "A posting recommended to a person (就业推荐), and where it has got to." })
export class Referral {
  @Field(() => ID, { description: "The referral's id." }) id!: string;
  @Field(() => ReferralStatus, { description: "Where it has got to." }) status!: Status;
  @Field({ description: "When the status last changed." }) statusAt!: Date;
  @Field(() => ReferralSource, { nullable: true, description: "Null for employers (a campaign's SYSTEM referral would tell them the person is in a target category)." }) source!: Source | null;
  @Field(() => String, { nullable: true, description: "Who made it (role:id, or partner:id). Null for employers." }) madeBy!: string | null;
  @Field({ description: "When it was made." }) madeAt!: Date;
  @Field(() => Boolean, { nullable: true, description: "The posting was open and within the person's hard constraints when recommended: only such referrals count toward the minimum. Null for employers." }) fitted!: boolean | null;
  @Field(() => String, { nullable: true, description: "Free text from caseworkers: null for employers." }) note!: string | null;
}

@ObjectType({ description: "One posting's outcome in recommendPostings." })
export class RecommendResult {
  @Field(() => Int, { description: "The posting's position in the request." }) index!: number;
  @Field({ description: "The posting's id as sent (lower-cased once it is recorded)." }) postingId!: string;
  @Field(() => Referral, { nullable: true, description: "The referral recorded (null when refused)." }) referral!: Referral | null;
  @Field(() => PostingItemError, { nullable: true, description: "NOT_FOUND, BAD_USER_INPUT (with the reason it does not fit) or CONFLICT (already referred)." }) error!: PostingItemError | null;
}

@ObjectType({ description: "A person's referral minimum in one campaign and how far they are from it." })
export class ReferralProgress {
  @Field(() => ID, { description: "The campaign's id." }) campaignId!: string;
  @Field(() => Campaign, { description: "The campaign." }) campaign!: unknown;
  @Field(() => Int, { description: "The strictest minimum of the person's categories (0 when in none)." }) required!: number;
  @Field(() => Int, { description: "Referrals that count: fitted when made, not withdrawn, inside the campaign window; each posting once." }) counted!: number;
  @Field(() => Int, { description: "Referrals still needed: required − counted, never below 0." }) remaining!: number;
  @Field({ description: "Whether the minimum is met (remaining is 0)." }) met!: boolean;
  @Field(() => LocalDate, { nullable: true, description: "The campaign's last day (its endsOn, a Fujian day)." }) deadline!: string | null;
}

@InputType({ description: "Narrows referralCompliance to some of the people within your scope; every field given must hold." })
export class ReferralComplianceFilter {
  @Field(() => String, { nullable: true, description: "Region-code prefix (35, 3501, 350102), by 户籍 or 生源地." }) regionCode?: string | null;
  @Field(() => ID, { nullable: true, description: "Graduates of this institution." }) institutionId?: string | null;
  @Field(() => String, { nullable: true, description: "People in this category (their minimum is still their strictest)." }) categoryCode?: string | null;
  @Field(() => PopulationEnum, { nullable: true, description: "People of this population (by their categories)." }) population?: PopulationEnum | null;
}

@ObjectType({ description: "A person still below their referral minimum." })
export class BelowMinimum {
  /** The person's id (the pages' key); not a field of its own: `person { id }`. */
  id!: string;
  @Field(() => Person, { description: "The person (within your scope)." }) person!: unknown;
  @Field(() => Int, { description: "Their minimum in the campaign: postings to be recommended (the strictest of their categories)." }) required!: number;
  @Field(() => Int, { description: "Recommendations that count toward it so far (fitted, not withdrawn, inside the campaign's window)." }) counted!: number;
  @Field(() => Int, { description: "What they lack." }) remaining!: number;
  @Field(() => String, { nullable: true, description: "Why the last campaign run could not bring them to it (nothing fits …)." }) lastRunReason!: string | null;
}

@ObjectType({ description: "Who has a referral minimum, who meets it, and who is still below it." })
export class ReferralCompliance {
  @Field(() => Campaign, { description: "The campaign whose minimums these are." }) campaign!: unknown;
  @Field(() => Int, { description: "People with a minimum." }) total!: number;
  @Field(() => Int, { description: "Of them, those who have reached their minimum." }) atMinimum!: number;
  @Field(() => Int, { description: "Of them, those still below it (`belowPeople` lists them)." }) belowMinimum!: number;
  /** A page of the people below (see referral-compliance.ts), for the fields that list them. */
  belowPage!: (page: KeysetPage) => Promise<BelowMinimum[]>;
  /** The deprecated `below`/`nextCursor` page: referralCompliance's own `first` and `after`. */
  legacyPage!: { first: number; after: string | null };
  legacyRows?: Promise<BelowMinimum[]>;
}

/** The people still below, a Relay connection: `ReferralCompliance.belowPeople`. */
export const BelowMinimumConnection = connectionType("BelowMinimum", BelowMinimum);
