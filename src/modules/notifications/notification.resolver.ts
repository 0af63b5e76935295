import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, ObjectType, registerEnumType, Resolver, Root } from "type-graphql";
import { Role } from "../../auth/viewer.js";
import type { Context } from "../../graphql/context.js";
import { connectionType, PageArgs } from "../../graphql/relay.js";
import { selectedFieldNames } from "../../graphql/selection.js";
import { keysetOf, pageFromRows } from "../../pagination.js";
import { JobPosting } from "../postings/posting.type.js";
import { ReferralStatus } from "../referrals/referral.type.js";
import { ViewerInfo } from "../viewer/viewer.resolver.js";
import { countInbox, inboxOf, markNotificationRead, readInbox } from "./notification.service.js";
import type { NotificationRow } from "./notification.table.js";

export enum NotificationKind {
  REFERRAL = "REFERRAL",
  REFERRAL_STATUS = "REFERRAL_STATUS",
  INTERVIEW_INVITATION = "INTERVIEW_INVITATION",
  FAIR_BOOKING = "FAIR_BOOKING",
}
registerEnumType(NotificationKind, {
  name: "NotificationKind",
  description: "What a notification tells the person.",
  valuesConfig: {
    REFERRAL: { description: "A posting was recommended to them (by a caseworker, a campaign run, their mentor or at a fair)." },
    REFERRAL_STATUS: { description: "One of their referrals or applications moved a step (`status` says to what)." },
    INTERVIEW_INVITATION: { description: "An employer invited them to interview on an application (answer with respondToInterview)." },
    FAIR_BOOKING: { description: "A job-fair session or interview slot was booked for them." },
  },
});

@ObjectType({ description: "Something the person is told: written in the same transaction as the event it tells of." })
export class Notification {
  @Field(() => ID, { description: "The notification's id." }) id!: string;
  @Field(() => NotificationKind, { description: "What it tells." }) kind!: NotificationKind;
  @Field(() => ReferralStatus, { nullable: true, description: "For a step of a referral or application: the status it moved to." }) status!: string | null;
  @Field(() => ID, { nullable: true, description: "The referral or application it concerns (see `viewer.person.referrals`)." }) referralId!: string | null;
  @Field({ description: "When the event happened." }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When the person's client first fetched it (its delivery in the app)." }) deliveredAt!: Date | null;
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
