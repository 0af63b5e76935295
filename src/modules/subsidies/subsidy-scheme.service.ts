import { actorOf, type Viewer } from "../../auth/viewer.js";
import { DATE_BOUNDS, serviceToday, yearsAfter } from "../../dates.js";
import type { Database, Executor } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import { requestReevaluation } from "../categories/reevaluation.request.js";
import { noteSubsidyCalendar } from "./subsidy-calendar.js";
import { checkSchemeRule } from "./subsidy-rules.js";
import { assertAdministrator } from "./subsidy.access.js";
import { findSchemesByIds, insertSchemeVersion, listSchemeVersions, nextSchemeVersion } from "./subsidy.repository.js";
import { AMOUNT_KINDS, ISSUING_LEVELS, SUBSIDY_SUBJECTS, type SubsidySchemeRow } from "./subsidy.table.js";

export interface SchemeVersionInput {
  code: string;
  name: string;
  description?: string | null;
  subject: (typeof SUBSIDY_SUBJECTS)[number];
  rule: unknown;
  amountKind: (typeof AMOUNT_KINDS)[number];
  amountYuan: number;
  amountReconstructed?: boolean | null;
  source?: string | null;
  documents: string[];
  issuingLevel: (typeof ISSUING_LEVELS)[number];
  validFrom: string;
  validUntil?: string | null;
}

/** Every version of every scheme (policy data: officials and mentors read it; it names no one). */
export function listSubsidySchemes(db: Executor): Promise<SubsidySchemeRow[]> {
  return listSchemeVersions(db);
}

export function schemesByIds(db: Executor, ids: readonly string[]): Promise<SubsidySchemeRow[]> {
  return findSchemesByIds(db, ids);
}

/**
 * A new version of a subsidy scheme (policy data, administrators only): its rule must compile and
 * name only facts there are. Everyone is re-decided against it in the background (with their
 * categories: categoryReevaluations, reason SUBSIDY_PUBLISHED); claims already applied for keep theirs.
 */
export async function publishSubsidyScheme(db: Database, viewer: Viewer, input: SchemeVersionInput): Promise<SubsidySchemeRow> {
  assertAdministrator(viewer);
  if (!/^[A-Z0-9_]{2,40}$/.test(input.code)) throw badInput("input.code", msg("code 须为 2–40 个大写字母、数字或下划线", "code is 2–40 capitals, digits and underscores"));
  const checked = checkSchemeRule(input.rule, input.subject);
  if (!checked.ok) throw badInput("input.rule", checked.problem);
  if (input.amountKind === "PER_PERSON" && input.subject !== "EMPLOYER") throw badInput("input.amountKind", msg("按人数计算的补贴只发给用人单位", "A sum per person employed goes to employers only"));
  if (!Number.isInteger(input.amountYuan) || input.amountYuan < 0 || input.amountYuan > 10_000_000) throw badInput("input.amountYuan", msg("amountYuan 须为 0–10000000 的整数（元）", "amountYuan is a whole number of yuan, 0–10,000,000"));
  const documents = [...new Set(input.documents.map((d) => d.trim()).filter(Boolean))];
  if (documents.length > 20 || documents.some((d) => d.length > 100)) throw badInput("input.documents", msg("材料至多 20 项，每项至多 100 个字符", "At most 20 documents of at most 100 characters"));
  const latest = yearsAfter(serviceToday(), DATE_BOUNDS.validityYearsAhead);
  for (const field of ["validFrom", "validUntil"] as const) {
    const day = input[field];
    if (day && (day < DATE_BOUNDS.earliest || day > latest)) throw badInput(`input.${field}`, msg(`${field} 须在 ${DATE_BOUNDS.earliest} 至 ${latest} 之间`, `${field} must be between ${DATE_BOUNDS.earliest} and ${latest}`));
  }
  if (input.validUntil && input.validUntil < input.validFrom) throw badInput("input.validUntil", msg("validUntil 早于 validFrom", "validUntil is before validFrom"));
  return db.transaction(async (tx) => {
    // The version first: it takes the publication lock, so the earlier versions read next include a publication of the same code running at once.
    const version = await nextSchemeVersion(tx, input.code);
    // Who receives a scheme is what it is: a new version may change the rule and amounts, not turn a person's subsidy into an employer's (its claims would change kind).
    const earlier = (await listSchemeVersions(tx)).find((s) => s.code === input.code);
    if (earlier && earlier.subject !== input.subject) throw badInput("input.subject", msg(`补贴项目 ${input.code} 发给${earlier.subject === "EMPLOYER" ? "用人单位" : "个人"}，新版本不能改变发放对象`, `Scheme ${input.code} goes to ${earlier.subject === "EMPLOYER" ? "employers" : "people"}: a new version cannot change who receives it`), { subject: earlier.subject });
    const row = await insertSchemeVersion(tx, {
      id: newId(),
      code: input.code,
      version,
      name: input.name,
      description: input.description ?? "",
      subject: input.subject,
      rule: input.rule,
      amountKind: input.amountKind,
      amountYuan: input.amountYuan,
      amountReconstructed: input.amountReconstructed ?? false,
      source: input.source ?? "",
      documents,
      issuingLevel: input.issuingLevel,
      validFrom: input.validFrom,
      validUntil: input.validUntil ?? null,
      createdBy: actorOf(viewer),
    });
    await requestReevaluation(tx, "SUBSIDY_PUBLISHED", actorOf(viewer));
    // This re-decision covers what is in force today; a version starting later is the calendar's to catch.
    await noteSubsidyCalendar(tx);
    return row;
  });
}
