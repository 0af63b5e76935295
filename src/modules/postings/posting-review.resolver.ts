import { IsOptional, MaxLength } from "class-validator";
import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Mutation, Query, registerEnumType, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { PageArgs } from "../../graphql/relay.js";
import { IsRegionPrefix } from "../../graphql/validators.js";
import { ScreeningSeverity } from "../screening/screening.type.js";
import { ReviewDecision, reviewPosting, reviewQueue, ReviewState } from "./posting-review.service.js";
import { PostingConnection } from "./posting.resolver.js";
import { JobPosting, PostingSourceEnum } from "./posting.type.js";

registerEnumType(ReviewDecision, {
  name: "ReviewDecision",
  description: "An official's decision on a posting held by screening.",
  valuesConfig: {
    APPROVE: { description: "The words may stand: its hits are approved and it is released (OPEN) unless its partner's link still holds it." },
    BLOCK: { description: "Withdrawn as false or discriminatory (BLOCKED, with the reason)." },
  },
});
registerEnumType(ReviewState, {
  name: "ReviewState",
  description: "Which postings the review queue lists.",
  valuesConfig: {
    HELD: { description: "Held PENDING_REVIEW by a HIGH screening rule, waiting for a decision (reviewPosting)." },
    FLAGGED: { description: "OPEN postings with a LOW rule's hit no official approved (public, flagged for a look)." },
  },
});

@InputType({ description: "Narrow the review queue." })
export class ReviewQueueFilterInput {
  @Field(() => ReviewState, { nullable: true, defaultValue: ReviewState.HELD, description: "HELD (default) or FLAGGED." }) @IsOptional() state?: ReviewState | null;
  @Field(() => String, { nullable: true, description: "Region-code prefix (a caseworker's must lie within their region)." }) @IsOptional() @IsRegionPrefix() regionCode?: string | null;
  @Field(() => String, { nullable: true, description: "Only postings with a hit of this rule." }) @IsOptional() @MaxLength(40) ruleCode?: string | null;
  @Field(() => ScreeningSeverity, { nullable: true, description: "Only postings with a hit of this severity." }) @IsOptional() severity?: ScreeningSeverity | null;
  @Field(() => PostingSourceEnum, { nullable: true, description: "Only postings from this source." }) @IsOptional() source?: PostingSourceEnum | null;
}

@Resolver(() => JobPosting)
export class PostingReviewResolver {
  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Query(() => PostingConnection, {
    description: "Postings waiting for an official's look (newest first): held by screening (HELD), or public with a LOW flag (FLAGGED). A caseworker's region only; `screening` on each says why.",
  })
  reviewQueue(
    @Arg("filter", () => ReviewQueueFilterInput, { nullable: true, description: "Narrow the queue (default: HELD, the caller's whole scope)." }) filter: ReviewQueueFilterInput | null,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return reviewQueue(ctx.db, ctx.viewer, filter, page);
  }

  @Authorized(Role.CASEWORKER, Role.ADMIN)
  @Mutation(() => JobPosting, {
    description:
      "Decide on a posting held by screening (a caseworker whose region holds it, or an administrator; audited): APPROVE releases it (its words approved: only new words hold it again) unless its partner's link still holds it; BLOCK withdraws it with the reason. Outside the caller's region: FORBIDDEN; not held by screening: CONFLICT.",
  })
  reviewPosting(
    @Arg("id", () => ID, { description: "The posting's id." }) id: string,
    @Arg("decision", () => ReviewDecision, { description: "APPROVE or BLOCK." }) decision: ReviewDecision,
    @Arg("reason", () => String, { nullable: true, description: "Why (required to BLOCK, 1–500 characters; shown to those who manage the posting)." }) reason: string | null,
    @Ctx() ctx: Context,
  ) {
    return reviewPosting(ctx.db, ctx.viewer, id, decision, reason);
  }
}
