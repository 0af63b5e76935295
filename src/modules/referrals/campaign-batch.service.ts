import { sql } from "drizzle-orm";
import { loggableMessage } from "../../logger.js";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import type { SearchEngine } from "../../search/search-port.js";
import { CandidateCache, NOTHING_FITS, policyReads, recommendForPeople, type MatchReads } from "../matching/recommend.service.js";
import { pairPeople } from "../mentors/mentor-pairing.service.js";
import { lockPeople } from "../people/person.lock.js";
import type { PersonRow } from "../people/person.table.js";
import { sharePostings } from "../postings/posting.lock.js";
import { findReferralsForPeople, insertCampaignReferrals, referralProgress, type ProgressRow } from "./referral.repository.js";

export const REASONS = {
  nothingFits: NOTHING_FITS,
  allReferred: "符合条件的在招岗位都已推荐过。可扩大意向地区，或登记转移就业意愿。",
  tooFew: (found: number, remaining: number) => `只有${found}个符合条件且未推荐过的在招岗位，还差${remaining - found}个。可扩大意向地区，或登记转移就业意愿。`,
  awaitingDelivery: "已推荐的岗位尚未全部送达本人：本专项行动在送达后才计入，送达前不再重复推荐。",
} as const;

interface Outcome {
  personId: string;
  state: "DONE" | "BELOW";
  created: number;
  remaining: number;
  reason: string | null;
}

/** What a run does for its people (see campaign_runs.kind). */
export type RunKind = "REFERRALS" | "MENTORS";

/** Where a worker's last claim ended (items are claimed in (run, person) order). */
export interface ItemKey {
  runId: string;
  personId: string;
}

/**
 * One batch of a campaign run, in one transaction: claim up to `size` pending people (SKIP LOCKED, so
 * workers and runs never take the same item), lock those people (so two runs serialise on a person
 * and the second sees the first's referrals), recommend each their best matches until their minimum
 * is met, and record each outcome. A crash anywhere rolls the whole batch back and leaves its items
 * pending for the next worker; the unique (person, posting) pair makes a repeat harmless anyway.
 * Returns the number of people claimed (0: nothing pending) and the last item claimed: a worker passes
 * it back as `after`, so a claim starts past the items already done instead of stepping over their
 * dead index entries (a queue read from its head slows as the head fills with them).
 */
export async function processRunBatch(
  db: Database,
  engine: SearchEngine,
  cache: CandidateCache,
  opts: { size: number; beforeCommit?: () => void | Promise<void>; after?: ItemKey | null; kinds?: readonly RunKind[] },
): Promise<{ claimed: number; runIds: string[]; last: ItemKey | null }> {
  let claimedKeys: ItemKey[] = [];
  return db.transaction(async (tx) => {
    const items = await queryRows<{ runId: string; personId: string; kind: RunKind; campaignId: string | null }>(
      tx,
      sql`select i.run_id as "runId", i.person_id as "personId", r.kind, r.campaign_id as "campaignId" from campaign_run_items i join campaign_runs r on r.id = i.run_id
          where i.state = 'PENDING' and (r.campaign_id is null or exists (select 1 from campaigns c where c.id = r.campaign_id and c.status = 'ACTIVE')) ${opts.kinds ? sql`and r.kind::text = any(${sql.param([...opts.kinds])}::text[])` : sql``} ${opts.after ? sql`and (i.run_id, i.person_id) > (${opts.after.runId}::uuid, ${opts.after.personId}::uuid)` : sql``}
          order by i.run_id, i.person_id limit ${opts.size} for update of i skip locked`,
    );
    if (items.length === 0) return { claimed: 0, runIds: [], last: null };
    claimedKeys = items.map(({ runId, personId }) => ({ runId, personId }));
    const runIds = [...new Set(items.map((i) => i.runId))];
    await tx.execute(sql`update campaign_runs set status = 'RUNNING', started_at = coalesce(started_at, now()) where id = any(${sql.param(runIds)}::uuid[]) and status = 'QUEUED'`);
    const personIds = [...new Set(items.map((i) => i.personId))].sort();
    const persons = await lockPeople(tx, personIds);
    // Each kind of run does its own work for its own people.
    const byKind = (kind: RunKind) => {
      const wanted = new Set(items.filter((i) => i.kind === kind).map((i) => i.personId));
      return persons.filter((p) => wanted.has(p.id));
    };
    const referralItems = items.filter((i) => i.kind === "REFERRALS");
    const runOf = new Map(referralItems.map((i) => [i.personId, i.runId]));
    // A person in runs of several campaigns is served once, up to the most any of them lacks: a
    // referral made today counts in every active campaign whose window holds today.
    const campaignsOf = new Map<string, Set<string>>();
    for (const i of referralItems) (campaignsOf.get(i.personId) ?? campaignsOf.set(i.personId, new Set()).get(i.personId)!).add(i.campaignId!);
    const referralOutcomes = await referForPeople(tx, engine, cache, byKind("REFERRALS"), runOf, campaignsOf);
    const pairingOutcomes = await pairPeople(tx, byKind("MENTORS"), "system:mentor-run");
    const byPerson = new Map<string, Outcome>([
      ...referralOutcomes.map((o): [string, Outcome] => [`REFERRALS:${o.personId}`, o]),
      ...pairingOutcomes.map((o): [string, Outcome] => [`MENTORS:${o.personId}`, { ...o, remaining: o.state === "DONE" ? 0 : 1 }]),
    ]);
    // A person in two runs' items of this batch was served once: the second item made nothing.
    const served = new Set<string>();
    const rows = items.map((i) => {
      const key = `${i.kind}:${i.personId}`;
      const outcome: Outcome = byPerson.get(key) ?? { personId: i.personId, state: "BELOW", created: 0, remaining: 0, reason: "Person not found" };
      const first = !served.has(key);
      served.add(key);
      return first ? outcome : { ...outcome, created: 0 };
    });
    await tx.execute(sql`update campaign_run_items i set state = u.state::campaign_run_item_state, created = u.created, remaining = u.remaining, reason = u.reason, processed_at = now(), attempts = i.attempts + 1
      from unnest(${sql.param(items.map((i) => i.runId))}::uuid[], ${sql.param(rows.map((r) => r.personId))}::uuid[], ${sql.param(rows.map((r) => r.state))}::text[],
                  ${sql.param(rows.map((r) => r.created))}::int[], ${sql.param(rows.map((r) => r.remaining))}::int[], ${sql.param(rows.map((r) => r.reason))}::text[]) as u(run_id, person_id, state, created, remaining, reason)
      where i.run_id = u.run_id and i.person_id = u.person_id`);
    await opts.beforeCommit?.();
    return { claimed: items.length, runIds, last: items.at(-1)! };
  }).catch((error: unknown) => {
    throw new BatchFailed(claimedKeys, error);
  });
}

/** Marks every unfinished run with nothing pending DONE (after batches commit, so the last sees the others'). */
export async function finishRuns(db: Executor): Promise<void> {
  await db.execute(sql`update campaign_runs r set status = 'DONE', finished_at = now()
    where r.status <> 'DONE' and not exists (select 1 from campaign_run_items i where i.run_id = r.id and i.state = 'PENDING')`);
}

/** Tries before an item that keeps failing is set aside as BELOW with the error as its reason. */
export const MAX_ATTEMPTS = 3;

/**
 * A batch failed and rolled back: count the attempt on its items (in a transaction of its own), and
 * set aside those that have failed MAX_ATTEMPTS times, so one bad item cannot stall every run behind it.
 */
export async function recordFailedAttempt(db: Database, items: ItemKey[], error: unknown): Promise<void> {
  if (items.length === 0) return;
  // Stored as the people's reason, which caseworkers read: a query error's parameters never (personal data).
  const message = loggableMessage(error).slice(0, 200);
  await db.execute(sql`update campaign_run_items i
    set attempts = i.attempts + 1,
        state = case when i.attempts + 1 >= ${MAX_ATTEMPTS} then 'BELOW'::campaign_run_item_state else i.state end,
        reason = case when i.attempts + 1 >= ${MAX_ATTEMPTS} then ${`处理出错，已重试${MAX_ATTEMPTS}次：${message}`} else i.reason end,
        processed_at = case when i.attempts + 1 >= ${MAX_ATTEMPTS} then now() else i.processed_at end
    from unnest(${sql.param(items.map((k) => k.runId))}::uuid[], ${sql.param(items.map((k) => k.personId))}::uuid[]) as u(run_id, person_id)
    where i.run_id = u.run_id and i.person_id = u.person_id and i.state = 'PENDING'`);
}

/** A batch that failed after claiming these items (they are pending again: the transaction rolled back). */
export class BatchFailed extends Error {
  constructor(
    readonly items: ItemKey[],
    override readonly cause: unknown,
  ) {
    super(loggableMessage(cause));
    this.name = "BatchFailed";
  }
}

/**
 * Refers each person their best recommendations up to what they still lack — `recommendForPeople`,
 * as Person.matches, with the chosen postings share-locked in this transaction and checked there —
 * the progress read, then the referrals with their events in one statement (a third read when a
 * campaign counts pushes once delivered); each outcome says why a person stays below.
 */
async function referForPeople(
  tx: Executor,
  engine: SearchEngine,
  cache: CandidateCache,
  persons: PersonRow[],
  runOf: Map<string, string>,
  campaignsOf: Map<string, Set<string>>,
): Promise<Outcome[]> {
  if (persons.length === 0) return [];
  const ids = persons.map((p) => p.id);
  const campaignIds = [...new Set([...campaignsOf.values()].flatMap((s) => [...s]))];
  const inRun = (p: ProgressRow) => campaignsOf.get(p.personId)?.has(p.campaignId) ?? false;
  const mostLacking = (rows: ProgressRow[]) => {
    const lacking = new Map<string, number>();
    for (const p of rows.filter(inRun)) lacking.set(p.personId, Math.max(lacking.get(p.personId) ?? 0, p.required - p.counted));
    return lacking;
  };
  // Whom to top up, and with how many, counts pushes as RECORDED, even in a campaign that counts them
  // only once DELIVERED: a push still on its way (an SMS waiting out the quiet hours, an app not yet
  // opened) is not sent again, or every re-run would pile more postings on the same people while
  // their pushes are in flight. What the run reports (each item's state, what it still lacks) counts
  // as the campaign does.
  const progress = await referralProgress(tx, ids, campaignIds, "RECORDED");
  const lack = mostLacking(progress);
  const countsDelivered = progress.some((p) => inRun(p) && p.pushCountsWhen === "DELIVERED");
  // The fallback (托底安置) is measured against the campaign's minimum, as what they lack is.
  const required = new Map<string, number>();
  for (const p of progress.filter(inRun)) required.set(p.personId, Math.max(required.get(p.personId) ?? 0, p.required));
  const recommendations = await recommendForPeople(engine, runReads(tx), persons, { limit: (p) => lack.get(p.id) ?? 0, excludeReferred: true, cache, minimum: (p) => required.get(p.id) ?? 0 });

  const rows: { personId: string; postingId: string; campaignRunId: string }[] = [];
  for (const rec of recommendations.values()) {
    for (const item of rec.items) rows.push({ personId: rec.personId, postingId: item.posting.id, campaignRunId: runOf.get(rec.personId)! });
  }
  const created = new Map<string, number>();
  for (const personId of await insertCampaignReferrals(tx, rows, { by: "system:fulfil", note: "专项行动自动推荐" })) created.set(personId, (created.get(personId) ?? 0) + 1);

  // What each still lacks: with pushes counted when recorded, what they lacked less what was made; a
  // campaign that counts them when delivered is read again (what was just made is not yet delivered).
  const stillLacking = countsDelivered ? mostLacking(await referralProgress(tx, ids, campaignIds)) : undefined;
  return persons.map((person) => {
    const wanted = lack.get(person.id) ?? 0;
    const made = created.get(person.id) ?? 0;
    const remaining = Math.max(0, stillLacking ? (stillLacking.get(person.id) ?? 0) : wanted - made);
    if (remaining === 0) return { personId: person.id, state: "DONE", created: made, remaining: 0, reason: null };
    if (made >= wanted) return { personId: person.id, state: "BELOW", created: made, remaining, reason: REASONS.awaitingDelivery };
    const rec = recommendations.get(person.id)!;
    const reason = rec.nothingFits ? REASONS.nothingFits : rec.allReferred ? REASONS.allReferred : REASONS.tooFew(made, wanted);
    return { personId: person.id, state: "BELOW", created: made, remaining, reason };
  });
}

/** What recommending reads in a run: from the batch's transaction, the chosen postings share-locked (after the people: the lock order). */
function runReads(tx: Executor): MatchReads {
  return {
    ...policyReads(tx),
    referred: async (ids) => {
      const referred = new Map<string, Set<string>>();
      for (const r of await findReferralsForPeople(tx, ids)) (referred.get(r.personId) ?? referred.set(r.personId, new Set()).get(r.personId)!).add(r.postingId);
      return referred;
    },
    postings: (ids) => sharePostings(tx, ids),
    oneQueryAtATime: true,
  };
}
