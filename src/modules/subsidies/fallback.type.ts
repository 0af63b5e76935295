import { Field, ID, Int, ObjectType } from "type-graphql";
import { LocalDate } from "../../graphql/scalars.js";

@ObjectType({ description: "A person the fallback may place (托底安置): their public-welfare posts are `postings`." })
export class FallbackCandidate {
  @Field(() => ID, { description: "The person's id." }) personId!: string;
}

@ObjectType({ description: "Who the fallback may place in a campaign, from the day the fallback policy sets (its last month)." })
export class FallbackCandidates {
  @Field(() => ID, { description: "The campaign." }) campaignId!: string;
  @Field(() => LocalDate, { description: "The first day of the fallback (the campaign's last day less the policy's days)." }) opensOn!: string;
  @Field({ description: "Whether the fallback is open today (before `opensOn`, or once the campaign has closed, nobody is listed)." }) open!: boolean;
  @Field(() => [FallbackCandidate], { description: "Still out of work, from registered-poverty households, in the campaign and your scope; in id order." }) candidates!: FallbackCandidate[];
  @Field({ description: "Whether more candidates follow: ask again with `after: endCursor`." }) hasNextPage!: boolean;
  @Field(() => ID, { nullable: true, description: "The last candidate's person id (the cursor for `after`); null when none is listed." }) endCursor!: string | null;
}

@ObjectType({ description: "A fallback placement in a public-welfare post." })
export class FallbackPlacement {
  @Field(() => ID, { description: "The placement's id." }) id!: string;
  @Field(() => ID, { description: "The person placed." }) personId!: string;
  @Field(() => ID, { description: "The public-welfare post." }) postingId!: string;
  @Field(() => ID, { nullable: true, description: "The campaign it was made in, if named." }) campaignId!: string | null;
  @Field({ description: "When." }) placedAt!: Date;
  @Field({ description: "By whom." }) placedBy!: string;
}

@ObjectType({ description: "The fallback policy (versioned by date): when people still out of work become fallback candidates." })
export class FallbackPolicy {
  @Field(() => Int, { description: "The version." }) version!: number;
  @Field(() => Int, { description: "Days before a campaign's last day (30: its last month)." }) daysBeforeCampaignEnd!: number;
  @Field(() => LocalDate, { description: "The first day it is in force." }) effectiveFrom!: string;
  @Field({ description: "Who set it." }) createdBy!: string;
}
