import { cut_for_search } from "jieba-wasm";

/**
 * Chinese text to search tokens, the same way for documents and queries (a mismatch between the
 * two is what made "软件测试" miss in the first measurement). jieba's `cut_for_search` also emits the
 * words inside compounds — "农业" inside "农业发展银行" — which plain `cut` (and so Meilisearch's own
 * tokenizer, meilisearch#4935) does not. Latin words are kept whole and lower-cased.
 */
export function segment(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of cut_for_search(text.normalize("NFKC"), true)) {
    const token = raw.trim().toLowerCase();
    // Punctuation and single Latin letters carry no meaning for search.
    if (token.length === 0 || /^[\p{P}\p{S}\s]+$/u.test(token) || /^[a-z]$/.test(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

/** Tokens joined by spaces: the pre-segmented field a whitespace tokenizer (Meilisearch's, FlexSearch's) reads as is. */
export function segmentedText(text: string): string {
  return segment(text).join(" ");
}
