import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { PageArgs } from "../../graphql/relay.js";
import { LocalDate } from "../../graphql/scalars.js";
import { PostingKind } from "../postings/posting.type.js";
import { WebhookDeliveryStatus, WebhookEvent } from "./webhook.type.js";

@InputType({ description: "Which postings' events an endpoint gets." })
export class WebhookFilterInput {
  @Field(() => Boolean, { nullable: true, description: "Only your own postings (default true); false: also every public posting matching the conditions." }) ownPostingsOnly?: boolean | null;
  @Field(() => String, { nullable: true, description: "Regions under this code prefix (2, 4 or 6 digits); only with ownPostingsOnly false." }) regionPrefix?: string | null;
  @Field(() => [PostingKind], { nullable: true, description: "These kinds only; only with ownPostingsOnly false." }) kinds?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: "Key-group postings (true) or the others (false) only; only with ownPostingsOnly false." }) forKeyGroups?: boolean | null;
}

@InputType({ description: "A webhook endpoint to register." })
export class RegisterWebhookInput {
  @Field({ description: "Where to post: on one of your approved URL prefixes; https:// in production." }) url!: string;
  @Field(() => [WebhookEvent], { description: "The events to get (at least one)." }) events!: string[];
  @Field(() => WebhookFilterInput, { nullable: true, description: "Which postings' events (default: your own only)." }) filter?: WebhookFilterInput | null;
}

@InputType({ description: "Which deliveries to list." })
export class WebhookDeliveryFilter {
  @Field(() => WebhookDeliveryStatus, { nullable: true, description: "Only these (DEAD: the dead-letter list)." }) status?: string | null;
}

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => ID, { description: "The endpoint's id." }) webhookId!: string;
  @Field(() => WebhookDeliveryFilter, { nullable: true, description: "Which deliveries (default all)." }) filter?: WebhookDeliveryFilter | null;
}

@InputType({ description: "A new version of the webhook policy." })
export class WebhookPolicyInput {
  @Field(() => Int, { description: "Attempts before the dead-letter list, 1–100." }) maxAttempts!: number;
  @Field(() => Int, { description: "The first retry's wait in seconds, 1–86400; each next doubles (±10 %)." }) baseBackoffSeconds!: number;
  @Field(() => Int, { description: "The longest wait, baseBackoffSeconds–604800." }) maxBackoffSeconds!: number;
  @Field(() => Int, { description: "Days an endpoint may fail every attempt before it is disabled, 1–365." }) disableAfterDays!: number;
  @Field(() => Int, { description: "Requests in flight to one endpoint at once (all processes), 1–64." }) perEndpointConcurrency!: number;
  @Field(() => Int, { description: "One request's timeout in milliseconds, 100–60000." }) timeoutMs!: number;
  @Field(() => LocalDate, { nullable: true, description: "The first day in force (default today; never in the past)." }) effectiveFrom?: string | null;
}
