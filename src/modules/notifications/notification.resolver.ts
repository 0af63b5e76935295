import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, ObjectType, registerEnumType, Resolver, Root, Subscription } from "type-graphql";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { NotificationHub } from "./notification-events.js";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { selectedFieldNames } from "../../graphql/selection.js";
import { keysetOf, pageFromRows } from "../../pagination.js";
import { JobFair } from "../fairs/fair.type.js";
import { JobPosting } from "../postings/posting.type.js";
import { ReferralStatus } from "../referrals/referral.type.js";
import { ViewerInfo } from "../viewer/viewer.resolver.js";
import { countInbox, findOwnNotification, inboxOf, markNotificationRead, readInbox } from "./notification.service.js";
import type { NotificationRow } from "./notification.table.js";

export enum NotificationKind {
  REFERRAL = "REFERRAL",
  REFERRAL_STATUS = "REFERRAL_STATUS",
  INTERVIEW_INVITATION = "INTERVIEW_INVITATION",
  FAIR_BOOKING = "FAIR_BOOKING",
  FAIR_BOOKING_CANCELLED = "FAIR_BOOKING_CANCELLED",
  FAIR_INVITATION = "FAIR_INVITATION",
  MENTOR_ASSIGNED = "MENTOR_ASSIGNED",
}
registerEnumType(NotificationKind, {
  name: "NotificationKind",
  description: "What a notification tells the person.",
  valuesConfig: {
    REFERRAL: { description: "A posting was recommended to them (by a caseworker, a campaign run, their mentor or at a fair)." },
    REFERRAL_STATUS: { description: "One of their referrals or applications moved a step (`status` says to what)." },
    INTERVIEW_INVITATION: { description: "An employer invited them to interview on an application (answer with respondToInterview)." },
    FAIR_BOOKING: { description: "A job-fair session or interview slot was booked for them." },
    FAIR_BOOKING_CANCELLED: { description: "One of their bookings was cancelled by someone else: its session was called off, or a caseworker or organiser cancelled it." },
    FAIR_INVITATION: { description: "An organiser invited them to a job fair (`fair`)." },
    MENTOR_ASSIGNED: { description: "A 红娘 mentor was assigned to them (see `viewer.person.mentor`)." },
  },
});

@ObjectType({ description: "Something the person is told: written in the same transaction as the event it tells of." })
export class Notification {
  @Field(() => ID, { description: "The notification's id." }) id!: string;
  @Field(() => NotificationKind, { description: "What it tells." }) kind!: NotificationKind;
  @Field(() => ReferralStatus, { nullable: true, description: "For a step of a referral or application: the status it moved to." }) status!: string | null;
  @Field(() => ID, { nullable: true, description: "The referral or application it concerns (see `viewer.person.referrals`)." }) referralId!: string | null;
  @Field({ description: "When the event happened." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "Its first delivery on any channel: the person's client fetched it, or the SMS carrying it was reported delivered." }) deliveredAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When the person's client first fetched it (its delivery in the app)." }) fetchedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When the person marked it read; null while unread." }) readAt!: Date | null;
}

const NotificationConnection = connectionType("Notification", Notification);

@ArgsType()
class InboxArgs extends PageArgs {
  @Field({ defaultValue: false, description: "Only those not yet read." })
  unreadOnly: boolean = false;
}

@Resolver(() => Notification)
export class NotificationResolver {
  @FieldResolver(() => JobFair, { nullable: true, description: "The job fair it concerns, if any (as the person may see it)." })
  fair(@Root() notification: NotificationRow, @Ctx() ctx: Context) {
    return notification.fairId ? ctx.loaders.visibleFairById.load(notification.fairId) : null;
  }

  @FieldResolver(() => JobPosting, { nullable: true, description: "The posting it concerns, if any (its public fields, whatever became of it)." })
  posting(@Root() notification: NotificationRow, @Ctx() ctx: Context) {
    return notification.postingId ? ctx.loaders.postingById.load(notification.postingId) : null;
  }

  @Authorized(Role.SEEKER)
  @Mutation(() => Notification, { description: "Mark one of your notifications read (idempotent). Another person's is NOT_FOUND." })
  markNotificationRead(@Arg("id", () => ID, { description: "The notification's id." }) id: string, @Ctx() ctx: Context) {
    return markNotificationRead(ctx.db, ctx.viewer, id);
  }
}

/** The subscription context's part this module needs: the process's hub of new notifications. */
export interface InboxContext {
  notificationEvents: NotificationHub;
}

/**
 * A seeker's new notifications as they commit. Each announced id is read back for this person only
 * (an id that is not theirs reads nothing). Not a generator: one never started would not run its
 * `finally`, and the hub would keep the subscriber.
 */
async function followInbox(ctx: Context & InboxContext): Promise<AsyncIterable<NotificationRow>> {
  const personId = inboxOf(ctx.viewer);
  if (!personId) throw forbidden(msg("只有求职者可以订阅自己的通知", "Only a seeker follows their own notifications"));
  const ids = ctx.notificationEvents.subscribe(personId);
  const stream: AsyncIterableIterator<NotificationRow> = {
    [Symbol.asyncIterator]: () => stream,
    next: async () => {
      for (;;) {
        const r = await ids.next();
        if (r.done) return { value: undefined, done: true };
        const row = await findOwnNotification(ctx.db, personId, r.value);
        if (row) return { value: row, done: false };
      }
    },
    return: async () => {
      await ids.return?.();
      return { value: undefined, done: true };
    },
  };
  return stream;
}

@Resolver(() => Notification)
export class NotificationSubscriptionResolver {
  @Authorized(Role.SEEKER)
  @Subscription(() => Notification, {
    description: "Your new notifications as they happen, over graphql-ws (the same endpoint, authenticated like HTTP): seekers only, each only their own.",
    subscribe: ({ context }) => followInbox(context as Context & InboxContext),
  })
  myNotifications(@Root() notification: NotificationRow): NotificationRow {
    return notification;
  }
}

@Resolver(() => ViewerInfo)
export class ViewerNotificationsResolver {
  @FieldResolver(() => NotificationConnection, {
    nullable: true,
    description: "A seeker's notifications, newest first (fetching them is their delivery in the app). Null for anyone else.",
  })
  async notifications(@Args(() => InboxArgs) args: InboxArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    // The page is checked first: a size out of range is refused whoever asks.
    const keyset = keysetOf(args);
    const personId = inboxOf(ctx.viewer);
    if (!personId) return null;
    // Delivered only when the notifications themselves are fetched (a count or page info alone delivers nothing).
    const rows = await readInbox(ctx.db, personId, { unreadOnly: args.unreadOnly }, keyset, selectedFieldNames(info).has("edges"));
    return pageFromRows(rows, keyset, () => countInbox(ctx.db, personId, { unreadOnly: args.unreadOnly }));
  }

  @FieldResolver(() => Int, { nullable: true, description: "How many of a seeker's notifications are unread. Null for anyone else." })
  unreadNotifications(@Ctx() ctx: Context) {
    const personId = inboxOf(ctx.viewer);
    return personId ? countInbox(ctx.db, personId, { unreadOnly: true }) : null;
  }
}
