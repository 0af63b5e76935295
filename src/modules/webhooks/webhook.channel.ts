/**
 * The webhook channel (issue 22), behind the notifications' port: deliveries written by triggers in
 * their event's transaction (the outbox) are claimed, signed (Standard Webhooks) and posted, at least
 * once. One slow endpoint never delays the others: a pass claims only for endpoints with a free slot
 * (policy.perEndpointConcurrency, counted across processes) and returns without waiting for the
 * requests; each request, when it ends, has its outcome recorded and the channel claims again for
 * whatever slot it freed. Requests in flight from this process are capped by WEBHOOK_CONCURRENCY.
 *
 * Outcomes: 2xx → DELIVERED; anything else (a 3xx too: redirects are not followed; a timeout; an
 * address that is not public) → PENDING again after the policy's backoff, or DEAD after its last
 * attempt. An endpoint failing for more than the policy's days is DISABLED; its deliveries stay
 * PENDING and go out when it is enabled again. A process that dies mid-request leaves its claims
 * SENDING until their lease runs out; another process then sends them again under the same
 * `webhook-id`, which receivers deduplicate on (unless that was the last attempt: then it is DEAD).
 * Each claim is fenced (`claims`): a stalled process's late outcome never overwrites a newer claim's.
 */
import { setMaxListeners } from "node:events";
import type { Database } from "../../db/client.js";
import { findPgError } from "../../errors.js";
import { loggableError, type Logger } from "../../logger.js";
import type { PiiCipher } from "../../pii/pii-crypto.js";
import type { DeliveryChannel } from "../notifications/delivery.worker.js";
import { webhookPolicyAt, webhookRetryDelaySeconds } from "./webhook-policy.service.js";
import { claimDeliveries, recordEndpointHealth, recordOutcomes, type ClaimedDelivery, type DeliveryOutcome, type EndpointHealth } from "./webhook.repository.js";
import { WebhookSender, type SendResult } from "./webhook-sender.js";
import type { WebhookTargetRules } from "./webhook-url.js";
import type { WebhookPolicyRow } from "./webhook.table.js";

/** A claim's lease: three request timeouts, at least 30 s (the request is made at once after the claim). */
export const webhookLeaseMs = (timeoutMs: number) => Math.max(30_000, 3 * timeoutMs);

export class WebhookChannel implements DeliveryChannel {
  readonly name = "WEBHOOK";
  private readonly sender: WebhookSender;
  private readonly inFlight = new Set<Promise<void>>();
  private outcomes: DeliveryOutcome[] = [];
  private pumping: Promise<number> | undefined;
  private again = false;
  private stopping = false;
  private readonly abort = new AbortController();
  private clock: () => Date = () => new Date();
  private policy: WebhookPolicyRow | undefined;
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly pii: PiiCipher,
    private readonly log: Logger,
    private readonly options: { concurrency: number; rules: WebhookTargetRules },
  ) {
    this.sender = new WebhookSender(options.rules);
    // Every request in flight listens on the one shutdown signal.
    setMaxListeners(0, this.abort.signal);
  }

  /** Records what has finished and claims for every endpoint with a free slot; does not wait for the requests (see settle). */
  deliver(_now: Date, clock: () => Date): Promise<number> {
    this.clock = clock;
    // Each pass reads the policy again (a change applies from the next pass).
    this.policy = undefined;
    return this.pump();
  }

  /** Resolves once nothing is in flight and every outcome is written (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0 || this.pumping || this.outcomes.length > 0) {
      await Promise.allSettled([...this.inFlight, this.pumping ?? this.pump()]);
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    // Requests still out are abandoned: their claims lapse and another process sends them again.
    this.abort.abort();
    await Promise.allSettled([...this.inFlight, this.pumping]);
    await this.flush().catch((err: unknown) => this.log.warn({ err: loggableError(err) }, "webhook outcomes not written at shutdown"));
    this.sender.close();
  }

  /** One claim-and-record loop at a time in this process; a call while one runs makes it go round again. */
  private pump(): Promise<number> {
    this.again = true;
    if (this.pumping) return this.pumping;
    const run = (async () => {
      let claimed = 0;
      while (this.again && !this.stopping) {
        this.again = false;
        await this.flush();
        claimed += await this.claimAndSend();
      }
      return claimed;
    })();
    this.pumping = run;
    void run
      .catch((err: unknown) => this.log.error({ err: loggableError(err) }, "webhook delivery failed"))
      .finally(() => {
        if (this.pumping === run) this.pumping = undefined;
        // Something finished between the loop's last look and now: go round again.
        if (this.again && !this.stopping) void this.pump();
      });
    return run;
  }

  private async policyNow(at: Date): Promise<WebhookPolicyRow> {
    this.policy ??= await webhookPolicyAt(this.db, at);
    return this.policy;
  }

  private async claimAndSend(): Promise<number> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const now = this.clock();
    const policy = await this.policyNow(now);
    const leaseUntil = new Date(now.getTime() + webhookLeaseMs(policy.timeoutMs));
    const claimed = await claimDeliveries(this.db, now, leaseUntil, { perEndpoint: policy.perEndpointConcurrency, maxAttempts: policy.maxAttempts }, free);
    for (const delivery of claimed) this.start(delivery, policy);
    return claimed.length;
  }

  private secretOf(sealed: string): string {
    let secret = this.secrets.get(sealed);
    if (secret === undefined) {
      secret = this.pii.decrypt(sealed);
      if (this.secrets.size > 10_000) this.secrets.clear();
      this.secrets.set(sealed, secret);
    }
    return secret;
  }

  private start(delivery: ClaimedDelivery, policy: WebhookPolicyRow): void {
    const request = (async () => {
      let result: SendResult;
      try {
        const body = typeof delivery.payload === "string" ? delivery.payload : JSON.stringify(delivery.payload);
        // The signature's timestamp is the machine's (a receiver checks it against its own clock), whatever clock drives the queue.
        const headers = this.sender.sign(this.secretOf(delivery.secret_sealed), delivery.id, body, new Date());
        result = await this.sender.send(delivery.url, headers, body, policy.timeoutMs, this.abort.signal);
      } catch (error) {
        result = { ok: false, statusCode: null, error: `send failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200) };
      }
      if (this.abort.signal.aborted && !result.ok) return;
      this.outcomes.push({ id: delivery.id, webhookId: delivery.webhook_id, attempts: delivery.attempts, claim: delivery.claims, ok: result.ok, statusCode: result.statusCode, error: result.error, at: this.clock() });
    })();
    this.inFlight.add(request);
    void request.finally(() => {
      this.inFlight.delete(request);
      if (!this.stopping) void this.pump();
    });
  }

  /** Writes the outcomes gathered since the last flush, and each endpoint's health. */
  private async flush(): Promise<void> {
    const batch = this.outcomes.splice(0);
    if (batch.length === 0) return;
    const policy = await this.policyNow(batch[0]!.at);
    const rows = batch.map((o) => {
      if (o.ok) return { ...o, status: "DELIVERED" as const, nextAt: null };
      if (o.attempts >= policy.maxAttempts) return { ...o, status: "DEAD" as const, nextAt: null, error: `${o.error ?? "failed"} (attempt ${o.attempts} of ${policy.maxAttempts})` };
      return { ...o, status: "PENDING" as const, nextAt: new Date(o.at.getTime() + webhookRetryDelaySeconds(policy, o.attempts) * 1000) };
    });
    let disabled: string[];
    try {
      disabled = await this.db.transaction(async (tx) => {
        const written = await recordOutcomes(tx, rows);
        return recordEndpointHealth(tx, endpointHealth(batch.filter((o) => written.has(o.id))), policy.disableAfterDays);
      });
    } catch (error) {
      // A transaction rolled back by the database (a deadlock, a serialisation failure) or a lost
      // connection: the outcomes are kept for the next flush. Anything else drops them: their claims
      // lapse and the deliveries are sent again.
      if (/^(40|08)/.test(findPgError(error)?.code ?? "")) this.outcomes.unshift(...batch);
      throw error;
    }
    const failed = batch.filter((o) => !o.ok).length;
    if (failed > 0) this.log.warn({ channel: "WEBHOOK", delivered: batch.length - failed, failed }, "webhook deliveries failed");
    for (const id of disabled) this.log.warn({ channel: "WEBHOOK", webhookId: id, disableAfterDays: policy.disableAfterDays }, "webhook disabled: failing for too long");
  }
}

/** Per endpoint, from a batch of outcomes in the order they ended: its last word (ok or not), and since when it has been failing. */
export function endpointHealth(outcomes: Pick<DeliveryOutcome, "webhookId" | "ok" | "at">[]): EndpointHealth[] {
  const byEndpoint = new Map<string, EndpointHealth>();
  for (const o of [...outcomes].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const last = byEndpoint.get(o.webhookId);
    if (o.ok) byEndpoint.set(o.webhookId, { webhookId: o.webhookId, ok: true, since: o.at, at: o.at, reset: false });
    else if (last && !last.ok) byEndpoint.set(o.webhookId, { ...last, at: o.at });
    else byEndpoint.set(o.webhookId, { webhookId: o.webhookId, ok: false, since: o.at, at: o.at, reset: last?.ok === true });
  }
  return [...byEndpoint.values()];
}
