import { asc, sql } from "drizzle-orm";
import type { Database, Executor } from "../../db/client.js";
import { preparedStatement } from "../../db/prepared.js";
import { newId } from "../../db/ids.js";
import { badInput } from "../../errors.js";
import { msg } from "../../i18n.js";
import { textIssue } from "../../text-input.js";
import { logSettingsChange } from "../../search/change-log.js";
import type { SearchSettings } from "../../search/search-port.js";
import { searchSynonymGroups } from "./synonym.table.js";

/** Limits on the groups an admin may set (Meilisearch applies them to every query). */
export const SYNONYM_LIMITS = { groups: 500, termsPerGroup: 20, termLength: 20 } as const;

/** The synonym groups, oldest first. */
const synonymGroups = preparedStatement("synonym_groups", (db) => db.select({ terms: searchSynonymGroups.terms }).from(searchSynonymGroups).orderBy(asc(searchSynonymGroups.createdAt), asc(searchSynonymGroups.id)));

export async function listSynonymGroups(db: Executor): Promise<string[][]> {
  const rows = await synonymGroups(db, {});
  return rows.map((r) => r.terms);
}

/** What the engines are configured with from the database. */
export async function loadSearchSettings(db: Executor): Promise<SearchSettings> {
  return { synonyms: await listSynonymGroups(db) };
}

/**
 * Groups as given, checked and normalised: terms trimmed and lower-cased (both engines match
 * lower-cased text), at least two distinct terms per group, no term in two groups (a search for it
 * would be ambiguous), within SYNONYM_LIMITS.
 */
export function normaliseSynonymGroups(groups: string[][]): string[][] {
  if (groups.length > SYNONYM_LIMITS.groups) throw badInput("groups", msg(`同义词组最多 ${SYNONYM_LIMITS.groups} 个`, `At most ${SYNONYM_LIMITS.groups} synonym groups`));
  const owner = new Map<string, number>();
  return groups.map((group, g) => {
    if (group.length > SYNONYM_LIMITS.termsPerGroup) throw badInput(`groups.${g}`, msg(`每组最多 ${SYNONYM_LIMITS.termsPerGroup} 个词`, `At most ${SYNONYM_LIMITS.termsPerGroup} terms in a group`));
    const terms: string[] = [];
    for (const [i, raw] of group.entries()) {
      const problem = textIssue(raw);
      if (problem) throw badInput(`groups.${g}.${i}`, msg(`词语${problem.zh}`, `A term ${problem.en}`));
      const term = raw.trim().toLowerCase().replace(/\s+/g, " ");
      if (!term) throw badInput(`groups.${g}.${i}`, msg("词语不能为空", "A term cannot be empty"));
      if ([...term].length > SYNONYM_LIMITS.termLength) throw badInput(`groups.${g}.${i}`, msg(`词语最多 ${SYNONYM_LIMITS.termLength} 个字符`, `A term is at most ${SYNONYM_LIMITS.termLength} characters`));
      const seen = owner.get(term);
      if (seen !== undefined && seen !== g) throw badInput(`groups.${g}.${i}`, msg(`“${term}”已在组 ${seen} 中`, `“${term}” is already in group ${seen}`));
      if (seen === undefined) {
        owner.set(term, g);
        terms.push(term);
      }
    }
    if (terms.length < 2) throw badInput(`groups.${g}`, msg("每个同义词组至少需要两个不同的词", "A synonym group needs at least two different terms"));
    return terms;
  });
}

/**
 * Replaces every synonym group (serialised by a lock) and records the change in the posting change
 * log in the same transaction: every process's search follower applies it to its engine (the
 * Meilisearch relay to Meilisearch) — no engine is waited on inside the transaction, so a slow or
 * failing engine can neither hold the lock nor leave it and PostgreSQL disagreeing.
 */
export async function replaceSynonymGroups(db: Database, actor: string, groups: string[][]): Promise<string[][]> {
  const normalised = normaliseSynonymGroups(groups);
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table search_synonym_groups in exclusive mode`);
    await tx.delete(searchSynonymGroups);
    if (normalised.length > 0) await tx.insert(searchSynonymGroups).values(normalised.map((terms) => ({ id: newId(), terms, createdBy: actor })));
    await logSettingsChange(tx);
    return normalised;
  });
}
