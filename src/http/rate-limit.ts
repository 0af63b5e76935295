import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { identityOf, type Viewer } from "../auth/viewer.js";
import type { Config } from "../config.js";
import { ERRORS } from "../errors.js";
import type { Logger } from "../logger.js";
import { msg, say } from "../i18n.js";

/**
 * Who a limit counts against: a caller by their whole identity (`identityOf`: role, sub, region,
 * institution, employer, person; a partner key), or — for the public — the client's address
 * (`clientAddress`: X-Forwarded-For only from a trusted proxy).
 */
export function rateKey(viewer: Viewer, address: string | undefined): string {
  return viewer.kind === "anonymous" ? `addr:${address ?? "unknown"}` : identityOf(viewer);
}

/** Which limit refused: said in the error's `extensions.rateLimit`, and by name in the RateLimit header. */
export type LimitName = "requests" | "cost";

const SAID: Record<LimitName, { zh: string; unit: string; en: string }> = {
  requests: { zh: "请求", unit: " 次", en: "requests" },
  cost: { zh: "查询开销", unit: "", en: "query cost" },
};

/**
 * 429 RATE_LIMITED with Retry-After (whole seconds) and the refusing limit spent in the RateLimit
 * header, as Apollo sends an error's `http` extension.
 */
export function rateLimited(what: LimitName, limit: number, retryAfterMs: number): GraphQLError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const said = SAID[what];
  return new GraphQLError(say(msg(`${said.zh}过多：每分钟最多 ${limit}${said.unit}，请 ${seconds} 秒后再试`, `Too many ${said.en}: at most ${limit} a minute. Try again in ${seconds} s`)), {
    extensions: { code: "RATE_LIMITED", rateLimit: what, retryAfter: seconds, limit, http: { status: ERRORS.RATE_LIMITED.http, headers: new HeaderMap([["retry-after", String(seconds)], ["ratelimit", `"${what}";r=0;t=${seconds}`]]) } },
  });
}

/**
 * Requests and operation cost per caller per minute. With REDIS_URL the counts live in Redis
 * (atomic, shared by every server process); if Redis fails, each process counts in memory until it
 * is back (rate-limiter-flexible's insurance limiter) rather than refusing everyone. Without it
 * (the embedded mode), in this process's memory.
 */
/** What is left of a limit in its window (for the RateLimit header). */
export interface QuotaState {
  remaining: number;
  resetSeconds: number;
}

export class RateLimiter {
  private readonly requests: RateLimiterAbstract | null;
  private readonly cost: RateLimiterAbstract | null;
  private readonly redis: Redis | undefined;

  constructor(
    private readonly limits: Config["rateLimits"],
    log: Logger,
  ) {
    // The prefix keeps separate deployments (and test runs) apart in one Redis.
    const prefix = limits.keyPrefix;
    if (limits.redisUrl && (limits.requestsPerMinute > 0 || limits.costPerMinute > 0)) {
      this.redis = new Redis(limits.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      // ioredis reports every reconnect attempt: said once a minute at most.
      let lastSaid = 0;
      this.redis.on("error", (err: Error) => {
        if (Date.now() - lastSaid < 60_000) return;
        lastSaid = Date.now();
        log.warn({ err: { message: err.message } }, "rate-limit store unavailable; counting in memory meanwhile");
      });
    }
    const make = (name: string, points: number): RateLimiterAbstract | null => {
      if (points <= 0) return null;
      const memory = new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration: 60 });
      return this.redis ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${prefix}:${name}`, points, duration: 60, insuranceLimiter: memory, rejectIfRedisNotReady: true }) : memory;
    };
    this.requests = make("requests", limits.requestsPerMinute);
    this.cost = make("cost", limits.costPerMinute);
  }

  /** Counts one request against `key`; a GraphQLError (429) when over. */
  async request(key: string, seen?: (state: QuotaState) => void): Promise<GraphQLError | null> {
    return this.take(this.requests, key, 1, "requests", this.limits.requestsPerMinute, seen);
  }

  /**
   * The IETF RateLimit-Policy header for the limits in force (draft-ietf-httpapi-ratelimit-headers):
   * requests and cost per 60-second window; null when neither is limited.
   */
  policyHeader(): string | null {
    const parts = [
      ...(this.requests ? [`"requests";q=${this.limits.requestsPerMinute};w=60`] : []),
      ...(this.cost ? [`"cost";q=${this.limits.costPerMinute};w=60`] : []),
    ];
    return parts.length > 0 ? parts.join(", ") : null;
  }

  /** Counts an operation's cost against `key`; a GraphQLError (429) when over. */
  async spend(key: string, cost: number): Promise<GraphQLError | null> {
    return this.take(this.cost, key, Math.max(0, Math.ceil(cost)), "cost", this.limits.costPerMinute);
  }

  /**
   * A 429 when `key` has spent its cost budget for this minute already, without charging: asked
   * before a document is parsed and validated, which a document failing validation is charged for
   * only afterwards.
   */
  async costSpent(key: string): Promise<GraphQLError | null> {
    if (!this.cost) return null;
    const state = await this.cost.get(key);
    if (state && state.consumedPoints >= this.limits.costPerMinute) return rateLimited("cost", this.limits.costPerMinute, state.msBeforeNext);
    return null;
  }

  private async take(limiter: RateLimiterAbstract | null, key: string, points: number, what: LimitName, limit: number, seen?: (state: QuotaState) => void): Promise<GraphQLError | null> {
    if (!limiter || points === 0) return null;
    try {
      const res = await limiter.consume(key, points);
      seen?.({ remaining: Math.max(0, res.remainingPoints), resetSeconds: Math.ceil(res.msBeforeNext / 1000) });
      return null;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) {
        seen?.({ remaining: 0, resetSeconds: Math.ceil(refusal.msBeforeNext / 1000) });
        return rateLimited(what, limit, refusal.msBeforeNext);
      }
      throw refusal;
    }
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}
