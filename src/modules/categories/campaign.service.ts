import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import { queryRows, type Database, type Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { parseId } from "../../db/parse-id.js";
import { effectiveFromInput, nextPolicyVersion, policyInForce } from "../../db/policy-version.js";
import { DATE_BOUNDS, SERVICE_TIME_ZONE, serviceToday, yearsAfter } from "../../dates.js";
import { badInput, conflict, forbidden, isExclusionViolation, isUniqueViolation, notFound } from "../../errors.js";
import { msg } from "../../i18n.js";
import { requiredText } from "../../text-input.js";
import { deliveryDeadline } from "../notifications/notification.sql.js";
import { onCampaignClosing } from "./campaign.hooks.js";
import { requestReevaluation } from "./reevaluation.request.js";
import {
  campaignCategories,
  campaignKinds,
  campaignPolicies,
  campaigns,
  KEY_GROUP_KIND,
  targetCategories,
  type CampaignCategoryRow,
  type CampaignRow,
  type CampaignStatus,
} from "./category.table.js";

/**
 * Campaigns as data (issue 16): administrators create, edit (while DRAFT), activate and close them;
 * caseworkers read them. Every rule here is also a constraint in the database (migration 0023): one
 * ACTIVE campaign per kind, no two campaigns of one kind sharing a day, a window that ends after it
 * starts, a closed campaign with its closing time.
 */

export interface CampaignInput {
  code: string;
  name: string;
  kind: string;
  cohortYear: number;
  startsOn: string;
  endsOn: string;
  pushCountsWhen?: "RECORDED" | "DELIVERED" | null;
  /** The category versions bound, each with the minimum it carries here (null: the version's own). */
  categories: { categoryId: string; minReferrals?: number | null }[];
}

export type CampaignPatch = Partial<CampaignInput>;

function mustAdminister(viewer: Viewer): void {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以管理专项行动", "Only administrators manage campaigns"));
}

function mayRead(viewer: Viewer): void {
  if (!(viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER))) throw forbidden(msg("只有经办人员和管理员可以查看专项行动", "Campaigns are read by caseworkers and administrators"));
}

/** The campaign policy in force on a day (default today). */
export async function campaignPolicyOn(db: Executor, day?: string | null) {
  const row = await policyInForce(db, campaignPolicies, day ?? undefined);
  if (!row) throw new Error("No campaign policy in force: the migrations load one from 2020-01-01");
  return row;
}

/** A new version of the campaign policy (administrators). */
export async function setCampaignPolicy(db: Database, viewer: Viewer, maxWindowDays: number, effectiveFrom?: string | null) {
  mustAdminister(viewer);
  if (!Number.isInteger(maxWindowDays) || maxWindowDays < 1 || maxWindowDays > 731) throw badInput("maxWindowDays", msg("maxWindowDays 须为 1 至 731 之间的整数天数", "maxWindowDays is a whole number of days from 1 to 731"));
  const from = effectiveFromInput(effectiveFrom);
  return db.transaction(async (tx) => {
    const version = await nextPolicyVersion(tx, "campaign_policies");
    const [row] = await tx.insert(campaignPolicies).values({ id: newId(), version, maxWindowDays, effectiveFrom: from, createdBy: actorOf(viewer) }).returning();
    return row!;
  });
}

const dayCount = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** Checks a whole campaign (after a patch is applied): fields, window against the policy, the kind, the categories against its population. */
async function checkCampaign(tx: Executor, c: CampaignInput): Promise<{ bindings: Omit<CampaignCategoryRow, "campaignId">[] }> {
  if (!/^[A-Z0-9][A-Z0-9_-]{1,39}$/.test(c.code)) throw badInput("input.code", msg("code 须为 2–40 个大写字母、数字、连字符或下划线", "code is 2–40 capitals, digits, hyphens and underscores"));
  requiredText(c.name, "input.name", 200);
  if (!Number.isInteger(c.cohortYear) || c.cohortYear < 2000 || c.cohortYear > 2100) throw badInput("input.cohortYear", msg("cohortYear 须为毕业年份（2000–2100）", "cohortYear is a graduation year, 2000–2100"));
  const latest = yearsAfter(serviceToday(), DATE_BOUNDS.schoolYearsAhead);
  for (const field of ["startsOn", "endsOn"] as const) {
    if (c[field] < "2000-01-01" || c[field] > latest) throw badInput(`input.${field}`, msg(`${field} 须在 2000-01-01 至 ${latest} 之间`, `${field} must be between 2000-01-01 and ${latest}`));
  }
  if (c.endsOn < c.startsOn) throw badInput("input.endsOn", msg("结束日期早于开始日期", "The window ends before it starts"));
  const { maxWindowDays } = await campaignPolicyOn(tx, c.startsOn);
  const days = dayCount(c.startsOn, c.endsOn);
  if (days > maxWindowDays) throw badInput("input.endsOn", msg(`专项行动最长 ${maxWindowDays} 天（专项行动政策），所设时段为 ${days} 天`, `A campaign runs at most ${maxWindowDays} days (the campaign policy); this window has ${days}`));
  const [kind] = await tx.select().from(campaignKinds).where(eq(campaignKinds.code, c.kind));
  if (!kind) throw badInput("input.kind", msg(`未知的专项行动类型 ${c.kind}`, `Unknown campaign kind ${c.kind}`));
  const ids = c.categories.map((b, i) => parseId(b.categoryId, `input.categories.${i}.categoryId`));
  const versions = ids.length ? await tx.select().from(targetCategories).where(inArray(targetCategories.id, ids)) : [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const codes = new Set<string>();
  const bindings = c.categories.map((b, i) => {
    const version = byId.get(ids[i]!);
    if (!version) throw badInput(`input.categories.${i}.categoryId`, msg(`不存在重点群体类别版本 ${ids[i]}`, `No category version ${ids[i]}`));
    if (kind.population && version.population !== kind.population)
      throw badInput(`input.categories.${i}.categoryId`, msg(`${version.code} v${version.version} 适用于 ${version.population}，而 ${kind.code} 专项行动面向 ${kind.population}`, `${version.code} v${version.version} is for ${version.population}; a ${kind.code} campaign serves ${kind.population}`));
    if (codes.has(version.code)) throw badInput(`input.categories.${i}.categoryId`, msg(`${version.code} 重复绑定`, `${version.code} is bound twice`));
    codes.add(version.code);
    // The minimum is fixed when bound (the version's own unless given), so what the campaign shows is what it
    // counts, even after a later version of the category changes its own. (NULL only on the migrated 2020 rows.)
    const min = b.minReferrals ?? version.minReferrals;
    if (!Number.isInteger(min) || min < 0 || min > 50) throw badInput(`input.categories.${i}.minReferrals`, msg("minReferrals 须为 0–50", "minReferrals is 0–50"));
    return { categoryCode: version.code, categoryId: version.id, minReferrals: min };
  });
  return { bindings };
}

/** The database's guards, said as the API says them. */
function asConflict(error: unknown): never {
  if (isExclusionViolation(error, "campaigns_kind_window_excl")) throw conflict(msg("同类型的另一专项行动已覆盖其中部分日期", "Another campaign of this kind already covers some of these days"), { field: "input.startsOn" });
  if (isUniqueViolation(error, "campaigns_one_active_per_kind_idx")) throw conflict(msg("同类型的另一专项行动正处于 ACTIVE 状态：请先将其关闭", "Another campaign of this kind is ACTIVE: close it first"));
  if (isUniqueViolation(error, "campaigns_code_unique")) throw conflict(msg("已有使用此 code 的专项行动", "A campaign with this code exists"), { field: "input.code" });
  throw error;
}

async function lockedCampaign(tx: Executor, id: string): Promise<CampaignRow> {
  const campaignId = parseId(id, "id");
  const [row] = await tx.select().from(campaigns).where(eq(campaigns.id, campaignId)).for("update");
  if (!row) throw notFound("Campaign", campaignId);
  return row;
}

async function writeBindings(tx: Executor, campaignId: string, bindings: Omit<CampaignCategoryRow, "campaignId">[]): Promise<void> {
  await tx.delete(campaignCategories).where(eq(campaignCategories.campaignId, campaignId));
  if (bindings.length > 0) await tx.insert(campaignCategories).values(bindings.map((b) => ({ ...b, campaignId })));
}

export async function createCampaign(db: Database, viewer: Viewer, input: CampaignInput): Promise<CampaignRow> {
  mustAdminister(viewer);
  try {
    return await db.transaction(async (tx) => {
      const { bindings } = await checkCampaign(tx, input);
      const [row] = await tx
        .insert(campaigns)
        .values({
          id: newId(),
          code: input.code,
          name: input.name.trim(),
          kind: input.kind,
          cohortYear: input.cohortYear,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
          pushCountsWhen: input.pushCountsWhen ?? "RECORDED",
          status: "DRAFT",
          createdBy: actorOf(viewer),
        })
        .returning();
      await writeBindings(tx, row!.id, bindings);
      return row!;
    });
  } catch (error) {
    asConflict(error);
  }
}

/** Edits a DRAFT campaign (an ACTIVE or CLOSED one's window and categories are what its figures were counted on). */
export async function updateCampaign(db: Database, viewer: Viewer, id: string, patch: CampaignPatch): Promise<CampaignRow> {
  mustAdminister(viewer);
  try {
    return await db.transaction(async (tx) => {
      const row = await lockedCampaign(tx, id);
      if (row.status !== "DRAFT") throw conflict(msg(`该专项行动状态为 ${row.status}：只有 DRAFT 状态的专项行动可以编辑`, `The campaign is ${row.status}: only a DRAFT is edited`));
      const bound = await tx.select().from(campaignCategories).where(eq(campaignCategories.campaignId, row.id));
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)) as CampaignPatch;
      const merged: CampaignInput = {
        code: row.code,
        name: row.name,
        kind: row.kind,
        cohortYear: row.cohortYear,
        startsOn: row.startsOn,
        endsOn: row.endsOn,
        pushCountsWhen: row.pushCountsWhen as "RECORDED" | "DELIVERED",
        categories: bound.map((b) => ({ categoryId: b.categoryId, minReferrals: b.minReferrals })),
        ...defined,
      };
      const { bindings } = await checkCampaign(tx, merged);
      const [updated] = await tx
        .update(campaigns)
        .set({ code: merged.code, name: merged.name.trim(), kind: merged.kind, cohortYear: merged.cohortYear, startsOn: merged.startsOn, endsOn: merged.endsOn, pushCountsWhen: merged.pushCountsWhen ?? "RECORDED", updatedAt: sql`now()` })
        .where(eq(campaigns.id, row.id))
        .returning();
      if (patch.categories) await writeBindings(tx, row.id, bindings);
      return updated!;
    });
  } catch (error) {
    asConflict(error);
  }
}

/** DRAFT → ACTIVE: needs its categories; one ACTIVE campaign per kind. */
export async function activateCampaign(db: Database, viewer: Viewer, id: string): Promise<CampaignRow> {
  mustAdminister(viewer);
  try {
    return await db.transaction(async (tx) => {
      const row = await lockedCampaign(tx, id);
      if (row.status !== "DRAFT") throw conflict(msg(`该专项行动状态为 ${row.status}：只有 DRAFT 状态的专项行动可以启动`, `The campaign is ${row.status}: only a DRAFT is activated`));
      const [bound] = await tx.select({ n: sql<number>`count(*)::int` }).from(campaignCategories).where(eq(campaignCategories.campaignId, row.id));
      if (!bound || bound.n === 0) throw conflict(msg("该专项行动尚未绑定重点群体类别：请先绑定其服务的类别再启动", "The campaign has no categories: bind the categories it serves before activating it"), { field: "categories" });
      const [updated] = await tx.update(campaigns).set({ status: "ACTIVE", activatedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(campaigns.id, row.id)).returning();
      // Key-group categories are decided against this campaign's cohort and window: everyone is re-decided (in the background).
      if (updated!.kind === KEY_GROUP_KIND) await requestReevaluation(tx, "CAMPAIGN_ACTIVATED", actorOf(viewer), updated!.id);
      return updated!;
    });
  } catch (error) {
    asConflict(error);
  }
}

/**
 * ACTIVE → CLOSED. The modules that report on it freeze its figures in the same transaction
 * (onCampaignClosing), so a later edit of a person does not move a closed campaign's report.
 */
export async function closeCampaign(db: Database, viewer: Viewer, id: string): Promise<CampaignRow> {
  mustAdminister(viewer);
  return db.transaction(async (tx) => {
    const row = await lockedCampaign(tx, id);
    if (row.status !== "ACTIVE") throw conflict(msg(`该专项行动状态为 ${row.status}：只有 ACTIVE 状态的专项行动可以关闭`, `The campaign is ${row.status}: only an ACTIVE campaign is closed`));
    if (row.pushCountsWhen === "DELIVERED") {
      // Its figures are frozen on closing: not while a push delivered late within the grace may still count.
      const [grace] = await queryRows<{ open: boolean; until: string }>(tx, sql`select now() < ${deliveryDeadline(row.id)} as open, to_char(${deliveryDeadline(row.id)} at time zone ${SERVICE_TIME_ZONE}, 'YYYY-MM-DD HH24:MI') as until`);
      if (grace!.open) {
        throw conflict(msg(`该专项行动按送达计数：送达宽限期至 ${grace!.until}（福建时间）结束，之后方可关闭`, `The campaign counts pushes when delivered: deliveries still count until ${grace!.until} (Fujian time), when it can be closed`), { until: grace!.until });
      }
    }
    await onCampaignClosing.run(tx, { campaign: row, by: actorOf(viewer) });
    const [updated] = await tx.update(campaigns).set({ status: "CLOSED", closedAt: sql`now()`, closedBy: actorOf(viewer), figuresFrozenAt: sql`now()`, updatedAt: sql`now()` }).where(eq(campaigns.id, row.id)).returning();
    // With no key-group campaign active, key-group categories are decided as of today: re-decided in the background
    // (the closed campaign's figures are frozen above, so this does not move them).
    if (updated!.kind === KEY_GROUP_KIND) await requestReevaluation(tx, "CAMPAIGN_CLOSED", actorOf(viewer), updated!.id);
    return updated!;
  });
}

export async function listCampaigns(db: Database, viewer: Viewer, filter: { status?: CampaignStatus | null; kind?: string | null }): Promise<CampaignRow[]> {
  mayRead(viewer);
  return db
    .select()
    .from(campaigns)
    .where(and(filter.status ? eq(campaigns.status, filter.status) : undefined, filter.kind ? eq(campaigns.kind, filter.kind) : undefined))
    .orderBy(desc(campaigns.startsOn), asc(campaigns.code));
}

export async function getCampaign(db: Executor, viewer: Viewer, id: string): Promise<CampaignRow | null> {
  mayRead(viewer);
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, parseId(id, "id")));
  return row ?? null;
}

/** A campaign named by a client, which must exist (NOT_FOUND otherwise). */
export async function campaignNamed(db: Executor, id: string, field = "campaignId"): Promise<CampaignRow> {
  const campaignId = parseId(id, field);
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!row) throw notFound("Campaign", campaignId);
  return row;
}

/** The ACTIVE campaigns (several kinds run at once). */
export function activeCampaigns(db: Executor): Promise<CampaignRow[]> {
  return db.select().from(campaigns).where(eq(campaigns.status, "ACTIVE")).orderBy(asc(campaigns.startsOn));
}

export function bindingsOf(db: Executor, campaignIds: readonly string[]): Promise<CampaignCategoryRow[]> {
  if (campaignIds.length === 0) return Promise.resolve([]);
  return db.select().from(campaignCategories).where(inArray(campaignCategories.campaignId, [...campaignIds])).orderBy(campaignCategories.categoryCode);
}

export function campaignKindList(db: Executor) {
  return db.select().from(campaignKinds).orderBy(campaignKinds.code);
}

/**
 * The campaign a report or run is about: the one named, or by default the only ACTIVE campaign — with
 * several active, the key-group graduate campaign; otherwise the caller must name one.
 */
export async function campaignFor(db: Executor, id: string | null | undefined, field = "campaignId"): Promise<CampaignRow> {
  if (id) return campaignNamed(db, id, field);
  const active = await activeCampaigns(db);
  if (active.length === 1) return active[0]!;
  const keyGroup = active.find((c) => c.kind === KEY_GROUP_KIND);
  if (keyGroup) return keyGroup;
  if (active.length === 0) throw badInput(field, msg("当前没有进行中的专项行动：请指定一个（campaignId）", "No campaign is active: name one (campaignId)"));
  throw badInput(field, msg(`当前有 ${active.length} 个进行中的专项行动：请指定一个（campaignId）`, `${active.length} campaigns are active: name one (campaignId)`));
}
