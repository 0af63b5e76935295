/**
 * Delivering notifications (issue 21). A notification is written by a trigger in its event's
 * transaction (the outbox); channels deliver it from there, behind one port:
 * - the in-app inbox delivers when the person's client fetches it (viewer.notifications) and
 *   announces it live (myNotifications) on commit — it needs no worker;
 * - the SMS channel (sms.service.ts) composes, claims and sends from its queue;
 * - the webhook channel (modules/webhooks/webhook.channel.ts) posts partners' signed events.
 * Every server process runs a dispatcher; the channels' claims (SKIP LOCKED, leases, the compose
 * lock) make each message go out once whichever process takes it.
 */
import type { Database } from "../../db/client.js";
import { loggableError, type Logger } from "../../logger.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import { inQuietHours, notificationPolicyAt } from "./notification-policy.js";
import type { SmsGateway } from "./sms-gateway.js";
import { composeSms, sendDueSms } from "./sms.service.js";

/** The port: a channel that delivers from the notifications outbox. */
export interface DeliveryChannel {
  readonly name: string;
  /** One pass over the work due at `now` (a test clock, or the machine's); resolves to how much it did. */
  deliver(now: Date, clock: () => Date): Promise<number>;
  /** Waits for work a pass started and did not wait for (a channel whose requests outlive its pass). */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A claim's lease covers its whole batch: the batch's sends, `concurrency` at a time, each within the
 * gateway's timeout, three times over (at least 30 s). A send is skipped once its claim has less than
 * a timeout left (sms.service), so a slow batch never sends what another process may have claimed.
 */
export function smsLeaseMs(options: { batch: number; concurrency: number; sendTimeoutMs: number }): number {
  return Math.max(30_000, 3 * Math.ceil(options.batch / options.concurrency) * options.sendTimeoutMs);
}

/** People whose waiting notifications one compose takes up (one transaction). */
const COMPOSE_BATCH = 500;

export class SmsChannel implements DeliveryChannel {
  readonly name = "SMS";

  constructor(
    private readonly db: Database,
    private readonly gateway: SmsGateway,
    private readonly pii: PiiCipher,
    private readonly log: Logger,
    private readonly options: { concurrency: number; batch: number; sendTimeoutMs: number },
  ) {}

  async deliver(now: Date, clock: () => Date): Promise<number> {
    const policy = await notificationPolicyAt(this.db, now);
    let done = 0;
    const total = { sent: 0, delivered: 0, failed: 0, retried: 0, cancelled: 0, skipped: 0 };
    const leaseMs = smsLeaseMs(this.options);
    // A compose batch, then a send batch, until neither has anything: a long backlog to compose (a
    // campaign run's 100,000 people) never holds back what is already due.
    let composing = true;
    for (;;) {
      if (composing) {
        const composed = await composeSms(this.db, policy, clock(), COMPOSE_BATCH);
        // Nothing waits, another process composes, or nothing moved (the people's open messages are
        // being claimed this instant): the next pass takes the rest.
        if (composed === null || composed.people === 0 || composed.attached + composed.skipped === 0) composing = false;
        else done += composed.attached + composed.skipped;
      }
      // Each batch on the clock as it is then (its claim's lease; quiet hours: a pass begun at 21:59 stops sending at 22:00).
      const at = clock();
      let sending = false;
      if (!inQuietHours(policy, at)) {
        const sent = await sendDueSms(this.db, { gateway: this.gateway, pii: this.pii }, policy, at, {
          leaseMs,
          limit: this.options.batch,
          concurrency: this.options.concurrency,
          sendTimeoutMs: this.options.sendTimeoutMs,
          clock,
        });
        sending = sent.claimed > sent.skipped;
        done += sent.claimed;
        for (const k of ["sent", "delivered", "failed", "retried", "cancelled", "skipped"] as const) total[k] += sent[k];
      }
      if (!composing && !sending) break;
    }
    if (total.sent + total.failed + total.retried + total.cancelled > 0) {
      this.log[total.failed + total.retried > 0 ? "warn" : "info"]({ channel: "SMS", gateway: this.gateway.name, ...total }, "SMS sent");
    }
    return done;
  }

  close(): Promise<void> {
    return this.gateway.close();
  }
}

/**
 * Runs every channel in the background (and on demand: tests drain with a clock of their own). Each
 * channel has its own passes, one at a time in this process: a channel still busy with a long pass
 * (an SMS batch to a slow gateway) is skipped by the timer, never holding the others back.
 */
export class NotificationDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<DeliveryChannel, Promise<number>>();
  private stopping = false;

  constructor(
    readonly channels: DeliveryChannel[],
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs > 0 && this.channels.length > 0) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** The timer's turn: a pass for every channel not already in one. */
  private tick(): void {
    for (const channel of this.channels) {
      if (this.running.has(channel) || this.stopping) continue;
      this.pass(channel, new Date(), () => new Date()).catch((err: unknown) => this.log.error({ err: loggableError(err), channel: channel.name }, "notification delivery failed"));
    }
  }

  private pass(channel: DeliveryChannel, now: Date, clock: () => Date): Promise<number> {
    const run = channel.deliver(now, clock);
    this.running.set(channel, run);
    void run.catch(() => undefined).finally(() => {
      if (this.running.get(channel) === run) this.running.delete(channel);
    });
    return run;
  }

  /**
   * Every channel delivers what is due at `now` (default: the machine's clock), the channels side by
   * side; a channel in a pass already finishes it first.
   */
  async drain(now?: Date): Promise<number> {
    const done = await Promise.all(
      this.channels.map(async (channel) => {
        for (let busy = this.running.get(channel); busy; busy = this.running.get(channel)) await busy.catch(() => undefined);
        if (this.stopping) return 0;
        return this.pass(channel, now ?? new Date(), now ? () => now : () => new Date());
      }),
    );
    return done.reduce((a, b) => a + b, 0);
  }

  /** A pass (drain), then whatever it started finished and recorded: what tests wait for before they look. */
  async drainAndSettle(now?: Date): Promise<number> {
    const done = await this.drain(now);
    await this.settle();
    return done;
  }

  /** Waits until the channels' requests in flight have ended and their outcomes are written. */
  async settle(): Promise<void> {
    await Promise.all(this.channels.map((channel) => channel.settle?.()));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.running.values()].map((run) => run.catch(() => undefined)));
    for (const channel of this.channels) await channel.close().catch(() => undefined);
  }
}

export function createDispatcher(
  db: Database,
  gateway: SmsGateway | undefined,
  pii: PiiCipher,
  log: Logger,
  options: { concurrency: number; batch: number; sendTimeoutMs: number; intervalMs: number },
  /** Channels built by other modules (webhooks), run beside SMS. */
  others: DeliveryChannel[] = [],
): NotificationDispatcher {
  const channels: DeliveryChannel[] = [...(gateway ? [new SmsChannel(db, gateway, pii, log, options)] : []), ...others];
  return new NotificationDispatcher(channels, log, options.intervalMs);
}
