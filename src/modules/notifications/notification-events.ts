import type { DatabaseHandle } from "../../db/client.js";
import { EventStream } from "../../event-stream.js";
import type { Logger } from "../../logger.js";

/**
 * New notifications, as they commit (issue 21): a trigger on the notifications table sends their
 * `personId:notificationId` pairs with NOTIFY in the inserting transaction (migration 0032), so they
 * go out on commit and never for a rollback. Every server process LISTENs and hands each id to the
 * subscribers of that person in this process (`myNotifications`).
 */
export const NOTIFICATIONS_CHANNEL = "person_notifications";

/** Ids a subscriber may fall behind by; past it the oldest are dropped (the inbox still holds them). */
export const MAX_BUFFERED = 1000;

type Inbox = EventStream<string>;

/** A slow subscriber drops the oldest ids: the inbox (viewer.notifications) still holds them. */
const dropOldest = (buffer: string[], id: string) => {
  buffer.shift();
  buffer.push(id);
};

/** One per server process: listens on the channel and fans new notification ids out to their person's subscribers. */
export class NotificationHub {
  private readonly byPerson = new Map<string, Set<Inbox>>();
  private stopListening: (() => Promise<void>) | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  start(database: Pick<DatabaseHandle, "listen">): Promise<void> {
    this.starting ??= database.listen(NOTIFICATIONS_CHANNEL, (payload) => this.dispatch(payload)).then((stop) => {
      this.stopListening = stop;
    });
    return this.starting;
  }

  /** Subscribers now open (tests). */
  get size(): number {
    let n = 0;
    for (const set of this.byPerson.values()) n += set.size;
    return n;
  }

  /** The ids of a person's notifications as they commit, from now on. */
  subscribe(personId: string): AsyncIterableIterator<string> {
    const inbox: Inbox = new EventStream<string>(
      (s) => {
        const set = this.byPerson.get(personId);
        set?.delete(s);
        if (set?.size === 0) this.byPerson.delete(personId);
      },
      MAX_BUFFERED,
      dropOldest,
    );
    let set = this.byPerson.get(personId);
    if (!set) this.byPerson.set(personId, (set = new Set()));
    set.add(inbox);
    return inbox;
  }

  private dispatch(payload: string): void {
    if (this.byPerson.size === 0) return;
    for (const pair of payload.split(",")) {
      const [personId, id] = pair.split(":");
      if (!personId || !id) {
        this.log.warn("a notification announcement that is not person:id pairs was ignored");
        return;
      }
      for (const s of this.byPerson.get(personId) ?? []) s.push(id);
    }
  }

  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.stopListening?.();
    this.stopListening = undefined;
    for (const set of [...this.byPerson.values()]) for (const s of [...set]) await s.return();
  }
}
