import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PostingKind } from "../postings/posting.type.js";
import type { WebhookUrlApprovalRow } from "./webhook.repository.js";
import type { WebhookDeliveryRow, WebhookRow } from "./webhook.table.js";

export enum WebhookEvent {
  POSTING_CREATED = "POSTING_CREATED",
  POSTING_UPDATED = "POSTING_UPDATED",
  POSTING_CLOSED = "POSTING_CLOSED",
  POSTING_EXPIRED = "POSTING_EXPIRED",
  POSTING_REMOVED = "POSTING_REMOVED",
  APPLICATION_CREATED = "APPLICATION_CREATED",
  APPLICATION_STATUS_CHANGED = "APPLICATION_STATUS_CHANGED",
}
registerEnumType(WebhookEvent, {
  name: "WebhookEvent",
  description: "What a webhook can be told of (the body's `type` is the lower-case dotted form: posting.created …).",
  valuesConfig: {
    POSTING_CREATED: { description: "A posting became public (OPEN, CLOSED or EXPIRED)." },
    POSTING_UPDATED: { description: "A public posting's public fields changed (`changedFields` names them)." },
    POSTING_CLOSED: { description: "A public posting was closed." },
    POSTING_EXPIRED: { description: "A public posting expired." },
    POSTING_REMOVED: { description: "A posting is no longer public (blocked, held for review, withdrawn): its id only." },
    APPLICATION_CREATED: { description: "An application the partner made for a seeker was recorded: its own status only, never the person." },
    APPLICATION_STATUS_CHANGED: { description: "An application the partner made moved to another status." },
  },
});

export enum WebhookStatus {
  ACTIVE = "ACTIVE",
  DISABLED = "DISABLED",
}
registerEnumType(WebhookStatus, {
  name: "WebhookStatus",
  description: "Whether an endpoint is being sent to.",
  valuesConfig: {
    ACTIVE: { description: "Events are queued for it and sent." },
    DISABLED: { description: "Turned off (by its partner or an administrator, when its URL approval was revoked, or after failing for the policy's days: `disabledReason`): nothing new is queued; what is PENDING waits for it to be enabled again." },
  },
});

export enum WebhookDeliveryStatus {
  PENDING = "PENDING",
  SENDING = "SENDING",
  DELIVERED = "DELIVERED",
  DEAD = "DEAD",
}
registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  description: "Where one event's delivery to one endpoint stands.",
  valuesConfig: {
    PENDING: { description: "Queued: for its first attempt, or a retry after a backoff (`nextAttemptAt`)." },
    SENDING: { description: "Being posted now." },
    DELIVERED: { description: "The endpoint answered 2xx." },
    DEAD: { description: "Every attempt the policy allows failed: the dead-letter list (redeliverWebhook queues it again)." },
  },
});

@ObjectType({ description: "A URL prefix an administrator approved for a partner's webhooks (origin and path)." })
export class WebhookUrlApproval {
  @Field(() => ID, { description: "The approval's id." }) id!: string;
  @Field(() => ID, { description: "The partner it is for." }) partnerId!: string;
  @Field({ description: "The prefix: an endpoint's URL must be it or lie under it (same origin, path at or below)." }) urlPrefix!: string;
  @Field({ description: "Who approved it (`role:user id`)." }) approvedBy!: string;
  @Field({ description: "When." }) approvedAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was revoked; null while live." }) revokedAt!: Date | null;
}

@ObjectType({ description: "Which postings' events an endpoint gets: its partner's own, or also those matching the conditions." })
export class WebhookFilter {
  @Field({ description: "Only the partner's own postings (true), or also every public posting matching the conditions below." }) ownPostingsOnly!: boolean;
  @Field(() => String, { nullable: true, description: "Postings in regions under this code prefix (2, 4 or 6 digits); null: anywhere." }) regionPrefix!: string | null;
  @Field(() => [PostingKind], { nullable: true, description: "Postings of these kinds; null: every kind." }) kinds!: string[] | null;
  @Field(() => Boolean, { nullable: true, description: "Postings for key groups (true), or not (false); null: either." }) forKeyGroups!: boolean | null;
}

@ObjectType({ description: "A partner's webhook endpoint." })
export class Webhook {
  @Field(() => ID, { description: "The endpoint's id." }) id!: string;
  @Field(() => ID, { description: "The partner it belongs to." }) partnerId!: string;
  @Field({ description: "Where deliveries are posted." }) url!: string;
  @Field(() => [WebhookEvent], { description: "The events it gets." }) events!: string[];
  @Field(() => WebhookFilter, { description: "Which postings' events it gets." }) filter!: WebhookFilter;
  @Field(() => WebhookStatus, { description: "Whether it is being sent to." }) status!: string;
  @Field(() => Date, { nullable: true, description: "Since when every attempt has failed; null after a success." }) failingSince!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was disabled." }) disabledAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Why, as `CODE: detail`: BY_PARTNER; BY_ADMIN (only an administrator enables it again); APPROVAL_REVOKED (its URL is on no live approved prefix); FAILING (for longer than the policy's days)." }) disabledReason!: string | null;
  @Field({ description: "When it was registered." }) createdAt!: Date;
}

export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    partnerId: row.partnerId,
    url: row.url,
    events: row.events,
    filter: { ownPostingsOnly: row.ownPostingsOnly, regionPrefix: row.filterRegionPrefix, kinds: row.filterKinds, forKeyGroups: row.filterForKeyGroups },
    status: row.status,
    failingSince: row.failingSince,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
  };
}

@ObjectType({ description: "A webhook with its signing secret: shown this once, never again (rotateWebhookSecret makes a new one)." })
export class WebhookWithSecret {
  @Field(() => Webhook, { description: "The endpoint." }) webhook!: Webhook;
  @Field({ description: "The Standard Webhooks signing secret (`whsec_…`): verify every delivery with it." }) secret!: string;
}

@ObjectType({ description: "One event's delivery to one endpoint (the outbox row)." })
export class WebhookDelivery {
  @Field(() => ID, { description: "The delivery's id: the `webhook-id` header, the same on every attempt (deduplicate on it)." }) id!: string;
  @Field(() => ID, { description: "The endpoint." }) webhookId!: string;
  @Field(() => WebhookEvent, { description: "The event." }) eventType!: string;
  @Field({ description: "The body posted, as JSON text ({type, timestamp, data}); fixed when the event happened." }) payload!: string;
  @Field(() => WebhookDeliveryStatus, { description: "Where it stands." }) status!: string;
  @Field(() => Int, { description: "Attempts made (since it was last queued)." }) attempts!: number;
  @Field({ description: "When it is next tried (PENDING)." }) nextAttemptAt!: Date;
  @Field(() => Int, { nullable: true, description: "The HTTP status of the last answer, if one came." }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true, description: "Why the last attempt failed (a short snippet of the answer at most)." }) lastError!: string | null;
  @Field({ description: "When the event was queued." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When the endpoint took it." }) deliveredAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it went to the dead-letter list." }) deadAt!: Date | null;
}

export function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return { ...row, payload: typeof row.payload === "string" ? row.payload : JSON.stringify(row.payload) };
}

export const toApproval = (row: WebhookUrlApprovalRow): WebhookUrlApproval => row;
