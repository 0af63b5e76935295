/**
 * The texts a person is sent, as Chinese templates held as data (issue 21). `{name}` stands for a
 * variable. Each template code fixes which variables it may use and which it must: a template naming
 * one it may not, leaving out one it must, or with a stray brace is refused when it is saved — never
 * found out when it is sent. No code offers an ID number, a category or a poverty status as a
 * variable, so no template can carry one.
 */
import { desc, eq, sql } from "drizzle-orm";
import { actorOf, Role, type Viewer } from "../../auth/viewer.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput, forbidden } from "../../errors.js";
import { msg, type Message } from "../../i18n.js";
import { textIssue } from "../../text-input.js";
import { messageTemplates, type MessageTemplateRow } from "./notification.table.js";

interface TemplateSpec {
  /** What the template is for (officials editing it read this). */
  purpose: string;
  /** Variables it must use. */
  required: readonly string[];
  /** Variables it may use besides. */
  optional: readonly string[];
}

/** Every template, by code: the day's SMS, and the in-app text of each notification kind. */
export const TEMPLATE_SPECS: Record<string, TemplateSpec> = {
  SMS_DIGEST: { purpose: "每天至多一条的短信：汇总未读通知并列出推荐岗位", required: ["news"], optional: ["postings"] },
  REFERRAL: { purpose: "站内通知：向本人推荐了岗位", required: ["posting"], optional: ["employer"] },
  REFERRAL_STATUS: { purpose: "站内通知：推荐或申请的进展", required: ["posting", "status"], optional: ["employer"] },
  INTERVIEW_INVITATION: { purpose: "站内通知：用人单位邀请面试", required: ["posting"], optional: ["employer"] },
  FAIR_BOOKING: { purpose: "站内通知：为本人预约了招聘会", required: ["fair"], optional: ["posting"] },
  FAIR_BOOKING_CANCELLED: { purpose: "站内通知：本人的招聘会预约被取消（场次取消，或由工作人员取消）", required: ["fair"], optional: ["posting"] },
  FAIR_INVITATION: { purpose: "站内通知：邀请本人参加招聘会", required: ["fair"], optional: [] },
  MENTOR_ASSIGNED: { purpose: "站内通知：安排了一对一就业帮扶红娘", required: [], optional: [] },
};

/** The longest template (an SMS of 70 Chinese characters is one part; a digest may take several). */
const MAX_TEMPLATE_CHARS = 500;

/** The variables a body names, in order; throws on a brace that opens or closes nothing. */
export function templateVariables(body: string): string[] {
  const names: string[] = [];
  const token = /\{([^{}]*)\}|[{}]/g;
  for (const m of body.matchAll(token)) {
    if (m[1] === undefined) throw new Error(`a stray "${m[0]}" at ${m.index}`);
    names.push(m[1]);
  }
  return names;
}

/** The problems with a template body for a code, each in both languages; none: it may be saved. */
export function templateProblems(code: string, body: string): Message[] {
  const spec = TEMPLATE_SPECS[code];
  if (!spec) return [msg(`未知的模板 ${code}`, `Unknown template ${code}`)];
  const problems: Message[] = [];
  if (body.trim() === "") problems.push(msg("模板不能为空", "A template cannot be empty"));
  const text = textIssue(body);
  if (text) problems.push(msg(`模板${text.zh}`, `The template ${text.en}`));
  if ([...body].length > MAX_TEMPLATE_CHARS) problems.push(msg(`模板最长 ${MAX_TEMPLATE_CHARS} 字`, `A template is at most ${MAX_TEMPLATE_CHARS} characters`));
  let names: string[];
  try {
    names = templateVariables(body);
  } catch {
    return [...problems, msg("模板中有未配对的花括号：变量写作 {名称}", "The template has an unmatched brace: a variable is written {name}")];
  }
  const allowed = new Set([...spec.required, ...spec.optional]);
  for (const name of new Set(names)) {
    if (!allowed.has(name)) problems.push(msg(`模板 ${code} 没有变量 {${name}}（可用：${[...allowed].join("、") || "无"}）`, `Template ${code} has no variable {${name}} (it has: ${[...allowed].join(", ") || "none"})`));
  }
  for (const name of spec.required) {
    if (!names.includes(name)) problems.push(msg(`模板 ${code} 缺少必需的变量 {${name}}`, `Template ${code} must use the variable {${name}}`));
  }
  return problems;
}

/** A saved body with its variables filled in (every variable was checked on save; one absent renders empty). */
export function renderTemplate(body: string, values: Record<string, string | number>): string {
  return body.replace(/\{([^{}]*)\}/g, (_, name: string) => String(values[name] ?? ""));
}

/** The latest version of every template, by code. */
export async function currentTemplates(db: Executor): Promise<Map<string, MessageTemplateRow>> {
  const rows = await db
    .selectDistinctOn([messageTemplates.code])
    .from(messageTemplates)
    .orderBy(messageTemplates.code, desc(messageTemplates.version));
  return new Map(rows.map((r) => [r.code, r]));
}

/** The templates in force, one per code; with `code`, every version of that one, newest first (an unknown code is BAD_USER_INPUT). */
export async function listTemplates(db: Executor, code: string | null): Promise<MessageTemplateRow[]> {
  if (code === null) return [...(await currentTemplates(db)).values()];
  if (!TEMPLATE_SPECS[code]) throw badInput("code", msg(`未知的模板 ${code}`, `Unknown template ${code}`));
  return db.select().from(messageTemplates).where(eq(messageTemplates.code, code)).orderBy(desc(messageTemplates.version));
}

/** A new version of a template (administrators); refused whole, nothing written, when it has a problem. */
export async function setMessageTemplate(db: Database, viewer: Viewer, code: string, body: string): Promise<MessageTemplateRow> {
  if (viewer.kind !== "user" || viewer.role !== Role.ADMIN) throw forbidden(msg("只有管理员可以修改通知模板", "Only administrators change notification templates"));
  const problems = templateProblems(code, body);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw badInput(TEMPLATE_SPECS[code] ? "body" : "code", first, { problems: problems.map((p) => p.zh) });
  }
  return db.transaction(async (tx) => {
    // Writers of one code take turns: versions are consecutive, never the same.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('message_templates'), hashtext(${code}))`);
    const [last] = await tx.select({ version: messageTemplates.version }).from(messageTemplates).where(eq(messageTemplates.code, code)).orderBy(desc(messageTemplates.version)).limit(1);
    const [row] = await tx
      .insert(messageTemplates)
      .values({ id: newId(), code, version: (last?.version ?? 0) + 1, body, createdBy: actorOf(viewer) })
      .returning();
    return row!;
  });
}
