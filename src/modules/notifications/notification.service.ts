/**
 * The in-app inbox (issue 21, first part): a seeker's notifications, newest first. The first fetch
 * of a notification by the person's client is its in-app delivery (`deliveredAt`); reading it is the
 * person's own mark.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import { parseId } from "../../db/parse-id.js";
import { badInput, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import type { Keyset } from "../../pagination.js";
import { notificationOptOuts, notifications, type NotificationRow } from "./notification.table.js";

/** The person whose inbox the viewer reads: a seeker's own; nobody else has one here. */
export function inboxOf(viewer: Viewer): string | null {
  return viewer.kind === "user" && viewer.role === Role.SEEKER && viewer.personId ? viewer.personId : null;
}

/**
 * A page of the person's notifications. When the client asks for them (`deliver`: the page's edges
 * are selected), those fetched for the first time are delivered in the app by this read — a query
 * that writes (over GET too: the write is idempotent, and only the person's own token can make it).
 */
/** The in-app channel's delivery: the first fetch, and the first delivery on any channel if the SMS was not before. */
const fetchedNow = {
  fetchedAt: sql`coalesce(${notifications.fetchedAt}, now())`,
  deliveredAt: sql`coalesce(${notifications.deliveredAt}, now())`,
};

export async function readInbox(db: Database, personId: string, filter: { unreadOnly: boolean }, page: Keyset, deliver = true): Promise<NotificationRow[]> {
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.personId, personId), filter.unreadOnly ? isNull(notifications.readAt) : undefined, keysetRange(notifications.id, page)))
    .orderBy(keysetOrder(notifications.id, page))
    .limit(page.limit);
  // The row past the page only says there is more: the client is not sent it, so it is not delivered
  // (a campaign that counts pushes when delivered would count it).
  const fresh = rows.slice(0, page.size).filter((r) => r.fetchedAt === null).map((r) => r.id);
  if (deliver && fresh.length > 0) {
    // Every row asked about answers with its delivery, also one another fetch delivered a moment before.
    const delivered = await db
      .update(notifications)
      .set(fetchedNow)
      .where(inArray(notifications.id, fresh))
      .returning({ id: notifications.id, fetchedAt: notifications.fetchedAt, deliveredAt: notifications.deliveredAt });
    const at = new Map(delivered.map((d) => [d.id, d]));
    for (const row of rows) {
      const d = at.get(row.id);
      if (d) Object.assign(row, { fetchedAt: d.fetchedAt, deliveredAt: d.deliveredAt });
    }
  }
  return rows;
}

export async function countInbox(db: Executor, personId: string, filter: { unreadOnly: boolean }): Promise<number> {
  return await db.$count(notifications, and(eq(notifications.personId, personId), filter.unreadOnly ? isNull(notifications.readAt) : undefined));
}

/** Marks one of the seeker's own notifications read (and delivered); anyone else's is NOT_FOUND. */
export async function markNotificationRead(db: Database, viewer: Viewer, id: string): Promise<NotificationRow> {
  const personId = inboxOf(viewer);
  const notificationId = parseId(id, "id");
  const [row] = personId
    ? await db
        .update(notifications)
        .set({ readAt: sql`coalesce(${notifications.readAt}, now())`, ...fetchedNow })
        .where(and(eq(notifications.id, notificationId), eq(notifications.personId, personId)))
        .returning()
    : [];
  if (!row) throw notFound("Notification", notificationId);
  return row;
}

/** One notification of the person's, by id (a live subscriber reads each announced one back); undefined if not theirs. */
export async function findOwnNotification(db: Executor, personId: string, id: string): Promise<NotificationRow | undefined> {
  const [row] = await db.select().from(notifications).where(and(eq(notifications.id, id), eq(notifications.personId, personId)));
  return row;
}

/** The channels a person is told through: the in-app inbox (always on) and SMS (theirs to turn off). */
export const CHANNELS = ["IN_APP", "SMS"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Each of the person's channels, on or off (and since when). */
export async function channelSettings(db: Executor, personId: string): Promise<{ channel: Channel; enabled: boolean; offSince: Date | null }[]> {
  const off = await db.select().from(notificationOptOuts).where(eq(notificationOptOuts.personId, personId));
  return CHANNELS.map((channel) => {
    const row = off.find((o) => o.channel === channel);
    return { channel, enabled: !row, offSince: row?.at ?? null };
  });
}

/**
 * The seeker turns one of their own channels on or off; honoured from the next send (sms.service
 * reads the opt-outs when it composes and again when it claims). The inbox cannot be turned off.
 */
export async function setNotificationChannel(db: Database, viewer: Viewer, channel: Channel, enabled: boolean) {
  const personId = inboxOf(viewer);
  if (!personId) throw forbidden(msg("只有求职者本人可以设置自己的通知方式", "Only a seeker sets their own notification channels"));
  if (channel === "IN_APP") throw badInput("channel", msg("站内通知不能关闭：通知都会保存在站内消息中", "The in-app inbox cannot be turned off: every notification is kept there"));
  if (enabled) await db.delete(notificationOptOuts).where(and(eq(notificationOptOuts.personId, personId), eq(notificationOptOuts.channel, channel)));
  else await db.insert(notificationOptOuts).values({ personId, channel }).onConflictDoNothing();
  return channelSettings(db, personId);
}
