import { Arg, Args, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType } from "../../graphql/relay.js";
import { LocalDate } from "../../graphql/scalars.js";
import { keysetOf } from "../../pagination.js";
import { setWebhookPolicy, webhookPolicyOn } from "./webhook-policy.service.js";
import { RegisterWebhookInput, WebhookDeliveriesArgs, WebhookPolicyInput } from "./webhook.inputs.js";
import {
  approveWebhookUrl,
  disableWebhook,
  enableWebhook,
  redeliverWebhook,
  registerWebhook,
  revokeWebhookUrlApproval,
  rotateWebhookSecret,
  webhookDeliveries,
  webhooksOf,
  webhookUrlApprovals,
} from "./webhook.service.js";
import { toApproval, toDelivery, toWebhook, Webhook, WebhookDelivery, WebhookUrlApproval, WebhookWithSecret } from "./webhook.type.js";

const WebhookDeliveryConnection = connectionType("WebhookDelivery", WebhookDelivery);

@ObjectType({ description: "How webhooks are delivered (policy data, versioned by date; administrators change it)." })
export class WebhookPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => LocalDate, { description: "The first Fujian day it is in force." }) effectiveFrom!: string;
  @Field(() => Int, { description: "Attempts before a delivery goes to the dead-letter list." }) maxAttempts!: number;
  @Field(() => Int, { description: "The first retry's wait in seconds; each next doubles (±10 %), up to `maxBackoffSeconds`." }) baseBackoffSeconds!: number;
  @Field(() => Int, { description: "The longest wait between attempts, in seconds." }) maxBackoffSeconds!: number;
  @Field(() => Int, { description: "Days an endpoint may fail every attempt before it is disabled." }) disableAfterDays!: number;
  @Field(() => Int, { description: "Requests in flight to one endpoint at once, across every server process." }) perEndpointConcurrency!: number;
  @Field(() => Int, { description: "One request's timeout in milliseconds." }) timeoutMs!: number;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

const deps = (ctx: Context) => ({ db: ctx.db, pii: ctx.pii, rules: ctx.config.webhooks });

@Resolver()
export class WebhookResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookUrlApproval, { description: "Approve a URL prefix (origin and path, e.g. https://hooks.example.cn/jobs) for a partner's webhooks (administrators)." })
  async approveWebhookUrl(
    @Arg("partnerId", () => ID, { description: "The partner." }) partnerId: string,
    @Arg("urlPrefix", { description: "http(s) origin and path; no user name, query or fragment; https:// in production." }) urlPrefix: string,
    @Ctx() ctx: Context,
  ) {
    return toApproval(await approveWebhookUrl(deps(ctx), ctx.viewer, partnerId, urlPrefix));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookUrlApproval, { description: "Revoke an approved prefix (administrators): no new endpoint on it, and the partner's active endpoints on no other live prefix are disabled (APPROVAL_REVOKED)." })
  async revokeWebhookUrlApproval(@Arg("id", () => ID, { description: "The approval's id." }) id: string, @Ctx() ctx: Context) {
    return toApproval(await revokeWebhookUrlApproval(ctx.db, ctx.viewer, id));
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Query(() => [WebhookUrlApproval], { description: "Approved webhook URL prefixes: a partner's own; an administrator's of every partner, or one." })
  async webhookUrlApprovals(@Arg("partnerId", () => ID, { nullable: true, description: "One partner's (administrators)." }) partnerId: string | null, @Ctx() ctx: Context) {
    return (await webhookUrlApprovals(ctx.db, ctx.viewer, partnerId)).map(toApproval);
  }

  @Authorized(Role.PARTNER)
  @Mutation(() => WebhookWithSecret, {
    description:
      "Register a webhook endpoint (partner keys with the webhooks scope). The URL must be on one of your approved prefixes (else FORBIDDEN); https:// in production, and not on a loopback, private or reserved address (BAD_USER_INPUT, field input.url). The signing secret is shown this once.",
  })
  async registerWebhook(@Arg("input", () => RegisterWebhookInput, { description: "The endpoint." }) input: RegisterWebhookInput, @Ctx() ctx: Context) {
    const { webhook, secret } = await registerWebhook(deps(ctx), ctx.viewer, input);
    return { webhook: toWebhook(webhook), secret };
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Query(() => [Webhook], { description: "Webhook endpoints: a partner's own; an administrator's of every partner, or one." })
  async webhooks(@Arg("partnerId", () => ID, { nullable: true, description: "One partner's (administrators)." }) partnerId: string | null, @Ctx() ctx: Context) {
    return (await webhooksOf(ctx.db, ctx.viewer, partnerId)).map(toWebhook);
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Mutation(() => Webhook, { description: "Turn an endpoint off: nothing is queued for it or sent until it is enabled again." })
  async disableWebhook(@Arg("id", () => ID, { description: "The endpoint." }) id: string, @Ctx() ctx: Context) {
    return toWebhook(await disableWebhook(ctx.db, ctx.viewer, id));
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Mutation(() => Webhook, { description: "Turn an endpoint on again (also after it was disabled for failing): what is still PENDING goes out; its failing days start afresh. FORBIDDEN when its URL is on no live approved prefix, or (for a partner) when an administrator disabled it." })
  async enableWebhook(@Arg("id", () => ID, { description: "The endpoint." }) id: string, @Ctx() ctx: Context) {
    return toWebhook(await enableWebhook(ctx.db, ctx.viewer, id));
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Mutation(() => WebhookWithSecret, { description: "A new signing secret for an endpoint, shown this once: deliveries are signed with it from the next request." })
  async rotateWebhookSecret(@Arg("id", () => ID, { description: "The endpoint." }) id: string, @Ctx() ctx: Context) {
    const { webhook, secret } = await rotateWebhookSecret(deps(ctx), ctx.viewer, id);
    return { webhook: toWebhook(webhook), secret };
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's deliveries, newest first (filter status DEAD: its dead-letter list). Another partner's endpoint is NOT_FOUND." })
  async webhookDeliveries(@Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs, @Ctx() ctx: Context) {
    // The page is checked first: a size out of range is refused whoever asks.
    const keyset = keysetOf(args);
    const page = await webhookDeliveries(ctx.db, ctx.viewer, args.webhookId, args.filter?.status ?? null, keyset);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toDelivery(e.node) })) };
  }

  @Authorized(Role.ADMIN, Role.PARTNER)
  @Mutation(() => WebhookDelivery, { description: "Queue a DEAD (or DELIVERED) delivery again, from its first attempt, with the same body and webhook-id. Another partner's delivery is NOT_FOUND." })
  async redeliverWebhook(@Arg("deliveryId", () => ID, { description: "The delivery." }) deliveryId: string, @Ctx() ctx: Context) {
    return toDelivery(await redeliverWebhook(ctx.db, ctx.viewer, deliveryId));
  }

  @Query(() => WebhookPolicy, { description: "The webhook policy in force on a day (default today): public, so a partner can see its retries and limits." })
  webhookPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return webhookPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookPolicy, { description: "A new version of the webhook policy (administrators): checked whole, BAD_USER_INPUT naming the field at fault." })
  setWebhookPolicy(@Arg("input", () => WebhookPolicyInput, { description: "The new version, whole." }) input: WebhookPolicyInput, @Ctx() ctx: Context) {
    return setWebhookPolicy(ctx.db, ctx.viewer, input);
  }
}
