import { sql, type SQL } from "drizzle-orm";

/**
 * The SQL for "this active pairing is overdue as of `moment`": no contact (logged as happening
 * before the moment) within the policy's days, counting from the pairing's start when there is none.
 * `alias` is the mentorships table's alias in the caller's query (the coverage report, campaign progress).
 */
export function overdueCondition(alias: string, moment: SQL, days: number): SQL {
  const m = sql.raw(alias);
  return sql`coalesce((select max(f.at) from mentor_follow_ups f where f.mentorship_id = ${m}.id and f.at < ${moment}), ${m}.started_at) < ${moment} - make_interval(days => ${days})`;
}
