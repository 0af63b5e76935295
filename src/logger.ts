import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs. Personal data never reaches them: request bodies and variables are not logged, and
 * these paths are redacted as a second guard.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "jiuye-bangfu-api" },
    redact: {
      paths: ["req.headers.authorization", "req.headers['x-api-key']", "*.idNumber", "*.phone", "*.password", "*.apiKey", "*.token"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * `log.child(bindings)`, made when first used: a request's logger, which most requests (logging
 * below info) never write with — pino's child serializes its bindings through the redaction when
 * made, a few microseconds of every request. Reads as the child in every respect once used.
 */
export function lazyChild(log: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= log.child(bindings));
  return new Proxy(log, {
    get(_target, property) {
      const target = real();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set: (_target, property, value) => Reflect.set(real(), property, value),
    has: (_target, property) => Reflect.has(real(), property),
  });
}

/**
 * An error as it may be logged. drizzle's query errors carry the statement's parameters — names, ID
 * numbers, phones — so only the SQL text and the driver's code, constraint and table are kept.
 */
export function loggableError(error: unknown): unknown {
  if (error && typeof error === "object" && "query" in error && "params" in error) {
    const cause = (error as { cause?: { message?: string; code?: string; constraint?: string; table?: string } }).cause;
    return {
      type: "DrizzleQueryError",
      query: String((error as { query: unknown }).query).slice(0, 2000),
      cause: cause ? { message: cause.message, code: cause.code, constraint: cause.constraint, table: cause.table } : undefined,
      // Frames only: the message's own lines carry the query's parameters (personal data must not reach logs).
      stack: (error as unknown as Error).stack?.split("\n").filter((line) => /^\s+at /.test(line)).slice(0, 7).join("\n"),
    };
  }
  return error;
}

/**
 * An error's message as it may be shown, logged or stored: a query error's is its driver's message and
 * the start of its statement — never the message drizzle writes, which lists the parameters.
 */
export function loggableMessage(error: unknown): string {
  const safe = loggableError(error);
  if (safe !== error) {
    const { query, cause } = safe as { query: string; cause?: { message?: string } };
    return `${cause?.message ?? "the query failed"} (in: ${query.replace(/\s+/g, " ").slice(0, 120)})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * One start-up step as a progress line: what it did and how long it took — "database: opened PGlite
 * at .data/pglite (1.2 s)" — with `step` and `ms` as fields for whoever reads the JSON.
 */
export async function logStep<T>(log: Logger, step: string, work: () => Promise<T>, said: (result: T) => string): Promise<T> {
  const began = performance.now();
  const result = await work();
  const ms = Math.round(performance.now() - began);
  log.info({ step, ms }, `${step}: ${said(result)} (${(ms / 1000).toFixed(1)} s)`);
  return result;
}
