import { TextDecoder } from "node:util";
import { parse as parseCsvRecord } from "csv-parse/sync";

/**
 * Streaming CSV: text in chunks to records, one bad record at a time, with a cap on a record's
 * length; and bytes to text (UTF-8 or GBK). Used by the people import; imports no feature module.
 */

export interface CsvRecord {
  /** The spreadsheet row the record starts on (the header is row 1). */
  row: number;
  cells?: string[];
  error?: string;
}

// A quoted field may span lines, but not many: past this an unclosed quote is a broken row, and
// reading resumes on the next line instead of swallowing the rest of the file.
const MAX_LINES_PER_RECORD = 10;

/** The longest record read (characters, line breaks inside quotes included): `IMPORT_MAX_ROW_CHARS`. */
export const DEFAULT_MAX_RECORD_CHARS = 65_536;

/** The stable start of the reason a record over the cap is refused with. */
export const ROW_TOO_LONG = "row too long";

/**
 * Where a record stands in its quoting, fed piece by piece (a line may arrive in many chunks): each
 * character is looked at once, so a line costs time linear in its length however it is cut.
 */
class QuoteState {
  private atFieldStart: boolean;
  /** In a quoted field, the last character was a quote: a closing one unless the next is a quote too. */
  private quoteSeen = false;

  constructor(public quoted = false) {
    this.atFieldStart = !quoted;
  }

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (c === QUOTE) continue; // a doubled quote: still inside
        this.quoted = false;
      }
      if (this.quoted) {
        if (c === QUOTE) this.quoteSeen = true;
      } else if (c === QUOTE && this.atFieldStart) {
        this.quoted = true;
      } else {
        this.atFieldStart = c === COMMA;
      }
    }
  }

  /** A line ends: a quote just seen closes its field. */
  endLine(): void {
    if (this.quoteSeen) this.quoted = false;
    this.startLine(this.quoted);
  }

  /** The next line starts inside a quoted field or not. */
  startLine(quoted: boolean): void {
    this.quoted = quoted;
    this.quoteSeen = false;
    this.atFieldStart = !quoted;
  }
}
const QUOTE = 34;
const COMMA = 44;

/**
 * Splits CSV text (as it arrives, in chunks) into records, one bad record at a time: a record with
 * broken quoting is reported with its row and skipped; the rows after it are read as usual. A record
 * longer than `maxRecordChars` is refused as soon as it passes the cap (its text is dropped, never
 * parsed) and reading resumes after it. Time is linear in the text, whatever its lines' lengths.
 */
export async function* csvRecords(chunks: AsyncIterable<string>, opts: { maxRecordChars?: number } = {}): AsyncGenerator<CsvRecord> {
  const maxChars = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const state = new QuoteState();
  let line = 0;
  /** The record's complete lines, and their length joined with "\n". */
  let pending: string[] = [];
  let pendingChars = 0;
  let pendingStart = 0;
  /** The line being read, in pieces (never concatenated piece by piece). */
  let parts: string[] = [];
  let partsChars = 0;
  /** Over the cap: the record is being skipped to its end; its row, and lines skipped so far. */
  let skipping: { row: number; lines: number } | undefined;

  function* finish(lines: string[], start: number): Generator<CsvRecord> {
    const text = lines.join("\n");
    if (text.trim() === "") return;
    try {
      const parsed = parseCsvRecord(text, { relax_column_count: true }) as string[][];
      if (parsed.length !== 1) throw new Error("more than one record");
      yield { row: start, cells: parsed[0]! };
    } catch (error) {
      yield { row: start, error: `broken CSV quoting: ${(error as Error).message.replace(/^[^:]*: /, "").slice(0, 160)}` };
    }
  }

  /** A complete line of a record within the cap (also lines read again after an unclosed quote). */
  function* takeLine(text: string, quoted: boolean): Generator<CsvRecord> {
    line++;
    if (pending.length === 0) pendingStart = line;
    pending.push(text);
    pendingChars += text.length + (pending.length > 1 ? 1 : 0);
    if (!quoted) {
      yield* finish(pending, pendingStart);
      pending = [];
      pendingChars = 0;
    } else if (pending.length >= MAX_LINES_PER_RECORD) {
      yield* giveUpOnFirstLine();
    }
  }

  /** An open quote that never closes: the record's first line is reported, the others read again as records of their own. */
  function* giveUpOnFirstLine(): Generator<CsvRecord> {
    yield { row: pendingStart, error: "broken CSV quoting: a quote opened here is not closed" };
    const rest = pending.slice(1);
    pending = [];
    pendingChars = 0;
    line = pendingStart;
    for (const again of rest) {
      const s = new QuoteState(pending.length > 0);
      s.feed(again);
      s.endLine();
      yield* takeLine(again, s.quoted);
    }
  }

  /** Some text of the current line (no line break in it). */
  function piece(text: string): CsvRecord | undefined {
    if (text.length === 0) return undefined;
    state.feed(text);
    if (skipping) return undefined;
    parts.push(text);
    partsChars += text.length;
    const total = pendingChars + (pending.length > 0 ? 1 : 0) + partsChars;
    if (total <= maxChars) return undefined;
    // Over the cap: drop what was kept and skip to the record's end.
    const row = pending.length > 0 ? pendingStart : line + 1;
    skipping = { row, lines: pending.length };
    pending = [];
    pendingChars = 0;
    parts = [];
    partsChars = 0;
    return { row, error: `${ROW_TOO_LONG}: over ${maxChars} characters (IMPORT_MAX_ROW_CHARS); the row is skipped` };
  }

  function* endOfLine(): Generator<CsvRecord> {
    state.endLine();
    if (skipping) {
      line++;
      skipping.lines++;
      // The skipped record ends where its quotes close (or, unclosed, after as many lines as a record may span).
      if (!state.quoted || skipping.lines >= MAX_LINES_PER_RECORD) {
        skipping = undefined;
        state.startLine(false);
      }
      return;
    }
    let text = parts.length === 1 ? parts[0]! : parts.join("");
    parts = [];
    partsChars = 0;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    yield* takeLine(text, state.quoted);
    // Between lines, a record is open exactly when it is inside quotes (lines read again may have changed which).
    state.startLine(pending.length > 0);
  }

  let lineOpen = false;
  for await (const chunk of chunks) {
    let from = 0;
    let newline: number;
    while ((newline = chunk.indexOf("\n", from)) >= 0) {
      const refused = piece(chunk.slice(from, newline));
      if (refused) yield refused;
      yield* endOfLine();
      lineOpen = false;
      from = newline + 1;
    }
    if (from < chunk.length) {
      const refused = piece(chunk.slice(from));
      if (refused) yield refused;
      lineOpen = true;
    }
  }
  if (lineOpen) yield* endOfLine();
  // At the end of the file an open quote can close no more: report its first line, re-read the rest.
  while (pending.length > 0) yield* giveUpOnFirstLine();
}

export type CsvEncoding = "auto" | "utf-8" | "gbk";

/**
 * Bytes to text. `auto` reads the first 64 KiB: valid UTF-8 (with or without a BOM) is UTF-8,
 * anything else is taken as GBK (GB 18030), the usual encoding of Excel's CSV on Chinese Windows.
 */
export async function* decodeChunks(source: AsyncIterable<Uint8Array | string>, encoding: CsvEncoding, onEncoding?: (chosen: "utf-8" | "gbk") => void): AsyncGenerator<string> {
  if (encoding !== "auto") onEncoding?.(encoding);
  let decoder: TextDecoder | undefined = encoding === "auto" ? undefined : new TextDecoder(encoding === "gbk" ? "gb18030" : "utf-8");
  let head: Uint8Array[] = [];
  let headSize = 0;
  const chooseAndFlush = function* (): Generator<string> {
    const bytes = Buffer.concat(head);
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
      decoder = new TextDecoder("utf-8");
      onEncoding?.("utf-8");
    } catch {
      decoder = new TextDecoder("gb18030");
      onEncoding?.("gbk");
    }
    head = [];
    yield decoder.decode(bytes, { stream: true });
  };
  for await (const chunk of source) {
    if (typeof chunk === "string") {
      onEncoding?.("utf-8");
      yield chunk;
      continue;
    }
    if (!decoder) {
      head.push(chunk);
      headSize += chunk.length;
      if (headSize >= 65_536) yield* chooseAndFlush();
      continue;
    }
    yield decoder.decode(chunk, { stream: true });
  }
  if (!decoder && head.length > 0) yield* chooseAndFlush();
  if (decoder) {
    const tail = decoder.decode();
    if (tail) yield tail;
  }
}

