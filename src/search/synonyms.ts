import { segment } from "./segment.js";
/**
 * Synonym groups are data (the `search_synonym_groups` table, replaced by an admin): a search for any
 * word of a group finds the others. Both engines are given the same groups — Meilisearch as its
 * `synonyms` setting, the embedded engine by expanding the query.
 */

/** Each word's group, both ways, as Meilisearch's synonyms setting expects. */
export function synonymMap(groups: string[][]): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const group of groups) for (const word of group) map[word] = group.filter((w) => w !== word);
  return map;
}

/** Each word's synonyms, each segmented into the phrase a posting must hold every token of. */
export function segmentedSynonyms(groups: string[][]): Map<string, string[]> {
  return new Map(Object.entries(synonymMap(groups)).map(([word, group]) => [word, [...new Set(group.map((s) => segment(s).join(" ")).filter(Boolean))]]));
}
