import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs. Personal data never reaches them: request bodies and variables are not logged, and
 * these paths are redacted as a second guard.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "jiuye-bangfu-api" },
    redact: {
      paths: ["req.headers.authorization", "req.headers['x-api-key']", "*.idNumber", "*.phone", "*.password", "*.apiKey", "*.token"],
      censor: "[redacted]",
    },
  });
}
