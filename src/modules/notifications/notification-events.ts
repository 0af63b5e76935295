import type { DatabaseHandle } from "../../db/client.js";
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

class Inbox implements AsyncIterableIterator<string> {
  private readonly buffer: string[] = [];
  private waiting: ((result: IteratorResult<string>) => void) | null = null;
  private done = false;

  constructor(private readonly onEnd: (s: Inbox) => void) {}

  push(id: string): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: id, done: false });
      return;
    }
    if (this.buffer.length >= MAX_BUFFERED) this.buffer.shift();
    this.buffer.push(id);
  }

  next(): Promise<IteratorResult<string>> {
    const queued = this.buffer.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<string>> {
    if (!this.done) {
      this.done = true;
      this.buffer.length = 0;
      this.onEnd(this);
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

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
    const inbox = new Inbox((s) => {
      const set = this.byPerson.get(personId);
      set?.delete(s);
      if (set?.size === 0) this.byPerson.delete(personId);
    });
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
