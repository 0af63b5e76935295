import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { forbidden } from "../../errors.js";
import { msg } from "../../i18n.js";
import { checkFirst } from "../../pagination.js";
import { countPeopleInLedger } from "../people/person.scan.js";
import { lockPeoplePage } from "../people/person.lock.js";
import { loadCategoryEvaluator } from "./category-evaluator.js";
import { syncMemberships } from "./category.service.js";
import { categoryReevaluations, type CategoryReevaluationRow } from "./category.table.js";
import { OPEN_REEVALUATION, PAGE_LOCK, requestReevaluation } from "./reevaluation.request.js";

/** People re-decided per page (one transaction each). */
export const REEVALUATION_PAGE = 1000;

/**
 * Re-decides the next page of people for the newest open request; null when nothing is open or
 * another process holds the page. One page at a time across every process (an advisory lock): the
 * pages follow one cursor. People are row-locked as every person write locks them (step 1 of the
 * lock order), so a person edited meanwhile is decided on what was committed, never on a stale read.
 */
export async function reevaluateNextPage(db: Database, size = REEVALUATION_PAGE): Promise<{ id: string; done: boolean } | null> {
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${PAGE_LOCK}) as ok`);
    if (!lock?.ok) return null;
    const [job] = await tx.select().from(categoryReevaluations).where(inArray(categoryReevaluations.status, [...OPEN_REEVALUATION])).orderBy(desc(categoryReevaluations.requestedAt), desc(categoryReevaluations.id)).limit(1);
    // Requests are made one at a time, each superseding the open one (reevaluation.request.ts): at most one is open.
    if (!job) return null;
    const evaluator = await loadCategoryEvaluator(tx);
    const page = await lockPeoplePage(tx, job.cursor, size);
    const changes = await syncMemberships(tx, evaluator, page);
    const done = page.length < size;
    await tx
      .update(categoryReevaluations)
      .set({
        status: done ? "DONE" : "RUNNING",
        cursor: page.at(-1)?.id ?? job.cursor,
        people: sql`${categoryReevaluations.people} + ${page.length}`,
        added: sql`${categoryReevaluations.added} + ${changes.added}`,
        removed: sql`${categoryReevaluations.removed} + ${changes.removed}`,
        finishedAt: done ? sql`now()` : null,
      })
      .where(and(eq(categoryReevaluations.id, job.id), inArray(categoryReevaluations.status, [...OPEN_REEVALUATION])));
    return { id: job.id, done };
  });
}

/** An administrator asks for a re-decision (after correcting reference data, say). */
export async function requestReevaluationBy(db: Database, viewer: Viewer): Promise<CategoryReevaluationRow> {
  if (!(viewer.kind === "user" && viewer.role === Role.ADMIN)) throw forbidden(msg("只有管理员可以申请重新认定重点群体类别", "Only administrators ask for categories to be re-decided"));
  return db.transaction((tx) => requestReevaluation(tx, "REQUESTED", actorOf(viewer)));
}

/** The latest requests, newest first (caseworkers and administrators). */
export async function listReevaluations(db: Executor, viewer: Viewer, first: number): Promise<CategoryReevaluationRow[]> {
  if (!(viewer.kind === "user" && (viewer.role === Role.ADMIN || viewer.role === Role.CASEWORKER))) throw forbidden(msg("只有经办人员和管理员可以查看重点群体类别的重新认定", "Category re-decisions are read by caseworkers and administrators"));
  checkFirst(first);
  return db.select().from(categoryReevaluations).orderBy(desc(categoryReevaluations.requestedAt), desc(categoryReevaluations.id)).limit(first);
}

/**
 * Re-decides everyone now, in this process (the CLI, the demo seed, tests): a request, then page
 * after page until it is done. Another process working the same request meanwhile only shares the work.
 */
export async function reevaluateEveryone(db: Database, onProgress?: (done: number, total: number) => void, by = "cli"): Promise<{ people: number; added: number; removed: number }> {
  const request = await db.transaction((tx) => requestReevaluation(tx, "REQUESTED", by));
  const total = await countPeopleInLedger(db);
  for (;;) {
    const [row] = await db.select().from(categoryReevaluations).where(eq(categoryReevaluations.id, request.id));
    onProgress?.(row!.people, total);
    if (row!.status === "DONE" || row!.status === "SUPERSEDED") return { people: row!.people, added: row!.added, removed: row!.removed };
    // Null: another process holds the page; wait for it.
    if ((await reevaluateNextPage(db)) === null) await new Promise((r) => setTimeout(r, 50));
  }
}
