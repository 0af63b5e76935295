import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { NotificationDispatcher, type DeliveryChannel } from "../../src/modules/notifications/delivery.worker.js";

/** A channel whose passes end only when the test says so, and which counts them. */
class HeldChannel implements DeliveryChannel {
  passes = 0;
  private release: (() => void) | undefined;
  constructor(readonly name: string, private readonly hold: boolean) {}
  deliver(): Promise<number> {
    this.passes++;
    if (!this.hold) return Promise.resolve(1);
    return new Promise((resolve) => (this.release = () => resolve(1)));
  }
  finish(): void {
    this.release?.();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let waited = 0; !ok(); waited += 10) {
    if (waited > 10_000) throw new Error(`not within 10 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the notification dispatcher", () => {
  it("a channel stuck in a long pass (an SMS batch to a slow gateway) never holds the other channels back, and is not piled up", async () => {
    const sms = new HeldChannel("SMS", true);
    const webhooks = new HeldChannel("WEBHOOK", false);
    const dispatcher = new NotificationDispatcher([sms, webhooks], createLogger("silent"), 5);
    dispatcher.start();
    try {
      await until("five webhook passes while the SMS pass is held", () => webhooks.passes >= 5);
      // The held channel had one pass: the timer skips a channel still in one rather than queueing more.
      expect(sms.passes).toBe(1);
      sms.finish();
      await until("a new SMS pass once the held one ended", () => sms.passes >= 2);
    } finally {
      sms.finish();
      await dispatcher.stop();
    }
  });

  it("drain waits for a channel's pass in progress, then runs one more for each channel", async () => {
    const sms = new HeldChannel("SMS", true);
    const webhooks = new HeldChannel("WEBHOOK", false);
    const dispatcher = new NotificationDispatcher([sms, webhooks], createLogger("silent"), 0);
    const first = dispatcher.drain();
    let secondDone = false;
    const second = dispatcher.drain().then((n) => ((secondDone = true), n));
    await until("both drains began their passes", () => webhooks.passes === 2);
    expect([sms.passes, secondDone]).toEqual([1, false]);
    sms.finish();
    await first;
    await until("the second drain's SMS pass", () => sms.passes === 2);
    sms.finish();
    expect(await second).toBe(2);
    await dispatcher.stop();
  });
});
