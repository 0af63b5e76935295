import { ScopedStorage } from "./scoped-storage.js";

/**
 * The languages of what the server says to people: Chinese by default (the users are Fujian's
 * officials, employers and seekers), English when the client asks for it first (`Accept-Language:
 * en`). Codes, fields and every other part of an answer are the same in both.
 *
 * A small typed catalogue rather than i18next: each message is written once, where it is raised,
 * in both languages (`msg(zh, en)`), with its values interpolated by TypeScript itself — the
 * compiler then finds a message missing its other half, and there are no keys to keep in step.
 */
export type Language = "zh" | "en";

export interface Message {
  readonly zh: string;
  readonly en: string;
}

export const msg = (zh: string, en: string): Message => ({ zh, en });

export function isMessage(value: unknown): value is Message {
  return typeof value === "object" && value !== null && typeof (value as Message).zh === "string" && typeof (value as Message).en === "string";
}

/**
 * The language for an `Accept-Language` header (RFC 9110 §12.5.4): the supported language with the
 * highest weight, ties to the one listed first; `*` weighs every language the header does not name;
 * q=0 refuses a language. Chinese when the header names neither (or is absent), English when it
 * names none with a weight but refuses Chinese.
 */
export function negotiateLanguage(header: string | string[] | undefined): Language {
  // No header (most API clients send none): Chinese, as the rules below answer for an empty one.
  if (header === undefined) return "zh";
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  const named = new Map<Language, { q: number; at: number }>();
  let star: { q: number; at: number } | undefined;
  value
    .split(",")
    .slice(0, 20)
    .forEach((part, at) => {
      const [range = "", ...params] = part.trim().split(";");
      const tag = range.trim().toLowerCase();
      const lang: Language | undefined = tag === "en" || tag.startsWith("en-") ? "en" : tag === "zh" || tag.startsWith("zh-") ? "zh" : undefined;
      if (!lang && tag !== "*") return;
      const qParam = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith("q="));
      // A weight is 0–1 with up to three decimals (RFC 9110 §12.4.2); a range with any other is ignored.
      if (qParam !== undefined && !/^[qQ]=(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(qParam)) return;
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      if (!lang) star ??= { q, at };
      else {
        const seen = named.get(lang);
        named.set(lang, { q: Math.max(q, seen?.q ?? 0), at: seen?.at ?? at });
      }
    });
  const weightOf = (lang: Language) => named.get(lang) ?? star;
  const wanted = (["zh", "en"] as const)
    .map((lang) => ({ lang, weight: weightOf(lang) }))
    .filter((c) => c.weight && c.weight.q > 0)
    .sort((a, b) => b.weight!.q - a.weight!.q || a.weight!.at - b.weight!.at);
  if (wanted[0]) return wanted[0].lang;
  return weightOf("zh")?.q === 0 && weightOf("en")?.q !== 0 ? "en" : "zh";
}

/** What the server says when nothing else is asked for. */
const DEFAULT_LANGUAGE: Language = "zh";

const storage = new ScopedStorage<Language>();

/**
 * Runs `work` with `language` as the one the server answers in (a request, a WebSocket connection).
 * The default language needs no store (no store reads as Chinese): most requests ask for it, and a
 * store costs every promise of the process an async hook while it is held (see ScopedStorage).
 */
export function withLanguage<T>(language: Language, work: () => T): T {
  if (language === DEFAULT_LANGUAGE && storage.getStore() === undefined) return work();
  return storage.run(language, work);
}

export function currentLanguage(): Language {
  return storage.getStore() ?? DEFAULT_LANGUAGE;
}

/**
 * Text already worded in the current language elsewhere (a class-validator message, made while the
 * request was validated; a reason stored in one language), carried as a Message as it is.
 */
export const said = (text: string): Message => ({ zh: text, en: text });

/** A message in the current language; a plain string (graphql-js's own wording) as it is. */
export function say(message: Message | string, language: Language = currentLanguage()): string {
  return typeof message === "string" ? message : message[language];
}

/**
 * class-validator's own messages (Min, Max, ArrayMaxSize, MaxLength, IsIn, Matches) are English; in
 * Chinese they are said by this table. Our own validators word theirs already (graphql/validators.ts).
 */
const VALIDATOR_ZH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^(\S+) must not be less than (.+)$/, (m) => `${m[1]} 不能小于 ${m[2]}`],
  [/^(\S+) must not be greater than (.+)$/, (m) => `${m[1]} 不能大于 ${m[2]}`],
  [/^(\S+) must contain no more than (\d+) elements$/, (m) => `${m[1]} 最多包含 ${m[2]} 项`],
  [/^(\S+) must contain at least (\d+) elements$/, (m) => `${m[1]} 至少包含 ${m[2]} 项`],
  [/^(\S+) must be shorter than or equal to (\d+) characters$/, (m) => `${m[1]} 最多 ${m[2]} 个字符`],
  [/^(\S+) must be longer than or equal to (\d+) characters$/, (m) => `${m[1]} 至少 ${m[2]} 个字符`],
  [/^(\S+) must be one of the following values: (.*)$/, (m) => `${m[1]} 须为以下值之一：${m[2]}`],
  [/^(\S+) must match (.+) regular expression$/, (m) => `${m[1]} 须符合格式 ${m[2]}`],
];

export function validatorMessage(english: string): Message {
  for (const [pattern, zh] of VALIDATOR_ZH) {
    const m = pattern.exec(english);
    if (m) return msg(zh(m), english);
  }
  return said(english);
}
