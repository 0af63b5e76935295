/** Repairs for the export's garbled text: ~40 rows where a multi-byte character was cut. */

/** U+FFFD: the export has ~40 rows where a multi-byte character was cut and decoded as "�". */
const REPLACEMENT_CHAR = "\uFFFD";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Matcher for a garbled string: each run of n "�" stands for 1..n lost characters
 * (a cut 3-byte UTF-8 character decodes to one or more replacement characters).
 * Returns null when the text is not garbled.
 */
function garbledMatcher(text: string): RegExp | null {
  if (!text.includes(REPLACEMENT_CHAR)) return null;
  const source = text
    .split(/(\uFFFD+)/)
    .map((part) => (part.startsWith(REPLACEMENT_CHAR) ? `[^]{1,${part.length}}` : escapeRegExp(part)))
    .join("");
  return new RegExp(`^${source}$`);
}

/** True when `tag` is `expected`, allowing "�" in `tag` to stand for lost characters. */
export function sameModuloGarbling(tag: string, expected: string): boolean {
  if (expected === "") return false;
  if (tag === expected) return true;
  const matcher = garbledMatcher(tag);
  return matcher !== null && matcher.test(expected);
}

/** Repairs a garbled word when exactly one vocabulary entry fits it; otherwise null. */
export function repairFromVocabulary(tag: string, vocabulary: readonly string[]): string | null {
  const matcher = garbledMatcher(tag);
  if (matcher === null) return tag;
  const fits = vocabulary.filter((word) => matcher.test(word));
  return fits.length === 1 ? (fits[0] ?? null) : null;
}
