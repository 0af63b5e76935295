import { Arg, Authorized, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { LocalDate } from "../../graphql/scalars.js";
import { ViewerInfo } from "../viewer/viewer.resolver.js";
import { NotificationKind, Notification } from "./notification.resolver.js";
import { notificationPolicyOn, setNotificationPolicy } from "./notification-policy.js";
import { channelSettings, inboxOf, setNotificationChannel } from "./notification.service.js";
import type { NotificationRow } from "./notification.table.js";
import { listTemplates, renderTemplate, setMessageTemplate, TEMPLATE_SPECS } from "./templates.js";

export enum NotificationChannel {
  IN_APP = "IN_APP",
  SMS = "SMS",
}
registerEnumType(NotificationChannel, {
  name: "NotificationChannel",
  description: "How a notification reaches the person.",
  valuesConfig: {
    IN_APP: { description: "The inbox in the portal and app (viewer.notifications, myNotifications): always on." },
    SMS: { description: "At most one text message a day, listing what is new (quiet hours apart); the person may turn it off." },
  },
});

export enum DeliveryStatus {
  QUEUED = "QUEUED",
  SENDING = "SENDING",
  SENT = "SENT",
  DELIVERED = "DELIVERED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
  SKIPPED = "SKIPPED",
}
registerEnumType(DeliveryStatus, {
  name: "DeliveryStatus",
  description: "Where a notification stands on one channel.",
  valuesConfig: {
    QUEUED: { description: "Waiting: in the app until the person's client fetches it; by SMS until its day's message goes (quiet hours, gathering, a retry's backoff)." },
    SENDING: { description: "An SMS being handed to the gateway." },
    SENT: { description: "The gateway took the SMS; no receipt yet." },
    DELIVERED: { description: "Fetched by the person's client; or the SMS's receipt said delivered." },
    FAILED: { description: "The SMS could not be delivered (`error` says why): refused, or every attempt failed." },
    CANCELLED: { description: "The SMS was not sent: the person turned SMS off, or has no phone, since it was queued." },
    SKIPPED: { description: "No SMS carries it (`error` says why: a kind kept in the app, no phone, SMS turned off)." },
  },
});

@ObjectType({ description: "A notification's state on one channel." })
export class NotificationDelivery {
  @Field(() => NotificationChannel, { description: "The channel." }) channel!: NotificationChannel;
  @Field(() => DeliveryStatus, { description: "Where it stands." }) status!: DeliveryStatus;
  @Field(() => Int, { description: "Attempts made (SMS; the app's fetch is one)." }) attempts!: number;
  @Field(() => String, { nullable: true, description: "Why it failed, is being retried, or was skipped." }) error!: string | null;
  @Field(() => Date, { nullable: true, description: "When it reached its status: fetched, sent, delivered or failed." }) at!: Date | null;
}

const SKIP_REASONS: Record<string, string> = {
  NOT_SMS: "此类通知只在站内发送",
  NO_PHONE: "未登记手机号",
  OPTED_OUT: "本人已关闭短信通知",
  BEFORE_SMS: "短信通道启用前的通知",
};

const STATUS_WORDS: Record<string, string> = {
  RECOMMENDED: "已推荐",
  VIEWED: "已查看",
  APPLIED: "已申请",
  INTERVIEWED: "已面试",
  OFFERED: "已发录用通知",
  HIRED: "已入职",
  DECLINED: "未录用",
  WITHDRAWN: "已撤回",
  POSTING_CLOSED: "岗位已停止招聘",
};

@Resolver(() => Notification)
export class NotificationDeliveryResolver {
  @FieldResolver(() => [NotificationDelivery], { description: "Its state on each channel: the app, and SMS." })
  async deliveries(@Root() n: NotificationRow, @Ctx() ctx: Context): Promise<NotificationDelivery[]> {
    const inApp: NotificationDelivery = { channel: NotificationChannel.IN_APP, status: n.fetchedAt ? DeliveryStatus.DELIVERED : DeliveryStatus.QUEUED, attempts: n.fetchedAt ? 1 : 0, error: null, at: n.fetchedAt };
    let sms: NotificationDelivery;
    if (n.smsSkipped) sms = { channel: NotificationChannel.SMS, status: DeliveryStatus.SKIPPED, attempts: 0, error: SKIP_REASONS[n.smsSkipped] ?? n.smsSkipped, at: null };
    else if (!n.smsId) sms = { channel: NotificationChannel.SMS, status: DeliveryStatus.QUEUED, attempts: 0, error: null, at: null };
    else {
      const m = await ctx.loaders.smsMessageById.load(n.smsId);
      const at = m ? (m.deliveredAt ?? m.failedAt ?? m.sentAt) : null;
      sms = { channel: NotificationChannel.SMS, status: (m?.status ?? "QUEUED") as DeliveryStatus, attempts: m?.attempts ?? 0, error: m?.error ?? null, at };
    }
    return [inApp, sms];
  }

  @FieldResolver(() => String, { description: "What it says, in Chinese (the kind's template in force, filled in)." })
  async text(@Root() n: NotificationRow, @Ctx() ctx: Context): Promise<string> {
    const template = (await ctx.loaders.messageTemplates.load("current")).get(n.kind);
    if (!template) return "";
    const posting = n.postingId ? await ctx.loaders.postingById.load(n.postingId) : null;
    const employer = posting ? await ctx.loaders.employerById.load(posting.employerId) : null;
    const fair = n.fairId ? await ctx.loaders.visibleFairById.load(n.fairId) : null;
    return renderTemplate(template.body, {
      posting: posting?.title ?? "",
      employer: employer?.name ?? "",
      status: n.status ? (STATUS_WORDS[n.status] ?? n.status) : "",
      fair: fair?.title ?? "",
    });
  }
}

@ObjectType({ description: "How notifications are delivered (policy data, versioned by date; administrators change it)." })
export class NotificationPolicy {
  @Field(() => Int, { description: "The version number, from 1." }) version!: number;
  @Field(() => LocalDate, { description: "The first Fujian day it is in force." }) effectiveFrom!: string;
  @Field(() => String, { nullable: true, description: "Quiet hours begin (HH:MM:SS, Fujian time): no SMS until `quietUntil`. Null: none." }) quietFrom!: string | null;
  @Field(() => String, { nullable: true, description: "Quiet hours end (HH:MM:SS, Fujian time)." }) quietUntil!: string | null;
  @Field(() => [NotificationKind], { description: "The kinds that go by SMS as well as in the app." }) smsKinds!: string[];
  @Field(() => Int, { description: "Seconds a day's SMS waits for more news before it goes." }) gatherSeconds!: number;
  @Field(() => Int, { description: "Attempts at an SMS before it is FAILED." }) maxAttempts!: number;
  @Field(() => Int, { description: "The first retry's wait in seconds; each next doubles (±10 %), up to `retryMaxSeconds`." }) retryBaseSeconds!: number;
  @Field(() => Int, { description: "The longest wait between attempts, in seconds." }) retryMaxSeconds!: number;
  @Field(() => Int, { description: "Days after a campaign's window within which a push delivered still counts for it (campaigns that count pushes when delivered)." }) deliveryGraceDays!: number;
  @Field(() => Int, { description: "Postings named in one SMS (the rest are counted)." }) smsMaxPostings!: number;
  @Field({ description: "Who set it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was set." }) createdAt!: Date;
}

@InputType({ description: "A new version of the notification policy." })
class NotificationPolicyInput {
  @Field(() => String, { nullable: true, description: "Quiet hours begin, HH:MM Fujian time (null, with quietUntil null: no quiet hours)." }) quietFrom?: string | null;
  @Field(() => String, { nullable: true, description: "Quiet hours end, HH:MM Fujian time." }) quietUntil?: string | null;
  @Field(() => [NotificationKind], { description: "The kinds that go by SMS as well." }) smsKinds!: string[];
  @Field(() => Int, { description: "0–86400." }) gatherSeconds!: number;
  @Field(() => Int, { description: "1–20." }) maxAttempts!: number;
  @Field(() => Int, { description: "1–86400." }) retryBaseSeconds!: number;
  @Field(() => Int, { description: "retryBaseSeconds–604800." }) retryMaxSeconds!: number;
  @Field(() => Int, { description: "0–90." }) deliveryGraceDays!: number;
  @Field(() => Int, { description: "1–10." }) smsMaxPostings!: number;
  @Field(() => LocalDate, { nullable: true, description: "The first day in force (default today; never in the past)." }) effectiveFrom?: string | null;
}

@ObjectType({ description: "A text template (Chinese), versioned: the latest version is in force." })
export class MessageTemplate {
  @Field({ description: "Which text: SMS_DIGEST (the day's SMS) or a notification kind (its in-app text)." }) code!: string;
  @Field(() => Int, { description: "The version, from 1." }) version!: number;
  @Field({ description: "The text; `{name}` stands for a variable." }) body!: string;
  @Field({ description: "What it is for." }) purpose!: string;
  @Field(() => [String], { description: "Variables it must use." }) requiredVariables!: string[];
  @Field(() => [String], { description: "Variables it may use besides." }) optionalVariables!: string[];
  @Field({ description: "Who saved it (`role:user id`)." }) createdBy!: string;
  @Field({ description: "When it was saved." }) createdAt!: Date;
}

const asTemplate = (row: { code: string; version: number; body: string; createdBy: string; createdAt: Date }): MessageTemplate => {
  const spec = TEMPLATE_SPECS[row.code]!;
  return { ...row, purpose: spec.purpose, requiredVariables: [...spec.required], optionalVariables: [...spec.optional] };
};

@ObjectType({ description: "One of the person's notification channels, and whether it is on." })
export class NotificationChannelSetting {
  @Field(() => NotificationChannel, { description: "The channel." }) channel!: NotificationChannel;
  @Field({ description: "On (the default) or turned off by the person." }) enabled!: boolean;
  @Field(() => Date, { nullable: true, description: "When the person turned it off; null while on." }) offSince!: Date | null;
}

@Resolver()
export class DeliveryAdminResolver {
  @Query(() => NotificationPolicy, { description: "The notification policy in force on a day (default today): public, so a portal can say when SMS are sent." })
  notificationPolicy(@Arg("on", () => LocalDate, { nullable: true, description: "The day (default today, Fujian time)." }) on: string | null, @Ctx() ctx: Context) {
    return notificationPolicyOn(ctx.db, on);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => NotificationPolicy, { description: "A new version of the notification policy (administrators): checked whole, BAD_USER_INPUT naming the field at fault." })
  setNotificationPolicy(@Arg("input", () => NotificationPolicyInput, { description: "The new version, whole." }) input: NotificationPolicyInput, @Ctx() ctx: Context) {
    return setNotificationPolicy(ctx.db, ctx.viewer, { ...input, smsKinds: input.smsKinds });
  }

  @Authorized(Role.ADMIN, Role.CASEWORKER)
  @Query(() => [MessageTemplate], { description: "The text templates in force (officials), one per code; `code` for every version of one, newest first." })
  async messageTemplates(@Arg("code", () => String, { nullable: true, description: "One template's code: every version of it." }) code: string | null, @Ctx() ctx: Context) {
    return (await listTemplates(ctx.db, code)).map(asTemplate);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MessageTemplate, {
    description: "A new version of a text template (administrators). A variable the code does not offer, one it requires left out, or a stray brace is BAD_USER_INPUT — refused when saved, never found out when sent.",
  })
  async setMessageTemplate(
    @Arg("code", { description: "SMS_DIGEST or a notification kind." }) code: string,
    @Arg("body", { description: "The text, with `{name}` for each variable." }) body: string,
    @Ctx() ctx: Context,
  ) {
    return asTemplate(await setMessageTemplate(ctx.db, ctx.viewer, code, body));
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => [NotificationChannelSetting], {
    description: "Turn one of your notification channels on or off (SMS; the in-app inbox is always on): honoured from the next send — an SMS already queued is not sent.",
  })
  setNotificationChannel(
    @Arg("channel", () => NotificationChannel, { description: "The channel." }) channel: NotificationChannel,
    @Arg("enabled", { description: "On (true) or off (false)." }) enabled: boolean,
    @Ctx() ctx: Context,
  ) {
    return setNotificationChannel(ctx.db, ctx.viewer, channel, enabled);
  }
}

@Resolver(() => ViewerInfo)
export class ViewerChannelsResolver {
  @FieldResolver(() => [NotificationChannelSetting], { nullable: true, description: "A seeker's notification channels and whether each is on. Null for anyone else." })
  notificationChannels(@Ctx() ctx: Context) {
    const personId = inboxOf(ctx.viewer);
    return personId ? channelSettings(ctx.db, personId) : null;
  }
}
