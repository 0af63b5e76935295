/**
 * The service's calendar: Fujian's (UTC+8, Asia/Shanghai — all of mainland China keeps one zone).
 * "Today", date cut-offs and day boundaries are Fujian's, not the server's or UTC's.
 */
export const SERVICE_TIME_ZONE = "Asia/Shanghai";

const formatter = new Intl.DateTimeFormat("en-CA", { timeZone: SERVICE_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** The date in Fujian at `now`, as YYYY-MM-DD. */
export function serviceToday(now = new Date()): string {
  return formatter.format(now);
}
