import { sql } from "drizzle-orm";
import type { Database, Executor } from "../../db/client.js";
import { serviceToday } from "../../dates.js";
import { loggableError, type Logger } from "../../logger.js";
import { requestReevaluation } from "../categories/reevaluation.request.js";
import { schemesInForce } from "./subsidy-rules.js";
import { listSchemeVersions } from "./subsidy.repository.js";
import { subsidyCalendar } from "./subsidy.table.js";

/**
 * What eligibility is decided against on a day: the year (the graduation-year subsidy reads it) and
 * the scheme versions in force — a version with a future validFrom comes into force, or one's
 * validUntil passes, without anyone publishing anything.
 */
export async function subsidyCalendarKey(db: Executor, today = new Date()): Promise<string> {
  const inForce = schemesInForce(await listSchemeVersions(db), today).map((s) => s.id).sort();
  return `${serviceToday(today).slice(0, 4)}|${inForce.join(",")}`;
}

/**
 * Records what eligibility is now decided against (a publication queues its own re-decision, in
 * the same transaction, so the calendar does not queue a second one).
 */
export async function noteSubsidyCalendar(tx: Executor, today = new Date()): Promise<void> {
  const key = await subsidyCalendarKey(tx, today);
  await tx.insert(subsidyCalendar).values({ id: 1, decidedFor: key }).onConflictDoUpdate({ target: subsidyCalendar.id, set: { decidedFor: key, changedAt: sql`now()` } });
}

/**
 * When the day has turned what eligibility is decided against (a new year, a version coming into
 * force or ending), queues one re-decision of everyone (categories and subsidies, as a publication
 * does). Under the calendar row's lock: of several replicas checking at once, one queues it. The
 * first check on a database records the key and queues nothing (its people were decided when they
 * were written, or by the re-decision migration 0043 queued). Returns whether it queued one.
 */
export async function redecideWhenCalendarTurns(db: Database, today = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(subsidyCalendar).where(sql`${subsidyCalendar.id} = 1`).for("update");
    const key = await subsidyCalendarKey(tx, today);
    if (!row) {
      await tx.insert(subsidyCalendar).values({ id: 1, decidedFor: key }).onConflictDoNothing();
      return false;
    }
    if (row.decidedFor === key) return false;
    await tx.update(subsidyCalendar).set({ decidedFor: key, changedAt: sql`now()` }).where(sql`${subsidyCalendar.id} = 1`);
    await requestReevaluation(tx, "SUBSIDY_PUBLISHED", "system:subsidy-calendar");
    return true;
  });
}

/** Checks the calendar now and then (every server process; the row lock makes one queue the re-decision). */
export class SubsidyCalendarWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      redecideWhenCalendarTurns(this.db)
        .then((queued) => queued && this.log.info("subsidy eligibility: the year or the schemes in force changed; everyone's eligibility queued for re-decision"))
        .catch((err: unknown) => this.log.error({ err: loggableError(err) }, "subsidy calendar check failed"));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
