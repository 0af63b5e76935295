import { eq, sql, type SQL } from "drizzle-orm";
import { isRegionPrefix } from "../../region-code.js";
import { campaignFor } from "../categories/campaign.service.js";
import { mentorEligible, requiredMinimum } from "../categories/category.sql.js";
import { openReevaluations } from "../categories/reevaluation.request.js";
import { countedReferrals } from "./referral.sql.js";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { SERVICE_TIME_ZONE } from "../../dates.js";
import { badInput, conflict, forbidden, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { personScope, scopeCondition, type PersonScope } from "../people/person.access.js";
import { campaignRuns, type CampaignRunRow } from "./campaign-run.table.js";

export type FulfilScope = { personId: string } | { regionCode: string } | { institutionId: string } | { categoryCode: string };

function mayRun(viewer: Viewer): PersonScope {
  const scope = personScope(viewer);
  if (!(viewer.kind === "user" && (viewer.role === Role.CASEWORKER || viewer.role === Role.ADMIN)) || scope.kind === "none") {
    throw forbidden(msg("只有经办人员和管理员可以发起专项行动批量任务", "Only caseworkers and administrators start campaign runs"));
  }
  return scope;
}

/** Exactly one of the scope's fields, checked. */
export function parseFulfilScope(input: { personId?: string | null; regionCode?: string | null; institutionId?: string | null; categoryCode?: string | null }): FulfilScope {
  const given = Object.entries(input).filter(([, v]) => v != null && v !== "");
  if (given.length !== 1) throw badInput("scope", msg("personId、regionCode、institutionId、categoryCode 须指定且只能指定其中一项", "Name exactly one of personId, regionCode, institutionId, categoryCode"));
  const [key, value] = given[0]! as [keyof typeof input, string];
  if (key === "personId") return { personId: parseId(value, "scope.personId") };
  if (key === "institutionId") return { institutionId: parseId(value, "scope.institutionId") };
  if (key === "regionCode") {
    if (!isRegionPrefix(value)) throw badInput("scope.regionCode", msg("地区代码前缀应为 2、4 或 6 位数字", "A region code prefix is 2, 4 or 6 digits"));
    return { regionCode: value };
  }
  if (!/^[A-Z0-9_]{1,40}$/.test(value)) throw badInput("scope.categoryCode", msg("不是有效的人员类别代码", "Not a category code"));
  return { categoryCode: value };
}

/**
 * Starts a campaign run (fulfilReferralMinimums): the people of the scope, within the caller's own,
 * who are below their referral minimum now become its items, in one statement; the background runner
 * does the rest. A scope with nobody below is a run that is DONE at once.
 */
export async function startCampaignRun(db: Database, viewer: Viewer, scope: FulfilScope, campaignId?: string | null): Promise<CampaignRunRow> {
  const allowed = mayRun(viewer);
  return db.transaction(async (tx) => {
    const named = await campaignFor(tx, campaignId);
    // Share-locked: a close (which locks it for update) waits for this run to be queued, and then ends it;
    // a run asked for while the campaign closes waits, and sees it CLOSED.
    const [campaign] = await queryRows<{ id: string; status: string; startsOn: string; endsOn: string }>(
      tx,
      sql`select id, status::text, to_char(starts_on, 'YYYY-MM-DD') as "startsOn", to_char(ends_on, 'YYYY-MM-DD') as "endsOn" from campaigns where id = ${named.id} for share`,
    );
    if (!campaign) throw conflict(msg("该专项行动已不存在", "The campaign is gone"));
    // Referrals made outside the campaign's window do not count in it: a run then would send
    // postings that change nothing, and every later run would send more.
    if (campaign.status !== "ACTIVE") throw conflict(msg(`该专项行动的状态为 ${campaign.status}：只有状态为 ACTIVE 的专项行动可以发起批量任务`, `The campaign is ${campaign.status}: runs work ACTIVE campaigns`));
    const [today] = await queryRows<{ today: string }>(tx, sql`select to_char((now() at time zone ${SERVICE_TIME_ZONE})::date, 'YYYY-MM-DD') as today`);
    if (today!.today < campaign.startsOn || today!.today > campaign.endsOn) {
      throw conflict(msg(`该专项行动的起止日期为 ${campaign.startsOn} 至 ${campaign.endsOn}：今天所作的推荐不会计入任何人在该专项行动中的最低推荐数`, `The campaign runs ${campaign.startsOn} to ${campaign.endsOn}: referrals made today would not count toward anyone's minimum in it`));
    }
    await checkScope(tx, allowed, scope);
    await refuseWhileRedeciding(tx);
    const [run] = await tx.insert(campaignRuns).values({ id: newId(), kind: "REFERRALS", scope, campaignId: campaign.id, createdBy: actorOf(viewer) }).returning();
    await insertItems(tx, run!.id, allowed, scope, belowMinimum(sql`people.id`, sql`${campaign.id}::uuid`));
    return finishIfEmpty(tx, run!);
  });
}

/**
 * A run picks its people by their categories: while everyone's are being re-decided (a key-group
 * campaign just activated, a category version published), it would pass over people the new decision
 * gives a minimum or a mentor — and mark them done. CONFLICT until the re-decision is DONE.
 */
async function refuseWhileRedeciding(tx: Executor): Promise<void> {
  const [open] = await openReevaluations(tx);
  if (open) {
    throw conflict(msg(`正在重新认定全体人员的类别（${open.reason}；目前已处理 ${open.people} 人）：请待 categoryReevaluations 显示为 DONE 后再发起批量任务`, `Everyone's categories are being re-decided (${open.reason}; ${open.people} people so far): start the run once categoryReevaluations shows it DONE`), { field: "campaignId" });
  }
}

/** Checks the scope names someone or something that exists, within the caller's own scope. */
async function checkScope(tx: Executor, allowed: PersonScope, scope: FulfilScope): Promise<void> {
  if ("personId" in scope) {
    const [person] = await queryRows<{ id: string }>(tx, sql`select id from people where people.id = ${scope.personId} and ${scopeCondition(allowed) ?? sql`true`}`);
    if (!person) throw notFound("Person", scope.personId);
  }
  if ("regionCode" in scope) {
    const [known] = await queryRows<{ code: string }>(tx, sql`select code from regions where code = ${scope.regionCode.padEnd(6, "0")}`);
    if (!known) throw badInput("scope.regionCode", msg(`未知的地区代码 ${scope.regionCode}`, `Unknown region code ${scope.regionCode}`));
  }
  if ("categoryCode" in scope) {
    const [known] = await queryRows<{ code: string }>(tx, sql`select code from target_categories where code = ${scope.categoryCode} limit 1`);
    if (!known) throw badInput("scope.categoryCode", msg(`未知的人员类别 ${scope.categoryCode}`, `Unknown category ${scope.categoryCode}`));
  }
}

/** A run's items: the people of its scope, within the caller's, for whom `needed` holds now. */
async function insertItems(tx: Executor, runId: string, allowed: PersonScope, scope: FulfilScope, needed: SQL): Promise<void> {
  const chosen =
    "personId" in scope
      ? sql`people.id = ${scope.personId}`
      : "regionCode" in scope
        ? sql`(people.household_region_code like ${`${scope.regionCode}%`} or people.origin_region_code like ${`${scope.regionCode}%`})`
        : "institutionId" in scope
          ? sql`people.institution_id = ${scope.institutionId}`
          : sql`exists (select 1 from person_categories pc where pc.person_id = people.id and pc.category_code = ${scope.categoryCode})`;
  // scopeCondition names the table "people": no alias here.
  await tx.execute(sql`insert into campaign_run_items (run_id, person_id)
    select ${runId}, people.id from people
    where ${chosen} and ${scopeCondition(allowed) ?? sql`true`} and ${needed}`);
}

/** A run with no items is DONE at once. */
async function finishIfEmpty(tx: Executor, run: CampaignRunRow): Promise<CampaignRunRow> {
  const [pending] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from campaign_run_items where run_id = ${run.id}`);
  if (pending!.n > 0) return run;
  const [done] = await tx.update(campaignRuns).set({ status: "DONE", startedAt: sql`now()`, finishedAt: sql`now()` }).where(eq(campaignRuns.id, run.id)).returning();
  return done!;
}

/**
 * Starts a mentor run (assignMentorsAutomatically): the people of the scope, within the caller's
 * own, whom the policy makes eligible and who have no mentor now become its items; the background
 * runner pairs each with the nearest mentor with room (`pairPeople`) and sets aside, with the
 * reason, those nobody within reach can take.
 */
export async function startMentorRun(db: Database, viewer: Viewer, scope: FulfilScope): Promise<CampaignRunRow> {
  const allowed = mayRun(viewer);
  return db.transaction(async (tx) => {
    await checkScope(tx, allowed, scope);
    await refuseWhileRedeciding(tx);
    const [run] = await tx.insert(campaignRuns).values({ id: newId(), kind: "MENTORS", scope, createdBy: actorOf(viewer) }).returning();
    await insertItems(
      tx,
      run!.id,
      allowed,
      scope,
      sql`${mentorEligible(sql`people.id`)}
          and not exists (select 1 from mentorships m where m.person_id = people.id and m.ended_at is null)`,
    );
    return finishIfEmpty(tx, run!);
  });
}

/**
 * SQL: the person is below their referral minimum in the campaign now, counting as the campaign does:
 * someone whose pushes still await delivery becomes an item too, so the run reports them below (it
 * tops them up counting pushes as recorded, and so sends them nothing more: campaign-batch.service.ts).
 */
function belowMinimum(personId: SQL, campaignId: SQL) {
  return sql`${requiredMinimum(personId, campaignId)} > ${countedReferrals(personId, campaignId)}`;
}

export interface RunSummary {
  run: CampaignRunRow;
  total: number;
  processed: number;
  created: number;
  stillBelow: number;
  reasons: { reason: string; count: number }[];
}

/** A run as its items stand. Visible to its starter's peers: caseworkers see runs they started, administrators all. */
export async function getCampaignRun(db: Database, viewer: Viewer, id: string): Promise<RunSummary | null> {
  mayRun(viewer);
  const runId = parseId(id, "id");
  const [run] = await db.select().from(campaignRuns).where(eq(campaignRuns.id, runId));
  if (!run) return null;
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN) && run.createdBy !== actorOf(viewer)) return null;
  const [counts] = await queryRows<{ total: number; processed: number; created: number; below: number }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where state <> 'PENDING')::int as processed,
               coalesce(sum(created), 0)::int as created, count(*) filter (where state = 'BELOW')::int as below
        from campaign_run_items where run_id = ${runId}`,
  );
  const reasons = await queryRows<{ reason: string; count: number }>(
    db,
    sql`select reason, count(*)::int as count from campaign_run_items where run_id = ${runId} and state = 'BELOW' group by reason order by count(*) desc, reason`,
  );
  return { run, total: counts!.total, processed: counts!.processed, created: counts!.created, stillBelow: counts!.below, reasons };
}

/** The people a run left below their minimum, with the reason and what they still lack, by person id. */
export function runStillBelow(db: Database, runId: string, page: { first: number; after?: string | null }) {
  const after = page.after ? parseId(page.after, "after") : null;
  return queryRows<{ personId: string; remaining: number | null; reason: string }>(
    db,
    sql`select person_id as "personId", remaining, reason from campaign_run_items
        where run_id = ${runId} and state = 'BELOW' ${after ? sql`and person_id > ${after}` : sql``}
        order by person_id limit ${page.first}`,
  );
}
