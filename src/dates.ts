/**
 * The service's calendar: Fujian's (UTC+8, Asia/Shanghai — all of mainland China keeps one zone).
 * "Today", date cut-offs and day boundaries are Fujian's, not the server's or UTC's.
 */
export const SERVICE_TIME_ZONE = "Asia/Shanghai";

const formatter = new Intl.DateTimeFormat("en-CA", { timeZone: SERVICE_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

// The last answer, by the minute it was for: every request that reads a policy in force asks, and
// with the time zone's data out of the cache formatting took some 50 µs a request. (Since 1970 the
// zone's offsets are whole hours: a day never turns within a minute.)
let lastDay: { minute: number; day: string } | undefined;

/** The date in Fujian at `now`, as YYYY-MM-DD. */
export function serviceToday(now = new Date()): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (lastDay?.minute === minute) return lastDay.day;
  const day = formatter.format(now);
  if (minute >= 0) lastDay = { minute, day };
  return day;
}

/**
 * Bounds on dates a caller gives (a year 9999 is a typing slip or a probe, never a plan): nothing
 * before 1900-01-01; a validity (a posting's validUntil, a category version's validFrom/validUntil)
 * at most 10 years ahead; a school date (graduation, leaving school) at most 5 years ahead.
 */
export const DATE_BOUNDS = { earliest: "1900-01-01", validityYearsAhead: 10, schoolYearsAhead: 5 } as const;

/** The calendar date `years` after `day` (YYYY-MM-DD; 29 February becomes 1 March in a common year). */
export function yearsAfter(day: string, years: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

/** The instant `years` after `now`. */
export function instantYearsAfter(now: Date, years: number): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** The instant a Fujian day begins (00:00 in Asia/Shanghai, which keeps no daylight saving: UTC+8). */
export function startOfServiceDay(day = serviceToday()): Date {
  return new Date(`${day}T00:00:00+08:00`);
}
