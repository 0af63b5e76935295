/**
 * How webhooks are delivered, as policy data (issue 22): attempts before the dead-letter list, the
 * exponential backoff between them, how long an endpoint may fail before it is disabled, and each
 * endpoint's share of requests in flight and their timeout. Versioned by date; administrators change it.
 */
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { serviceToday } from "../../dates.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { backoffSeconds, effectiveFromInput, nextPolicyVersion, policyInForce, wholeInRange } from "../../db/policy-version.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { webhookPolicies, type WebhookPolicyRow } from "./webhook.table.js";

/** The policy in force on a day (default today; migration 0037 loads version 1 from 2020-01-01). */
export async function webhookPolicyOn(db: Executor, day?: string | null): Promise<WebhookPolicyRow> {
  const row = await policyInForce(db, webhookPolicies, day ?? undefined);
  if (!row) throw new Error("No webhook policy in force: the migrations load one from 2020-01-01");
  return row;
}

/** The policy as the channel reads it at an instant (a test clock's day, not the machine's). */
export function webhookPolicyAt(db: Executor, at: Date): Promise<WebhookPolicyRow> {
  return webhookPolicyOn(db, serviceToday(at));
}

/** The wait after failed attempt `attempt` (1, 2, …): base·2^(attempt−1), capped at the maximum, ±10 % jitter. */
export function webhookRetryDelaySeconds(policy: Pick<WebhookPolicyRow, "baseBackoffSeconds" | "maxBackoffSeconds">, attempt: number, random = Math.random): number {
  return backoffSeconds(policy.baseBackoffSeconds, policy.maxBackoffSeconds, attempt, random);
}

export interface WebhookPolicyInput {
  maxAttempts: number;
  baseBackoffSeconds: number;
  maxBackoffSeconds: number;
  disableAfterDays: number;
  perEndpointConcurrency: number;
  timeoutMs: number;
  effectiveFrom?: string | null;
}


/** A new version of the webhook policy (administrators), checked whole before anything is written (the table's checks are the last guard). */
export async function setWebhookPolicy(db: Database, viewer: Viewer, input: WebhookPolicyInput): Promise<WebhookPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改 Webhook 策略", "Only administrators change the webhook policy"));
  const row = {
    maxAttempts: wholeInRange("maxAttempts", input.maxAttempts, 1, 100),
    baseBackoffSeconds: wholeInRange("baseBackoffSeconds", input.baseBackoffSeconds, 1, 86_400),
    maxBackoffSeconds: wholeInRange("maxBackoffSeconds", input.maxBackoffSeconds, 1, 604_800),
    disableAfterDays: wholeInRange("disableAfterDays", input.disableAfterDays, 1, 365),
    perEndpointConcurrency: wholeInRange("perEndpointConcurrency", input.perEndpointConcurrency, 1, 64),
    timeoutMs: wholeInRange("timeoutMs", input.timeoutMs, 100, 60_000),
  };
  if (row.maxBackoffSeconds < row.baseBackoffSeconds) throw badInput("input.maxBackoffSeconds", msg("maxBackoffSeconds 不能小于 baseBackoffSeconds", "maxBackoffSeconds cannot be below baseBackoffSeconds"));
  const from = effectiveFromInput(input.effectiveFrom, "input.effectiveFrom");
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "webhook_policies");
    const [saved] = await tx.insert(webhookPolicies).values({ id: newId(), version, effectiveFrom: from, createdBy: actorOf(viewer), ...row }).returning();
    return saved!;
  });
}
