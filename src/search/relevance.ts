import { SYNONYM_UNITS, WORD_UNITS } from "./embedded-relevance.js";

/**
 * A hit's relevance, the same number whichever engine found it: the share of the query's words the
 * posting holds — a word 1, a synonym of it 0.6 (every token of the synonym) — in [0, 1]. The
 * embedded engine computes it on its bitsets; for Meilisearch (whose `_rankingScore` is on a scale
 * of its own) it is computed here from the hit's indexed text, so the ranker's text weight means
 * the same with either engine. A query without words scores every hit 1.
 */
export function shareOfWords(tokens: readonly string[], synonyms: ReadonlyMap<string, string[]>, documentTokens: ReadonlySet<string>): number {
  if (tokens.length === 0) return 1;
  let units = 0;
  for (const token of tokens) {
    if (documentTokens.has(token)) units += WORD_UNITS;
    else if ((synonyms.get(token) ?? []).some((phrase) => phrase.split(" ").every((t) => documentTokens.has(t)))) units += SYNONYM_UNITS;
  }
  return Math.min(1, units / (WORD_UNITS * tokens.length));
}
