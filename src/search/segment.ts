import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

// jieba-rs through its native binding (napi-rs): the same dictionary and cuts as jieba-rs compiled to
// WebAssembly, at a third of the time — most of which was spent copying strings across the wasm boundary.
const jieba = Jieba.withDict(dict);

/**
 * Chinese text to search tokens, the same way for documents and queries (a mismatch between the
 * two is what made "软件测试" miss in the first measurement). jieba's `cut_for_search` also emits the
 * words inside compounds — "农业" inside "农业发展银行" — which plain `cut` (and so Meilisearch's own
 * tokenizer, meilisearch#4935) does not. Latin words are kept whole and lower-cased.
 */
export function segment(text: string, granularity: "parts" | "whole" = "parts"): string[] {
  const tokens: string[] = [];
  const normal = text.normalize("NFKC");
  for (const raw of granularity === "parts" ? jieba.cutForSearch(normal, true) : jieba.cut(normal, true)) {
    const token = searchToken(raw);
    if (token !== null) tokens.push(token);
  }
  return tokens;
}

/** A word of jieba's as a search token: trimmed and lower-cased; null for punctuation and single Latin letters, which carry no meaning for search. */
function searchToken(raw: string): string | null {
  let token = tokenOf.get(raw);
  if (token === undefined) {
    token = searchTokenOf(raw);
    // A posting's words come from a vocabulary of some tens of thousands: each is worked out once.
    if (tokenOf.size >= 200_000) tokenOf.clear();
    tokenOf.set(raw, token);
  }
  return token;
}
const tokenOf = new Map<string, string | null>();

function searchTokenOf(raw: string): string | null {
  const token = raw.trim().toLowerCase();
  if (token.length === 0 || /^[\p{P}\p{S}\s]+$/u.test(token) || /^[a-z]$/.test(token)) return null;
  return token;
}

/**
 * A posting's tokens: `cut_for_search`'s, and every dictionary word of two characters or more inside
 * them (`cut_all`) that starts and ends where a `cut_for_search` token does — so that a whole word a
 * search-box query is cut into is found inside a longer one (`cut_for_search` adds only the 2- and
 * 3-character words inside a compound: 人力资源 inside 人力资源管理专员, 软件工程 inside 软件工程师
 * would be found by no query), while a word straddling two others is not (招聘会 in 招聘会计师, 市长
 * in 南京市长江大桥). A query word jieba invents from its model rather than its dictionary (仓管) is
 * still found only where the posting has it whole.
 */
export function documentTokens(text: string): string[] {
  const normal = text.normalize("NFKC");
  // cut_for_search is `cut` (a partition of the text, in order) with, before each word, the dictionary
  // words of 2 and 3 characters inside it: where each starts and ends follows from the partition.
  const words = jieba.cut(normal, true);
  const search = jieba.cutForSearch(normal, true);
  const tokens: string[] = [];
  const bounds = new Set<number>();
  let at = 0;
  let next = 0;
  for (const raw of search) {
    const token = searchToken(raw);
    if (token !== null) tokens.push(token);
    const word = words[next];
    if (raw === word) {
      bounds.add(at);
      at += word.length;
      bounds.add(at);
      next++;
    } else if (word !== undefined) {
      // A word inside the next partition word: every place it is there (jieba emits each).
      for (let i = word.indexOf(raw); i >= 0; i = word.indexOf(raw, i + 1)) {
        bounds.add(at + i);
        bounds.add(at + i + raw.length);
      }
    }
  }
  // cut_all gives every dictionary word at each place in turn (by where it starts): each is looked for
  // from where the one before it started, not from the text's start.
  // A word found at any of its places counts in the place of its first (the order a phrase-aware engine reads).
  const held = new Set(tokens);
  let from = 0;
  const all = jieba.cutAll(normal);
  const found: string[] = [];
  // A word is given once at each place: the next of its places is after its last (in a run of one
  // character, 哈哈 at 0 and at 1, each is looked for past the one before).
  const lastAt = new Map<string, number>();
  for (const raw of all) {
    const i = normal.indexOf(raw, Math.max(from, (lastAt.get(raw) ?? -1) + 1));
    if (i < 0) continue;
    lastAt.set(raw, i);
    from = i;
    if (raw.length < 2 || !bounds.has(i) || !bounds.has(i + raw.length) || [...raw].length < 2 || /^[\p{P}\p{S}\s]+$/u.test(raw)) continue;
    const token = raw.trim().toLowerCase();
    if (!held.has(token)) found.push(raw);
  }
  if (found.length > 1) found.sort((a, b) => all.indexOf(a) - all.indexOf(b));
  for (const raw of found) held.add(raw.trim().toLowerCase());
  return [...held];
}

/**
 * Distinct document tokens joined by spaces: the pre-segmented field a whitespace tokenizer
 * (Meilisearch's, FlexSearch's) reads as is. Each token once: an engine that re-segments a token
 * cannot double it.
 */
export function segmentedText(text: string): string {
  return documentTokens(text).join(" ");
}

/** Meilisearch reads at most 10 words of a query (its `words_limit`); both engines keep the same 10. */
export const MAX_QUERY_WORDS = 10;

/**
 * A query's words: its distinct tokens, and past MAX_QUERY_WORDS the most telling of them — the
 * longest (a longer word is rarer: 软件工程 says more than 工程), the earlier on a tie — in their
 * order. Matching joins a person's words into one query, so this is where they are chosen, the
 * same for both engines.
 *
 * With ALL words (the search box) the words are whole (jieba's `cut`: 程序员, not also 程序), each
 * of which a posting's text holds when it holds the same words — its tokens are cut finer and hold
 * every dictionary word inside it (`documentTokens`: indexing fine, searching whole, the
 * ik_max_word/ik_smart practice). Requiring
 * the parts as well would make a synonym of the whole word useless (程序员 → 开发工程师 holds no 程序).
 * With ANY word (matching) the parts count too: a posting holding 财务 shares something with 财务管理.
 */
export function queryTokens(text: string, words: "ALL" | "ANY" = "ALL"): string[] {
  const tokens = [...new Set(segment(text, words === "ALL" ? "whole" : "parts"))];
  if (tokens.length <= MAX_QUERY_WORDS) return tokens;
  const kept = new Set(
    tokens
      .map((token, i) => ({ i, length: [...token].length }))
      .sort((a, b) => b.length - a.length || a.i - b.i)
      .slice(0, MAX_QUERY_WORDS)
      .map((t) => t.i),
  );
  return tokens.filter((_, i) => kept.has(i));
}
