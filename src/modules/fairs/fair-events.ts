import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "../../db/client.js";
import { EventStream } from "../../event-stream.js";
import type { Logger } from "../../logger.js";

/**
 * Live updates of a fair (session started, ended or called off, a seat freed or taken, a booking
 * confirmed, the fair's status). Each is a PostgreSQL NOTIFY sent inside the transaction that made
 * the change, so it goes out on commit and never for a change rolled back; every server process
 * LISTENs and hands the events to its own subscribers. PGlite has NOTIFY too: one code path.
 */
export const FAIR_EVENTS_CHANNEL = "fair_events";

export type FairEventKind = "FAIR_STATUS" | "SESSION_STARTED" | "SESSION_ENDED" | "SESSION_CANCELLED" | "SLOT_FREED" | "BOOKING_CONFIRMED" | "RESYNC";

export interface FairEventMessage {
  kind: FairEventKind;
  fairId: string;
  sessionId: string | null;
  /** Seats left in the session after the change. */
  seatsLeft: number | null;
  fairStatus: string | null;
  /** BOOKING_CONFIRMED and SLOT_FREED: shown only to those who may see the booking (see the resolver). */
  bookingId: string | null;
  personId: string | null;
  /** The session's employer: it is told of bookings in its own sessions. */
  employerId: string | null;
  at: string;
}

type NewFairEvent = Partial<FairEventMessage> & Pick<FairEventMessage, "kind" | "fairId">;

/** Sends fair events when the transaction commits (NOTIFY is transactional), in one statement. */
export async function publishFairEvents(tx: Executor, events: NewFairEvent[]): Promise<void> {
  if (events.length === 0) return;
  const at = new Date().toISOString();
  const payloads = events.map((event) =>
    JSON.stringify({ sessionId: null, seatsLeft: null, fairStatus: null, bookingId: null, personId: null, employerId: null, ...event, at } satisfies FairEventMessage),
  );
  await tx.execute(sql`select pg_notify(${FAIR_EVENTS_CHANNEL}, payload) from unnest(${sql.param(payloads)}::text[]) as payload`);
}

export const publishFairEvent = (tx: Executor, event: NewFairEvent) => publishFairEvents(tx, [event]);

/** Events a subscriber may fall behind by before they are replaced by a RESYNC. */
export const MAX_BUFFERED = 1000;

const EMPTY = { sessionId: null, seatsLeft: null, fairStatus: null, bookingId: null, personId: null, employerId: null } as const;

type Subscription = EventStream<FairEventMessage>;

/** Too slow to keep up: what is queued is replaced by one RESYNC (re-read the fair) rather than leaving silent gaps; the stream goes on from there. */
const resyncInstead = (buffer: FairEventMessage[], event: FairEventMessage) => {
  buffer.length = 0;
  buffer.push({ ...EMPTY, kind: "RESYNC", fairId: event.fairId, at: new Date().toISOString() });
};

/** One per server process: listens on the channel and fans events out to that fair's subscribers. */
export class FairEventHub {
  private readonly byFair = new Map<string, Set<Subscription>>();
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly log: Logger) {}

  private starting: Promise<void> | undefined;

  start(database: Pick<DatabaseHandle, "listen">): Promise<void> {
    this.starting ??= database.listen(FAIR_EVENTS_CHANNEL, (payload) => this.dispatch(payload), () => this.resync()).then((stop) => {
      this.stopListening = stop;
    });
    return this.starting;
  }

  /** Subscribers now open (for tests and the soak's memory check). */
  get size(): number {
    let n = 0;
    for (const set of this.byFair.values()) n += set.size;
    return n;
  }

  subscribe(fairId: string): AsyncIterableIterator<FairEventMessage> {
    const subscription: Subscription = new EventStream<FairEventMessage>((s) => {
      const set = this.byFair.get(fairId);
      set?.delete(s);
      if (set?.size === 0) this.byFair.delete(fairId);
    }, MAX_BUFFERED, resyncInstead);
    let set = this.byFair.get(fairId);
    if (!set) this.byFair.set(fairId, (set = new Set()));
    set.add(subscription);
    return subscription;
  }

  private dispatch(payload: string): void {
    let event: FairEventMessage;
    try {
      event = JSON.parse(payload) as FairEventMessage;
    } catch {
      this.log.warn("a fair event that is not JSON was ignored");
      return;
    }
    for (const s of this.byFair.get(event.fairId) ?? []) s.push(event);
  }

  /** Notifications may have been missed (the listening connection was lost): every subscriber is told to re-read. */
  private resync(): void {
    const at = new Date().toISOString();
    for (const [fairId, set] of this.byFair) {
      for (const s of set) s.push({ ...EMPTY, kind: "RESYNC", fairId, at });
    }
  }

  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.stopListening?.();
    this.stopListening = undefined;
    for (const set of [...this.byFair.values()]) for (const s of [...set]) await s.return();
  }
}
