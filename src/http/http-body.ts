import type { IncomingMessage } from "node:http";
import { ERRORS, type ErrorCode } from "../errors.js";

import { msg, type Message } from "../i18n.js";

/** A request refused before GraphQL: its code (and so its status) from ERRORS, or BAD_REQUEST with a status of its own (405, 415). */
export class HttpError extends Error {
  /** What the caller is told, in their language (Error.message, for logs, is the English). */
  readonly text: Message | string;
  constructor(
    readonly code: ErrorCode,
    message: Message,
    readonly status: number = ERRORS[code].http,
  ) {
    super(typeof message === "string" ? message : message.en);
    this.text = message;
  }
}

/** The client went away before its request was read whole: nothing to answer, and no fault of ours. */
export class ClientGone extends Error {
  constructor() {
    super("the client closed the connection before its request was read");
  }
}

/** How far past the limit an oversized body is still read (and dropped) so its 413 reaches the client. */
const DISCARD_FACTOR = 4;

const timedOut = (ms: number) => new HttpError("REQUEST_TIMEOUT", msg(`请求正文未在 ${ms} 毫秒内到达`, `The request body did not arrive within ${ms} ms`));

/**
 * A body of at most `max` bytes, read whole within `timeoutMs` (HTTP_BODY_TIMEOUT_MS): 413 past the
 * size (once the body has ended, or at once far past it), 408 past the time (the caller closes the
 * connection), ClientGone if the client leaves.
 */
export function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("aborted", onGone).off("error", onGone).off("close", onClose);
      // Whatever else comes is not read (the connection is closed after the answer).
      if (!req.complete) req.pause();
      outcome();
    };
    const tooLarge = () => new HttpError("PAYLOAD_TOO_LARGE", msg(`请求正文超过 ${max} 字节`, `Request body over ${max} bytes`));
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Past the size, the rest is read and dropped (up to DISCARD_FACTOR × max) before the 413, so the
      // client, still sending, gets the answer instead of a reset; beyond that, answered at once.
      if (size > max * DISCARD_FACTOR) settle(() => reject(tooLarge()));
      else if (size <= max) chunks.push(chunk);
      else chunks.length = 0;
    };
    const onEnd = () => settle(() => (size > max ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString("utf8"))));
    const onGone = () => settle(() => reject(new ClientGone()));
    const onClose = () => {
      if (!req.complete) onGone();
    };
    const timer = setTimeout(() => settle(() => reject(timedOut(timeoutMs))), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("aborted", onGone).on("error", onGone).on("close", onClose);
  });
}

/**
 * Passes chunks through until `max` bytes (413), as long as each arrives within `idleMs` of the one
 * before (408): an upload may take minutes, but may not stall.
 */
export async function* limitBytes(req: IncomingMessage, max: number, idleMs: number): AsyncGenerator<Buffer> {
  const chunks = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let size = 0;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timedOut(idleMs)), idleMs)));
    let next: IteratorResult<Buffer>;
    try {
      next = await Promise.race([chunks.next(), stalled]);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (req.destroyed || (error as { code?: string }).code === "ECONNRESET") throw new ClientGone();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (next.done) return;
    size += next.value.length;
    if (size > max) throw new HttpError("PAYLOAD_TOO_LARGE", msg(`文件超过 ${max} 字节`, `The file is over ${max} bytes`));
    yield next.value;
  }
}

/** A client that went away mid-request (an abort, a reset): logged as such, without a stack. */
export function isClientGone(error: unknown, req: IncomingMessage): boolean {
  if (error instanceof ClientGone) return true;
  const code = (error as { code?: string } | undefined)?.code;
  return (req.destroyed && !req.complete) || code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || (error instanceof Error && error.message === "aborted");
}
