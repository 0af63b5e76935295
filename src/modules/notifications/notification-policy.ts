/**
 * How notifications are delivered, as policy data (issue 21): quiet hours for SMS in Fujian time,
 * which kinds go by SMS, the gathering delay, retries with exponential backoff, and the grace after a
 * campaign's window within which a delivered push still counts for it. Versioned by date like every
 * policy: a change is a new version, made by an administrator.
 */
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { serviceToday, SERVICE_TIME_ZONE } from "../../dates.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { backoffSeconds, effectiveFromInput, nextPolicyVersion, policyInForce, wholeInRange } from "../../db/policy-version.js";
import { badInput, forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { notificationPolicies, type NotificationPolicyRow } from "./notification.table.js";

/** The kinds a notification can be (the notifications table's check). */
export const NOTIFICATION_KINDS = ["REFERRAL", "REFERRAL_STATUS", "INTERVIEW_INVITATION", "FAIR_BOOKING", "FAIR_BOOKING_CANCELLED", "FAIR_INVITATION", "MENTOR_ASSIGNED"] as const;
export type NotificationKindName = (typeof NOTIFICATION_KINDS)[number];

/** The policy in force on a day (default today; migration 0034 loads version 1 from 2020-01-01). */
export async function notificationPolicyOn(db: Executor, day?: string | null): Promise<NotificationPolicyRow> {
  const row = await policyInForce(db, notificationPolicies, day ?? undefined);
  if (!row) throw new Error("No notification policy in force: the migrations load one from 2020-01-01");
  return row;
}

const clock = new Intl.DateTimeFormat("en-GB", { timeZone: SERVICE_TIME_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** Seconds since Fujian midnight of an instant. */
function fujianSecondOfDay(at: Date): number {
  const [h, m, s] = clock.format(at).split(":").map(Number);
  return h! * 3600 + m! * 60 + s!;
}

/** `HH:MM[:SS]` as seconds since midnight. */
function secondsOf(time: string): number {
  const [h, m, s] = time.split(":").map(Number);
  return h! * 3600 + m! * 60 + (s ?? 0);
}

/**
 * Whether SMS is held at an instant: inside [quietFrom, quietUntil) Fujian time, across midnight when
 * from > until (22:00–08:00). No quiet hours when both are null; none either when they are equal.
 */
export function inQuietHours(policy: Pick<NotificationPolicyRow, "quietFrom" | "quietUntil">, at: Date): boolean {
  if (!policy.quietFrom || !policy.quietUntil) return false;
  const from = secondsOf(policy.quietFrom);
  const until = secondsOf(policy.quietUntil);
  const now = fujianSecondOfDay(at);
  if (from === until) return false;
  return from < until ? now >= from && now < until : now >= from || now < until;
}

/**
 * The first instant at or after `at` outside quiet hours (`at` itself when it is outside): where
 * quiet hours end, on the same Fujian day or the next (Fujian keeps UTC+8 all year).
 */
export function nextSendableAt(policy: Pick<NotificationPolicyRow, "quietFrom" | "quietUntil">, at: Date): Date {
  if (!inQuietHours(policy, at)) return at;
  const until = secondsOf(policy.quietUntil!);
  const now = fujianSecondOfDay(at);
  // Seconds from `at` to the next time of day `until` (later today, or tomorrow).
  const wait = until > now ? until - now : 86_400 - now + until;
  return new Date(Math.floor(at.getTime() / 1000) * 1000 + wait * 1000);
}

/** When a Fujian day's SMS may first go: 00:00, or the end of quiet hours that run across midnight. */
export function dayOpensAt(policy: Pick<NotificationPolicyRow, "quietFrom" | "quietUntil">): string {
  if (!policy.quietFrom || !policy.quietUntil || secondsOf(policy.quietFrom) <= secondsOf(policy.quietUntil)) return "00:00:00";
  return policy.quietUntil;
}

/** The wait before attempt `attempt + 1` after `attempt` failed: base·2^(attempt−1), capped, with ±10 % jitter (retries of a batch spread out). */
export function retryDelaySeconds(policy: Pick<NotificationPolicyRow, "retryBaseSeconds" | "retryMaxSeconds">, attempt: number, random = Math.random): number {
  return backoffSeconds(policy.retryBaseSeconds, policy.retryMaxSeconds, attempt, random);
}

export interface NotificationPolicyInput {
  /** `HH:MM` Fujian time, or both null for none. */
  quietFrom?: string | null;
  quietUntil?: string | null;
  smsKinds: string[];
  gatherSeconds: number;
  maxAttempts: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  deliveryGraceDays: number;
  smsMaxPostings: number;
  effectiveFrom?: string | null;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;


/** A new version (administrators), checked whole before anything is written. */
export async function setNotificationPolicy(db: Database, viewer: Viewer, input: NotificationPolicyInput): Promise<NotificationPolicyRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改通知策略", "Only administrators change the notification policy"));
  const quietFrom = input.quietFrom ?? null;
  const quietUntil = input.quietUntil ?? null;
  if ((quietFrom === null) !== (quietUntil === null)) throw badInput("input.quietFrom", msg("免打扰时段的开始与结束须同时给出（或都不给：不设免打扰）", "Quiet hours need both a start and an end (or neither, for none)"));
  for (const [field, value] of [["quietFrom", quietFrom], ["quietUntil", quietUntil]] as const) {
    if (value !== null && !TIME.test(value)) throw badInput(`input.${field}`, msg(`${field} 须为 HH:MM（福建时间）`, `${field} is HH:MM (Fujian time)`));
  }
  if (quietFrom !== null && quietFrom === quietUntil) throw badInput("input.quietUntil", msg("免打扰时段的开始与结束不能相同", "Quiet hours cannot start and end at the same time"));
  const kinds = [...new Set(input.smsKinds)];
  for (const kind of kinds) {
    if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind)) throw badInput("input.smsKinds", msg(`未知的通知类型 ${kind}`, `Unknown notification kind ${kind}`));
  }
  const row = {
    quietFrom,
    quietUntil,
    smsKinds: kinds,
    gatherSeconds: wholeInRange("gatherSeconds", input.gatherSeconds, 0, 86_400),
    maxAttempts: wholeInRange("maxAttempts", input.maxAttempts, 1, 20),
    retryBaseSeconds: wholeInRange("retryBaseSeconds", input.retryBaseSeconds, 1, 86_400),
    retryMaxSeconds: wholeInRange("retryMaxSeconds", input.retryMaxSeconds, 1, 604_800),
    deliveryGraceDays: wholeInRange("deliveryGraceDays", input.deliveryGraceDays, 0, 90),
    smsMaxPostings: wholeInRange("smsMaxPostings", input.smsMaxPostings, 1, 10),
  };
  if (row.retryMaxSeconds < row.retryBaseSeconds) throw badInput("input.retryMaxSeconds", msg("retryMaxSeconds 不能小于 retryBaseSeconds", "retryMaxSeconds cannot be below retryBaseSeconds"));
  const from = effectiveFromInput(input.effectiveFrom, "input.effectiveFrom");
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "notification_policies");
    const [saved] = await tx
      .insert(notificationPolicies)
      .values({ id: newId(), version, effectiveFrom: from, createdBy: actorOf(viewer), ...row })
      .returning();
    return saved!;
  });
}

/** Today's policy, as the dispatcher reads it at an instant (a test clock's day, not the machine's). */
export function notificationPolicyAt(db: Executor, at: Date): Promise<NotificationPolicyRow> {
  return notificationPolicyOn(db, serviceToday(at));
}
