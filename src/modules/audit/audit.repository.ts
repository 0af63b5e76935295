import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { auditLog, decisionAudit, type AuditRow, type DecisionAuditRow } from "./audit.table.js";
import { keysetOrder, keysetRange } from "../../db/keyset.js";
import type { KeysetPage } from "../../pagination.js";

export async function insertAuditRows(db: Executor, rows: (typeof auditLog.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(auditLog).values(rows);
}

export interface AuditQuery {
  personId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

function auditConditions(q: AuditQuery): SQL[] {
  const c: SQL[] = [];
  if (q.personId) c.push(eq(auditLog.personId, q.personId));
  if (q.actor) c.push(eq(auditLog.actor, q.actor));
  if (q.from) c.push(gte(auditLog.at, q.from));
  if (q.to) c.push(lte(auditLog.at, q.to));
  return c;
}

export function listAudit(db: Executor, q: AuditQuery, page: KeysetPage): Promise<AuditRow[]> {
  const c = auditConditions(q);
  return db.select().from(auditLog).where(and(...c, keysetRange(auditLog.id, page))).orderBy(keysetOrder(auditLog.id, page)).limit(page.limit);
}

export async function countAudit(db: Executor, q: AuditQuery): Promise<number> {
  return await db.$count(auditLog, and(...auditConditions(q)));
}

export async function insertDecisionRow(db: Executor, row: typeof decisionAudit.$inferInsert): Promise<void> {
  await db.insert(decisionAudit).values(row);
}

export interface DecisionQuery {
  partnerId?: string;
  employerId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

function decisionConditions(q: DecisionQuery): SQL[] {
  const c: SQL[] = [];
  if (q.partnerId) c.push(eq(decisionAudit.partnerId, q.partnerId));
  if (q.employerId) c.push(eq(decisionAudit.employerId, q.employerId));
  if (q.action) c.push(eq(decisionAudit.action, q.action));
  if (q.from) c.push(gte(decisionAudit.at, q.from));
  if (q.to) c.push(lte(decisionAudit.at, q.to));
  return c;
}

export function listDecisions(db: Executor, q: DecisionQuery, page: KeysetPage): Promise<DecisionAuditRow[]> {
  return db.select().from(decisionAudit).where(and(...decisionConditions(q), keysetRange(decisionAudit.id, page))).orderBy(keysetOrder(decisionAudit.id, page)).limit(page.limit);
}

export async function countDecisions(db: Executor, q: DecisionQuery): Promise<number> {
  return await db.$count(decisionAudit, and(...decisionConditions(q)));
}
